using System.Data;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Economy;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Economy;

// The economy reports (docs/economy.md defines every figure). Amounts are exact kronor; tkr figures are each rounded to whole
// thousands half away from zero on their own (so tkr parts may not add up to a rounded total; the kronor always do).

/// <summary>A share of money: numerator and denominator in kronor, percent rounded to one decimal half away from zero; null when the denominator is 0.</summary>
public sealed record MoneyShare(decimal Numerator, decimal Denominator, decimal? Percent)
{
    public static MoneyShare Of(decimal numerator, decimal denominator) =>
        new(numerator, denominator, denominator == 0 ? null : Math.Round(100m * numerator / denominator, 1, MidpointRounding.AwayFromZero));
}

public sealed record FinancierRow(string Financier, decimal Amount, MoneyShare ShareOfContributions);

public sealed record MemberContributionRow(string MemberId, string Kind, string Name, string Financier, decimal Amount, MoneyShare ShareOfFinancier);

public sealed record OtherIncomeRow(string IncomeId, string Source, string Description, string? InsatsId, decimal Amount);

public sealed record FinancingReport(decimal Contributions, IReadOnlyList<FinancierRow> ByFinancier, IReadOnlyList<MemberContributionRow> ByMember,
    IReadOnlyList<OtherIncomeRow> OtherIncome, decimal OtherIncomeTotal, decimal TotalIncome);

/// <summary>One budget revision: income lines (medlemsbidrag, övriga intäkter) and cost lines (administration, insatser) summed apart.</summary>
public sealed record BudgetRevisionInfo(int Revision, DateOnly AdoptedOn, string Reason, decimal IncomeTotal, decimal CostTotal);

/// <summary>One line of the driftredovisning. Deviation is favourable when positive: outcome − budget for income and result, budget − outcome for costs.</summary>
public sealed record DriftRow(string Key, string Label, decimal Budget, decimal Outcome, decimal Deviation, decimal? PreviousYearOutcome);

/// <summary>The driftredovisning through the end of one tertial, with the full-year prognos (outcome to date + the budget of the remaining months).</summary>
public sealed record TertialRow(int Tertial, DateOnly Through, int MonthsElapsed, IReadOnlyList<TertialLine> Lines);

public sealed record TertialLine(string Key, decimal BudgetToDate, decimal OutcomeToDate, decimal DeviationToDate, decimal Prognosis, decimal PrognosisDeviation);

public sealed record DriftReport(BudgetRevisionInfo? Budget, IReadOnlyList<BudgetRevisionInfo> Revisions, IReadOnlyList<DriftRow> Rows, IReadOnlyList<TertialRow> Tertials);

public sealed record InsatsCostRow(string? InsatsId, string Name, decimal Budget, decimal EsfBudget, decimal Outcome, decimal EsfOutcome, decimal TotalBudget, decimal TotalOutcome,
    decimal Deviation, MoneyShare ShareOfCosts);

public sealed record InsatsVsAdministration(InsatsCostRow Administration, IReadOnlyList<InsatsCostRow> Insatser, decimal InsatserBudget, decimal InsatserOutcome,
    decimal TotalBudget, decimal TotalOutcome, MoneyShare AdministrationShareOfCosts);

/// <summary>The national recommendation's ceiling: 20 % of the contributions up to 7 Mkr, 15 % of the part 7–15 Mkr, 10 % of the part above 15 Mkr.</summary>
public sealed record EquityCeiling(decimal Tier1, decimal Tier2, decimal Tier3, decimal Total, MoneyShare CeilingToContributions)
{
    public static EquityCeiling For(decimal contributions)
    {
        var tier1 = 0.20m * Math.Clamp(contributions, 0, 7_000_000m);
        var tier2 = 0.15m * Math.Clamp(contributions - 7_000_000m, 0, 8_000_000m);
        var tier3 = 0.10m * Math.Max(contributions - 15_000_000m, 0);
        var total = tier1 + tier2 + tier3;
        return new(tier1, tier2, tier3, total, MoneyShare.Of(total, contributions));
    }
}

/// <param name="OpeningSource">"set" (recorded for the year), "previous_year_closing" (the previous year closed here) or null (unknown).</param>
/// <param name="Closed">True when the year is closed; otherwise the result and closing equity are preliminary, from what is recorded so far.</param>
public sealed record EquityReport(decimal? OpeningEquity, string? OpeningSource, decimal Income, decimal Costs, decimal Result, bool Closed, DateOnly? ClosedOn,
    decimal? ClosingEquity, decimal Contributions, MoneyShare EquityToContributions, EquityCeiling Ceiling, decimal? AboveCeiling, bool? WithinRecommendation);

