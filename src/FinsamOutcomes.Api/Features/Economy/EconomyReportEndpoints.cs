using System.Globalization;
using System.Text;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Features.Statistics.Export;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.EventStore.Projections;
using FluentValidation;
using FluentValidation.Results;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Economy;

/// <summary>The economy reports over HTTP: JSON by default, format=csv (Swedish Excel: UTF-8 with BOM, semicolons, decimal comma) and, for Uppföljning Finsam, xlsx.</summary>
public static class EconomyReportEndpoints
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    public static async Task<IResult> Report(
        string forbundId, int year, string? period, string? format, long? waitForPosition, HttpContext http, NpgsqlDataSource db, EconomyReports reports,
        ProjectionMonitor monitor, CancellationToken ct)
    {
        await EconomyEndpoints.RequireReaderAsync(http, db, forbundId, ct);
        EconomyEndpoints.RequireYear(year);
        var costPeriod = CostPeriod(year, period);
        var kind = Format(format, "json", "csv", "xlsx");
        await WaitAsync(db, monitor, waitForPosition, ct);
        var report = await reports.ReportAsync(forbundId, year, costPeriod, ct);
        return kind switch
        {
            "csv" => Csv(ReportCsv(report), $"ekonomi-{forbundId}-{year}.csv"),
            "xlsx" => Results.File(EconomyXlsx.Write("Ekonomi", ReportCsv(report)), XlsxExport.ContentType, $"ekonomi-{forbundId}-{year}.xlsx"),
            _ => Results.Ok(report),
        };
    }

    public static async Task<IResult> UppfoljningFinsam(
        string forbundId, int year, string? format, long? waitForPosition, HttpContext http, NpgsqlDataSource db, EconomyReports reports, ProjectionMonitor monitor, CancellationToken ct)
    {
        await EconomyEndpoints.RequireReaderAsync(http, db, forbundId, ct);
        EconomyEndpoints.RequireYear(year);
        var kind = Format(format, "json", "csv", "xlsx");
        await WaitAsync(db, monitor, waitForPosition, ct);
        var export = await reports.UppfoljningFinsamAsync(forbundId, year, ct);
        var table = FinsamTable(export);
        return kind switch
        {
            "csv" => Csv(table, $"uppfoljning-finsam-{forbundId}-{year}.csv"),
            "xlsx" => Results.File(EconomyXlsx.Write("Uppföljning Finsam", table), XlsxExport.ContentType, $"uppfoljning-finsam-{forbundId}-{year}.xlsx"),
            _ => Results.Ok(export),
        };
    }

    public static async Task<IResult> Compilation(int year, string? format, HttpContext http, EconomyReports reports, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.IsNational && caller.Is(Roles.NationalReader, Roles.Administrator), "the national economy compilation");
        EconomyEndpoints.RequireYear(year);
        var kind = Format(format, "json", "csv", "xlsx");
        var compilation = await reports.CompilationAsync(year, ct);
        if (kind == "json")
        {
            return Results.Ok(compilation);
        }

        var rows = new List<IReadOnlyList<object?>>
        {
            new object?[] { "Förbund", "Namn", "Medlemsbidrag (kr)", "Övriga intäkter (kr)", "Kostnader (kr)", "Resultat (kr)", "Bokslut", "Ingående eget kapital (kr)",
                "Utgående eget kapital (kr)", "Eget kapital / medlemsbidrag (%)", "Rekommenderat tak (kr)", "Över taket (kr)", "Inom rekommendationen", "Utgående eget kapital (tkr)", "Medlemsbidrag (tkr)" },
        };
        rows.AddRange(compilation.Forbund.Select(f => (IReadOnlyList<object?>)new object?[]
        {
            f.ForbundId, f.Name, f.Contributions, f.OtherIncome, f.Costs, f.Result, f.Closed ? "ja" : "preliminärt", f.OpeningEquity, f.ClosingEquity, f.EquityToContributions.Percent,
            f.Ceiling, f.AboveCeiling, f.WithinRecommendation is { } w ? (w ? "ja" : "nej") : null, f.ClosingEquity is { } e ? EconomyReports.Tkr(e) : null, EconomyReports.Tkr(f.Contributions),
        }));
        return kind == "xlsx"
            ? Results.File(EconomyXlsx.Write("Sammanställning", rows), XlsxExport.ContentType, $"ekonomi-sammanstallning-{year}.xlsx")
            : Csv(rows, $"ekonomi-sammanstallning-{year}.csv");
    }

    private static List<IReadOnlyList<object?>> FinsamTable(UppfoljningFinsam e)
    {
        var rows = new List<IReadOnlyList<object?>>
        {
            new object?[] { "Avsnitt", "Insats", "Namn", "Inriktning", "Målgrupp", "Ålder från", "Ålder till", "Budget (kr)", "Utfall (kr)", "Budgeterat antal deltagare",
                "Deltagare", "Kvinnor", "Män", "Icke-binära", "Ej angivet" },
            new object?[] { "Tilldelade medel", null, e.ForbundName, null, null, null, null, null, e.TilldeladeMedel, null, null, null, null, null, null },
            new object?[] { e.EgetKapitalClosed ? "Eget kapital" : "Eget kapital (preliminärt)", null, e.ForbundName, null, null, null, null, null, e.EgetKapital, null, null, null, null, null, null },
            new object?[] { "Administration", null, "Administrativa kostnader", null, null, null, null, e.AdministrationBudget, e.AdministrationOutcome, null, null, null, null, null, null },
        };
        foreach (var i in e.Insatser)
        {
            var g = i.ParticipantsByGender;
            rows.Add([i.Kind == "structural" ? "Strukturinriktad insats" : "Individinriktad insats", i.InsatsId, i.Name, i.Kind == "structural" ? "strukturinriktad" : "individinriktad",
                i.TargetGroup, i.TargetMinAge, i.TargetMaxAge, i.Budget, i.Outcome, i.BudgetedParticipants, i.Participants, g.Woman, g.Man, g.NonBinary, g.NotStated]);
        }

        var t = e.IndividualParticipantsByGender;
        rows.Add(["Deltagare i strukturinriktade insatser", null, null, null, null, null, null, null, null, null, e.StructuralParticipants, null, null, null, null]);
        rows.Add(["Deltagare i individinriktade insatser", null, null, null, null, null, null, null, null, null, e.IndividualParticipants, t.Woman, t.Man, t.NonBinary, t.NotStated]);
        return rows;
    }

    private static List<IReadOnlyList<object?>> ReportCsv(EconomyReport r)
    {
        var rows = new List<IReadOnlyList<object?>>
        {
            new object?[] { "Avsnitt", "Rad", "Nyckel", "Budget (kr)", "Utfall (kr)", "Avvikelse (kr)", "Föregående år (kr)", "Prognos helår (kr)", "Andel (%)", "Täljare", "Nämnare", "Utfall (tkr)", "Budget (tkr)" },
        };
        void Add(string section, string label, string key, decimal? budget, decimal? outcome, decimal? deviation = null, decimal? previous = null, decimal? prognosis = null, MoneyShare? share = null) =>
            rows.Add([section, label, key, budget, outcome, deviation, previous, prognosis, share?.Percent, share?.Numerator, share?.Denominator,
                outcome is { } o ? EconomyReports.Tkr(o) : null, budget is { } b ? EconomyReports.Tkr(b) : null]);

        foreach (var f in r.Financing.ByFinancier)
        {
            Add("Finansiering", f.Financier switch { "state" => "Staten (Försäkringskassan)", "region" => "Region", _ => "Kommuner" }, f.Financier, null, f.Amount, share: f.ShareOfContributions);
        }

        foreach (var m in r.Financing.ByMember)
        {
            Add("Finansiering per medlem", m.Name, m.MemberId, null, m.Amount, share: m.ShareOfFinancier);
        }

        foreach (var o in r.Financing.OtherIncome)
        {
            Add("Övriga intäkter", $"{o.Source}: {o.Description}", o.IncomeId, null, o.Amount);
        }

        Add("Finansiering", "Summa medlemsbidrag", "contributions", null, r.Financing.Contributions);
        Add("Finansiering", "Summa intäkter", "total_income", null, r.Financing.TotalIncome);
        foreach (var d in r.Driftredovisning.Rows)
        {
            Add($"Driftredovisning (budgetrevision {r.Driftredovisning.Budget?.Revision.ToString(CultureInfo.InvariantCulture) ?? "saknas"})", d.Label, d.Key, d.Budget, d.Outcome, d.Deviation, d.PreviousYearOutcome);
        }

        foreach (var t in r.Driftredovisning.Tertials)
        {
            foreach (var l in t.Lines)
            {
                Add($"Tertial {t.Tertial} (t.o.m. {t.Through:yyyy-MM-dd})", l.Key, l.Key, l.BudgetToDate, l.OutcomeToDate, l.DeviationToDate, prognosis: l.Prognosis);
            }
        }

        var split = r.InsatsVsAdministration;
        Add("Insatser och administration", split.Administration.Name, "administration", split.Administration.TotalBudget, split.Administration.TotalOutcome, split.Administration.Deviation, share: split.Administration.ShareOfCosts);
        foreach (var i in split.Insatser)
        {
            Add("Insatser och administration", i.Name, i.InsatsId!, i.TotalBudget, i.TotalOutcome, i.Deviation, share: i.ShareOfCosts);
            if (i.EsfBudget != 0 || i.EsfOutcome != 0)
            {
                Add("Insatser och administration", $"{i.Name}: ESF-insatskostnad", $"{i.InsatsId}:esf", i.EsfBudget, i.EsfOutcome, i.EsfBudget - i.EsfOutcome);
            }
        }

        Add("Insatser och administration", "Administrationens andel av kostnaderna", "administration_share", null, null, share: split.AdministrationShareOfCosts);
        var eq = r.EgetKapital;
        Add("Eget kapital", "Ingående eget kapital", "opening_equity", null, eq.OpeningEquity);
        Add("Eget kapital", eq.Closed ? "Årets resultat" : "Årets resultat (preliminärt)", "result", null, eq.Result);
        Add("Eget kapital", eq.Closed ? "Utgående eget kapital" : "Utgående eget kapital (preliminärt)", "closing_equity", null, eq.ClosingEquity);
        Add("Eget kapital", "Medlemsbidrag", "contributions", null, eq.Contributions);
        Add("Eget kapital", "Eget kapital / medlemsbidrag", "equity_ratio", null, null, share: eq.EquityToContributions);
        Add("Eget kapital", "Rekommenderat tak: 20 % upp till 7 Mkr", "ceiling_tier1", null, eq.Ceiling.Tier1);
        Add("Eget kapital", "Rekommenderat tak: 15 % av 7–15 Mkr", "ceiling_tier2", null, eq.Ceiling.Tier2);
        Add("Eget kapital", "Rekommenderat tak: 10 % över 15 Mkr", "ceiling_tier3", null, eq.Ceiling.Tier3);
        Add("Eget kapital", "Rekommenderat tak", "ceiling", null, eq.Ceiling.Total, share: eq.Ceiling.CeilingToContributions);
        Add("Eget kapital", "Över taket", "above_ceiling", null, eq.AboveCeiling);
        foreach (var c in r.CostPerParticipant.Insatser)
        {
            var section = $"Kostnad per deltagare ({r.CostPerParticipant.Period})";
            Add(section, $"{c.Name}: kostnad", $"{c.InsatsId}:cost", null, c.Cost);
            rows.Add([section, $"{c.Name}: deltagare", $"{c.InsatsId}:participants", null, c.Participants, null, null, null, null, null, null, null, null]);
            rows.Add([section, $"{c.Name}: positiva lösningar", $"{c.InsatsId}:positive_outcomes", null, c.PositiveOutcomes, null, null, null, null, null, null, null, null]);
            Add(section, $"{c.Name}: kostnad per deltagare", $"{c.InsatsId}:cost_per_participant", null, c.CostPerParticipant);
            Add(section, $"{c.Name}: kostnad per positiv lösning", $"{c.InsatsId}:cost_per_positive_outcome", null, c.CostPerPositiveOutcome);
        }

        rows.Add(["Underlag", "Loggposition", "position", null, r.Position, null, null, null, null, null, null, null, null]);
        rows.Add(["Underlag", "Avrundning", "rounding", null, null, null, null, null, null, null, null, null, null]);
        rows[^1] = ["Underlag", EconomyReports.Rounding, "rounding", null, null, null, null, null, null, null, null, null, null];
        return rows;
    }

    private static IResult Csv(IReadOnlyList<IReadOnlyList<object?>> rows, string fileName)
    {
        var text = new StringBuilder();
        foreach (var row in rows)
        {
            text.AppendJoin(';', row.Select(Cell)).Append("\r\n");
        }

        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes(text.ToString())).ToArray();
        return Results.File(bytes, "text/csv; charset=utf-8", fileName);
    }

    private static string Cell(object? value)
    {
        var text = value switch
        {
            null => "",
            decimal d => d.ToString("0.##", Swedish).Replace('\u2212', '-'),
            int i => i.ToString(CultureInfo.InvariantCulture),
            long l => l.ToString(CultureInfo.InvariantCulture),
            _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "",
        };
        return text.IndexOfAny([';', '"', '\n', '\r']) >= 0 ? $"\"{text.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : text;
    }

    public static StatisticsPeriod CostPeriod(int year, string? period)
    {
        if (string.IsNullOrWhiteSpace(period))
        {
            return StatisticsPeriod.Year(year);
        }

        return StatisticsPeriod.TryParse(period, out var p) && p.From.Year == year && p.To.Year == year
            && (p.Name == StatisticsPeriod.Year(year).Name || Enumerable.Range(1, 3).Any(t => StatisticsPeriod.Tertial(year, t).Name == p.Name))
            ? p
            : throw Invalid("query.period", "The year itself (2025) or one of its tertials (2025-T1, 2025-T2, 2025-T3).");
    }

    private static string Format(string? format, params string[] allowed)
    {
        var kind = string.IsNullOrWhiteSpace(format) ? allowed[0] : format.Trim().ToLowerInvariant();
        return allowed.Contains(kind) ? kind : throw Invalid("query.format", $"One of: {string.Join(", ", allowed)}.");
    }

    private static async Task WaitAsync(NpgsqlDataSource db, ProjectionMonitor monitor, long? position, CancellationToken ct)
    {
        if (position is not { } p)
        {
            return;
        }

        await using var cmd = Sql.Command(db, "SELECT coalesce(max(position), 0) FROM es_events");
        var head = (long)(await cmd.ExecuteScalarAsync(ct))!;
        if (p < 0 || p > head)
        {
            throw Invalid("query.waitForPosition", "A log position from 0 to the log's last position (the X-Log-Position of a write).");
        }

        if (p > 0 && !await monitor.WaitForAsync(p, TimeSpan.FromSeconds(10), [Statistics.Projection.StatisticsProjection.ProjectionName], ct))
        {
            throw new ProjectionsBehindException(p);
        }
    }

    private static ValidationException Invalid(string field, string message) => new([new ValidationFailure(field, message)]);
}
