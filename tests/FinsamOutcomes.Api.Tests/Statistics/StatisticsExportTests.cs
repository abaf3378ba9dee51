using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Statistics.Export;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using FinsamOutcomes.Api.Tests.Recording;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>
/// The report as files a förbund opens in Excel: xlsx (one sheet per table, numeric cells with number formats, an
/// Underlag sheet), the wide CSV (one row per group, genders as columns) and the long CSV; for reports, frozen
/// reports and comparisons. Every number in a file is checked against the report's JSON, over HTTP, on PostgreSQL.
/// </summary>
public sealed class StatisticsExportTests(ApiFactory factory) : IClassFixture<ApiFactory>
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

    /// <summary>
    /// The worked example of a real half-year report (10 exits: 3 to work, 3 to studies, 3 returned to AF, 1 moved away),
    /// a share goal and a count goal, a head-count occurrence and one referral accepted in week 2024-W03.
    /// </summary>
    private async Task<(Scenario S, long Last)> SeedAsync()
    {
        var s = await Scenario.CreateAsync(factory);
        await s.Admin.PutAsync($"/api/insatser/{s.InsatsId}/goals/arbete-studier",
            new { metric = "share_exits_to_work_or_studies", comparison = "at_least", threshold = 40, period = "year", description = "Minst 40 % till arbete eller studier" });
        await s.Admin.PutAsync($"/api/insatser/{s.InsatsId}/goals/nya-deltagare",
            new { metric = "new_participants", comparison = "at_least", threshold = 160, period = "year", description = "160 nya deltagare per år" });
        await s.CaseWorker.PostOkAsync($"/api/insatser/{s.HeadCountInsatsId}/occurrences",
            new { occurrenceId = "utbildningsdag-1", on = "2024-03-14", title = "Utbildningsdag", women = 12, men = 7, nonBinary = 1, notStated = 2 });
        var referral = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Recorded.Referral(s.GroupId, personnummer: Recorded.NewPersonnummer())));
        var last = (await s.Group.PostOkAsync($"/api/referrals/{referral}/accept", Recorded.Accept(s.InsatsId))).GetProperty("logPosition").GetInt64();
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

    private static string ReportUrl(Scenario s, string period, long waitFor, string format = "") =>
        $"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period={period}&waitForPosition={waitFor}{(format.Length > 0 ? "&format=" + format : "")}";

    private static async Task<byte[]> FileAsync(HttpResponseMessage response, string mediaType)
    {
        var bytes = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(bytes)}");
        Assert.Equal(mediaType, response.Content.Headers.ContentType?.MediaType);
        return bytes;
    }

    private const string XlsxType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    private static readonly (string Key, string Label)[] GenderColumns = [("woman", "Kvinnor"), ("man", "Män"), ("nonBinary", "Icke-binära"), ("notStated", "Ej angivet")];

    private static readonly Dictionary<string, string> CategoryLabels = new() { ["work"] = "Arbete", ["studies"] = "Studier", ["returned"] = "Återremiss", ["other"] = "Annat" };

    private static readonly Dictionary<string, string> OccupationLabels = new() { ["working"] = "Arbetar", ["studying"] = "Studerar", ["job_seeking"] = "Arbetssökande", ["none"] = "Ingen sysselsättning" };

    private static string FileName(HttpResponseMessage response) =>
        response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition!.FileName!.Trim('"');

    /// <summary>Every number in the report's JSON, wherever it is.</summary>
    private static HashSet<decimal> NumbersIn(JsonElement element)
    {
        var numbers = new HashSet<decimal>();
        void Walk(JsonElement e)
        {
            switch (e.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var p in e.EnumerateObject())
                    {
                        Walk(p.Value);
                    }

                    break;
                case JsonValueKind.Array:
                    foreach (var i in e.EnumerateArray())
                    {
                        Walk(i);
                    }

                    break;
                case JsonValueKind.Number:
                    numbers.Add(e.GetDecimal());
                    break;
            }
        }

        Walk(element);
        return numbers;
    }

    /// <summary>A numeric cell: its value and its number format.</summary>
    private static void Numeric(XlsxCell? cell, decimal expected, string format, string where)
    {
        Assert.True(cell?.Number is not null, $"{where}: expected the number {expected}, found \"{cell}\"");
        Assert.Equal(expected, cell!.Number!.Value);
        Assert.Equal(format, cell.NumberFormat);
    }

    private static List<XlsxCell?> SheetRow(Workbook book, string sheet, string label) =>
        book[sheet].Skip(2).Single(r => r.Count > 0 && r[0]?.Text == label);

    private static int SheetColumn(Workbook book, string sheet, string heading)
    {
        var index = book[sheet][1].FindIndex(c => c?.Text == heading);
        Assert.True(index >= 0, $"{sheet} has no column {heading}");
        return index;
    }

    private static void GenderRowEquals(Workbook book, string sheet, string label, JsonElement row, string totalName = "total", string gendersName = "byGender")
    {
        var cells = SheetRow(book, sheet, label);
        Numeric(cells[SheetColumn(book, sheet, totalName == "total" ? "Totalt" : "Deltagare totalt")], row.GetProperty(totalName).GetInt32(), "0", $"{sheet}/{label}/Totalt");
        foreach (var (key, heading) in GenderColumns)
        {
            Numeric(cells[SheetColumn(book, sheet, heading)], row.GetProperty(gendersName).GetProperty(key).GetInt32(), "0", $"{sheet}/{label}/{heading}");
        }
    }

    [Fact]
    public async Task the_xlsx_has_an_underlag_sheet_and_a_sheet_per_table_whose_numeric_cells_equal_the_report_json()
    {
        var (s, last) = await SeedAsync();
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        var json = await analyst.GetOkAsync(ReportUrl(s, "2024-H1", last));

        var response = await analyst.GetAsync(ReportUrl(s, "2024-H1", last, "xlsx"));
        var bytes = await FileAsync(response, XlsxType);
        var book = Workbook.Open(bytes);

        Assert.Empty(Workbook.SchemaErrors(bytes));
        Assert.Equal($"statistik-forbund-{s.ForbundId}-2024-H1.xlsx", FileName(response));
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("Underlag", book.Names[0]);
        Assert.Superset(
            new HashSet<string> { "Deltagare per kön", "Deltagare per åldersgrupp", "Avslut per kategori", "Avslut per avslutsorsak", "Avslut – andelar per kön",
                "Före och efter – Sysselsättning", "Före och efter – Försörjning", "Tid – nyckeltal", "Aktual. per remitterande part", "Aktual. – Anvisade per vecka",
                "Måluppfyllelse", "Volyminsatser per insats" },
            book.Names.ToHashSet());
        Assert.All(book.Names, n => Assert.True(n.Length <= 31, n));

        // Underlag: period, scope, log position, when produced, the marks
        var basis = book.Basis();
        Assert.Equal("2024-H1", basis["Period"]?.Text);
        Assert.Equal("2024-01-01", basis["Från och med"]?.Text);
        Assert.Equal("2024-06-30", basis["Till och med"]?.Text);
        Assert.Equal("Förbund", basis["Omfattning"]?.Text);
        Assert.Equal(s.ForbundId, basis["Förbund"]?.Text);
        Numeric(basis["Loggposition"], json.GetProperty("basis").GetProperty("position").GetInt64(), "0", "Underlag/Loggposition");
        Assert.Matches(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$", basis["Framtagen (svensk tid)"]?.Text);
        Assert.StartsWith("nej", basis["Röjandekontroll"]?.Text, StringComparison.Ordinal);
        Assert.StartsWith("undertryckt", basis[".."]?.Text, StringComparison.Ordinal);
        Assert.StartsWith("kan inte beräknas", basis["."]?.Text, StringComparison.Ordinal);
        Assert.Contains("Andel till arbete/studier", basis.Keys);

        // every number in every table is one of the report's numbers: nothing is made up or recomputed
        var numbers = NumbersIn(json);
        foreach (var (name, rows) in book.Sheets.Skip(1))
        {
            Assert.True(rows[1].Count > 0 && rows[1].All(c => c?.Text is { Length: > 0 }), $"{name}: row 2 holds the headings");
            foreach (var cell in rows.Skip(2).SelectMany(r => r).Where(c => c?.Number is not null))
            {
                Assert.True(numbers.Contains(cell!.Number!.Value), $"{name}: {cell.Number} is not a number of the report");
            }
        }

        // participants per gender
        var participants = json.GetProperty("participants");
        foreach (var (key, label) in new[] { ("active", "Aktiva under perioden"), ("new", "Nya under perioden"), ("exited", "Avslutade under perioden"), ("activeAtEnd", "Aktiva vid periodens slut"), ("pausedAtEnd", "Vilande vid periodens slut") })
        {
            GenderRowEquals(book, "Deltagare per kön", label, participants.GetProperty(key));
            var bands = participants.GetProperty(key).GetProperty("byAgeBand").EnumerateArray();
            var ageRow = SheetRow(book, "Deltagare per åldersgrupp", label);
            foreach (var band in bands)
            {
                Numeric(ageRow[SheetColumn(book, "Deltagare per åldersgrupp", band.GetProperty("key").GetString() + " år")], band.GetProperty("count").GetInt32(), "0", label);
            }
        }

        // exits by category with the total row, and by reason
        var exits = json.GetProperty("exits");
        foreach (var category in exits.GetProperty("byCategory").EnumerateArray())
        {
            GenderRowEquals(book, "Avslut per kategori", CategoryLabels[category.GetProperty("key").GetString()!], category);
        }

        GenderRowEquals(book, "Avslut per kategori", "Totalt", exits.GetProperty("total"));
        Assert.Equal("Kategori", book["Avslut per kategori"][1][0]?.Text);
        var reasons = book["Avslut per avslutsorsak"].Skip(2).ToDictionary(r => r[1]!.Text!);
        foreach (var reason in exits.GetProperty("byReason").EnumerateArray())
        {
            var row = reasons[reason.GetProperty("code").GetString()!];
            Assert.Equal(CategoryLabels[reason.GetProperty("category").GetString()!], row[0]?.Text);
            Assert.Equal(reason.GetProperty("label").GetString(), row[2]?.Text);
            Assert.Equal(reason.GetProperty("positive").GetBoolean() ? "ja" : "nej", row[3]?.Text);
            Numeric(row[SheetColumn(book, "Avslut per avslutsorsak", "Totalt")], reason.GetProperty("total").GetInt32(), "0", "reason");
        }

        // shares: n, N and % beside each other, % with one decimal; a share without denominator is "."
        var sheet = "Avslut – andelar per kön";
        foreach (var (key, label) in new[] { ("workOrStudies", "Andel till arbete/studier"), ("positiveOutcome", "Andel positiv lösning") })
        {
            var row = SheetRow(book, sheet, label);
            foreach (var (part, heading) in new[] { ("total", "Totalt") }.Concat(GenderColumns))
            {
                var share = exits.GetProperty(key).GetProperty(part);
                Numeric(row[SheetColumn(book, sheet, $"{heading}: antal (n)")], share.GetProperty("numerator").GetInt32(), "0", $"{label} {heading} n");
                Numeric(row[SheetColumn(book, sheet, $"{heading}: av (N)")], share.GetProperty("denominator").GetInt32(), "0", $"{label} {heading} N");
                var percent = row[SheetColumn(book, sheet, $"{heading}: andel (%)")];
                if (share.GetProperty("value").ValueKind == JsonValueKind.Null)
                {
                    Assert.Equal(0, share.GetProperty("denominator").GetInt32());
                    Assert.Equal(".", percent?.Text);
                }
                else
                {
                    Numeric(percent, share.GetProperty("value").GetDecimal(), "0.0", $"{label} {heading} %");
                }
            }
        }

        Assert.Equal(60.0m, SheetRow(book, sheet, "Andel till arbete/studier")[3]!.Number);
        Assert.Equal(".", SheetRow(book, sheet, "Andel till arbete/studier")[SheetColumn(book, sheet, "Icke-binära: andel (%)")]?.Text);

        // before and after: rows at start, columns at exit, totals
        var occupation = json.GetProperty("beforeAfter").GetProperty("occupation");
        sheet = "Före och efter – Sysselsättning";
        foreach (var row in occupation.GetProperty("rows").EnumerateArray())
        {
            var cells = SheetRow(book, sheet, OccupationLabels[row.GetProperty("atStart").GetString()!]);
            foreach (var cell in row.GetProperty("atExit").EnumerateArray())
            {
                Numeric(cells[SheetColumn(book, sheet, OccupationLabels[cell.GetProperty("key").GetString()!])], cell.GetProperty("count").GetInt32(), "0", sheet);
            }

            Numeric(cells[SheetColumn(book, sheet, "Totalt")], row.GetProperty("total").GetInt32(), "0", sheet);
        }

        Numeric(SheetRow(book, sheet, "Totalt")[SheetColumn(book, sheet, "Totalt")], occupation.GetProperty("total").GetInt32(), "0", sheet);

        // goals: a share goal's value is a percentage, a count goal's a count
        var goals = json.GetProperty("goals").EnumerateArray().ToDictionary(g => g.GetProperty("goalId").GetString()!);
        var goalRows = book["Måluppfyllelse"].Skip(2).ToDictionary(r => r[SheetColumn(book, "Måluppfyllelse", "Mål")]!.Text!);
        var value = SheetColumn(book, "Måluppfyllelse", "Värde");
        Numeric(goalRows["arbete-studier"][value], goals["arbete-studier"].GetProperty("value").GetDecimal(), "0.0", "share goal");
        Numeric(goalRows["arbete-studier"][SheetColumn(book, "Måluppfyllelse", "Andel: antal (n)")], goals["arbete-studier"].GetProperty("share").GetProperty("numerator").GetInt32(), "0", "share goal n");
        Numeric(goalRows["arbete-studier"][SheetColumn(book, "Måluppfyllelse", "Andel: av (N)")], goals["arbete-studier"].GetProperty("share").GetProperty("denominator").GetInt32(), "0", "share goal N");
        Assert.Equal("uppfyllt", goalRows["arbete-studier"][SheetColumn(book, "Måluppfyllelse", "Status")]?.Text);
        Numeric(goalRows["nya-deltagare"][value], goals["nya-deltagare"].GetProperty("value").GetDecimal(), "0", "count goal");
        Numeric(goalRows["nya-deltagare"][SheetColumn(book, "Måluppfyllelse", "Målvärde")], 160, "0", "count goal target");
        Assert.Equal("perioden är inte en hel målperiod", goalRows["nya-deltagare"][SheetColumn(book, "Måluppfyllelse", "Skäl")]?.Text);

        // head count per insats with its total row; weekly intake with group and week
        var headCount = json.GetProperty("headCount");
        GenderRowEquals(book, "Volyminsatser per insats", "Totalt", headCount, "attendees", "attendeesByGender");
        GenderRowEquals(book, "Volyminsatser per insats", s.HeadCountInsatsId, headCount.GetProperty("byInsats")[0], "attendees", "attendeesByGender");
        var week = json.GetProperty("referrals").GetProperty("acceptedPerWeek")[0];
        var weekRow = SheetRow(book, "Aktual. – Anvisade per vecka", s.GroupId);
        Assert.Equal("2024-W03", weekRow[SheetColumn(book, "Aktual. – Anvisade per vecka", "Vecka")]?.Text);
        Numeric(weekRow[SheetColumn(book, "Aktual. – Anvisade per vecka", "Anvisade")], week.GetProperty("accepted").GetInt32(), "0", "week");
        Numeric(weekRow[SheetColumn(book, "Aktual. – Anvisade per vecka", "Intagstak")], week.GetProperty("cap").GetInt32(), "0", "cap");

        // Per insats, first after Underlag: one row per individual insats (not the head-count one), from the insats's own report
        Assert.Equal(PerInsatsTable.Title, book.Names[1]);
        var own = await analyst.GetOkAsync($"/api/statistics/report?scope=insats&insatsId={s.InsatsId}&period=2024-H1&waitForPosition={last}");
        var insatsName = (await s.Admin.GetOkAsync($"/api/insatser/{s.InsatsId}")).GetProperty("name").GetString();
        var perInsats = SheetRow(book, PerInsatsTable.Title, insatsName!);
        Assert.Equal(3, book[PerInsatsTable.Title].Count);
        var active = own.GetProperty("participants").GetProperty("active");
        Numeric(perInsats[SheetColumn(book, PerInsatsTable.Title, "Deltagare totalt")], active.GetProperty("total").GetInt32(), "0", "per insats active");
        foreach (var (key, heading) in GenderColumns)
        {
            Numeric(perInsats[SheetColumn(book, PerInsatsTable.Title, heading)], active.GetProperty("byGender").GetProperty(key).GetInt32(), "0", $"per insats {heading}");
        }

        foreach (var (figure, heading) in new[] { ("new", "Nya"), ("exited", "Avslutade"), ("activeAtEnd", "Aktiva vid periodens slut") })
        {
            Numeric(perInsats[SheetColumn(book, PerInsatsTable.Title, heading)], own.GetProperty("participants").GetProperty(figure).GetProperty("total").GetInt32(), "0", heading);
        }

        foreach (var (key, name) in new[] { ("workOrStudies", "Till arbete/studier"), ("positiveOutcome", "Positiv lösning") })
        {
            var share = own.GetProperty("exits").GetProperty(key).GetProperty("total");
            Numeric(perInsats[SheetColumn(book, PerInsatsTable.Title, $"{name}: antal (n)")], share.GetProperty("numerator").GetInt32(), "0", name);
            Numeric(perInsats[SheetColumn(book, PerInsatsTable.Title, $"{name}: av (N)")], share.GetProperty("denominator").GetInt32(), "0", name);
            Numeric(perInsats[SheetColumn(book, PerInsatsTable.Title, $"{name}: andel (%)")], share.GetProperty("value").GetDecimal(), "0.0", name);
        }

        Numeric(perInsats[SheetColumn(book, PerInsatsTable.Title, "Till arbete/studier: andel (%)")], 60.0m, "0.0", "per insats share");
        var ownGoals = own.GetProperty("goals").EnumerateArray().ToList();
        Numeric(perInsats[SheetColumn(book, PerInsatsTable.Title, "Mål uppfyllda")], ownGoals.Count(g => g.GetProperty("status").GetString() == "met"), "0", "goals met");
        Numeric(perInsats[SheetColumn(book, PerInsatsTable.Title, "Mål")], 2, "0", "goals");

        // a kommun or insats report has no per-insats table
        var insatsBook = Workbook.Open(await FileAsync(await analyst.GetAsync($"/api/statistics/report?scope=insats&insatsId={s.InsatsId}&period=2024-H1&format=xlsx"), XlsxType));
        Assert.DoesNotContain(PerInsatsTable.Title, insatsBook.Names);
    }

    [Fact]
    public async Task the_wide_csv_has_the_xlsx_tables_one_row_per_group_with_genders_as_columns_that_add_up()
    {
        var (s, last) = await SeedAsync();
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        var book = Workbook.Open(await FileAsync(await analyst.GetAsync(ReportUrl(s, "2024-H1", last, "xlsx")), XlsxType));

        var response = await analyst.GetAsync(ReportUrl(s, "2024-H1", last, "csv-wide"));
        var text = Csv.Text(await FileAsync(response, "text/csv"));
        var tables = Csv.WideTables(text);

        Assert.Equal("utf-8", response.Content.Headers.ContentType?.CharSet);
        Assert.Equal($"statistik-forbund-{s.ForbundId}-2024-H1-bred.csv", FileName(response));
        Assert.StartsWith("Statistikrapport\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nPeriod;2024-H1\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nTecken;..;undertryckt", text, StringComparison.Ordinal);
        Assert.Contains("\r\nTecken;.;kan inte beräknas", text, StringComparison.Ordinal);

        // the same tables as the workbook, cell for cell (numbers with decimal comma)
        foreach (var name in book.Names.Skip(1))
        {
            var sheet = book.Table(name);
            var table = tables[sheet.Title];
            Assert.Equal(sheet.Headings, table.Headings);
            Assert.Equal(sheet.Rows.Select(r => string.Join(";", r)), table.Rows.Select(r => string.Join(";", r)));
        }

        Assert.Equal(book.Names.Count - 1, tables.Count);
        Assert.Equal(["6", "10", "60,0", "4", "6", "66,7", "2", "4", "50,0", "0", "0", ".", "0", "0", "."], tables["Avslut – andelar per kön"].Row("Andel till arbete/studier").Skip(1));

        // kvinnor + män + icke-binära + ej angivet = totalt, in every row of every table split by gender; and the rows add up to the total row
        var checkedTables = 0;
        foreach (var table in tables.Values.Where(t => t.Headings.Contains("Kvinnor")))
        {
            var total = t(table);
            foreach (var row in table.Rows)
            {
                var parts = new[] { "Kvinnor", "Män", "Icke-binära", "Ej angivet" }.Select(h => Csv.Number(row[table.Column(h)])).ToArray();
                Assert.All(parts, p => Assert.NotNull(p));
                Assert.Equal(Csv.Number(row[total]), parts.Sum());
            }

            if (table.Rows.Any(r => r[0] == "Totalt"))
            {
                foreach (var heading in new[] { table.Headings[total], "Kvinnor", "Män", "Icke-binära", "Ej angivet" })
                {
                    var column = table.Column(heading);
                    Assert.Equal(Csv.Number(table.Cell("Totalt", heading)), table.Rows.Where(r => r[0] != "Totalt").Sum(r => Csv.Number(r[column])));
                }
            }

            checkedTables++;
        }

        Assert.True(checkedTables >= 4, $"{checkedTables} tables split by gender");
        Assert.Equal(["Totalt", "10", "6", "4", "0", "0"], tables["Avslut per kategori"].Row("Totalt"));

        static int t(Table table) => table.Headings.ToList().FindIndex(h => h is "Totalt" or "Deltagare totalt");
    }

    [Fact]
    public async Task the_long_csv_names_groups_in_swedish_labels_count_goals_as_counts_and_marks_a_share_without_denominator()
    {
        var (s, last) = await SeedAsync();
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);

        var response = await analyst.GetAsync(ReportUrl(s, "2024-H1", last, "csv"));
        var text = Csv.Text(await FileAsync(response, "text/csv"));

        Assert.Equal($"statistik-forbund-{s.ForbundId}-2024-H1.csv", FileName(response));
        Assert.StartsWith("Område;Mått;Grupp;Värde\r\nTecken;..;;undertryckt", text, StringComparison.Ordinal);
        Assert.All(Csv.Parse(text), row => Assert.Equal(4, row.Count));
        Assert.Contains("Avslut;Andel till arbete/studier / Totalt / Andel (%);;60,0\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Avslut;Per kategori / Totalt;Arbete;3\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Avslut;Per kategori / Kön / Män;Återremiss;2\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Avslut;Per avslutsorsak / Kategori;aterremiss_af;Återremiss\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Före och efter;Försörjning / Vid start / Vid avslut;Försörjningsstöd / Arbetslöshetsersättning/aktivitetsstöd;3\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Aktualiseringar;Per remitterande part / Totalt;Arbetsförmedlingen;1\r\n", text, StringComparison.Ordinal);
        foreach (var code in new[] { ";work;", ";returned", ";social_assistance", ";job_seeking", ";af;", ";woman" })
        {
            Assert.DoesNotContain(code, text, StringComparison.Ordinal);
        }

        Assert.Contains($"Måluppfyllelse;Värde (antal);{s.InsatsId} / nya-deltagare;10\r\n", text, StringComparison.Ordinal);
        Assert.Contains($"Måluppfyllelse;Målvärde (antal);{s.InsatsId} / nya-deltagare;160\r\n", text, StringComparison.Ordinal);
        Assert.Contains($"Måluppfyllelse;Värde (%);{s.InsatsId} / arbete-studier;60,0\r\n", text, StringComparison.Ordinal);
        Assert.Contains($"Måluppfyllelse;Status;{s.InsatsId} / nya-deltagare;kan inte mätas\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Andel (%);" + s.InsatsId + " / nya-deltagare", text, StringComparison.Ordinal);
        Assert.Contains($"Aktualiseringar;Anvisade per vecka / Anvisade;{s.GroupId} / 2024-W03;1\r\n", text, StringComparison.Ordinal);
        Assert.Contains($"Aktualiseringar;Anvisade per vecka / Intagstak;{s.GroupId} / 2024-W03;4\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Avslut;Andel till arbete/studier / Icke-binära / Andel (%);;.\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Aktualiseringar;Dagar från beslut till inskrivning / Median (dagar);;.\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Underlag;Röjandekontroll;;\r\n", text, StringComparison.Ordinal);
        Assert.DoesNotContain(text.Split("\r\n").Skip(3), l => l.EndsWith(";..", StringComparison.Ordinal)); // a förbund's own figures are exact
    }

    [Fact]
    public async Task national_files_mark_suppressed_figures_apart_from_shares_without_denominator()
    {
        var (s, last) = await SeedAsync();
        var national = ApiClient.As(factory, Roles.NationalReader, "*");
        var json = await national.GetOkAsync(ReportUrl(s, "2024-H1", last));

        var book = Workbook.Open(await FileAsync(await national.GetAsync(ReportUrl(s, "2024-H1", last, "xlsx")), XlsxType));
        var text = Csv.Text(await FileAsync(await national.GetAsync(ReportUrl(s, "2024-H1", last, "csv")), "text/csv"));
        var wide = Csv.WideTables(Csv.Text(await FileAsync(await national.GetAsync(ReportUrl(s, "2024-H1", last, "csv-wide")), "text/csv")));

        Assert.StartsWith("ja: antal från 1 till 2 är undertryckta", book.Basis()["Röjandekontroll"]?.Text, StringComparison.Ordinal);
        // work: 3 exits, 2 women and 1 man: both hidden (..), non-binary 0 shown; other: 1 exit, all hidden
        var work = json.GetProperty("exits").GetProperty("byCategory").EnumerateArray().Single(c => c.GetProperty("key").GetString() == "work");
        Assert.Equal(JsonValueKind.Null, work.GetProperty("byGender").GetProperty("man").ValueKind);
        var categories = book.Table("Avslut per kategori");
        Assert.Equal(["Arbete", "3", "..", "..", "0", "0"], categories.Row("Arbete"));
        Assert.Equal(["Annat", "..", "..", "..", "..", ".."], categories.Row("Annat"));
        Assert.Equal(categories.Row("Arbete"), wide["Avslut per kategori"].Row("Arbete"));
        Assert.Equal(3m, SheetRow(book, "Avslut per kategori", "Arbete")[1]!.Number);

        // men: 2 of 4 to work or studies — the 2 is hidden (..); non-binary: 0 of 0 — no denominator (.)
        var shares = book.Table("Avslut – andelar per kön");
        Assert.Equal("..", shares.Cell("Andel till arbete/studier", "Män: antal (n)"));
        Assert.Equal("4", shares.Cell("Andel till arbete/studier", "Män: av (N)"));
        Assert.Equal("..", shares.Cell("Andel till arbete/studier", "Män: andel (%)"));
        Assert.Equal(".", shares.Cell("Andel till arbete/studier", "Icke-binära: andel (%)"));
        Assert.Equal("60,0", shares.Cell("Andel till arbete/studier", "Totalt: andel (%)"));
        Assert.Contains("Avslut;Andel till arbete/studier / Män / Andel (%);;..\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Avslut;Andel till arbete/studier / Män / Nämnare;;4\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Avslut;Andel till arbete/studier / Icke-binära / Andel (%);;.\r\n", text, StringComparison.Ordinal);
        Assert.Contains("Avslut;Per kategori / Kön / Kvinnor;Arbete;..\r\n", text, StringComparison.Ordinal);
        Assert.Contains("\r\nTecken;..;;undertryckt", text, StringComparison.Ordinal);

        // one exit in the period: the goal's share is hidden, and so is its value, which would otherwise repeat it
        var oneDay = await national.GetOkAsync(ReportUrl(s, "2024-05-10..2024-05-10", last));
        var goal = oneDay.GetProperty("goals").EnumerateArray().Single(g => g.GetProperty("goalId").GetString() == "arbete-studier");
        Assert.Equal(JsonValueKind.Null, goal.GetProperty("share").GetProperty("denominator").ValueKind);
        Assert.Equal(JsonValueKind.Null, goal.GetProperty("value").ValueKind);
        var oneDayBook = Workbook.Open(await FileAsync(await national.GetAsync(ReportUrl(s, "2024-05-10..2024-05-10", last, "xlsx")), XlsxType));
        var goalRow = oneDayBook["Måluppfyllelse"].Skip(2).Single(r => r.Any(c => c?.Text == "arbete-studier"));
        Assert.Equal("..", goalRow[SheetColumn(oneDayBook, "Måluppfyllelse", "Värde")]?.Text);
        var exact = await ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId).GetOkAsync(ReportUrl(s, "2024-05-10..2024-05-10", last));
        Assert.Equal(100.0m, exact.GetProperty("goals").EnumerateArray().Single(g => g.GetProperty("goalId").GetString() == "arbete-studier").GetProperty("value").GetDecimal());
    }

    [Fact]
    public async Task a_frozen_report_and_its_comparison_come_as_xlsx_csv_and_wide_csv_with_the_frozen_figures()
    {
        var (s, last) = await SeedAsync();
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        await analyst.GetOkAsync(ReportUrl(s, "2024-H1", last));
        var frozen = await analyst.PostOkAsync("/api/statistics/frozen", new { name = "Delårsrapport 2024 H1 (styrelsen)", scope = "forbund", forbundId = s.ForbundId, period = "2024-H1" });
        var frozenId = frozen.GetProperty("frozenId").GetString()!;
        var frozenPosition = frozen.GetProperty("position").GetInt64();
        var late = await s.EnrolAsync(birthYear: 1999, enrolledOn: "2024-02-01");
        var exit = await s.CaseWorker.PostOkAsync($"/api/participations/{late}/exit",
            new { exitedOn = "2024-06-20", reasonCode = "studier", meansOfSupportAtExit = "other", occupationAtExit = "studying" });
        await analyst.GetOkAsync(ReportUrl(s, "2024-H1", exit.GetProperty("logPosition").GetInt64()));

        // the frozen report: its own figures (10 exits, 60.0 %), its name and position in the Underlag
        var frozenXlsx = await analyst.GetAsync($"/api/statistics/frozen/{frozenId}?format=xlsx");
        var book = Workbook.Open(await FileAsync(frozenXlsx, XlsxType));
        Assert.Equal($"fryst-rapport-{frozenId}-2024-H1.xlsx", FileName(frozenXlsx));
        Assert.Equal("Delårsrapport 2024 H1 (styrelsen)", book.Basis()["Fryst rapport"]?.Text);
        Numeric(book.Basis()["Fryst vid loggposition"], frozenPosition, "0", "frozen position");
        Numeric(book.Basis()["Loggposition"], frozen.GetProperty("report").GetProperty("basis").GetProperty("position").GetInt64(), "0", "report position");
        Assert.Equal(["Totalt", "10", "6", "4", "0", "0"], book.Table("Avslut per kategori").Row("Totalt"));
        Assert.Equal("60,0", book.Table("Avslut – andelar per kön").Cell("Andel till arbete/studier", "Totalt: andel (%)"));

        var frozenCsv = Csv.Text(await FileAsync(await analyst.GetAsync($"/api/statistics/frozen/{frozenId}?format=csv"), "text/csv"));
        Assert.Contains($"Fryst rapport;Fryst vid loggposition;;{frozenPosition}\r\n", frozenCsv, StringComparison.Ordinal);
        Assert.Contains("Avslut;Andel till arbete/studier / Totalt / Andel (%);;60,0\r\n", frozenCsv, StringComparison.Ordinal);
        var frozenWide = Csv.WideTables(Csv.Text(await FileAsync(await analyst.GetAsync($"/api/statistics/frozen/{frozenId}?format=csv-wide"), "text/csv")));
        Assert.Equal(["Totalt", "10", "6", "4", "0", "0"], frozenWide["Avslut per kategori"].Row("Totalt"));
        var json = await analyst.GetOkAsync($"/api/statistics/frozen/{frozenId}?format=json");
        Assert.Equal(frozenId, json.GetProperty("frozenId").GetString());

        // the comparison: every changed figure with frozen, current and difference; the events since
        var comparison = await analyst.GetOkAsync($"/api/statistics/frozen/{frozenId}/comparison");
        var comparisonXlsx = await analyst.GetAsync($"/api/statistics/frozen/{frozenId}/comparison?format=xlsx");
        var comparisonBytes = await FileAsync(comparisonXlsx, XlsxType);
        Assert.Empty(Workbook.SchemaErrors(comparisonBytes));
        var compared = Workbook.Open(comparisonBytes);
        Assert.Equal($"jamforelse-{frozenId}-2024-H1.xlsx", FileName(comparisonXlsx));
        Assert.Equal(["Underlag", "Ändrade siffror", "Händelser sedan frysningen"], compared.Names);
        Assert.Equal(["Siffra", "Sökväg i rapporten", "Fryst", "Nu", "Skillnad"], compared["Ändrade siffror"][1].Select(c => c!.Text));
        var changes = compared["Ändrade siffror"].Skip(2).ToDictionary(r => r[1]!.Text!);
        Assert.Equal(comparison.GetProperty("changes").GetArrayLength(), changes.Count);
        foreach (var change in comparison.GetProperty("changes").EnumerateArray())
        {
            var row = changes[change.GetProperty("figure").GetString()!];
            Assert.Equal(change.GetProperty("label").GetString(), row[0]!.Text);
            Assert.DoesNotContain(".", row[0]!.Text!.Replace("..", "", StringComparison.Ordinal), StringComparison.Ordinal);
            foreach (var (property, column) in new[] { ("frozen", 2), ("current", 3), ("difference", 4) })
            {
                var expected = change.GetProperty(property);
                if (expected.ValueKind == JsonValueKind.Null)
                {
                    Assert.True(column >= row.Count || row[column] is null || row[column]!.Text == "", $"{change}: {property}");
                }
                else
                {
                    Assert.Equal(expected.GetDecimal(), row[column]?.Number);
                }
            }
        }

        Numeric(changes["exits.workOrStudies.total.numerator"][4], 1, "0", "difference");
        Numeric(changes["exits.workOrStudies.total.value"][3], 63.6m, "0.0", "current share");
        Assert.Equal("Avslut / Andel till arbete/studier / Totalt / Andel (%)", changes["exits.workOrStudies.total.value"][0]!.Text);
        Assert.Equal("Avslut / Per kategori: Studier / Kvinnor", changes["exits.byCategory[studies].byGender.woman"][0]!.Text);
        Assert.Equal("Deltagare / Avslutade under perioden / Totalt", changes["participants.exited.total"][0]!.Text);
        var events = compared["Händelser sedan frysningen"].Skip(2).ToList();
        Assert.Equal(["participation.enrolled.v2", "participation.exited.v1"], events.Select(r => r[1]!.Text));
        Assert.Equal("2024-06-20", events[1][2]?.Text);
        Assert.All(events, r => Assert.True(r[0]!.Number > frozenPosition));
        Numeric(compared.Basis()["Fryst vid loggposition"], frozenPosition, "0", "comparison frozen position");

        foreach (var format in new[] { "csv", "csv-wide" })
        {
            var response = await analyst.GetAsync($"/api/statistics/frozen/{frozenId}/comparison?format={format}");
            var tables = Csv.WideTables(Csv.Text(await FileAsync(response, "text/csv")));
            Assert.Equal(["Avslut / Andel till arbete/studier / Totalt / Andel (%)", "exits.workOrStudies.total.value", "60,0", "63,6", "3,6"],
                tables["Ändrade siffror"].Row("Avslut / Andel till arbete/studier / Totalt / Andel (%)"));
            Assert.Equal(["Avslut / Totalt / Totalt", "exits.total.total", "10", "11", "1"], tables["Ändrade siffror"].Row("Avslut / Totalt / Totalt"));
            Assert.Equal(2, tables["Händelser sedan frysningen"].Rows.Count);
            Assert.DoesNotContain(late, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task an_unknown_format_is_a_400_naming_the_parameter_and_pdf_says_to_print_the_workspace_page()
    {
        var (s, last) = await SeedAsync();
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        var frozen = await analyst.PostOkAsync("/api/statistics/frozen", new { name = "Tertial 1", scope = "forbund", forbundId = s.ForbundId, period = "2024-T1" });
        var frozenId = frozen.GetProperty("frozenId").GetString();

        foreach (var url in new[] { ReportUrl(s, "2024-H1", last, "{0}"), $"/api/statistics/frozen/{frozenId}?format={{0}}", $"/api/statistics/frozen/{frozenId}/comparison?format={{0}}" })
        {
            foreach (var format in new[] { "xml", "xls", "html", "csv-long-and-wide", "json2" })
            {
                var problem = await ApiClient.ProblemAsync(await analyst.GetAsync(string.Format(CultureInfo.InvariantCulture, url, format)), HttpStatusCode.BadRequest, "validation");
                Assert.Contains("csv-wide", problem.GetProperty("errors").GetProperty("format")[0].GetString(), StringComparison.Ordinal);
            }

            var pdf = await ApiClient.ProblemAsync(await analyst.GetAsync(string.Format(CultureInfo.InvariantCulture, url, "pdf")), HttpStatusCode.BadRequest, "validation");
            Assert.Contains("print it to PDF", pdf.GetProperty("errors").GetProperty("format")[0].GetString(), StringComparison.Ordinal);

            var upper = await analyst.GetAsync(string.Format(CultureInfo.InvariantCulture, url, "XLSX"));
            Workbook.Open(await FileAsync(upper, XlsxType));
        }
    }

    [Fact]
    public async Task a_figure_added_to_the_report_appears_in_the_files_as_a_table_of_its_shape_without_a_change_to_the_exporters()
    {
        var (s, last) = await SeedAsync();
        var report = JsonNode.Parse((await ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId).GetOkAsync(ReportUrl(s, "2024-H1", last))).GetRawText())!.AsObject();
        // a new split of participants, a new share per gender, and a new section, shaped like the figures already there
        report["participants"]!["activeByHomeKommun"] = JsonNode.Parse(
            """[{"key":"Lulea","total":7,"byGender":{"woman":4,"man":3,"nonBinary":0,"notStated":0}},{"key":"Pitea","total":3,"byGender":{"woman":2,"man":1,"nonBinary":0,"notStated":0}}]""");
        report["economy"] = JsonNode.Parse("""{"budget":1200000,"costPerParticipant":{"count":0,"medianDays":null,"meanDays":null},"withinBudget":{"numerator":3,"denominator":4,"value":75.0}}""");

        var tables = ReportTables.Build(report).ToDictionary(t => t.Title);
        var book = Workbook.Open(XlsxExport.Write("Statistikrapport", ReportTables.Basis(report), [.. tables.Values]));

        var byKommun = book.Table("Deltagare – activeByHomeKommun");
        Assert.Equal(["Grupp", "Totalt", "Kvinnor", "Män", "Icke-binära", "Ej angivet"], byKommun.Headings);
        Assert.Equal(["Lulea", "7", "4", "3", "0", "0"], byKommun.Row("Lulea"));
        Assert.Equal(["Pitea", "3", "2", "1", "0", "0"], byKommun.Row("Pitea"));
        var economy = book.Table("economy – nyckeltal");
        Assert.Equal(["budget", "1200000", "", "", ""], economy.Row("budget"));
        Assert.Equal(["withinBudget", "", "3", "4", "75,0"], economy.Row("withinBudget"));
        Assert.Equal(".", economy.Cell("costPerParticipant: median (dagar)", "Värde"));
        // what was there before is still there, unchanged
        Assert.Equal(["Totalt", "10", "6", "4", "0", "0"], book.Table("Avslut per kategori").Row("Totalt"));
        Assert.Empty(Workbook.SchemaErrors(XlsxExport.Write("Statistikrapport", ReportTables.Basis(report), [.. tables.Values])));
    }
}