public sealed record CostPerParticipantRow(string InsatsId, string Name, decimal Cost, int Participants, int Exits, int PositiveOutcomes,
    decimal? CostPerParticipant, decimal? CostPerPositiveOutcome);

/// <param name="StatisticsPosition">The log position the participant counts reflect (the statistics projection's).</param>
public sealed record CostPerParticipantReport(string Period, long StatisticsPosition, IReadOnlyList<CostPerParticipantRow> Insatser);

public sealed record EconomyReport(string ForbundId, string ForbundName, int Year, long Position, string Rounding, FinancingReport Financing, DriftReport Driftredovisning,
    InsatsVsAdministration InsatsVsAdministration, EquityReport EgetKapital, CostPerParticipantReport CostPerParticipant);

public sealed record CompilationRow(string ForbundId, string Name, decimal Contributions, decimal OtherIncome, decimal Costs, decimal Result, bool Closed,
    decimal? OpeningEquity, decimal? ClosingEquity, MoneyShare EquityToContributions, decimal Ceiling, decimal? AboveCeiling, bool? WithinRecommendation);

public sealed record Compilation(int Year, string Rounding, IReadOnlyList<CompilationRow> Forbund);

public sealed record InsatsFinsamRow(string InsatsId, string Name, string Kind, string TargetGroup, int TargetMinAge, int TargetMaxAge, decimal Budget, decimal Outcome,
    int? BudgetedParticipants, int Participants, GenderCounts ParticipantsByGender);

/// <summary>The figures Försäkringskassan's Uppföljning Finsam asks each förbund for, per year.</summary>
public sealed record UppfoljningFinsam(string ForbundId, string ForbundName, int Year, decimal TilldeladeMedel, decimal? EgetKapital, bool EgetKapitalClosed,
    decimal AdministrationBudget, decimal AdministrationOutcome, IReadOnlyList<InsatsFinsamRow> Insatser, int StructuralParticipants,
    int IndividualParticipants, GenderCounts IndividualParticipantsByGender, long StatisticsPosition);

public sealed class EconomyReports(NpgsqlDataSource db, StatisticsService statistics)
{
    public const string Rounding = "Amounts are exact kronor. tkr = kronor / 1000 rounded to whole tkr half away from zero, each figure on its own. Percentages are rounded to one decimal half away from zero. Periodised budget and income figures are rounded to öre half away from zero.";

    private static readonly string[] Financiers = ["state", "region", "kommuner"];

    public static string FinancierOf(string memberKind) => memberKind switch
    {
        "fk" or "af" => "state",
        "region" => "region",
        _ => "kommuner",
    };

    public static decimal Tkr(decimal kronor) => Math.Round(kronor / 1000m, 0, MidpointRounding.AwayFromZero);

    private static decimal Ore(decimal kronor) => Math.Round(kronor, 2, MidpointRounding.AwayFromZero);

    public async Task<EconomyReport> ReportAsync(string forbundId, int year, StatisticsPeriod costPeriod, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var name = await ScalarAsync<string>(connection, tx, "SELECT name FROM rm_forbund WHERE forbund_id = $1", ct, forbundId) ?? forbundId;
        // the last event of the förbund (economy, insatser, participations) the report reflects
        var position = await ScalarAsync<long>(connection, tx, "SELECT coalesce(max(position), 0) FROM es_events WHERE forbund_id = $1", ct, forbundId);
        var financing = await FinancingAsync(connection, tx, forbundId, year, ct);
        var drift = await DriftAsync(connection, tx, forbundId, year, ct);
        var insatser = await InsatsVsAdministrationAsync(connection, tx, forbundId, year, ct);
        var equity = (await YearTotalsAsync(connection, tx, year, forbundId, ct)).Select(t => t.Equity).Single();
        var costs = await CostPerParticipantAsync(connection, tx, forbundId, year, costPeriod, ct);
        return new EconomyReport(forbundId, name, year, position, Rounding, financing, drift, insatser, equity, costs);
    }

