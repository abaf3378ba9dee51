using System.Net;
using System.Text;
using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>
/// Record over HTTP, then report over HTTP: the figures a förbund publishes, exact, reproducible and
/// explainable; national output with small counts suppressed; Swedish CSV.
/// </summary>
public sealed class StatisticsHttpTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly (string Reason, string Support, string Occupation, string Gender)[] RealReportExits =
    [
        ("arbete_osubventionerat", "salary", "working", "woman"),
        ("arbete_subventionerat", "salary", "working", "man"),
        ("eget_foretag", "none", "working", "woman"),
        ("studier", "other", "studying", "woman"),
        ("studier", "other", "studying", "man"),
        ("folkhogskola", "other", "studying", "woman"),
        ("aterremiss_af", "unemployment_benefit", "job_seeking", "man"),
        ("aterremiss_af", "unemployment_benefit", "job_seeking", "woman"),
        ("aterremiss_af", "unemployment_benefit", "job_seeking", "man"),
        ("flyttat", "social_assistance", "none", "woman"),
    ];

    /// <summary>The worked example of a real report: 10 exits in a half year — 3 to work, 3 to studies, 3 returned to AF, 1 moved away.</summary>
    private async Task<(Scenario S, long LastPosition)> RealReportAsync()
    {
        var s = await Scenario.CreateAsync(factory);
        long last = 0;
        for (var i = 0; i < RealReportExits.Length; i++)
        {
            var (reason, support, occupation, gender) = RealReportExits[i];
            var id = await s.EnrolAsync(birthYear: 1980 + i, enrolledOn: $"2024-01-{10 + i}", gender: gender);
            var exit = await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit",
                new { exitedOn = $"2024-05-{10 + i}", reasonCode = reason, meansOfSupportAtExit = support, occupationAtExit = occupation });
            last = exit.GetProperty("logPosition").GetInt64();
        }

        return (s, last);
    }

    private static string ReportUrl(Scenario s, string period, long waitFor, string extra = "") =>
        $"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period={period}&waitForPosition={waitFor}{extra}";

    [Fact]
    public async Task ten_exits_three_to_work_three_to_studies_three_to_af_and_one_moved_is_sixty_percent_to_work_or_studies()
    {
        var (s, last) = await RealReportAsync();
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);

        var report = await analyst.GetOkAsync(ReportUrl(s, "2024-H1", last));

        var exits = report.GetProperty("exits");
        var share = exits.GetProperty("workOrStudies").GetProperty("total");
        Assert.Equal(6, share.GetProperty("numerator").GetInt32());
        Assert.Equal(10, share.GetProperty("denominator").GetInt32());
        Assert.Equal(60.0m, share.GetProperty("value").GetDecimal());
        Assert.Equal(10, exits.GetProperty("total").GetProperty("total").GetInt32());
        var categories = exits.GetProperty("byCategory").EnumerateArray().ToDictionary(c => c.GetProperty("key").GetString()!, c => c.GetProperty("total").GetInt32());
        Assert.Equal(new Dictionary<string, int> { ["work"] = 3, ["studies"] = 3, ["returned"] = 3, ["other"] = 1 }, categories);
        var byGender = exits.GetProperty("total").GetProperty("byGender");
        Assert.Equal(6, byGender.GetProperty("woman").GetInt32());
        Assert.Equal(4, byGender.GetProperty("man").GetInt32());
        // women: work 2 (osubv., eget), studies 2 → 4 of 6; men: work 1, studies 1 → 2 of 4
        Assert.Equal(4, exits.GetProperty("workOrStudies").GetProperty("woman").GetProperty("numerator").GetInt32());
        Assert.Equal(2, exits.GetProperty("workOrStudies").GetProperty("man").GetProperty("numerator").GetInt32());
        Assert.Equal(JsonValueKind.Null, exits.GetProperty("workOrStudies").GetProperty("nonBinary").GetProperty("value").ValueKind);
        Assert.Equal(last, report.GetProperty("basis").GetProperty("position").GetInt64());
        Assert.Equal(10, report.GetProperty("participants").GetProperty("new").GetProperty("total").GetInt32());
        Assert.Equal(0, report.GetProperty("participants").GetProperty("activeAtEnd").GetProperty("total").GetInt32());
    }

    [Fact]
    public async Task a_late_registration_changes_a_frozen_report_and_the_comparison_names_the_event()
    {
        var (s, last) = await RealReportAsync();
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        await analyst.GetOkAsync(ReportUrl(s, "2024-H1", last));
        var frozen = await analyst.PostOkAsync("/api/statistics/frozen", new { name = "Delårsrapport 2024 H1 (styrelsen)", scope = "forbund", forbundId = s.ForbundId, period = "2024-H1" });
        var frozenId = frozen.GetProperty("frozenId").GetString();
        var frozenPosition = frozen.GetProperty("position").GetInt64();

        // registered late: an exit to studies on 2024-06-20, recorded after the board approved the report
        var late = await s.EnrolAsync(birthYear: 1999, enrolledOn: "2024-02-01");
        var exit = await s.CaseWorker.PostOkAsync($"/api/participations/{late}/exit",
            new { exitedOn = "2024-06-20", reasonCode = "studier", meansOfSupportAtExit = "other", occupationAtExit = "studying" });
        await analyst.GetOkAsync(ReportUrl(s, "2024-H1", exit.GetProperty("logPosition").GetInt64()));

        var comparison = await analyst.GetOkAsync($"/api/statistics/frozen/{frozenId}/comparison");

        var changes = comparison.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("figure").GetString()!, c => c);
        var numerator = changes["exits.workOrStudies.total.numerator"];
        Assert.Equal(6m, numerator.GetProperty("frozen").GetDecimal());
        Assert.Equal(7m, numerator.GetProperty("current").GetDecimal());
        Assert.Equal(1m, numerator.GetProperty("difference").GetDecimal());
        Assert.Equal(63.6m, changes["exits.workOrStudies.total.value"].GetProperty("current").GetDecimal());
        Assert.Equal(11m, changes["exits.total.total"].GetProperty("current").GetDecimal());
        var causes = comparison.GetProperty("causes").EnumerateArray().ToArray();
        Assert.Equal(["participation.enrolled.v2", "participation.exited.v1"], causes.Select(c => c.GetProperty("eventType").GetString()));
        Assert.Equal("2024-06-20", causes[1].GetProperty("on").GetString());
        Assert.All(causes, c => Assert.True(c.GetProperty("position").GetInt64() > frozenPosition));
        Assert.DoesNotContain(late, comparison.GetRawText(), StringComparison.Ordinal);

        // as of the frozen position, today's service gives the frozen figures again
        var asOf = await analyst.GetOkAsync(ReportUrl(s, "2024-H1", 0, $"&asOfPosition={frozenPosition}"));
        Assert.Equal(6, asOf.GetProperty("exits").GetProperty("workOrStudies").GetProperty("total").GetProperty("numerator").GetInt32());
        Assert.Equal(frozenPosition, asOf.GetProperty("basis").GetProperty("position").GetInt64());
    }

    [Fact]
    public async Task csv_opens_in_swedish_excel_with_bom_semicolons_decimal_comma_and_swedish_headings()
    {
        var (s, last) = await RealReportAsync();
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);

        var response = await analyst.GetAsync(ReportUrl(s, "2024-H1", last, "&format=csv"));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var text = Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        Assert.StartsWith("Område;Mått;Grupp;Värde\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Avslut;Andel till arbete/studier / Totalt / Andel (%);;60,0\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Avslut;Andel till arbete/studier / Totalt / Täljare;;6\r\n", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task national_output_suppresses_small_counts_and_their_complements_while_the_forbund_sees_exact_figures()
    {
        var (s, last) = await RealReportAsync();
        var national = ApiClient.As(factory, Roles.NationalReader, "*");

        var report = await national.GetOkAsync(ReportUrl(s, "2024-H1", last));

        Assert.Equal(3, report.GetProperty("basis").GetProperty("disclosureControl").GetProperty("threshold").GetInt32());
        var exits = report.GetProperty("exits");
        // 10 exits: 6 women, 4 men — both at or above 3, shown
        Assert.Equal(6, exits.GetProperty("total").GetProperty("byGender").GetProperty("woman").GetInt32());
        Assert.Equal(4, exits.GetProperty("total").GetProperty("byGender").GetProperty("man").GetInt32());
        // the category "other" has 1 exit: hidden, and so is the rest of its row
        var other = exits.GetProperty("byCategory").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "other");
        Assert.Equal(JsonValueKind.Null, other.GetProperty("total").ValueKind);
        // work: 3 exits, 2 women and 1 man: the man is hidden, and the woman too, or she would give him away
        var work = exits.GetProperty("byCategory").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "work");
        Assert.Equal(3, work.GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, work.GetProperty("byGender").GetProperty("man").ValueKind);
        Assert.Equal(JsonValueKind.Null, work.GetProperty("byGender").GetProperty("woman").ValueKind);
        Assert.Equal(0, work.GetProperty("byGender").GetProperty("nonBinary").GetInt32());

        var own = await ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId).GetOkAsync(ReportUrl(s, "2024-H1", last));
        var ownWork = own.GetProperty("exits").GetProperty("byCategory").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "work");
        Assert.Equal(1, ownWork.GetProperty("byGender").GetProperty("man").GetInt32());
        Assert.Equal(JsonValueKind.Null, own.GetProperty("basis").GetProperty("disclosureControl").ValueKind);
    }

    [Fact]
    public async Task statistics_of_another_forbund_are_refused_and_a_bad_period_is_a_field_error()
    {
        var (s, last) = await RealReportAsync();
        var foreign = ApiClient.As(factory, Roles.ForbundAnalyst, "another-forbund");
        var caseWorker = s.CaseWorker;

        await ApiClient.ProblemAsync(await foreign.GetAsync(ReportUrl(s, "2024-H1", last)), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await caseWorker.GetAsync(ReportUrl(s, "2024-H1", last)), HttpStatusCode.Forbidden, "forbidden");
        var bad = await ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId).GetAsync(ReportUrl(s, "2024-Q5", last));
        var problem = await ApiClient.ProblemAsync(bad, HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("period", out _));
    }
}

