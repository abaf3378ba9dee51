using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using FinsamOutcomes.Api.Features.Economy;
using FinsamOutcomes.Api.Features.HistoryImport;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>
/// Issue 11 B: historical participations imported from CSV and xlsx through the live commands, rules and vault; a dry run
/// listing exactly the bad rows; re-import adding nothing; corrections; the gate's rule in every cell; the command line.
/// </summary>
public sealed class HistoryImportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly string[] Heading =
    [
        "insats", "inskriven", "avslutad", "kön", "födelseår", "personnummer", "samtycke", "försörjning_start", "sysselsättning_start", "utbildning",
        "hemkommun", "månader_med_försörjning_före", "sgi", "remittent", "avslutsorsak", "försörjning_avslut", "sysselsättning_avslut",
    ];

    /// <summary>One participation as the file states it and as the same facts are sent over HTTP.</summary>
    private sealed record Person(
        string? Personnummer, int? BirthYear, string Gender, bool Consent, string EnrolledOn, string? ExitedOn, string? Reason, string Support, string Occupation,
        string Education, string Kommun, int? Months, bool? Sgi, string? Party, string? SupportAtExit, string? OccupationAtExit,
        string? FileSupport = null, string? FileOccupation = null, string? FileEducation = null, string? FileGender = null, string? FileReason = null)
    {
        public string[] Cells(string insatsId) =>
        [
            insatsId, EnrolledOn, ExitedOn ?? "", FileGender ?? Gender, BirthYear?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", Personnummer ?? "",
            Consent ? "ja" : "nej", FileSupport ?? Support, FileOccupation ?? Occupation, FileEducation ?? Education, Kommun,
            Months?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "", Sgi is null ? "" : Sgi.Value ? "ja" : "nej", Party ?? "",
            FileReason ?? Reason ?? "", SupportAtExit ?? "", OccupationAtExit ?? "",
        ];
    }

    /// <summary>The four good participations: identified with an exit, anonymous without one (Swedish names), declined consent, a label as exit reason.</summary>
    private static Person[] Good() =>
    [
        new(NewPersonnummer(), null, "woman", true, "2024-02-01", "2024-05-31", "studier", "social_assistance", "none", "upper_secondary", "Lulea", 30, false, "af", "none", "studying"),
        new(null, 1985, "man", false, "2024-03-01", null, null, "social_assistance", "job_seeking", "primary", "Pitea", null, null, null, null, null,
            FileSupport: "Försörjningsstöd", FileOccupation: "Arbetssökande", FileEducation: "Grundskola", FileGender: "Man"),
        new(NewPersonnummer(), null, "woman", false, "2024-02-15", "2024-04-15", "arbete_osubventionerat", "sickness_benefit", "none", "post_secondary", "Lulea", 12, true, "fk", "salary", "working",
            FileGender: "kvinna"),
        new(NewPersonnummer(), null, "man", true, "2024-04-02", "2024-06-28", "flyttat", "unemployment_benefit", "job_seeking", "primary", "Lulea", 6, false, "region", "other", "none",
            FileReason: "Flyttat"),
    ];

    private static string Csv(IEnumerable<string[]> rows) => string.Join("\r\n", rows.Select(r => string.Join(';', r.Select(c => c.Contains(';') ? $"\"{c}\"" : c)))) + "\r\n";

    private static StringContent CsvBody(string csv) => new(csv, Encoding.UTF8, "text/csv");

    private static string WrongCheckDigit(string personnummer) => personnummer[..^1] + (char)('0' + ((personnummer[^1] - '0' + 1) % 10));

    /// <summary>Every form in which a part of the number could show: whole, without century, with a hyphen, the date.</summary>
    private static void AssertNoPersonnummer(string text, params string[] numbers)
    {
        foreach (var n in numbers)
        {
            foreach (var form in new[] { n, n[2..], $"{n[2..8]}-{n[8..]}", $"{n[..8]}-{n[8..]}", n[..8], n[2..8] })
            {
                Assert.False(text.Contains(form, StringComparison.Ordinal), $"the text shows a personnummer ('{form}'): {text}");
            }
        }
    }

    private static async Task<JsonElement> ImportAsync(Scenario s, HttpContent body, string query = "")
    {
        var response = await s.CaseWorker.PostAsync($"/api/forbund/{s.ForbundId}/history-imports?fileName=historik.csv{query}", body);
        return await ApiClient.OkJsonAsync(response);
    }

    private static string[] ProblemRows(JsonElement summary) =>
        [.. summary.GetProperty("problems").EnumerateArray().Select(p => $"{p.GetProperty("row").GetInt32()} {p.GetProperty("code").GetString()}")];

    private async Task<string> CountsAsync(string forbundId)
    {
        var events = await ScalarAsync(factory, "SELECT count(*) FROM es_events WHERE forbund_id = $1", forbundId);
        var vault = await ScalarAsync(factory, "SELECT count(*) FROM identity_vault WHERE forbund_id = $1", forbundId);
        var audit = await ScalarAsync(factory, "SELECT count(*) FROM identity_audit WHERE forbund_id = $1", forbundId);
        var participations = await ScalarAsync(factory, "SELECT count(*) FROM rm_participations WHERE forbund_id = $1", forbundId);
        return $"events {events}, vault {vault}, audit {audit}, participations {participations}";
    }

    /// <summary>The same participations recorded live, one enrolment and one exit request each.</summary>
    private static async Task<long> RecordOverHttpAsync(Scenario s, IEnumerable<Person> people)
    {
        long position = 0;
        foreach (var p in people)
        {
            var enrolled = await s.CaseWorker.PostOkAsync("/api/participations", new
            {
                insatsId = s.InsatsId,
                enrolledOn = p.EnrolledOn,
                gender = p.Gender,
                consent = p.Consent,
                person = new { personnummer = p.Personnummer, birthYear = p.BirthYear, protectedIdentity = false },
                baseline = new { meansOfSupport = p.Support, occupation = p.Occupation, education = p.Education, homeKommun = p.Kommun, monthsOnSupportBefore = p.Months, hasSgi = p.Sgi },
                referringParty = p.Party,
            });
            position = enrolled.GetProperty("logPosition").GetInt64();
            if (p.ExitedOn is not null)
            {
                var exited = await s.CaseWorker.PostOkAsync($"/api/participations/{Scenario.Id(enrolled)}/exit", new
                {
                    exitedOn = p.ExitedOn, reasonCode = p.Reason, meansOfSupportAtExit = p.SupportAtExit, occupationAtExit = p.OccupationAtExit,
                });
                position = exited.GetProperty("logPosition").GetInt64();
            }
        }

        return position;
    }

    /// <summary>The förbund's 2024 report with the förbund's and insats's own ids and the basis (log position, times) taken out.</summary>
    private static async Task<string> FiguresAsync(Scenario s, long position)
    {
        var analyst = ApiClient.As(s.Factory, Roles.ForbundAnalyst, s.ForbundId);
        var report = await analyst.GetOkAsync($"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2024&waitForPosition={position}");
        // the four participations of Good(), three of them exited: the comparison is of figures that count something
        Assert.Equal((4, 3), (report.GetProperty("participants").GetProperty("new").GetProperty("total").GetInt32(),
            report.GetProperty("exits").GetProperty("total").GetProperty("total").GetInt32()));
        var figures = report.EnumerateObject().Where(p => p.Name != "basis").ToDictionary(p => p.Name, p => p.Value);
        return JsonSerializer.Serialize(figures).Replace(s.ForbundId, "FORBUND", StringComparison.Ordinal).Replace(s.InsatsId, "INSATS", StringComparison.Ordinal)
            .Replace(s.GroupId, "GROUP", StringComparison.Ordinal).Replace(s.HeadCountInsatsId, "HEADCOUNT", StringComparison.Ordinal);
    }

    [Fact]
    public async Task good_rows_are_recorded_bad_rows_listed_a_second_import_adds_nothing_and_the_figures_equal_those_recorded_over_http()
    {
        var s = await Scenario.CreateAsync(factory);
        var good = Good();
        var wrongCheck = WrongCheckDigit(NewPersonnummer());
        var impossible = good[0] with { Personnummer = NewPersonnummer(), EnrolledOn = "2024-02-30" };
        var exitFirst = good[0] with { Personnummer = NewPersonnummer(), EnrolledOn = "2024-04-01", ExitedOn = "2024-03-01" };
        var csv = Csv(
        [
            Heading,
            good[0].Cells(s.InsatsId),           // row 2
            good[1].Cells(s.InsatsId),           // row 3
            impossible.Cells(s.InsatsId),        // row 4: 30 February
            good[2].Cells(s.InsatsId),           // row 5
            exitFirst.Cells(s.InsatsId),         // row 6: exit before enrolment
            good[0].Cells(s.InsatsId),           // row 7: row 2 again
            (good[3] with { Personnummer = wrongCheck }).Cells(s.InsatsId), // row 8: wrong check digit
            good[3].Cells(s.InsatsId),           // row 9
        ]);
        var before = await CountsAsync(s.ForbundId);

        var dry = await ImportAsync(s, CsvBody(csv), "&dryRun=true");
        Assert.Equal(["4 invalid_date", "6 exit_before_enrolment", "7 duplicate_row", "8 invalid_personnummer"], ProblemRows(dry));
        Assert.Equal((8, 4, 0, 0, 4), (dry.GetProperty("rows").GetInt32(), dry.GetProperty("recorded").GetInt32(), dry.GetProperty("corrected").GetInt32(),
            dry.GetProperty("alreadyPresent").GetInt32(), dry.GetProperty("refused").GetInt32()));
        Assert.Equal([2, 3, 5, 9], dry.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()));
        Assert.Equal(before, await CountsAsync(s.ForbundId));
        AssertNoPersonnummer(dry.GetRawText(), [.. good.Select(g => g.Personnummer).OfType<string>(), wrongCheck, impossible.Personnummer!, exitFirst.Personnummer!]);

        var imported = await ImportAsync(s, CsvBody(csv));
        Assert.Equal(ProblemRows(dry), ProblemRows(imported));
        Assert.Equal((4, 0, 0, 4), (imported.GetProperty("recorded").GetInt32(), imported.GetProperty("corrected").GetInt32(),
            imported.GetProperty("alreadyPresent").GetInt32(), imported.GetProperty("refused").GetInt32()));
        // enrolment + imported for the one without exit, enrolment + exit + imported for the three others
        Assert.Equal(2 + (3 * 3), await ScalarAsync(factory, "SELECT count(*) FROM es_events WHERE forbund_id = $1 AND stream_id LIKE 'participation-%'", s.ForbundId));
        // only the two who consented are in the vault; the refused rows left no identity
        Assert.Equal(2L, await ScalarAsync(factory, "SELECT count(*) FROM identity_vault WHERE forbund_id = $1", s.ForbundId));
        Assert.Equal(0L, await ScalarAsync(factory, "SELECT count(*) FROM es_events WHERE forbund_id = $1 AND (data::text LIKE '%' || $2 || '%' OR metadata::text LIKE '%' || $2 || '%')",
            s.ForbundId, good[0].Personnummer![2..]));
        var afterImport = await CountsAsync(s.ForbundId);

        var again = await ImportAsync(s, CsvBody(csv));
        Assert.Equal((0, 0, 4, 4), (again.GetProperty("recorded").GetInt32(), again.GetProperty("corrected").GetInt32(),
            again.GetProperty("alreadyPresent").GetInt32(), again.GetProperty("refused").GetInt32()));
        Assert.Equal(afterImport, await CountsAsync(s.ForbundId));

        var live = await Scenario.CreateAsync(factory);
        var livePosition = await RecordOverHttpAsync(live, good);
        Assert.Equal(await FiguresAsync(live, livePosition), await FiguresAsync(s, imported.GetProperty("logPosition").GetInt64()));
        // participation.imported.v1 is ignored by every projection, never parked as a poison event
        Assert.Equal(0L, await ScalarAsync(factory, "SELECT count(*) FROM es_dead_letters"));
        AssertNoPersonnummer(string.Join('\n', factory.Logs.Entries), [.. good.Select(g => g.Personnummer).OfType<string>(), wrongCheck]);
    }

    [Fact]
    public async Task an_xlsx_workbook_is_read_like_the_csv_with_numbers_and_date_serials_as_excel_writes_them()
    {
        var s = await Scenario.CreateAsync(factory);
        var good = Good();
        var rows = new List<IReadOnlyList<object?>> { Heading };
        rows.AddRange(good.Select(g => (IReadOnlyList<object?>)g.Cells(s.InsatsId).Select((c, i) => (object?)(i == 4 && c.Length > 0 ? int.Parse(c, System.Globalization.CultureInfo.InvariantCulture) : c)).ToArray()));
        // the second row's enrolment as Excel stores a date: day 45352 is 2024-03-01
        ((object?[])rows[2])[1] = 45352;
        var body = new ByteArrayContent(TestWorkbook.Write("Deltagare", rows));
        body.Headers.ContentType = new MediaTypeHeaderValue(AccountingImport.XlsxContentType);

        var imported = await ImportAsync(s, body);

        Assert.Equal((4, 4, 0), (imported.GetProperty("rows").GetInt32(), imported.GetProperty("recorded").GetInt32(), imported.GetProperty("refused").GetInt32()));
        var live = await Scenario.CreateAsync(factory);
        Assert.Equal(await FiguresAsync(live, await RecordOverHttpAsync(live, good)), await FiguresAsync(s, imported.GetProperty("logPosition").GetInt64()));
    }

    [Fact]
    public async Task a_column_mapping_reads_a_file_whose_headings_differ_and_other_columns_are_ignored()
    {
        var s = await Scenario.CreateAsync(factory);
        var csv = Csv(
        [
            ["Insats-ID", "Startdatum deltagare", "Kön", "Född år", "Samtycke", "Ersättning vid start", "Syssels. start", "Utbildning", "Bostadsort", "Anteckning"],
            [s.InsatsId, "2024-05-02", "kvinna", "1991", "nej", "sjukpenning", "none", "gymnasium", "Lulea", "Kom via AF"],
        ]);
        var map = string.Join("", new[] { "Insats-ID=insats_id", "Startdatum deltagare=enrolled_on", "Född år=birth_year", "Ersättning vid start=means_of_support_at_start", "Syssels. start=occupation_at_start", "Bostadsort=home_kommun" }
            .Select(m => $"&map={Uri.EscapeDataString(m)}"));

        var withoutMapping = await s.CaseWorker.PostAsync($"/api/forbund/{s.ForbundId}/history-imports?dryRun=true", CsvBody(csv));
        var problem = await ApiClient.ProblemAsync(withoutMapping, HttpStatusCode.BadRequest, "validation");
        Assert.Contains("enrolled_on", problem.GetProperty("errors").GetRawText(), StringComparison.Ordinal);

        var imported = await ImportAsync(s, CsvBody(csv), map);
        Assert.Equal((1, 0), (imported.GetProperty("recorded").GetInt32(), imported.GetProperty("refused").GetInt32()));
        Assert.Equal(["Anteckning"], imported.GetProperty("ignoredColumns").EnumerateArray().Select(c => c.GetString()));
        var participation = await s.CaseWorker.GetOkAsync($"/api/participations/{imported.GetProperty("results")[0].GetProperty("participationId").GetString()}");
        Assert.Equal(("2024-05-02", "woman", 1991, "sickness_benefit", "upper_secondary"), (participation.GetProperty("enrolledOn").GetString(), participation.GetProperty("gender").GetString(),
            participation.GetProperty("birthYear").GetInt32(), participation.GetProperty("baseline").GetProperty("meansOfSupport").GetString(),
            participation.GetProperty("baseline").GetProperty("education").GetString()));

        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/forbund/{s.ForbundId}/history-imports?map=Kön%3Dshoe_size", CsvBody(csv)), HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task a_corrected_file_records_corrections_shown_as_imported_in_the_timeline()
    {
        var s = await Scenario.CreateAsync(factory);
        var good = Good();
        var heading = Heading.Append("källid").ToArray();
        var first = Csv([heading, [.. good[0].Cells(s.InsatsId), ""], [.. good[1].Cells(s.InsatsId), "gammalt-sys-17"]]);
        var recorded = await ImportAsync(s, CsvBody(first));
        Assert.Equal(2, recorded.GetProperty("recorded").GetInt32());
        var ids = recorded.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("participationId").GetString()!).ToArray();

        // the exit reason of the first was wrong; the second (known by its source id) was enrolled a week earlier and has exited since
        var corrected = Csv(
        [
            heading,
            [.. (good[0] with { Reason = "folkhogskola" }).Cells(s.InsatsId), ""],
            [.. (good[1] with { EnrolledOn = "2024-02-23", ExitedOn = "2024-08-30", Reason = "aterremiss_af", SupportAtExit = "unemployment_benefit", OccupationAtExit = "job_seeking" }).Cells(s.InsatsId), "gammalt-sys-17"],
        ]);
        var response = await s.CaseWorker.PostAsync($"/api/forbund/{s.ForbundId}/history-imports?fileName=historik-rattad.csv", CsvBody(corrected));
        var summary = await ApiClient.OkJsonAsync(response);

        Assert.Equal((0, 2, 0), (summary.GetProperty("recorded").GetInt32(), summary.GetProperty("corrected").GetInt32(), summary.GetProperty("refused").GetInt32()));
        Assert.Equal(ids, summary.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("participationId").GetString()!));
        var timeline = await s.CaseWorker.GetOkAsync($"/api/participations/{ids[0]}/timeline");
        Assert.Equal(
            ["participation.enrolled.v2 historik.csv 2", "participation.exited.v1 historik.csv 2", "participation.imported.v1 historik.csv 2",
             "participation.exit_corrected.v1 historik-rattad.csv 2", "participation.imported.v1 historik-rattad.csv 2"],
            timeline.EnumerateArray().Select(e => $"{e.GetProperty("eventType").GetString()} {e.GetProperty("importedFrom").GetProperty("fileName").GetString()} {e.GetProperty("importedFrom").GetProperty("row").GetInt32()}"));
        Assert.All(timeline.EnumerateArray(), e => Assert.Equal("handlaggare-1", e.GetProperty("recordedBy").GetString()));
        Assert.Equal("Rättad genom import av historik-rattad.csv, rad 2", timeline[3].GetProperty("reason").GetString());
        var second = await s.CaseWorker.GetOkAsync($"/api/participations/{ids[1]}");
        Assert.Equal(("2024-02-23", "exited", "aterremiss_af"), (second.GetProperty("enrolledOn").GetString(), second.GetProperty("status").GetString(), second.GetProperty("exitReasonCode").GetString()));
        Assert.Equal(
            ["participation.enrolled.v2", "participation.imported.v1", "participation.enrolment_corrected.v2", "participation.exited.v1", "participation.imported.v1"],
            (await s.CaseWorker.GetOkAsync($"/api/participations/{ids[1]}/timeline")).EnumerateArray().Select(e => e.GetProperty("eventType").GetString()));

        // the corrected file once more: already present
        var again = await ImportAsync(s, CsvBody(corrected));
        Assert.Equal((0, 0, 2), (again.GetProperty("recorded").GetInt32(), again.GetProperty("corrected").GetInt32(), again.GetProperty("alreadyPresent").GetInt32()));
    }

    [Fact]
    public async Task refused_requests_and_refused_rows_leave_no_event_vault_row_audit_row_or_read_model_row()
    {
        var s = await Scenario.CreateAsync(factory);
        var person = Good()[0];
        var csv = Csv([Heading, person.Cells(s.InsatsId)]);
        var elsewhere = await AnotherInsatsAsync(s);
        var before = await CountsAsync(s.ForbundId);
        var answers = await ScalarAsync(factory, "SELECT count(*) FROM api_idempotency");

        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        await ApiClient.ProblemAsync(await analyst.PostAsync($"/api/forbund/{s.ForbundId}/history-imports", CsvBody(csv)), HttpStatusCode.Forbidden, "forbidden");
        var otherForbund = ApiClient.As(factory, Roles.CaseWorker, "annat", [s.InsatsId]);
        await ApiClient.ProblemAsync(await otherForbund.PostAsync($"/api/forbund/{s.ForbundId}/history-imports", CsvBody(csv)), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/forbund/{s.ForbundId}/history-imports", CsvBody(Csv([Heading.Take(5).ToArray(), person.Cells(s.InsatsId)]))),
            HttpStatusCode.BadRequest, "validation");
        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/forbund/{s.ForbundId}/history-imports", new ByteArrayContent([0xC3, 0x28, 0xFF])), HttpStatusCode.BadRequest, "validation");
        Assert.Equal(answers, await ScalarAsync(factory, "SELECT count(*) FROM api_idempotency"));

        // every row refused by a rule: an insats the case worker does not work in, one of no förbund, a person outside the target group
        var rows = await ImportAsync(s, CsvBody(Csv(
        [
            Heading,
            person.Cells(elsewhere),
            person.Cells("insats-som-inte-finns"),
            (person with { Personnummer = NewOld() }).Cells(s.InsatsId),
        ])));
        Assert.Equal(["2 insats_not_permitted", "3 unknown_insats", "4 age_outside_target_group"], ProblemRows(rows));
        Assert.Equal(before, await CountsAsync(s.ForbundId));
    }

    [Fact]
    public async Task a_row_refused_after_the_person_was_looked_up_in_the_vault_writes_no_audit_row()
    {
        var s = await Scenario.CreateAsync(factory);
        var person = Good()[0] with { ExitedOn = null, Reason = null, SupportAtExit = null, OccupationAtExit = null };
        await s.EnrolAsync(personnummer: person.Personnummer, enrolledOn: "2024-01-15");
        var before = await CountsAsync(s.ForbundId);
        Assert.Equal("vault 1, audit 1", string.Join(", ", before.Split(", ").Skip(1).Take(2)));

        // the same person, still active in the insats since the live enrolment, in a file with another enrolment date
        var summary = await ImportAsync(s, CsvBody(Csv([Heading, person.Cells(s.InsatsId)])));

        Assert.Equal(["2 already_active_in_insats"], ProblemRows(summary));
        Assert.Equal(before, await CountsAsync(s.ForbundId));
    }

    /// <summary>A valid made-up personnummer of someone born in 1950 (73 at enrolment in 2024: outside 16–64).</summary>
    private static string NewOld()
    {
        var nine = $"500101{Random.Shared.Next(100, 999)}";
        return $"19{nine}{LuhnCheckDigit(nine)}";
    }

    [Fact]
    public async Task a_personnummer_in_any_other_column_refuses_its_row_naming_the_column_never_the_value()
    {
        var s = await Scenario.CreateAsync(factory);
        var good = Good();
        var stray = NewPersonnummer();
        var heading = Heading.Append("anteckning").Append("källid").ToArray();
        var csv = Csv(
        [
            heading,
            [.. good[0].Cells(s.InsatsId), $"Ring {stray[2..8]}-{stray[8..]} om intyg", ""],
            [.. good[2].Cells(s.InsatsId), "", stray],
            [.. (good[3] with { Kommun = stray }).Cells(s.InsatsId), "", ""],
            [.. good[1].Cells(s.InsatsId), "", ""],
        ]);

        var summary = await ImportAsync(s, CsvBody(csv));

        Assert.Equal(["2 personnummer_refused anteckning", "3 personnummer_refused källid", "4 personnummer_refused hemkommun"],
            summary.GetProperty("problems").EnumerateArray().Select(p => $"{p.GetProperty("row").GetInt32()} {p.GetProperty("code").GetString()} {p.GetProperty("column").GetString()}"));
        Assert.Equal(1, summary.GetProperty("recorded").GetInt32());
        AssertNoPersonnummer(summary.GetRawText(), [stray, .. good.Select(g => g.Personnummer).OfType<string>()]);
        Assert.Equal(0L, await ScalarAsync(factory, "SELECT count(*) FROM identity_vault WHERE forbund_id = $1", s.ForbundId));

        // in a heading the whole file is refused, the column named by its number
        var inHeading = await s.CaseWorker.PostAsync($"/api/forbund/{s.ForbundId}/history-imports",
            CsvBody(Csv([[.. Heading, stray], [.. good[1].Cells(s.InsatsId), "x"]])));
        var problem = await ApiClient.ProblemAsync(inHeading, HttpStatusCode.BadRequest, "validation");
        Assert.Contains("heading.column 18", problem.GetProperty("errors").GetRawText(), StringComparison.Ordinal);
        AssertNoPersonnummer(await inHeading.Content.ReadAsStringAsync(), stray);
        Assert.Equal(0L, await ScalarAsync(factory, "SELECT count(*) FROM rm_participations WHERE forbund_id = $1 AND participation_id <> $2",
            s.ForbundId, summary.GetProperty("results")[0].GetProperty("participationId").GetString()!));
    }

    [Fact]
    public async Task a_file_of_a_few_thousand_rows_fits_the_import_route_while_other_routes_keep_64_kib()
    {
        var s = await Scenario.CreateAsync(factory);
        var rows = new List<string[]> { Heading.Append("anteckning").ToArray() };
        for (var i = 0; i < 3000; i++)
        {
            var day = new DateOnly(2024, 1, 1).AddDays(i % 366);
            rows.Add([s.InsatsId, day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "", "woman", (1960 + (i / 366)).ToString(System.Globalization.CultureInfo.InvariantCulture), "",
                "nej", "social_assistance", "none", "primary", "Lulea", "", "", "", "", "", "", "Deltog i gruppen på tisdagar"]);
        }

        var csv = Csv(rows);
        Assert.True(Encoding.UTF8.GetByteCount(csv) > 4 * ProblemsSetup.MaxRequestBodyBytes);
        var dry = await ImportAsync(s, CsvBody(csv), "&dryRun=true");
        Assert.Equal(3000, dry.GetProperty("rows").GetInt32());
        Assert.Equal((3000, 0), (dry.GetProperty("recorded").GetInt32(), dry.GetProperty("refused").GetInt32()));

        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/forbund/{s.ForbundId}/history-imports?dryRun=true",
            CsvBody(csv + new string('x', (int)HistoryImportEndpoints.MaxFileBytes))), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync("/api/participations", CsvBody(csv)), HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    [Fact]
    public async Task the_command_line_import_records_a_real_file_with_progress_and_the_same_summary()
    {
        var s = await Scenario.CreateAsync(factory);
        var rows = new List<string[]> { Heading };
        for (var i = 0; i < 120; i++)
        {
            rows.Add([s.InsatsId, new DateOnly(2024, 1, 2).AddDays(i).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), "2024-12-20", "woman", "1980", "",
                "nej", "social_assistance", "none", "primary", "Lulea", "", "", "", "studier", "none", "studying"]);
        }

        rows.Add([s.InsatsId, "2024-13-01", "", "woman", "1980", "", "nej", "social_assistance", "none", "primary", "Lulea", "", "", "", "", "", ""]);
        // a name of letters only: the file name goes into the events, and a run of random hex digits may read as a personnummer
        var path = Path.Combine(Path.GetTempPath(), $"historik-{string.Concat(Guid.NewGuid().ToByteArray().Select(b => (char)('a' + b % 26)))}.csv");
        await File.WriteAllTextAsync(path, Csv(rows), new UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        try
        {
            var output = new StringWriter();
            var code = await HistoryImportCommand.RunAsync(factory.Services, ["--forbund", s.ForbundId, "--file", path, "--actor", "cli-test"], output, CancellationToken.None);

            var lines = output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(code == 1, $"exit code {code}: {output}");
            Assert.Equal(["100 / 120 rows", "120 / 120 rows"], lines.Where(l => l.EndsWith(" rows", StringComparison.Ordinal)));
            Assert.Matches(new Regex($"^Imported {Regex.Escape(Path.GetFileName(path))} \\(import-[a-z]{{16}}\\): 121 rows; recorded 120, corrected 0, already present 0, refused 1\\.$"), lines.Single(l => l.StartsWith("Imported", StringComparison.Ordinal)));
            Assert.Contains(lines, l => l.StartsWith("row 122, inskriven: invalid_date", StringComparison.Ordinal));
            Assert.Equal(120L * 3, await ScalarAsync(factory, "SELECT count(*) FROM es_events WHERE forbund_id = $1 AND stream_id LIKE 'participation-%'", s.ForbundId));
            Assert.Equal(120L, await ScalarAsync(factory, "SELECT count(*) FROM es_events WHERE forbund_id = $1 AND event_type = 'participation.imported.v1' AND metadata->>'actor' = 'cli-test'", s.ForbundId));

            var again = new StringWriter();
            Assert.Equal(1, await HistoryImportCommand.RunAsync(factory.Services, ["--forbund", s.ForbundId, "--file", path, "--actor", "cli-test", "--dry-run"], again, CancellationToken.None));
            Assert.Contains("recorded 0, corrected 0, already present 120, refused 1.", again.ToString(), StringComparison.Ordinal);
            Assert.Equal(2, await HistoryImportCommand.RunAsync(factory.Services, ["--forbund", s.ForbundId], new StringWriter(), CancellationToken.None));

            // the file's name goes into every imported event: a file named by a personnummer is refused whole, unnamed
            var named = Path.Combine(Path.GetTempPath(), "historik-19810716-7630.csv");
            File.Copy(path, named, overwrite: true);
            try
            {
                var refused = new StringWriter();
                var before = await ScalarAsync(factory, "SELECT count(*) FROM es_events WHERE forbund_id = $1", s.ForbundId);
                Assert.Equal(2, await HistoryImportCommand.RunAsync(factory.Services, ["--forbund", s.ForbundId, "--file", named, "--actor", "cli-test"], refused, CancellationToken.None));
                Assert.StartsWith("fileName: ", refused.ToString(), StringComparison.Ordinal);
                Assert.DoesNotContain("810716", refused.ToString(), StringComparison.Ordinal);
                Assert.Equal(before, await ScalarAsync(factory, "SELECT count(*) FROM es_events WHERE forbund_id = $1", s.ForbundId));
            }
            finally
            {
                File.Delete(named);
            }
        }
        finally
        {
            File.Delete(path);
        }
    }
}