    public async Task<Compilation> CompilationAsync(int year, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var rows = (await YearTotalsAsync(connection, tx, year, null, ct))
            .Select(t => new CompilationRow(t.ForbundId, t.Name, t.Equity.Contributions, t.OtherIncome, t.Equity.Costs, t.Equity.Result, t.Equity.Closed,
                t.Equity.OpeningEquity, t.Equity.ClosingEquity, t.Equity.EquityToContributions, t.Equity.Ceiling.Total, t.Equity.AboveCeiling, t.Equity.WithinRecommendation))
            .ToArray();
        return new Compilation(year, Rounding, rows);
    }

    public async Task<UppfoljningFinsam> UppfoljningFinsamAsync(string forbundId, int year, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        var name = await ScalarAsync<string>(connection, tx, "SELECT name FROM rm_forbund WHERE forbund_id = $1", ct, forbundId) ?? forbundId;
        var totals = (await YearTotalsAsync(connection, tx, year, forbundId, ct)).Single();
        var split = await InsatsVsAdministrationAsync(connection, tx, forbundId, year, ct);
        var planned = await ReadAsync(connection, tx,
            $"""
            SELECT insats_id, sum(planned_participants)::int FROM econ_budget_lines
            WHERE forbund_id = $1 AND year = $2 AND revision = ({CurrentRevision}) AND planned_participants IS NOT NULL GROUP BY insats_id
            """,
            r => (Id: r.GetString(0), Planned: r.GetInt32(1)), ct, forbundId, year);
        var insatser = await InsatserAsync(connection, tx, forbundId, ct);
        var period = StatisticsPeriod.Year(year);
        var rows = new List<InsatsFinsamRow>();
        long statisticsPosition = 0;
        var structural = 0;
        foreach (var insats in insatser)
        {
            var report = await statistics.GetReportAsync(new StatisticsQuery(StatisticsScope.Insats(insats.Id), period), ct);
            statisticsPosition = report.Basis.Position;
            var isStructural = insats.Kind == "structural";
            var participants = isStructural ? report.HeadCount.Attendees : report.Participants.Active.Total;
            var byGender = isStructural ? report.HeadCount.AttendeesByGender : report.Participants.Active.ByGender;
            if (isStructural)
            {
                structural += participants;
            }

            var cost = split.Insatser.FirstOrDefault(i => i.InsatsId == insats.Id);
            rows.Add(new InsatsFinsamRow(insats.Id, insats.Name, insats.Kind, insats.TargetGroup, insats.MinAge, insats.MaxAge, cost?.TotalBudget ?? 0, cost?.TotalOutcome ?? 0,
                planned.Where(p => p.Id == insats.Id).Select(p => (int?)p.Planned).FirstOrDefault() ?? insats.PlannedPerYear, participants, byGender));
        }

        var individual = rows.Where(r => r.Kind == "individual").ToArray();
        var genders = new GenderCounts(individual.Sum(r => r.ParticipantsByGender.Woman), individual.Sum(r => r.ParticipantsByGender.Man),
            individual.Sum(r => r.ParticipantsByGender.NonBinary), individual.Sum(r => r.ParticipantsByGender.NotStated));
        return new UppfoljningFinsam(forbundId, name, year, totals.Equity.Contributions, totals.Equity.ClosingEquity, totals.Equity.Closed,
            split.Administration.TotalBudget, split.Administration.TotalOutcome, rows, structural, individual.Sum(r => r.Participants), genders, statisticsPosition);
    }

    private const string CurrentRevision = "SELECT max(revision) FROM econ_budget_revisions r WHERE r.forbund_id = $1 AND r.year = $2";

    private static async Task<FinancingReport> FinancingAsync(NpgsqlConnection c, NpgsqlTransaction tx, string forbundId, int year, CancellationToken ct)
    {
        var members = await ReadAsync(c, tx, "SELECT member_id, member_kind, member_name, amount FROM econ_contributions WHERE forbund_id = $1 AND year = $2 ORDER BY member_kind, member_id",
            r => (Id: r.GetString(0), Kind: r.GetString(1), Name: r.GetString(2), Amount: r.GetDecimal(3)), ct, forbundId, year);
        var other = await ReadAsync(c, tx, "SELECT income_id, source, description, insats_id, amount FROM econ_other_income WHERE forbund_id = $1 AND year = $2 ORDER BY income_id",
            r => new OtherIncomeRow(r.GetString(0), r.GetString(1), r.GetString(2), r.IsDBNull(3) ? null : r.GetString(3), r.GetDecimal(4)), ct, forbundId, year);
        var total = members.Sum(m => m.Amount);
        decimal Of(string financier) => members.Where(m => FinancierOf(m.Kind) == financier).Sum(m => m.Amount);
        var byFinancier = Financiers.Select(f => new FinancierRow(f, Of(f), MoneyShare.Of(Of(f), total))).ToArray();
        var byMember = members.Select(m => new MemberContributionRow(m.Id, m.Kind, m.Name, FinancierOf(m.Kind), m.Amount, MoneyShare.Of(m.Amount, Of(FinancierOf(m.Kind))))).ToArray();
        var otherTotal = other.Sum(o => o.Amount);
        return new FinancingReport(total, byFinancier, byMember, other, otherTotal, total + otherTotal);
    }

