using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Economy;

/// <summary>
/// One förbund's economic year 2025 recorded over HTTP — contributions, other income, a budget and its revision, monthly and tertial
/// outcomes, a correction, an accounting import with unmappable rows, closing — and every figure of the reports asserted exactly
/// (the worked example of docs/economy.md).
/// </summary>
public sealed class EconomyYearTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    internal const string Csv =
        "Konto;Period;Belopp;Kostnadsställe;Text\r\n" +
        "6420;2025-05;50 000,00;100 Kansli;Lön kansli\r\n" +
        "5410;202506;\"1 250 000,50\";210;Lön team\r\n" +
        "5410;2025-07;150 000;211 ESF;ESF-projekt\r\n" +
        "4010;2025-09;80 000,00;300;Utbildningsdag\r\n" +
        "5410;2025-10;10 000,00;999 Okänt;Okänt\r\n" +
        "3010;2025-10;-300 000,00;210;Bidrag\r\n" +
        "5410;2024-12;5 000,00;210;Förra året\r\n" +
        "\r\n";

    internal sealed record Year(Scenario S, string Base, string LastStatisticsPosition);

    internal static async Task<Year> RecordAsync(ApiFactory factory)
    {
        var s = await Scenario.CreateAsync(factory);
        var f = s.ForbundId;
        foreach (var (id, kind, name) in new[] { ("fk", "fk", "Försäkringskassan"), ("af", "af", "Arbetsförmedlingen"), ("region", "region", "Region Norrbotten"), ("lulea", "kommun", "Luleå kommun"), ("pitea", "kommun", "Piteå kommun") })
        {
            await s.Admin.PostOkAsync($"/api/forbund/{f}/members", new { memberId = id, kind, name, from = "2020-01-01" });
        }

        var b = $"/api/economy/{f}/2025";
        foreach (var (member, amount) in new[] { ("fk", 2_000_000m), ("region", 1_000_000m), ("lulea", 600_000m), ("pitea", 400_000m) })
        {
            await Ok(await s.Admin.PutAsync($"{b}/contributions/{member}", new { amount }));
        }

        await Ok(await s.Admin.PutAsync($"{b}/other-income/esf-ung", new { source = "ESF", description = "ESF-projekt Unga", amount = 300_000m, insatsId = s.InsatsId }));
        object[] Lines(decimal team) =>
        [
            new { type = "member_contributions", insatsId = (string?)null, description = "Medlemsbidrag", amount = 4_000_000m },
            new { type = "other_income", insatsId = (string?)null, description = "ESF", amount = 300_000m },
            new { type = "administration", insatsId = (string?)null, description = "Kansli, styrelse, revision", amount = 600_000m },
            new { type = "insats_cost", insatsId = s.InsatsId, description = "Samverkansteamet", amount = team, plannedParticipants = 40 },
            new { type = "esf_insats_cost", insatsId = s.InsatsId, description = "ESF-del", amount = 300_000m },
            new { type = "insats_cost", insatsId = s.HeadCountInsatsId, description = "Utbildningsdagar", amount = 200_000m },
        ];
        await s.Admin.PostOkAsync($"{b}/budget", new { adoptedOn = "2024-11-20", reason = "Styrelsen antog budget 2025", lines = Lines(2_700_000m) });
        await s.Admin.PostOkAsync($"{b}/budget", new { adoptedOn = "2025-06-10", reason = "Reviderad budget: teamet utökas", lines = Lines(3_000_000m) });

        for (var month = 1; month <= 4; month++)
        {
            await s.Admin.PostOkAsync($"{b}/outcomes", new { month, type = "administration", insatsId = (string?)null, account = "6420", description = "Kansli", amount = 50_000m });
            await s.Admin.PostOkAsync($"{b}/outcomes", new { entryId = $"team-m{month}", month, type = "insats_cost", insatsId = s.InsatsId, account = "5410", description = "Lön team", amount = 250_000m });
        }

        await s.Admin.PostOkAsync($"{b}/outcomes", new { tertial = 3, type = "administration", insatsId = (string?)null, account = "6430", description = "Revision", amount = 100_000m });
        await s.Admin.PostOkAsync($"{b}/outcomes/team-m3/correction", new { amount = 240_000m, reason = "Felkonterad lön flyttad" });

        await Ok(await s.Admin.PutAsync($"/api/economy/{f}/cost-centres", new
        {
            mappings = new object[]
            {
                new { costCentre = "100 Kansli", type = "administration", insatsId = (string?)null },
                new { costCentre = "210", type = "insats_cost", insatsId = s.InsatsId },
                new { costCentre = "211 ESF", type = "esf_insats_cost", insatsId = s.InsatsId },
                new { costCentre = "300", type = "insats_cost", insatsId = s.HeadCountInsatsId },
            },
        }));
        await s.Admin.PostOkAsync($"{b}/imports?fileName=huvudbok-2025.csv", CsvBody(Csv));
        await Ok(await s.Admin.PutAsync($"{b}/opening-equity", new { amount = 500_000m }));

        // participants of 2025: 3 women and 1 man; 2 exits to work (positive), 1 moved away
        var ids = new List<string>();
        foreach (var gender in new[] { "woman", "woman", "woman", "man" })
        {
            ids.Add(await s.EnrolAsync(enrolledOn: "2025-02-03", gender: gender, birthYear: 1985));
        }

        await s.CaseWorker.PostOkAsync($"/api/participations/{ids[0]}/exit", Exit("2025-09-30", "arbete_osubventionerat"));
        await s.CaseWorker.PostOkAsync($"/api/participations/{ids[1]}/exit", Exit("2025-10-15", "arbete_subventionerat"));
        await s.CaseWorker.PostOkAsync($"/api/participations/{ids[2]}/exit", Exit("2025-11-01", "flyttat"));
        var occurrence = await s.CaseWorker.PostOkAsync($"/api/insatser/{s.HeadCountInsatsId}/occurrences", new { on = "2025-09-12", title = "Utbildningsdag", women = 5, men = 3, nonBinary = 0, notStated = 0 });
        await s.Admin.PostOkAsync($"{b}/close", new { closedOn = "2026-02-15" });
        return new Year(s, b, occurrence.GetProperty("logPosition").GetInt64().ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    internal static ByteArrayContent CsvBody(string text, bool bom = true)
    {
        var body = new ByteArrayContent((bom ? Encoding.UTF8.GetPreamble() : []).Concat(Encoding.UTF8.GetBytes(text)).ToArray());
        body.Headers.ContentType = new MediaTypeHeaderValue("text/csv");
        return body;
    }

    [Fact]
    public async Task a_recorded_year_gives_every_figure_of_the_economy_report_exactly()
    {
        var y = await RecordAsync(factory);
        var s = y.S;
        var report = await s.Admin.GetOkAsync($"{y.Base}/report?waitForPosition={y.LastStatisticsPosition}");

        var financing = report.GetProperty("financing");
        Assert.Equal(4_000_000m, financing.GetProperty("contributions").GetDecimal());
        var byFinancier = financing.GetProperty("byFinancier").EnumerateArray().ToDictionary(r => r.GetProperty("financier").GetString()!);
        Assert.Equal(2_000_000m, byFinancier["state"].GetProperty("amount").GetDecimal());
        Assert.Equal(50.0m, byFinancier["state"].GetProperty("shareOfContributions").GetProperty("percent").GetDecimal());
        Assert.Equal(4_000_000m, byFinancier["state"].GetProperty("shareOfContributions").GetProperty("denominator").GetDecimal());
        Assert.Equal(1_000_000m, byFinancier["region"].GetProperty("amount").GetDecimal());
        Assert.Equal(25.0m, byFinancier["region"].GetProperty("shareOfContributions").GetProperty("percent").GetDecimal());
        Assert.Equal(1_000_000m, byFinancier["kommuner"].GetProperty("amount").GetDecimal());
        var lulea = financing.GetProperty("byMember").EnumerateArray().Single(m => m.GetProperty("memberId").GetString() == "lulea");
        Assert.Equal(60.0m, lulea.GetProperty("shareOfFinancier").GetProperty("percent").GetDecimal());
        Assert.Equal(1_000_000m, lulea.GetProperty("shareOfFinancier").GetProperty("denominator").GetDecimal());
        Assert.Equal(300_000m, financing.GetProperty("otherIncomeTotal").GetDecimal());
        Assert.Equal(4_300_000m, financing.GetProperty("totalIncome").GetDecimal());

        var drift = report.GetProperty("driftredovisning");
        Assert.Equal(2, drift.GetProperty("budget").GetProperty("revision").GetInt32());
        Assert.Equal([1, 2], drift.GetProperty("revisions").EnumerateArray().Select(r => r.GetProperty("revision").GetInt32()));
        Assert.Equal([3_800_000m, 4_100_000m], drift.GetProperty("revisions").EnumerateArray().Select(r => r.GetProperty("costTotal").GetDecimal()));
        Assert.Equal([4_300_000m, 4_300_000m], drift.GetProperty("revisions").EnumerateArray().Select(r => r.GetProperty("incomeTotal").GetDecimal()));
        Assert.Equal("Reviderad budget: teamet utökas", drift.GetProperty("budget").GetProperty("reason").GetString());
        var rows = drift.GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!);
        void Row(string key, decimal budget, decimal outcome, decimal deviation)
        {
            Assert.Equal(budget, rows[key].GetProperty("budget").GetDecimal());
            Assert.Equal(outcome, rows[key].GetProperty("outcome").GetDecimal());
            Assert.Equal(deviation, rows[key].GetProperty("deviation").GetDecimal());
            Assert.Equal(JsonValueKind.Null, rows[key].GetProperty("previousYearOutcome").ValueKind);
        }

        Row("other_income", 300_000m, 300_000m, 0m);
        Row("administration", 600_000m, 350_000m, 250_000m);
        Row("insatser", 3_500_000m, 2_470_000.50m, 1_029_999.50m);
        Row("costs", 4_100_000m, 2_820_000.50m, 1_279_999.50m);
        Row("net_cost", 3_800_000m, 2_520_000.50m, 1_279_999.50m);
        Row("member_contributions", 4_000_000m, 4_000_000m, 0m);
        Row("result", 200_000m, 1_479_999.50m, 1_279_999.50m);

        var tertials = drift.GetProperty("tertials").EnumerateArray().ToArray();
        TertialLine(tertials[0], "administration", 200_000m, 200_000m, 0m, 600_000m);
        TertialLine(tertials[0], "insatser", 1_166_666.67m, 990_000m, 176_666.67m, 3_323_333.33m);
        TertialLine(tertials[0], "member_contributions", 1_333_333.33m, 1_333_333.33m, 0m, 4_000_000m);
        TertialLine(tertials[1], "administration", 400_000m, 250_000m, 150_000m, 450_000m);
        TertialLine(tertials[1], "insatser", 2_333_333.33m, 2_390_000.50m, -56_667.17m, 3_556_667.17m);
        TertialLine(tertials[2], "administration", 600_000m, 350_000m, 250_000m, 350_000m);
        TertialLine(tertials[2], "result", 200_000m, 1_479_999.50m, 1_279_999.50m, 1_479_999.50m);
        Assert.Equal("2025-08-31", tertials[1].GetProperty("through").GetString());

        var split = report.GetProperty("insatsVsAdministration");
        Assert.Equal(350_000m, split.GetProperty("administration").GetProperty("totalOutcome").GetDecimal());
        Assert.Equal(12.4m, split.GetProperty("administrationShareOfCosts").GetProperty("percent").GetDecimal());
        Assert.Equal(2_820_000.50m, split.GetProperty("administrationShareOfCosts").GetProperty("denominator").GetDecimal());
        var team = split.GetProperty("insatser").EnumerateArray().Single(i => i.GetProperty("insatsId").GetString() == s.InsatsId);
        Assert.Equal(3_000_000m, team.GetProperty("budget").GetDecimal());
        Assert.Equal(300_000m, team.GetProperty("esfBudget").GetDecimal());
        Assert.Equal(2_240_000.50m, team.GetProperty("outcome").GetDecimal());
        Assert.Equal(150_000m, team.GetProperty("esfOutcome").GetDecimal());
        Assert.Equal(909_999.50m, team.GetProperty("deviation").GetDecimal());
        Assert.Equal("Samverkansteamet", team.GetProperty("name").GetString());
        var course = split.GetProperty("insatser").EnumerateArray().Single(i => i.GetProperty("insatsId").GetString() == s.HeadCountInsatsId);
        Assert.Equal(200_000m, course.GetProperty("totalBudget").GetDecimal());
        Assert.Equal(80_000m, course.GetProperty("totalOutcome").GetDecimal());
        Assert.Equal(3_500_000m, split.GetProperty("insatserBudget").GetDecimal());

        var equity = report.GetProperty("egetKapital");
        Assert.True(equity.GetProperty("closed").GetBoolean());
        Assert.Equal(500_000m, equity.GetProperty("openingEquity").GetDecimal());
        Assert.Equal("set", equity.GetProperty("openingSource").GetString());
        Assert.Equal(1_479_999.50m, equity.GetProperty("result").GetDecimal());
        Assert.Equal(1_979_999.50m, equity.GetProperty("closingEquity").GetDecimal());
        Assert.Equal(49.5m, equity.GetProperty("equityToContributions").GetProperty("percent").GetDecimal());
        Assert.Equal(800_000m, equity.GetProperty("ceiling").GetProperty("total").GetDecimal());
        Assert.Equal(0m, equity.GetProperty("ceiling").GetProperty("tier2").GetDecimal());
        Assert.Equal(1_179_999.50m, equity.GetProperty("aboveCeiling").GetDecimal());
        Assert.False(equity.GetProperty("withinRecommendation").GetBoolean());

        var cost = report.GetProperty("costPerParticipant");
        Assert.Equal("2025", cost.GetProperty("period").GetString());
        var teamCost = cost.GetProperty("insatser").EnumerateArray().Single();
        Assert.Equal(s.InsatsId, teamCost.GetProperty("insatsId").GetString());
        Assert.Equal(2_390_000.50m, teamCost.GetProperty("cost").GetDecimal());
        Assert.Equal(4, teamCost.GetProperty("participants").GetInt32());
        Assert.Equal(3, teamCost.GetProperty("exits").GetInt32());
        Assert.Equal(2, teamCost.GetProperty("positiveOutcomes").GetInt32());
        Assert.Equal(597_500.13m, teamCost.GetProperty("costPerParticipant").GetDecimal());
        Assert.Equal(1_195_000.25m, teamCost.GetProperty("costPerPositiveOutcome").GetDecimal());

        var t1 = await s.Admin.GetOkAsync($"{y.Base}/report?period=2025-T1&waitForPosition={y.LastStatisticsPosition}");
        var t1Team = t1.GetProperty("costPerParticipant").GetProperty("insatser").EnumerateArray().Single();
        Assert.Equal(990_000m, t1Team.GetProperty("cost").GetDecimal());
        Assert.Equal(4, t1Team.GetProperty("participants").GetInt32());
        Assert.Equal(0, t1Team.GetProperty("positiveOutcomes").GetInt32());
        Assert.Equal(247_500m, t1Team.GetProperty("costPerParticipant").GetDecimal());
        Assert.Equal(JsonValueKind.Null, t1Team.GetProperty("costPerPositiveOutcome").ValueKind);

        static void TertialLine(JsonElement tertial, string key, decimal budget, decimal outcome, decimal deviation, decimal prognosis)
        {
            var line = tertial.GetProperty("lines").EnumerateArray().Single(l => l.GetProperty("key").GetString() == key);
            Assert.Equal(budget, line.GetProperty("budgetToDate").GetDecimal());
            Assert.Equal(outcome, line.GetProperty("outcomeToDate").GetDecimal());
            Assert.Equal(deviation, line.GetProperty("deviationToDate").GetDecimal());
            Assert.Equal(prognosis, line.GetProperty("prognosis").GetDecimal());
        }
    }

    [Fact]
    public async Task the_import_dry_run_lists_what_would_be_recorded_and_every_unmappable_row_and_the_same_file_again_adds_nothing()
    {
        var s = await Scenario.CreateAsync(factory);
        var b = $"/api/economy/{s.ForbundId}/2025";
        await Ok(await s.Admin.PutAsync($"/api/economy/{s.ForbundId}/cost-centres", new
        {
            mappings = new object[]
            {
                new { costCentre = "100 Kansli", type = "administration", insatsId = (string?)null },
                new { costCentre = "210", type = "insats_cost", insatsId = s.InsatsId },
                new { costCentre = "211 ESF", type = "esf_insats_cost", insatsId = s.InsatsId },
                new { costCentre = "300", type = "insats_cost", insatsId = s.HeadCountInsatsId },
            },
        }));
        var stream = $"economy-{s.ForbundId}-2025";

        var dry = await s.Admin.PostOkAsync($"{b}/imports?dryRun=true&fileName=huvudbok.csv", CsvBody(Csv));
        Assert.True(dry.GetProperty("dryRun").GetBoolean());
        Assert.Equal(0, dry.GetProperty("eventsAppended").GetInt32());
        Assert.Equal(0, await CountEventsAsync(factory, stream));
        Assert.Equal(7, dry.GetProperty("rows").GetInt32());
        Assert.Equal([2, 3, 4, 5], dry.GetProperty("recorded").EnumerateArray().Select(r => r.GetProperty("row").GetInt32()));
        Assert.Equal([50_000m, 1_250_000.50m, 150_000m, 80_000m], dry.GetProperty("recorded").EnumerateArray().Select(r => r.GetProperty("amount").GetDecimal()));
        Assert.Equal([5, 6, 7, 9], dry.GetProperty("recorded").EnumerateArray().Select(r => r.GetProperty("month").GetInt32()));
        Assert.Equal(1_530_000.50m, dry.GetProperty("total").GetDecimal());
        Assert.Equal(
            ["6 unknown_cost_centre 999 Okänt", "7 income_account 210", "8 other_year 210"],
            dry.GetProperty("unmapped").EnumerateArray().Select(u => $"{u.GetProperty("row").GetInt32()} {u.GetProperty("reason").GetString()} {u.GetProperty("costCentre").GetString()}"));

        var imported = await s.Admin.PostOkAsync($"{b}/imports?fileName=huvudbok.csv", CsvBody(Csv));
        Assert.False(imported.GetProperty("alreadyImported").GetBoolean());
        Assert.Equal(5, imported.GetProperty("eventsAppended").GetInt32());
        Assert.Equal(dry.GetProperty("importId").GetString(), imported.GetProperty("importId").GetString());

        var again = await s.Admin.PostOkAsync($"{b}/imports?fileName=samma-fil-igen.csv", CsvBody(Csv));
        Assert.True(again.GetProperty("alreadyImported").GetBoolean());
        Assert.Equal(0, again.GetProperty("eventsAppended").GetInt32());
        Assert.Equal(5, await CountEventsAsync(factory, stream));
        Assert.Equal(1_530_000.50m, await SumAsync(s.ForbundId));

        // the same rows without a BOM are another file's bytes, but the recorded rows are still mapped the same way
        var noBom = await s.Admin.PostOkAsync($"{b}/imports?dryRun=true", CsvBody(Csv, bom: false));
        Assert.Equal(4, noBom.GetProperty("recordedRows").GetInt32());

        var year = await s.Admin.GetOkAsync(b);
        var row3 = year.GetProperty("outcomes").EnumerateArray().Single(o => o.GetProperty("row").ValueKind == JsonValueKind.Number && o.GetProperty("row").GetInt32() == 3);
        Assert.Equal("import", row3.GetProperty("source").GetString());
        Assert.Equal(s.InsatsId, row3.GetProperty("insatsId").GetString());
    }

    [Fact]
    public async Task an_import_with_a_personnummer_or_without_the_columns_is_refused_naming_the_cell_not_the_value()
    {
        var s = await Scenario.CreateAsync(factory);
        var b = $"/api/economy/{s.ForbundId}/2025";
        var withNumber = await s.Admin.PostAsync($"{b}/imports?dryRun=true", CsvBody($"Konto;Period;Belopp;Kostnadsställe\r\n5410;2025-03;100;{Anna}\r\n"));
        var problem = await ApiClient.ProblemAsync(withNumber, HttpStatusCode.BadRequest, "validation");
        Assert.DoesNotContain(Anna, problem.ToString());
        Assert.Contains("row 2, column 4", problem.ToString());
        await ApiClient.ProblemAsync(await s.Admin.PostAsync($"{b}/imports?dryRun=true", CsvBody("Konto;Belopp\r\n5410;100\r\n")), HttpStatusCode.BadRequest, "validation");
        await ApiClient.ProblemAsync(await s.Admin.PostAsync($"{b}/imports?dryRun=true", new ByteArrayContentWithType([0xFF, 0xFE, 0x00], "text/csv")), HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task a_closed_year_takes_nothing_more_and_the_next_year_opens_with_its_closing_equity()
    {
        var y = await RecordAsync(factory);
        var s = y.S;
        await ApiClient.ProblemAsync(await s.Admin.PostAsync($"{y.Base}/outcomes", new { month = 12, type = "administration", account = "6420", description = "Sent", amount = 1m }),
            HttpStatusCode.Conflict, "year_closed");
        await ApiClient.ProblemAsync(await s.Admin.PutAsync($"{y.Base}/contributions/fk", new { amount = 1m }), HttpStatusCode.Conflict, "year_closed");
        var next = await s.Admin.GetOkAsync($"/api/economy/{s.ForbundId}/2026/report");
        Assert.Equal(1_979_999.50m, next.GetProperty("egetKapital").GetProperty("openingEquity").GetDecimal());
        Assert.Equal("previous_year_closing", next.GetProperty("egetKapital").GetProperty("openingSource").GetString());
        Assert.False(next.GetProperty("egetKapital").GetProperty("closed").GetBoolean());
        var drift = next.GetProperty("driftredovisning").GetProperty("rows").EnumerateArray().Single(r => r.GetProperty("key").GetString() == "result");
        Assert.Equal(1_479_999.50m, drift.GetProperty("previousYearOutcome").GetDecimal());
    }

    [Fact]
    public async Task the_uppfoljning_finsam_export_and_the_national_compilation_come_out_exactly()
    {
        var y = await RecordAsync(factory);
        var s = y.S;
        var export = await s.Admin.GetOkAsync($"{y.Base}/uppfoljning-finsam?waitForPosition={y.LastStatisticsPosition}");
        Assert.Equal(4_000_000m, export.GetProperty("tilldeladeMedel").GetDecimal());
        Assert.Equal(1_979_999.50m, export.GetProperty("egetKapital").GetDecimal());
        Assert.True(export.GetProperty("egetKapitalClosed").GetBoolean());
        Assert.Equal(600_000m, export.GetProperty("administrationBudget").GetDecimal());
        Assert.Equal(350_000m, export.GetProperty("administrationOutcome").GetDecimal());
        var team = export.GetProperty("insatser").EnumerateArray().Single(i => i.GetProperty("insatsId").GetString() == s.InsatsId);
        Assert.Equal("individual", team.GetProperty("kind").GetString());
        Assert.Equal("16–64 år", team.GetProperty("targetGroup").GetString());
        Assert.Equal(3_300_000m, team.GetProperty("budget").GetDecimal());
        Assert.Equal(2_390_000.50m, team.GetProperty("outcome").GetDecimal());
        Assert.Equal(40, team.GetProperty("budgetedParticipants").GetInt32());
        Assert.Equal(4, team.GetProperty("participants").GetInt32());
        Assert.Equal(3, team.GetProperty("participantsByGender").GetProperty("woman").GetInt32());
        Assert.Equal(1, team.GetProperty("participantsByGender").GetProperty("man").GetInt32());
        Assert.Equal(8, export.GetProperty("structuralParticipants").GetInt32());
        Assert.Equal(4, export.GetProperty("individualParticipants").GetInt32());

        var csv = await s.Admin.GetAsync($"{y.Base}/uppfoljning-finsam?format=csv");
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.StartsWith("Avsnitt;Insats;Namn;Inriktning;Målgrupp", lines[0], StringComparison.Ordinal);
        Assert.Contains(lines, l => l.StartsWith("Tilldelade medel;", StringComparison.Ordinal) && l.Contains(";4000000;", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("Eget kapital;", StringComparison.Ordinal) && l.Contains(";1979999,5;", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith($"Individinriktad insats;{s.InsatsId};Samverkansteamet;individinriktad;16–64 år;16;64;3300000;2390000,5;40;4;3;1;0;0", StringComparison.Ordinal));
        Assert.Contains(lines, l => l == "Deltagare i individinriktade insatser;;;;;;;;;;4;3;1;0;0");

        var xlsx = await s.Admin.GetAsync($"{y.Base}/uppfoljning-finsam?format=xlsx");
        Assert.Equal(HttpStatusCode.OK, xlsx.StatusCode);
        var rows = FinsamOutcomes.Api.Features.Economy.XlsxReader.Read(await xlsx.Content.ReadAsByteArrayAsync());
        // the shared writer's table layout: the title, the headings, the rows
        Assert.Equal(["Uppföljning Finsam"], rows[0]);
        Assert.Equal("Avsnitt", rows[1][0]);
        Assert.Equal("Tilldelade medel", rows[2][0]);
        Assert.Equal("4000000", rows[2][8]);

        var national = ApiClient.As(factory, Roles.NationalReader, "*", actor: "national-reader");
        var compilation = await national.GetOkAsync("/api/economy/compilation/2025");
        var mine = compilation.GetProperty("forbund").EnumerateArray().Single(f => f.GetProperty("forbundId").GetString() == s.ForbundId);
        Assert.Equal(4_000_000m, mine.GetProperty("contributions").GetDecimal());
        Assert.Equal(1_479_999.50m, mine.GetProperty("result").GetDecimal());
        Assert.Equal(1_979_999.50m, mine.GetProperty("closingEquity").GetDecimal());
        Assert.Equal(800_000m, mine.GetProperty("ceiling").GetDecimal());
        Assert.Equal(1_179_999.50m, mine.GetProperty("aboveCeiling").GetDecimal());
        Assert.Equal(49.5m, mine.GetProperty("equityToContributions").GetProperty("percent").GetDecimal());
        var compilationCsv = await national.GetAsync("/api/economy/compilation/2025?format=csv");
        Assert.Contains($"{s.ForbundId};Samordningsförbundet Test;4000000;300000;2820000,5;1479999,5;ja;500000;1979999,5;49,5;800000;1179999,5;nej;1980;4000",
            await compilationCsv.Content.ReadAsStringAsync());

        var compilationXlsx = FinsamOutcomes.Api.Features.Economy.XlsxReader.Read(await (await national.GetAsync("/api/economy/compilation/2025?format=xlsx")).Content.ReadAsByteArrayAsync());
        var mineXlsx = compilationXlsx.Single(r => r.Length > 0 && r[0] == s.ForbundId);
        Assert.Equal(["4000000", "1979999.5", "800000", "1179999.5"], new[] { mineXlsx[2], mineXlsx[8], mineXlsx[10], mineXlsx[11] });
        var reportBytes = await (await s.Admin.GetAsync($"{y.Base}/report?format=xlsx")).Content.ReadAsByteArrayAsync();
        var reportXlsx = FinsamOutcomes.Api.Features.Economy.XlsxReader.Read(reportBytes);
        Assert.Equal("1179999.5", reportXlsx.Single(r => r.Length > 2 && r[2] == "above_ceiling")[4]);
        // kronor are number cells formatted 0.00 (built-in format 2), tkr whole numbers (format 1), percentages 0.0
        Assert.Equal(((uint)2, (uint)1, "0.0"), XlsxFormats(reportBytes, "ceiling", 4, 11, 8));

        var reportCsv = await s.Admin.GetAsync($"{y.Base}/report?format=csv");
        var text = await reportCsv.Content.ReadAsStringAsync();
        Assert.Contains("Eget kapital;Rekommenderat tak;ceiling;;800000;", text);
        Assert.Contains("Finansiering;Staten (Försäkringskassan);state;;2000000;;;;50;2000000;4000000;2000;", text);
    }

    [Fact]
    public async Task only_the_forbunds_administrator_or_economist_records_and_analysts_read_and_the_compilation_is_for_national_readers()
    {
        var s = await Scenario.CreateAsync(factory);
        var b = $"/api/economy/{s.ForbundId}/2025";
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        var otherAdmin = ApiClient.As(factory, Roles.Administrator, "other-forbund");
        await ApiClient.ProblemAsync(await analyst.PutAsync($"{b}/opening-equity", new { amount = 1m }), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await otherAdmin.PutAsync($"{b}/opening-equity", new { amount = 1m }), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await s.CaseWorker.GetAsync($"{b}/report"), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await analyst.GetAsync("/api/economy/compilation/2025"), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await ApiClient.As(factory, Roles.NationalReader, "*").GetAsync($"{b}/report"), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(HttpStatusCode.OK, (await analyst.GetAsync($"{b}/report")).StatusCode);
        var economist = ApiClient.As(factory, Roles.Economist, s.ForbundId, actor: "ekonom");
        await ApiClient.OkJsonAsync(await economist.PutAsync($"{b}/opening-equity", new { amount = 250_000m }));
        Assert.Equal(250_000m, (await economist.GetOkAsync($"{b}/report")).GetProperty("egetKapital").GetProperty("openingEquity").GetDecimal());
        await ApiClient.ProblemAsync(await ApiClient.As(factory, Roles.Economist, "other-forbund").GetAsync($"{b}/report"), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await ApiClient.As(factory, Roles.Economist, "*").GetAsync($"{b}/report"), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await economist.GetAsync($"/api/insatser/{s.InsatsId}/participations"), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await s.National.GetAsync("/api/economy/nosuchforbund/2025"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task bad_input_is_a_400_or_409_never_a_500()
    {
        var s = await Scenario.CreateAsync(factory);
        var b = $"/api/economy/{s.ForbundId}/2025";
        await ApiClient.ProblemAsync(await s.Admin.PutAsync($"{b}/contributions/fk", new { amount = 1m }), HttpStatusCode.Conflict, "not_a_member");
        await ApiClient.ProblemAsync(await s.Admin.PutAsync($"{b}/opening-equity", new { amount = 0.001m }), HttpStatusCode.BadRequest, "validation");
        await ApiClient.ProblemAsync(await s.Admin.PostAsync($"{b}/outcomes", new { month = 13, type = "administration", account = "1", description = "x", amount = 1m }), HttpStatusCode.BadRequest, "validation");
        await ApiClient.ProblemAsync(await s.Admin.PostAsync($"{b}/outcomes", new { month = 1, tertial = 1, type = "administration", account = "1", description = "x", amount = 1m }), HttpStatusCode.BadRequest, "validation");
        await ApiClient.ProblemAsync(await s.Admin.PostAsync($"{b}/outcomes", new { month = 1, type = "insats_cost", insatsId = "nosuch", account = "1", description = "x", amount = 1m }), HttpStatusCode.Conflict, "unknown_insats");
        await ApiClient.ProblemAsync(await s.Admin.PostAsync($"{b}/budget", new { adoptedOn = "2025-01-01", reason = "x", lines = Array.Empty<object>() }), HttpStatusCode.BadRequest, "validation");
        await ApiClient.ProblemAsync(await s.Admin.PostAsync($"{b}/close", new { closedOn = "2026-01-10" }), HttpStatusCode.Conflict, "opening_equity_missing");
        await ApiClient.ProblemAsync(await s.Admin.GetAsync($"{b}/report?period=2024-T1"), HttpStatusCode.BadRequest, "validation");
        await ApiClient.ProblemAsync(await s.Admin.GetAsync($"{b}/report?format=pdf"), HttpStatusCode.BadRequest, "validation");
        await ApiClient.ProblemAsync(await s.Admin.GetAsync($"/api/economy/{s.ForbundId}/3000"), HttpStatusCode.BadRequest, "validation");
    }

    [Fact]
    public async Task a_revised_budget_and_a_corrected_outcome_change_a_frozen_report_and_the_comparison_names_both()
    {
        var s = await Scenario.CreateAsync(factory);
        var b = $"/api/economy/{s.ForbundId}/2025";
        object Budget(decimal admin) => new
        {
            adoptedOn = "2024-12-01",
            reason = admin == 600_000m ? "Budget 2025" : "Reviderad budget",
            lines = new object[] { new { type = "administration", description = "Kansli", amount = admin } },
        };
        await s.Admin.PostOkAsync($"{b}/budget", Budget(600_000m));
        await s.Admin.PostOkAsync($"{b}/outcomes", new { entryId = "kansli-jan", month = 1, type = "administration", account = "6420", description = "Kansli", amount = 50_000m });
        var frozen = await s.Admin.PostOkAsync($"{b}/frozen", new { name = "Delårsrapport T1 som styrelsen godkände" });
        var frozenId = frozen.GetProperty("frozenId").GetString()!;

        await s.Admin.PostOkAsync($"{b}/budget", Budget(650_000m));
        await s.Admin.PostOkAsync($"{b}/outcomes/kansli-jan/correction", new { amount = 45_000m, reason = "Felkonterat" });

        var comparison = await s.Admin.GetOkAsync($"/api/economy/frozen/{frozenId}/comparison");
        var changes = comparison.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("figure").GetString()!);
        Assert.Equal(600_000m, changes["driftredovisning.rows[administration].budget"].GetProperty("frozen").GetDecimal());
        Assert.Equal(650_000m, changes["driftredovisning.rows[administration].budget"].GetProperty("current").GetDecimal());
        Assert.Equal(-5_000m, changes["driftredovisning.rows[administration].outcome"].GetProperty("difference").GetDecimal());
        Assert.Equal(1m, changes["driftredovisning.budget.revision"].GetProperty("difference").GetDecimal());
        Assert.Equal(
            ["economy.budget_set.v1 revision 2", "economy.outcome_corrected.v1 kansli-jan"],
            comparison.GetProperty("causes").EnumerateArray().Select(c => $"{c.GetProperty("eventType").GetString()} {c.GetProperty("names").GetString()}"));
        var again = await s.Admin.GetOkAsync($"/api/economy/frozen/{frozenId}");
        Assert.Equal(600_000m, again.GetProperty("report").GetProperty("driftredovisning").GetProperty("rows").EnumerateArray()
            .Single(r => r.GetProperty("key").GetString() == "administration").GetProperty("budget").GetDecimal());
    }

    private async Task<decimal> SumAsync(string forbundId)
    {
        await using var cmd = Db(factory).CreateCommand("SELECT sum(amount) FROM econ_outcomes WHERE forbund_id = $1");
        cmd.Parameters.Add(new Npgsql.NpgsqlParameter { Value = forbundId });
        return (decimal)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task Ok(HttpResponseMessage response) => await ApiClient.OkJsonAsync(response);

    /// <summary>Raw bytes with a content type, for the import body.</summary>
    private sealed class ByteArrayContentWithType : ByteArrayContent
    {
        public ByteArrayContentWithType(byte[] bytes, string type)
            : base(bytes) => Headers.ContentType = new MediaTypeHeaderValue(type);
    }

    /// <summary>The number formats of three cells of the row whose column C holds <paramref name="key"/>: ids of two, the format code of the third.</summary>
    private static (uint, uint, string) XlsxFormats(byte[] xlsx, string key, int first, int second, int third)
    {
        using var document = DocumentFormat.OpenXml.Packaging.SpreadsheetDocument.Open(new MemoryStream(xlsx), false);
        var workbook = document.WorkbookPart!;
        var formats = workbook.WorkbookStylesPart!.Stylesheet.CellFormats!.Elements<DocumentFormat.OpenXml.Spreadsheet.CellFormat>().ToArray();
        var codes = workbook.WorkbookStylesPart.Stylesheet.NumberingFormats!.Elements<DocumentFormat.OpenXml.Spreadsheet.NumberingFormat>()
            .ToDictionary(n => n.NumberFormatId!.Value, n => n.FormatCode!.Value!);
        var row = workbook.WorksheetParts.Single().Worksheet.Descendants<DocumentFormat.OpenXml.Spreadsheet.Row>()
            .Single(r => r.Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>().ElementAtOrDefault(2)?.InnerText == key).Elements<DocumentFormat.OpenXml.Spreadsheet.Cell>().ToArray();
        uint Format(int column) => formats[(int)row[column].StyleIndex!.Value].NumberFormatId!.Value;
        return (Format(first), Format(second), codes[Format(third)]);
    }
}