/// <summary>Rebuilding the statistics while the service runs gives the same report, figure for figure.</summary>
public sealed class StatisticsRebuildHttpTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task a_rebuild_requested_over_http_replays_the_log_into_identical_reports()
    {
        var s = await Scenario.CreateAsync(factory);
        long last = 0;
        for (var i = 0; i < 6; i++)
        {
            var id = await s.EnrolAsync(birthYear: 1970 + i, enrolledOn: $"2024-03-0{i + 1}", gender: i % 2 == 0 ? "woman" : "man");
            var activity = await s.CaseWorker.PostOkAsync($"/api/participations/{id}/activities", new { kind = "work_training", on = $"2024-03-1{i}", durationMinutes = 120 });
            last = activity.GetProperty("logPosition").GetInt64();
            if (i < 4)
            {
                var exit = await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit",
                    new { exitedOn = $"2024-07-0{i + 1}", reasonCode = i < 2 ? "studier" : "ohalsa", meansOfSupportAtExit = "other", occupationAtExit = i < 2 ? "studying" : "none" });
                last = exit.GetProperty("logPosition").GetInt64();
            }
        }

        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        var url = $"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2024&waitForPosition={last}";
        var before = await analyst.GetOkAsync(url);

        var rebuild = await s.National.PostAsync("/api/operations/projections/statistics/rebuild", null);
        Assert.Equal(HttpStatusCode.Accepted, rebuild.StatusCode);
        var after = await analyst.GetOkAsync(url);

        Assert.Equal(Figures(before), Figures(after));
        Assert.Equal(2, after.GetProperty("exits").GetProperty("workOrStudies").GetProperty("total").GetProperty("numerator").GetInt32());
        await ApiClient.ProblemAsync(await analyst.PostAsync("/api/operations/projections/statistics/rebuild", null), HttpStatusCode.Forbidden, "forbidden");
    }

    /// <summary>The report without the moment it was produced.</summary>
    private static string Figures(JsonElement report)
    {
        var node = System.Text.Json.Nodes.JsonNode.Parse(report.GetRawText())!;
        node["basis"]!.AsObject().Remove("producedAt");
        return node.ToJsonString();
    }
}