    private sealed record Sums(decimal Contributions, decimal OtherIncome, decimal Administration, decimal Insatser);

    private static async Task<DriftReport> DriftAsync(NpgsqlConnection c, NpgsqlTransaction tx, string forbundId, int year, CancellationToken ct)
    {
        var revisions = await ReadAsync(c, tx,
            """
            SELECT r.revision, r.adopted_on, r.reason,
                   coalesce((SELECT sum(amount) FROM econ_budget_lines l WHERE l.forbund_id = r.forbund_id AND l.year = r.year AND l.revision = r.revision AND l.line_type IN ('member_contributions', 'other_income')), 0),
                   coalesce((SELECT sum(amount) FROM econ_budget_lines l WHERE l.forbund_id = r.forbund_id AND l.year = r.year AND l.revision = r.revision AND l.line_type NOT IN ('member_contributions', 'other_income')), 0)
            FROM econ_budget_revisions r WHERE r.forbund_id = $1 AND r.year = $2 ORDER BY r.revision
            """,
            r => new BudgetRevisionInfo(r.GetInt32(0), r.GetFieldValue<DateOnly>(1), r.GetString(2), r.GetDecimal(3), r.GetDecimal(4)), ct, forbundId, year);
        var budget = await ReadAsync(c, tx,
            $"SELECT line_type, sum(amount) FROM econ_budget_lines WHERE forbund_id = $1 AND year = $2 AND revision = ({CurrentRevision}) GROUP BY line_type",
            r => (Type: r.GetString(0), Amount: r.GetDecimal(1)), ct, forbundId, year);
        decimal Budget(params string[] types) => budget.Where(b => types.Contains(b.Type)).Sum(b => b.Amount);
        var budgetSums = new Sums(Budget("member_contributions"), Budget("other_income"), Budget("administration"), Budget("insats_cost", "esf_insats_cost"));

        async Task<(Sums Year, decimal[] AdministrationByTertial, decimal[] InsatserByTertial, bool Any)> OutcomeAsync(int y)
        {
            var contributions = await ScalarAsync<decimal>(c, tx, "SELECT coalesce(sum(amount), 0) FROM econ_contributions WHERE forbund_id = $1 AND year = $2", ct, forbundId, y);
            var otherIncome = await ScalarAsync<decimal>(c, tx, "SELECT coalesce(sum(amount), 0) FROM econ_other_income WHERE forbund_id = $1 AND year = $2", ct, forbundId, y);
            var rows = await ReadAsync(c, tx,
                "SELECT line_type = 'administration', tertial, sum(amount), count(*)::int FROM econ_outcomes WHERE forbund_id = $1 AND year = $2 GROUP BY 1, 2",
                r => (Administration: r.GetBoolean(0), Tertial: r.GetInt32(1), Amount: r.GetDecimal(2), Count: r.GetInt32(3)), ct, forbundId, y);
            var admin = new decimal[4];
            var insatser = new decimal[4];
            foreach (var row in rows)
            {
                (row.Administration ? admin : insatser)[row.Tertial] += row.Amount;
            }

            var any = rows.Count > 0 || contributions != 0 || otherIncome != 0;
            return (new Sums(contributions, otherIncome, admin.Sum(), insatser.Sum()), admin, insatser, any);
        }

        var current = await OutcomeAsync(year);
        var previous = await OutcomeAsync(year - 1);
        var rowsOut = Lines(budgetSums, current.Year, previous.Any ? previous.Year : null)
            .Select(l => new DriftRow(l.Key, l.Label, l.Budget, l.Outcome, l.Deviation, l.Previous)).ToArray();

        var tertials = new List<TertialRow>();
        for (var t = 1; t <= 3; t++)
        {
            var months = 4 * t;
            var fraction = months / 12m;
            var budgetToDate = new Sums(Ore(budgetSums.Contributions * fraction), Ore(budgetSums.OtherIncome * fraction), Ore(budgetSums.Administration * fraction), Ore(budgetSums.Insatser * fraction));
            var outcomeToDate = new Sums(
                Ore(current.Year.Contributions * fraction),
                Ore(current.Year.OtherIncome * fraction),
                current.AdministrationByTertial.Take(t + 1).Sum(),
                current.InsatserByTertial.Take(t + 1).Sum());
            var prognosis = new Sums(
                outcomeToDate.Contributions + (budgetSums.Contributions - budgetToDate.Contributions),
                outcomeToDate.OtherIncome + (budgetSums.OtherIncome - budgetToDate.OtherIncome),
                outcomeToDate.Administration + (budgetSums.Administration - budgetToDate.Administration),
                outcomeToDate.Insatser + (budgetSums.Insatser - budgetToDate.Insatser));
            var toDate = Lines(budgetToDate, outcomeToDate, null).ToArray();
            var full = Lines(budgetSums, prognosis, null).ToArray();
            tertials.Add(new TertialRow(t, new DateOnly(year, months, 1).AddMonths(1).AddDays(-1), months,
                toDate.Zip(full, (d, f) => new TertialLine(d.Key, d.Budget, d.Outcome, d.Deviation, f.Outcome, f.Deviation)).ToArray()));
        }

        return new DriftReport(revisions.Count > 0 ? revisions[^1] : null, revisions, rowsOut, tertials);
    }

