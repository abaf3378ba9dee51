using System.Globalization;
using System.Net;
using System.Text.Json;
using FinsamOutcomes.Api.Features.Statistics.Export;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>
/// Issue 9, recorded over HTTP and reported over HTTP: occupation during the insats (changed twice, corrected), activities by
/// kind, education, age and time on support, referring parts, SUS's four groups, paused intake and a two-week cap.
/// </summary>
public sealed class SituationFigureTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static object Baseline(string occupation, string education, int? months) => new
    {
        meansOfSupport = "social_assistance",
        occupation,
        education,
        homeKommun = "Lulea",
        monthsOnSupportBefore = months,
        hasSgi = false,
    };

    private static async Task<string> EnrolAsync(
        Scenario s, string enrolledOn, string gender, int birthYear, object baseline, string? referringParty = null, string? overrideReason = null,
        string? insatsId = null)
    {
        var body = await s.CaseWorker.PostOkAsync("/api/participations", new
        {
            insatsId = insatsId ?? s.InsatsId,
            enrolledOn,
            gender,
            person = new { birthYear },
            consent = false,
            baseline,
            referringParty,
            intakePauseOverrideReason = overrideReason,
        });
        return Scenario.Id(body);
    }

    /// <summary>Each row of a table as "key total woman/man/nonBinary/notStated".</summary>
    private static string[] Rows(JsonElement rows) => rows.EnumerateArray().Select(Row).ToArray();

    private static string Row(JsonElement row)
    {
        var g = row.GetProperty("byGender");
        return $"{row.GetProperty("key").GetString()} {row.GetProperty("total").GetInt32()} "
            + $"{g.GetProperty("woman").GetInt32()}/{g.GetProperty("man").GetInt32()}/{g.GetProperty("nonBinary").GetInt32()}/{g.GetProperty("notStated").GetInt32()}";
    }

    /// <summary>A share as "numerator/denominator=value".</summary>
    private static string Share(JsonElement share) =>
        $"{share.GetProperty("numerator").GetInt32()}/{share.GetProperty("denominator").GetInt32()}="
        + (share.GetProperty("value").ValueKind == JsonValueKind.Null ? "null" : share.GetProperty("value").GetDecimal().ToString("0.0", System.Globalization.CultureInfo.InvariantCulture));

    private static string[] Shares(JsonElement shares) =>
        new[] { "total", "woman", "man", "nonBinary", "notStated" }.Select(k => $"{k} {Share(shares.GetProperty(k))}").ToArray();

    private static async Task<JsonElement> ReportAsync(Scenario s, string period, long waitFor, string? insatsId = null) =>
        await ApiClient.As(s.Factory, Roles.ForbundAnalyst, s.ForbundId).GetOkAsync(
            $"/api/statistics/report?scope=insats&insatsId={insatsId ?? s.InsatsId}&period={period}&waitForPosition={waitFor}");

    private static long Position(JsonElement written) => written.GetProperty("logPosition").GetInt64();

    /// <summary>
    /// Four participations of the insats in 2024-H1: occupation changed twice (and once after the period), an occupation change
    /// corrected, one paused at the period's end, activities of three kinds, five education levels, three referring parts of
    /// direct enrolments and one not recorded, one exit to studies. Returns the last write.
    /// </summary>
    private static async Task<JsonElement> RecordSituationsAsync(Scenario s)
    {
        var a = await EnrolAsync(s, "2024-02-01", "woman", 1990, Baseline("none", "primary_not_completed", 6), referringParty: "region");
        var b = await EnrolAsync(s, "2024-02-05", "man", 2000, Baseline("job_seeking", "other_or_foreign", 40), referringParty: "af");
        var c = await EnrolAsync(s, "2024-02-10", "woman", 1985, Baseline("none", "post_secondary", null));
        var d = await EnrolAsync(s, "2024-01-15", "man", 1970, Baseline("none", "primary", 100), referringParty: "fk");

        // a: praktik at half time, then paid work: changed twice during the participation; a third change after the period
        await s.CaseWorker.PostOkAsync($"/api/participations/{a}/occupation-changes", new { on = "2024-03-01", kind = "internship", extentPercent = 50 });
        await s.CaseWorker.PostOkAsync($"/api/participations/{a}/occupation-changes", new { on = "2024-05-02", kind = "paid_work", extentPercent = 100 });
        await s.CaseWorker.PostOkAsync($"/api/participations/{a}/occupation-changes", new { on = "2024-07-01", kind = "studies" });
        // b: recorded as arbetsträning, corrected to praktik; paused at the period's end
        await s.CaseWorker.PostOkAsync($"/api/participations/{b}/activities", new { kind = "individual_meeting", on = "2024-02-10", durationMinutes = 60 });
        var recorded = await s.CaseWorker.PostOkAsync($"/api/participations/{b}/occupation-changes", new { on = "2024-03-10", kind = "work_training", changeId = "occ-b" });
        var unmatched = await s.CaseWorker.PostAsync($"/api/participations/{b}/occupation-changes/occ-b/correction",
            new { on = "2024-03-12", kind = "internship", extentPercent = 75, correctionReason = "Fel slag" }, ifMatch: "\"1\"");
        Assert.Equal(HttpStatusCode.PreconditionFailed, unmatched.StatusCode);
        await s.CaseWorker.PostOkAsync($"/api/participations/{b}/occupation-changes/occ-b/correction",
            new { on = "2024-03-12", kind = "internship", extentPercent = 75, correctionReason = "Fel slag" }, ifMatch: $"\"{recorded.GetProperty("version").GetInt64()}\"");
        await s.CaseWorker.PostOkAsync($"/api/participations/{b}/pause", new { on = "2024-06-01", reason = "ill_health" });

        await s.CaseWorker.PostOkAsync($"/api/participations/{a}/activities", new { kind = "individual_meeting", on = "2024-02-05", durationMinutes = 60 });
        await s.CaseWorker.PostOkAsync($"/api/participations/{a}/activities", new { kind = "individual_meeting", on = "2024-02-12", durationMinutes = 60 });
        await s.CaseWorker.PostOkAsync($"/api/participations/{a}/activities", new { kind = "phone_contact", on = "2024-02-20", durationMinutes = 15 });
        await s.CaseWorker.PostOkAsync($"/api/participations/{c}/activities", new { kind = "group_activity", on = "2024-03-01", durationMinutes = 120 });
        await s.CaseWorker.PostOkAsync($"/api/participations/{c}/activities", new { kind = "group_activity", on = "2024-07-03", durationMinutes = 120 });
        await s.CaseWorker.PostOkAsync($"/api/participations/{d}/activities", new { kind = "individual_meeting", on = "2024-01-20", durationMinutes = 60 });
        return await s.CaseWorker.PostOkAsync($"/api/participations/{d}/exit",
            new { exitedOn = "2024-04-30", reasonCode = "studier", meansOfSupportAtExit = "other", occupationAtExit = "studying" });
    }

    [Fact]
    public async Task what_the_active_do_at_period_end_and_who_the_participants_are_come_out_exactly()
    {
        var s = await Scenario.CreateAsync(factory);
        var last = await RecordSituationsAsync(s);

        var report = await ReportAsync(s, "2024-H1", Position(last));

        var occupation = report.GetProperty("occupationAtEnd");
        Assert.Equal("total 3 2/1/0/0", Row(occupation.GetProperty("activeAtEnd")));
        Assert.Equal(
            ["paid_work 1 1/0/0/0", "subsidised_employment 0 0/0/0/0", "studies 0 0/0/0/0", "internship 1 0/1/0/0", "work_training 0 0/0/0/0",
             "job_seeking 0 0/0/0/0", "none 1 1/0/0/0"],
            Rows(occupation.GetProperty("byKind")));
        Assert.Equal(["total 2/3=66.7", "woman 1/2=50.0", "man 1/1=100.0", "nonBinary 0/0=null", "notStated 0/0=null"], Shares(occupation.GetProperty("inOccupation")));
        Assert.Equal(["total 1/3=33.3", "woman 1/2=50.0", "man 0/1=0.0", "nonBinary 0/0=null", "notStated 0/0=null"], Shares(occupation.GetProperty("inWorkOrStudies")));
        Assert.Equal(1, report.GetProperty("participants").GetProperty("pausedAtEnd").GetProperty("total").GetInt32());

        var activities = report.GetProperty("activities");
        Assert.Equal("total 6 4/2/0/0", Row(activities.GetProperty("occasions")));
        Assert.Equal(
            ["individual_meeting 4 2/2/0/0", "phone_contact 1 1/0/0/0", "group_activity 1 1/0/0/0", "work_training 0 0/0/0/0", "internship 0 0/0/0/0",
             "studies 0 0/0/0/0", "health_talk 0 0/0/0/0", "other 0 0/0/0/0"],
            Rows(activities.GetProperty("occasionsByKind")));
        Assert.Equal("total 4 2/2/0/0", Row(activities.GetProperty("participants")));
        Assert.Equal(
            ["individual_meeting 3 1/2/0/0", "phone_contact 1 1/0/0/0", "group_activity 1 1/0/0/0", "work_training 0 0/0/0/0", "internship 0 0/0/0/0",
             "studies 0 0/0/0/0", "health_talk 0 0/0/0/0", "other 0 0/0/0/0"],
            Rows(activities.GetProperty("participantsByKind")));

        var background = report.GetProperty("background");
        Assert.Equal("total 4 2/2/0/0", Row(background.GetProperty("participants")));
        Assert.Equal(
            ["primary_not_completed 1 1/0/0/0", "primary 1 0/1/0/0", "upper_secondary 0 0/0/0/0", "post_secondary 1 1/0/0/0", "other_or_foreign 1 0/1/0/0", "unknown 0 0/0/0/0"],
            Rows(background.GetProperty("educationAtStart")));
        Assert.Equal(
            ["0-15 0 0/0/0/0", "16-19 0 0/0/0/0", "20-24 1 0/1/0/0", "25-29 0 0/0/0/0", "30-39 2 2/0/0/0", "40-49 0 0/0/0/0", "50-59 1 0/1/0/0", "60+ 0 0/0/0/0"],
            Rows(background.GetProperty("ageBands")));
        Assert.Equal(
            ["under_1_year 1 1/0/0/0", "1_2_years 0 0/0/0/0", "3_5_years 1 0/1/0/0", "6_years_or_more 1 0/1/0/0", "unknown 1 1/0/0/0"],
            Rows(background.GetProperty("timeOnSupportBefore")));
        Assert.Equal("total 4 2/2/0/0", Row(background.GetProperty("new")));
        Assert.Equal(
            ["af 1 0/1/0/0", "fk 1 0/1/0/0", "region 1 1/0/0/0", "kommun_social_services 0 0/0/0/0", "kommun_social_assistance 0 0/0/0/0",
             "kommun_labour_market 0 0/0/0/0", "other 0 0/0/0/0", "not_recorded 1 1/0/0/0"],
            Rows(background.GetProperty("referringPartyOfNew")));

        var sus = report.GetProperty("susGroups");
        Assert.Equal("total 1 0/1/0/0", Row(sus.GetProperty("exits")));
        Assert.Equal(["employment 0 0/0/0/0", "studies 1 0/1/0/0", "job_seeking 0 0/0/0/0", "other 0 0/0/0/0"], Rows(sus.GetProperty("byGroupAtExit")));
        Assert.Equal(["employment 0 0/0/0/0", "studies 0 0/0/0/0", "job_seeking 0 0/0/0/0", "other 1 0/1/0/0"], Rows(sus.GetProperty("byGroupAtStart")));
        var other = sus.GetProperty("transitions").GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("atStart").GetString() == "other");
        Assert.Equal(1, other.GetProperty("atExit").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "studies").GetProperty("count").GetInt32());
        Assert.Equal("total 0/1=0.0", Shares(sus.GetProperty("workOrStudiesAtStart"))[0]);
        Assert.Equal("total 1/1=100.0", Shares(sus.GetProperty("workOrStudiesAtExit"))[0]);

        // in the second half a's third change (studies) is what she does at the end; c's activity of July counts there
        var h2 = await ReportAsync(s, "2024-H2", Position(last));
        Assert.Equal(
            ["paid_work 0 0/0/0/0", "subsidised_employment 0 0/0/0/0", "studies 1 1/0/0/0", "internship 1 0/1/0/0", "work_training 0 0/0/0/0",
             "job_seeking 0 0/0/0/0", "none 1 1/0/0/0"],
            Rows(h2.GetProperty("occupationAtEnd").GetProperty("byKind")));
        Assert.Equal(["total 1/3=33.3", "woman 1/2=50.0", "man 0/1=0.0", "nonBinary 0/0=null", "notStated 0/0=null"], Shares(h2.GetProperty("occupationAtEnd").GetProperty("inWorkOrStudies")));
        Assert.Equal("total 1 1/0/0/0", Row(h2.GetProperty("activities").GetProperty("occasions")));

        // national output: the new tables are under the same disclosure control (counts 1–2 hidden, shares with them)
        var national = await ApiClient.As(factory, Roles.NationalReader, "*").GetOkAsync(
            $"/api/statistics/report?scope=insats&insatsId={s.InsatsId}&period=2024-H1&waitForPosition={Position(last)}");
        var hidden = national.GetProperty("occupationAtEnd");
        Assert.Equal(3, hidden.GetProperty("activeAtEnd").GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("byKind")[0].GetProperty("total").ValueKind);
        Assert.Equal(JsonValueKind.Null, hidden.GetProperty("inOccupation").GetProperty("total").GetProperty("numerator").ValueKind);
        Assert.Equal(JsonValueKind.Null, national.GetProperty("background").GetProperty("educationAtStart")[0].GetProperty("byGender").GetProperty("woman").ValueKind);
        Assert.Equal(0, national.GetProperty("background").GetProperty("educationAtStart")[2].GetProperty("total").GetInt32());

        // the CSV carries the new figures, with their groups named in Swedish
        var csv = await ApiClient.As(s.Factory, Roles.ForbundAnalyst, s.ForbundId).GetAsync(
            $"/api/statistics/report?scope=insats&insatsId={s.InsatsId}&period=2024-H1&format=csv&waitForPosition={Position(last)}");
        var text = await csv.Content.ReadAsStringAsync();
        Assert.Contains("Sysselsättning vid periodens slut;Andel i arbete eller studier / Totalt / Andel (%);;33,3", text);
        Assert.Contains("Aktiviteter;Tillfällen per slag / Totalt;Enskilt möte;4", text);
        Assert.Contains("Bakgrund;Utbildning vid start / Totalt;Ej slutförd grundskola;1", text);
        Assert.Contains("SUS-grupper;Efter insatsen / Totalt;Studier;1", text);
    }

    [Fact]
    public async Task the_new_figures_are_tables_of_the_xlsx_and_the_wide_csv_whose_cells_equal_the_report_json()
    {
        var s = await Scenario.CreateAsync(factory);
        await RecordSituationsAsync(s);
        await s.Admin.PostOkAsync($"/api/insatser/{s.InsatsId}/intake-pause", new { on = "2024-03-04", reason = "inflow_exceeds_outflow" });
        var last = await s.Admin.PostOkAsync($"/api/insatser/{s.InsatsId}/intake-resume", new { on = "2024-03-18" });
        var analyst = ApiClient.As(s.Factory, Roles.ForbundAnalyst, s.ForbundId);
        var url = $"/api/statistics/report?scope=insats&insatsId={s.InsatsId}&period=2024-H1&waitForPosition={Position(last)}";
        var json = await analyst.GetOkAsync(url);
        var xlsx = await analyst.GetAsync(url + "&format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var bytes = await xlsx.Content.ReadAsByteArrayAsync();
        Assert.Empty(Workbook.SchemaErrors(bytes));
        var book = Workbook.Open(bytes);
        var tables = book.Names.Skip(1).Select(book.Table).ToDictionary(t => t.Title);
        Table Titled(string title) => tables.TryGetValue(title, out var t) ? t : throw new Xunit.Sdk.XunitException($"no table \"{title}\": {string.Join(" | ", tables.Keys)}");
        string[] genders = ["woman", "man", "nonBinary", "notStated"];
        string[] genderHeadings = ["Kvinnor", "Män", "Icke-binära", "Ej angivet"];

        // every list split by gender: a row per code, in Swedish, whose Totalt and genders are the JSON's; the list's own total last where it has one
        var compared = 0;
        foreach (var (section, list, title, total) in new (string, string, string, string?)[]
        {
            ("occupationAtEnd", "byKind", "Sysselsättning vid periodens slut per slag", "activeAtEnd"),
            ("activities", "occasionsByKind", "Aktiviteter – Tillfällen per slag", null),
            ("activities", "participantsByKind", "Aktiviteter – Deltagare med minst en per slag", null),
            ("background", "educationAtStart", "Bakgrund – Utbildning vid start", null),
            ("background", "ageBands", "Bakgrund – Åldersgrupp", null),
            ("background", "timeOnSupportBefore", "Bakgrund – Tid med offentlig försörjning före insatsen", null),
            ("background", "referringPartyOfNew", "Bakgrund – Remittent för nya deltagare", null),
            ("susGroups", "byGroupAtExit", "SUS-grupper – Efter insatsen", null),
            ("susGroups", "byGroupAtStart", "SUS-grupper – Före insatsen", null),
        })
        {
            var table = Titled(title);
            var rows = json.GetProperty(section).GetProperty(list).EnumerateArray().ToList();
            Assert.Equal(rows.Count + (total is null ? 0 : 1), table.Rows.Count);
            foreach (var (row, label) in rows.Select(r => (r, SwedishLabels.Code(list, r.GetProperty("key").GetString()!)))
                .Concat(total is null ? [] : [(json.GetProperty(section).GetProperty(total), "Totalt")]))
            {
                Assert.Equal(row.GetProperty("total").GetInt32().ToString(CultureInfo.InvariantCulture), table.Cell(label, "Totalt"));
                foreach (var (gender, heading) in genders.Zip(genderHeadings))
                {
                    Assert.Equal(row.GetProperty("byGender").GetProperty(gender).GetInt32().ToString(CultureInfo.InvariantCulture), table.Cell(label, heading));
                    compared++;
                }
            }
        }

        Assert.Equal("Praktik", Titled("Sysselsättning vid periodens slut per slag").Rows[3][0]);
        Assert.Equal(["Annan/utländsk utbildning", "1", "0", "1", "0", "0"], Titled("Bakgrund – Utbildning vid start").Row("Annan/utländsk utbildning"));
        Assert.Equal(["Totalt", "3", "2", "1", "0", "0"], Titled("Sysselsättning vid periodens slut per slag").Row("Totalt"));
        Assert.Equal(["Enskilt möte", "4", "2", "2", "0", "0"], Titled("Aktiviteter – Tillfällen per slag").Row("Enskilt möte"));
        Assert.Equal(["Aktivitetstillfällen", "6", "4", "2", "0", "0"], Titled("Aktiviteter per kön").Row("Aktivitetstillfällen"));
        Assert.Equal(["Deltagare", "4", "2", "2", "0", "0"], Titled("Bakgrund per kön").Row("Deltagare"));

        // shares split by gender: n, N and % (one decimal), "." without denominator
        foreach (var (section, key, title, label) in new[]
        {
            ("occupationAtEnd", "inOccupation", "Sysselsättning vid periodens slut – andelar per kön", "Andel i sysselsättning"),
            ("occupationAtEnd", "inWorkOrStudies", "Sysselsättning vid periodens slut – andelar per kön", "Andel i arbete eller studier"),
            ("susGroups", "workOrStudiesAtStart", "SUS-grupper – andelar per kön", "Andel arbete/studier vid start"),
            ("susGroups", "workOrStudiesAtExit", "SUS-grupper – andelar per kön", "Andel arbete/studier vid avslut"),
            ("referrals", "receivedShareByGender", "Aktualiseringar – andelar per kön", "Andel av mottagna per kön"),
        })
        {
            var table = Titled(title);
            foreach (var (part, heading) in new[] { ("total", "Totalt") }.Concat(genders.Zip(genderHeadings)))
            {
                var share = json.GetProperty(section).GetProperty(key).GetProperty(part);
                Assert.Equal(share.GetProperty("numerator").GetInt32().ToString(CultureInfo.InvariantCulture), table.Cell(label, $"{heading}: antal (n)"));
                Assert.Equal(share.GetProperty("denominator").GetInt32().ToString(CultureInfo.InvariantCulture), table.Cell(label, $"{heading}: av (N)"));
                var value = share.GetProperty("value");
                Assert.Equal(value.ValueKind == JsonValueKind.Null ? "." : value.GetDecimal().ToString("0.0", Swedish), table.Cell(label, $"{heading}: andel (%)"));
                compared++;
            }
        }

        Assert.Equal("66,7", Titled("Sysselsättning vid periodens slut – andelar per kön").Cell("Andel i sysselsättning", "Totalt: andel (%)"));

        // SUS before (rows) and after (columns)
        var transitions = Titled("SUS-grupper – Före och efter");
        foreach (var row in json.GetProperty("susGroups").GetProperty("transitions").GetProperty("rows").EnumerateArray())
        {
            var label = SwedishLabels.Code("transitions", row.GetProperty("atStart").GetString()!);
            foreach (var cell in row.GetProperty("atExit").EnumerateArray())
            {
                Assert.Equal(cell.GetProperty("count").GetInt32().ToString(CultureInfo.InvariantCulture), transitions.Cell(label, SwedishLabels.Code("transitions", cell.GetProperty("key").GetString()!)));
                compared++;
            }
        }

        Assert.Equal("1", transitions.Cell("Övriga avslutade", "Studier"));

        // days of paused intake, named in Swedish
        var pauses = Titled("Intagsstopp per insats och beredningsgrupp");
        Assert.Equal(["Slag", "Insats eller beredningsgrupp (id)", "Dagar med intagsstopp", "Intagsstopp vid periodens slut"], pauses.Headings);
        Assert.Equal([$"Insats;{s.InsatsId};14;nej", $"Beredningsgrupp;{s.GroupId};0;nej"], pauses.Rows.Select(r => string.Join(";", r)));
        Assert.Equal(14, json.GetProperty("intakePauses").GetProperty("rows")[0].GetProperty("daysPaused").GetInt32());
        Assert.Equal("182", Titled("Intagsstopp – nyckeltal").Cell("Dagar i perioden", "Värde"));
        Assert.True(compared > 200, $"{compared} cells compared");

        // a count cell is a number formatted as a whole number, a share as one decimal
        var sheet = book.Names[book.Names.ToList().FindIndex(n => book.Table(n).Title == "Sysselsättning vid periodens slut – andelar per kön")];
        Assert.Equal(("0", 2m), (book[sheet][2][1]!.NumberFormat, book[sheet][2][1]!.Number!.Value));
        Assert.Equal(("0.0", 66.7m), (book[sheet][2][3]!.NumberFormat, book[sheet][2][3]!.Number!.Value));

        // the definitions of the new figures in the Underlag
        Assert.Contains("SUS-grupper", book.Basis().Keys);
        Assert.Contains("Sysselsättning vid periodens slut", book.Basis().Keys);

        // the wide CSV: the same tables, cell for cell
        var wide = Csv.WideTables(Csv.Text(await (await analyst.GetAsync(url + "&format=csv-wide")).Content.ReadAsByteArrayAsync()));
        foreach (var title in tables.Keys)
        {
            Assert.Equal(tables[title].Headings, wide[title].Headings);
            Assert.Equal(tables[title].Rows.Select(r => string.Join(";", r)), wide[title].Rows.Select(r => string.Join(";", r)));
        }

        // the long CSV: one row per figure, the paused days too
        var text = Csv.Text(await (await analyst.GetAsync(url + "&format=csv")).Content.ReadAsByteArrayAsync());
        Assert.Contains($"Intagsstopp;Per insats och beredningsgrupp / Dagar med intagsstopp;{s.InsatsId};14\r\n", text, StringComparison.Ordinal);
        Assert.Contains($"Intagsstopp;Per insats och beredningsgrupp / Intagsstopp vid periodens slut;{s.InsatsId};nej\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Sysselsättning vid periodens slut;Per slag / Totalt;Praktik;1\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Aktualiseringar;Andel av mottagna per kön / Kvinnor / Andel (%);;.\r\n", text, StringComparison.Ordinal);
    }

    private static readonly NumberFormatInfo Swedish = new() { NumberDecimalSeparator = "," };

    [Fact]
    public async Task a_paused_intake_refuses_enrolments_and_acceptances_an_override_lets_in_and_the_paused_days_are_counted()
    {
        var s = await Scenario.CreateAsync(factory, weeklyCap: 100);
        var baseline = Baseline("none", "upper_secondary", 12);
        await s.Admin.PostOkAsync($"/api/insatser/{s.InsatsId}/intake-pause", new { on = "2024-03-01", reason = "inflow_exceeds_outflow" });

        var refused = await s.CaseWorker.PostAsync("/api/participations", new
        {
            insatsId = s.InsatsId, enrolledOn = "2024-03-05", gender = "woman", person = new { birthYear = 1990 }, consent = false, baseline,
        });
        await ApiClient.ProblemAsync(refused, HttpStatusCode.Conflict, "intake_paused");
        await EnrolAsync(s, "2024-03-05", "woman", 1990, baseline, overrideReason: "Akut behov, beslut av förbundschef");
        await s.Admin.PostOkAsync($"/api/insatser/{s.InsatsId}/intake-resume", new { on = "2024-03-11" });
        await EnrolAsync(s, "2024-03-11", "man", 1991, baseline);

        await s.Admin.PostOkAsync($"/api/beredningsgrupper/{s.GroupId}/intake-pause", new { on = "2024-04-01", reason = "staffing" });
        var referral = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", new
        {
            beredningsgruppId = s.GroupId, referringParty = "kommun_social_assistance", receivedOn = "2024-03-25", gender = "woman", person = new { birthYear = 1988 },
        }));
        await ApiClient.ProblemAsync(
            await s.Group.PostAsync($"/api/referrals/{referral}/accept", new { insatsId = s.InsatsId, decidedOn = "2024-04-02" }), HttpStatusCode.Conflict, "intake_paused");
        await s.Group.PostOkAsync($"/api/referrals/{referral}/accept", new { insatsId = s.InsatsId, decidedOn = "2024-04-02", overrideReason = "Akut behov" });
        await s.Group.PostOkAsync($"/api/beredningsgrupper/{s.GroupId}/intake-resume", new { on = "2024-04-15" });
        await s.CaseWorker.PostOkAsync("/api/participations", new { insatsId = s.InsatsId, referralId = referral, enrolledOn = "2024-04-16", gender = "woman", consent = false, baseline });

        // paused again from 20 June, still at the end of the half year
        var last = await s.Admin.PostOkAsync($"/api/insatser/{s.InsatsId}/intake-pause", new { on = "2024-06-20", reason = "inflow_exceeds_outflow" });
        var insats = await s.Admin.GetOkAsync($"/api/insatser/{s.InsatsId}");
        Assert.Equal(2, insats.GetProperty("intakePauses").GetArrayLength());

        var report = await ReportAsync(s, "2024-H1", Position(last));

        var pauses = report.GetProperty("intakePauses");
        Assert.Equal(182, pauses.GetProperty("daysInPeriod").GetInt32());
        Assert.Equal(
            [$"insats {s.InsatsId} 21 True", $"beredningsgrupp {s.GroupId} 14 False"],
            pauses.GetProperty("rows").EnumerateArray().Select(r =>
                $"{r.GetProperty("kind").GetString()} {r.GetProperty("id").GetString()} {r.GetProperty("daysPaused").GetInt32()} {r.GetProperty("pausedAtEnd").GetBoolean()}").ToArray());
        // the referral's part counts for the participation enrolled from it
        Assert.Contains("kommun_social_assistance 1 1/0/0/0", Rows(report.GetProperty("background").GetProperty("referringPartyOfNew")));
        Assert.Equal("not_recorded 2 1/1/0/0", Rows(report.GetProperty("background").GetProperty("referringPartyOfNew"))[^1]);
        var referrals = report.GetProperty("referrals");
        Assert.Equal(["total 1/1=100.0", "woman 1/1=100.0", "man 0/1=0.0", "nonBinary 0/1=0.0", "notStated 0/1=0.0"], Shares(referrals.GetProperty("receivedShareByGender")));

        // a pause that ended before the period counts no days in it
        var later = await ReportAsync(s, "2024-05-01..2024-05-31", Position(last));
        Assert.All(later.GetProperty("intakePauses").GetProperty("rows").EnumerateArray(), r => Assert.Equal(0, r.GetProperty("daysPaused").GetInt32()));
    }

    [Fact]
    public async Task a_cap_per_two_weeks_counts_over_the_window_from_its_anchor_monday()
    {
        var s = await Scenario.CreateAsync(factory);
        var group = Scenario.Id(await s.Admin.PostOkAsync("/api/beredningsgrupper", new
        {
            forbundId = s.ForbundId, name = "BG varannan vecka", insatsIds = new[] { s.InsatsId }, weeklyIntakeCap = 2, capWindowWeeks = 2, capWindowAnchor = "2024-01-01",
        }));
        var member = ApiClient.As(factory, Roles.AssessmentGroupMember, s.ForbundId, grupper: [group], actor: "bg-member-2");
        var view = await member.GetOkAsync($"/api/beredningsgrupper/{group}");
        Assert.Equal(2, view.GetProperty("capWindowWeeks").GetInt32());
        Assert.Equal("2024-01-01", view.GetProperty("capWindowAnchor").GetString());

        async Task<string> ReferralAsync() => Scenario.Id(await member.PostOkAsync("/api/referrals", new
        {
            beredningsgruppId = group, referringParty = "af", receivedOn = "2024-01-02", gender = "man", person = new { birthYear = 1990 },
        }));

        var r1 = await ReferralAsync();
        var r2 = await ReferralAsync();
        var r3 = await ReferralAsync();
        var r4 = await ReferralAsync();
        await member.PostOkAsync($"/api/referrals/{r1}/accept", new { insatsId = s.InsatsId, decidedOn = "2024-01-03" });
        await member.PostOkAsync($"/api/referrals/{r2}/accept", new { insatsId = s.InsatsId, decidedOn = "2024-01-12" });
        // 14 January is the window's last day: the cap of 2 is reached, though the ISO week (W02) has had only one
        await ApiClient.ProblemAsync(
            await member.PostAsync($"/api/referrals/{r3}/accept", new { insatsId = s.InsatsId, decidedOn = "2024-01-14" }), HttpStatusCode.Conflict, "intake_cap_reached");
        await member.PostOkAsync($"/api/referrals/{r3}/accept", new { insatsId = s.InsatsId, decidedOn = "2024-01-14", overrideReason = "Akut behov" });
        // 15 January opens the next window
        var last = await member.PostOkAsync($"/api/referrals/{r4}/accept", new { insatsId = s.InsatsId, decidedOn = "2024-01-15" });

        var report = await ReportAsync(s, "2024-H1", Position(last));

        var weeks = report.GetProperty("referrals").GetProperty("acceptedPerWeek").EnumerateArray()
            .Where(w => w.GetProperty("beredningsgruppId").GetString() == group)
            .Select(w => string.Join(" ", w.GetProperty("week").GetString(), w.GetProperty("monday").GetString(), w.GetProperty("weeks").GetInt32(),
                w.GetProperty("accepted").GetInt32(), w.GetProperty("cap").GetInt32(), w.GetProperty("overCap").GetInt32(), w.GetProperty("overrides").GetInt32()))
            .ToArray();
        Assert.Equal(["2024-W01 2024-01-01 2 3 2 1 1", "2024-W03 2024-01-15 2 1 2 0 0"], weeks);
    }

    [Fact]
    public async Task a_report_frozen_before_the_new_figures_existed_lists_only_real_changes_and_a_later_one_lists_them()
    {
        var s = await Scenario.CreateAsync(factory);
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        var a = await EnrolAsync(s, "2024-02-01", "woman", 1990, Baseline("none", "primary", 6));
        var first = await s.CaseWorker.PostOkAsync($"/api/participations/{a}/occupation-changes", new { on = "2024-03-01", kind = "internship" });
        await ReportAsync(s, "2024-H1", Position(first));
        async Task<string> FreezeAsync() => (await analyst.PostOkAsync("/api/statistics/frozen", new
        {
            name = "Delårsrapport", scope = "forbund", forbundId = s.ForbundId, period = "2024-H1",
        })).GetProperty("frozenId").GetString()!;
        var old = await FreezeAsync();
        var recent = await FreezeAsync();
        // what an earlier release froze: no occupationAtEnd, susGroups or background, no referrals.receivedShareByGender
        await using (var cmd = factory.Services.GetRequiredService<NpgsqlDataSource>().CreateCommand(
            "UPDATE stat_frozen_reports SET report = (report - 'occupationAtEnd' - 'susGroups' - 'background') #- '{referrals,receivedShareByGender}' WHERE frozen_id = $1"))
        {
            cmd.Parameters.AddWithValue(old);
            Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
        }

        var exit = await s.CaseWorker.PostOkAsync($"/api/participations/{a}/exit",
            new { exitedOn = "2024-05-02", reasonCode = "studier", meansOfSupportAtExit = "other", occupationAtExit = "studying" });
        await ReportAsync(s, "2024-H1", Position(exit));

        string[] Figures(JsonElement comparison) => comparison.GetProperty("changes").EnumerateArray().Select(c => c.GetProperty("figure").GetString()!).ToArray();
        var olds = Figures(await analyst.GetOkAsync($"/api/statistics/frozen/{old}/comparison"));
        var recents = Figures(await analyst.GetOkAsync($"/api/statistics/frozen/{recent}/comparison"));

        Assert.Contains("exits.total.total", olds);
        Assert.DoesNotContain(olds, f => f.StartsWith("occupationAtEnd", StringComparison.Ordinal) || f.StartsWith("susGroups", StringComparison.Ordinal)
            || f.StartsWith("background", StringComparison.Ordinal) || f.StartsWith("referrals.receivedShareByGender", StringComparison.Ordinal));
        Assert.Contains("occupationAtEnd.activeAtEnd.total", recents);
        Assert.Contains("susGroups.byGroupAtExit[studies].total", recents);
        Assert.Equal(olds, recents.Where(f => olds.Contains(f)).ToArray());
    }
}