/// <summary>The äldstalista, and a report that cannot wait long enough.</summary>
public sealed class OldestListAndWaitHttpTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task the_oldest_list_shows_active_participations_longest_enrolled_first_to_the_case_worker_only()
    {
        var s = await Scenario.CreateAsync(factory);
        var newest = await s.EnrolAsync(birthYear: 1990, enrolledOn: "2024-05-01");
        var oldest = await s.EnrolAsync(birthYear: 1991, enrolledOn: "2024-01-15");
        var exited = await s.EnrolAsync(birthYear: 1992, enrolledOn: "2024-01-02");
        var exit = await s.CaseWorker.PostOkAsync($"/api/participations/{exited}/exit",
            new { exitedOn = "2024-03-01", reasonCode = "flyttat", meansOfSupportAtExit = "none", occupationAtExit = "none" });
        await ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId)
            .GetOkAsync($"/api/statistics/report?scope=insats&insatsId={s.InsatsId}&period=2024&waitForPosition={exit.GetProperty("logPosition").GetInt64()}");

        var list = await s.CaseWorker.GetOkAsync($"/api/statistics/oldest?insatsId={s.InsatsId}&period=2024-H1");

        var entries = list.GetProperty("entries").EnumerateArray().ToArray();
        Assert.Equal([oldest, newest], entries.Select(e => e.GetProperty("participationId").GetString()));
        Assert.Equal((new DateOnly(2024, 6, 30).DayNumber - new DateOnly(2024, 1, 15).DayNumber), entries[0].GetProperty("daysEnrolled").GetInt32());
        await ApiClient.ProblemAsync(await ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId).GetAsync($"/api/statistics/oldest?insatsId={s.InsatsId}"),
            HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task a_report_waiting_for_a_position_beyond_the_log_is_a_400_naming_the_parameter()
    {
        var s = await Scenario.CreateAsync(factory);

        var response = await ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId)
            .GetAsync($"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2024&waitForPosition=999999999");

        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("waitForPosition", out _), problem.ToString());
    }
}