    private static IEnumerable<(string Key, string Label, decimal Budget, decimal Outcome, decimal Deviation, decimal? Previous)> Lines(Sums budget, Sums outcome, Sums? previous)
    {
        static decimal Costs(Sums s) => s.Administration + s.Insatser;
        static decimal Net(Sums s) => Costs(s) - s.OtherIncome;
        static decimal Result(Sums s) => s.Contributions - Net(s);
        yield return ("other_income", "Verksamhetens intäkter (övriga intäkter)", budget.OtherIncome, outcome.OtherIncome, outcome.OtherIncome - budget.OtherIncome, previous?.OtherIncome);
        yield return ("administration", "Administration", budget.Administration, outcome.Administration, budget.Administration - outcome.Administration, previous?.Administration);
        yield return ("insatser", "Insatser", budget.Insatser, outcome.Insatser, budget.Insatser - outcome.Insatser, previous?.Insatser);
        yield return ("costs", "Verksamhetens kostnader", Costs(budget), Costs(outcome), Costs(budget) - Costs(outcome), previous is null ? null : Costs(previous));
        yield return ("net_cost", "Nettokostnad", Net(budget), Net(outcome), Net(budget) - Net(outcome), previous is null ? null : Net(previous));
        yield return ("member_contributions", "Medlemsbidrag", budget.Contributions, outcome.Contributions, outcome.Contributions - budget.Contributions, previous?.Contributions);
        yield return ("result", "Resultat", Result(budget), Result(outcome), Result(outcome) - Result(budget), previous is null ? null : Result(previous));
    }

    private static async Task<InsatsVsAdministration> InsatsVsAdministrationAsync(NpgsqlConnection c, NpgsqlTransaction tx, string forbundId, int year, CancellationToken ct)
    {
        var budget = await ReadAsync(c, tx,
            $"SELECT line_type, insats_id, sum(amount) FROM econ_budget_lines WHERE forbund_id = $1 AND year = $2 AND revision = ({CurrentRevision}) AND line_type IN ('administration', 'insats_cost', 'esf_insats_cost') GROUP BY 1, 2",
            r => (Type: r.GetString(0), Insats: r.IsDBNull(1) ? null : r.GetString(1), Amount: r.GetDecimal(2)), ct, forbundId, year);
        var outcome = await ReadAsync(c, tx,
            "SELECT line_type, insats_id, sum(amount) FROM econ_outcomes WHERE forbund_id = $1 AND year = $2 GROUP BY 1, 2",
            r => (Type: r.GetString(0), Insats: r.IsDBNull(1) ? null : r.GetString(1), Amount: r.GetDecimal(2)), ct, forbundId, year);
        var names = (await InsatserAsync(c, tx, forbundId, ct)).ToDictionary(i => i.Id, i => i.Name, StringComparer.Ordinal);
        var totalOutcome = outcome.Sum(o => o.Amount);

        InsatsCostRow Row(string? insatsId, string name)
        {
            decimal B(string type) => budget.Where(b => b.Insats == insatsId && b.Type == type).Sum(b => b.Amount);
            decimal O(string type) => outcome.Where(o => o.Insats == insatsId && o.Type == type).Sum(o => o.Amount);
            var (budgetMain, outcomeMain) = insatsId is null ? (B("administration"), O("administration")) : (B("insats_cost"), O("insats_cost"));
            var (esfBudget, esfOutcome) = insatsId is null ? (0m, 0m) : (B("esf_insats_cost"), O("esf_insats_cost"));
            var totalB = budgetMain + esfBudget;
            var totalO = outcomeMain + esfOutcome;
            return new InsatsCostRow(insatsId, name, budgetMain, esfBudget, outcomeMain, esfOutcome, totalB, totalO, totalB - totalO, MoneyShare.Of(totalO, totalOutcome));
        }

        var ids = budget.Select(b => b.Insats).Concat(outcome.Select(o => o.Insats)).OfType<string>().Distinct().Order(StringComparer.Ordinal);
        var insatser = ids.Select(id => Row(id, names.GetValueOrDefault(id, id))).ToArray();
        var admin = Row(null, "Administration");
        var insatserBudget = insatser.Sum(i => i.TotalBudget);
        var insatserOutcome = insatser.Sum(i => i.TotalOutcome);
        return new InsatsVsAdministration(admin, insatser, insatserBudget, insatserOutcome, insatserBudget + admin.TotalBudget, insatserOutcome + admin.TotalOutcome,
            MoneyShare.Of(admin.TotalOutcome, admin.TotalOutcome + insatserOutcome));
    }

    private sealed record YearTotals(string ForbundId, string Name, decimal OtherIncome, EquityReport Equity);

    /// <summary>Per förbund (one, or every förbund not merged away before the year): the year's income, costs and eget kapital against the ceiling.</summary>
    private static async Task<IReadOnlyList<YearTotals>> YearTotalsAsync(NpgsqlConnection c, NpgsqlTransaction tx, int year, string? forbundId, CancellationToken ct)
    {
        var rows = await ReadAsync(c, tx,
            """
            SELECT f.forbund_id, f.name,
                   (SELECT coalesce(sum(amount), 0) FROM econ_contributions x WHERE x.forbund_id = f.forbund_id AND x.year = $1),
                   (SELECT coalesce(sum(amount), 0) FROM econ_other_income x WHERE x.forbund_id = f.forbund_id AND x.year = $1),
                   (SELECT coalesce(sum(amount), 0) FROM econ_outcomes x WHERE x.forbund_id = f.forbund_id AND x.year = $1),
                   y.opening_equity, y.closed_on, y.income, y.costs, y.result, y.closing_opening_equity, y.closing_equity, p.closing_equity
            FROM rm_forbund f
            LEFT JOIN econ_years y ON y.forbund_id = f.forbund_id AND y.year = $1
            LEFT JOIN econ_years p ON p.forbund_id = f.forbund_id AND p.year = $1 - 1
            WHERE ($2::text IS NULL OR f.forbund_id = $2) AND ($2::text IS NOT NULL OR f.merged_on IS NULL OR f.merged_on > make_date($1, 1, 1))
            ORDER BY f.forbund_id
            """,
            r => (Id: r.GetString(0), Name: r.GetString(1), Contributions: r.GetDecimal(2), Other: r.GetDecimal(3), Costs: r.GetDecimal(4),
                Opening: Dec(r, 5), ClosedOn: r.IsDBNull(6) ? (DateOnly?)null : r.GetFieldValue<DateOnly>(6), Income: Dec(r, 7), ClosedCosts: Dec(r, 8), Result: Dec(r, 9),
                ClosedOpening: Dec(r, 10), Closing: Dec(r, 11), PreviousClosing: Dec(r, 12)),
            ct, year, forbundId);
        return rows.Select(r =>
        {
            var closed = r.ClosedOn is not null;
            var (opening, source) = closed ? (r.ClosedOpening, r.Opening is not null ? "set" : "previous_year_closing")
                : r.Opening is { } set ? (set, "set")
                : r.PreviousClosing is { } prev ? ((decimal?)prev, (string?)"previous_year_closing")
                : (null, null);
            var income = closed ? r.Income!.Value : r.Contributions + r.Other;
            var costs = closed ? r.ClosedCosts!.Value : r.Costs;
            var result = income - costs;
            var closing = closed ? r.Closing : opening + result;
            var ceiling = EquityCeiling.For(r.Contributions);
            var above = closing is { } eq ? Math.Max(eq - ceiling.Total, 0) : (decimal?)null;
            var equity = new EquityReport(opening, source, income, costs, result, closed, r.ClosedOn, closing, r.Contributions,
                MoneyShare.Of(closing ?? 0, closing is null ? 0 : r.Contributions), ceiling, above, closing is { } e2 ? e2 <= ceiling.Total : null);
            return new YearTotals(r.Id, r.Name, r.Other, equity);
        }).ToArray();
    }