/// <summary>The service with a wait for positions of one second.</summary>
public sealed class ShortWaitApiFactory : ApiFactory
{
    protected override void ConfigureSettings(IWebHostBuilder builder) => builder.UseSetting("Statistics:MaxWait", "00:00:01");
}

/// <summary>
/// A report that cannot wait long enough. Its test holds a writing transaction open, which holds back the feed of every
/// database on the server (the feed reads below the oldest running transaction) — the test cluster is shared by all test
/// classes, so it waits one second, not the service's ten, and stalls the others no longer than that.
/// </summary>
public sealed class ProjectionsBehindHttpTests(ShortWaitApiFactory factory) : IClassFixture<ShortWaitApiFactory>
{
    [Fact]
    public async Task a_report_waiting_for_a_position_the_statistics_do_not_reach_in_time_answers_503_projections_behind()
    {
        var s = await Scenario.CreateAsync(factory);
        // an open writing transaction holds every projection back (the feed reads below the oldest running transaction)
        await using var connection = await Recording.Recorded.Db(factory).OpenConnectionAsync();
        await using var holding = await connection.BeginTransactionAsync();
        await using (var xid = new NpgsqlCommand("SELECT pg_current_xact_id()", connection, holding))
        {
            await xid.ExecuteScalarAsync();
        }

        var written = await s.Admin.PostOkAsync($"/api/forbund/{s.ForbundId}/members", new { memberId = "fk", kind = "fk", name = "Försäkringskassan", from = "2024-01-01" });
        var response = await ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId)
            .GetAsync($"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2024&waitForPosition={written.GetProperty("logPosition").GetInt64()}");

        await ApiClient.ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "projections_behind");
        await holding.RollbackAsync();
    }
}