    private async Task<CostPerParticipantReport> CostPerParticipantAsync(NpgsqlConnection c, NpgsqlTransaction tx, string forbundId, int year, StatisticsPeriod period, CancellationToken ct)
    {
        var tertials = Enumerable.Range(1, 3).Where(t => StatisticsPeriod.Tertial(year, t) is var tp && tp.From >= period.From && tp.To <= period.To).ToArray();
        var costs = await ReadAsync(c, tx,
            "SELECT insats_id, sum(amount) FROM econ_outcomes WHERE forbund_id = $1 AND year = $2 AND insats_id IS NOT NULL AND tertial = ANY($3) GROUP BY insats_id",
            r => (Id: r.GetString(0), Amount: r.GetDecimal(1)), ct, forbundId, year, tertials);
        var rows = new List<CostPerParticipantRow>();
        long position = 0;
        foreach (var insats in (await InsatserAsync(c, tx, forbundId, ct)).Where(i => i.Kind == "individual"))
        {
            var cost = costs.Where(x => x.Id == insats.Id).Sum(x => x.Amount);
            // the participant figures the statistics engine computes for the insats and period (docs/statistics.md)
            var report = await statistics.GetReportAsync(new StatisticsQuery(StatisticsScope.Insats(insats.Id), period), ct);
            position = report.Basis.Position;
            var participants = report.Participants.Active.Total;
            var positive = report.Exits.PositiveOutcome.Total.Numerator;
            rows.Add(new CostPerParticipantRow(insats.Id, insats.Name, cost, participants, report.Exits.Total.Total, positive,
                participants == 0 ? null : Ore(cost / participants), positive == 0 ? null : Ore(cost / positive)));
        }

        return new CostPerParticipantReport(period.Name, position, rows);
    }

    private sealed record InsatsInfo(string Id, string Name, string Kind, int MinAge, int MaxAge, int? PlannedPerYear, string TargetGroup);

    private static Task<List<InsatsInfo>> InsatserAsync(NpgsqlConnection c, NpgsqlTransaction tx, string forbundId, CancellationToken ct) =>
        ReadAsync(c, tx,
            """
            SELECT i.insats_id, i.name, i.kind, i.target_min_age, i.target_max_age, i.planned_per_year,
                   coalesce((SELECT e.data -> 'targetGroup' ->> 'description' FROM es_events e WHERE e.stream_id = 'insats-' || i.insats_id AND e.event_type = 'insats.registered.v1' LIMIT 1), '')
            FROM rm_insatser i WHERE i.forbund_id = $1 ORDER BY i.start_date, i.insats_id
            """,
            r => new InsatsInfo(r.GetString(0), r.GetString(1), r.GetString(2), r.GetInt32(3), r.GetInt32(4), r.IsDBNull(5) ? null : r.GetInt32(5), r.GetString(6)),
            ct, forbundId);

    private static decimal? Dec(NpgsqlDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDecimal(i);

    private static async Task<T?> ScalarAsync<T>(NpgsqlConnection c, NpgsqlTransaction tx, string sql, CancellationToken ct, params object?[] values)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        var result = await cmd.ExecuteScalarAsync(ct);
        return result is null or DBNull ? default : (T)result;
    }

    private static async Task<List<T>> ReadAsync<T>(NpgsqlConnection c, NpgsqlTransaction tx, string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params object?[] values)
    {
        await using var cmd = new NpgsqlCommand(sql, c, tx);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }

        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var list = new List<T>();
        while (await reader.ReadAsync(ct))
        {
            list.Add(map(reader));
        }

        return list;
    }
}
