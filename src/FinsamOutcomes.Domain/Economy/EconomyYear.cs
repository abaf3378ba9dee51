using System.Collections.Immutable;
using FinsamOutcomes.Domain.Common;
using static FinsamOutcomes.Domain.Common.Rules;

namespace FinsamOutcomes.Domain.Economy;

public abstract record EconomyCommand(string ForbundId, int Year);

/// <summary>Records (or replaces) a member's contribution for the year. Kind and name come from the förbund's membership.</summary>
public sealed record RecordContribution(string ForbundId, int Year, string MemberId, MemberKind Kind, string MemberName, decimal Amount) : EconomyCommand(ForbundId, Year);

public sealed record RecordOtherIncome(string ForbundId, int Year, string IncomeId, string Source, string Description, decimal Amount, string? InsatsId) : EconomyCommand(ForbundId, Year);

/// <summary>Adopts the budget (the first time) or revises it (every later time), keeping every revision.</summary>
public sealed record SetBudget(string ForbundId, int Year, DateOnly AdoptedOn, string Reason, IReadOnlyList<BudgetLine> Lines) : EconomyCommand(ForbundId, Year);

public sealed record RecordOutcome(
    string ForbundId, int Year, string EntryId, int? Month, int? Tertial, LineType Type, string? InsatsId, string Account, string Description, decimal Amount)
    : EconomyCommand(ForbundId, Year);

public sealed record CorrectOutcome(string ForbundId, int Year, string EntryId, decimal Amount, string Reason) : EconomyCommand(ForbundId, Year);

/// <summary>Records the rows of an accounting import that could be mapped (already resolved to outcomes by the importer), once per file.</summary>
public sealed record ImportAccounting(string ForbundId, int Year, string ImportId, string FileName, int Rows, IReadOnlyList<OutcomeRecorded> Entries, IReadOnlyList<int> UnmappedRows)
    : EconomyCommand(ForbundId, Year);

public sealed record SetOpeningEquity(string ForbundId, int Year, decimal Amount) : EconomyCommand(ForbundId, Year);

/// <summary>Closes the year. PreviousClosingEquity is the previous year's closing eget kapital when that year was closed here.</summary>
public sealed record CloseYear(string ForbundId, int Year, DateOnly ClosedOn, decimal? PreviousClosingEquity) : EconomyCommand(ForbundId, Year);

/// <summary>An outcome entry as it stands: the recorded entry and its current amount (after corrections).</summary>
public sealed record OutcomeEntry(OutcomeRecorded Recorded, decimal Amount);

/// <summary>One förbund's economic year as recorded.</summary>
public sealed record EconomyYearState(
    ImmutableDictionary<string, ContributionRecorded> Contributions,
    ImmutableDictionary<string, OtherIncomeRecorded> OtherIncome,
    ImmutableList<BudgetSet> Budgets,
    ImmutableDictionary<string, OutcomeEntry> Outcomes,
    ImmutableHashSet<string> Imports,
    decimal? OpeningEquity,
    YearClosed? Closed)
{
    public BudgetSet? CurrentBudget => Budgets.IsEmpty ? null : Budgets[^1];

    public decimal Income => Contributions.Values.Sum(c => c.Amount) + OtherIncome.Values.Sum(i => i.Amount);

    public decimal Costs => Outcomes.Values.Sum(o => o.Amount);
}

/// <summary>The decider of one förbund's economic year: contributions, other income, budget revisions, outcomes, opening equity and closing.</summary>
public static class EconomyYear
{
    /// <summary>No amount reaches a thousand billion kronor: anything larger is a typing error.</summary>
    public const decimal MaxAmount = 999_999_999_999.99m;

    public static EconomyYearState Initial { get; } = new(
        ImmutableDictionary<string, ContributionRecorded>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableDictionary<string, OtherIncomeRecorded>.Empty.WithComparers(StringComparer.Ordinal),
        [],
        ImmutableDictionary<string, OutcomeEntry>.Empty.WithComparers(StringComparer.Ordinal),
        ImmutableHashSet<string>.Empty.WithComparer(StringComparer.Ordinal),
        null,
        null);

    public static string Stream(string forbundId, int year) => $"economy-{forbundId}-{year:D4}";

    public static EconomyYearState Evolve(EconomyYearState state, object @event) => @event switch
    {
        ContributionRecorded e => state with { Contributions = state.Contributions.SetItem(e.MemberId, e) },
        OtherIncomeRecorded e => state with { OtherIncome = state.OtherIncome.SetItem(e.IncomeId, e) },
        BudgetSet e => state with { Budgets = state.Budgets.Add(e) },
        OutcomeRecorded e => state with { Outcomes = state.Outcomes.SetItem(e.EntryId, new OutcomeEntry(e, e.Amount)) },
        OutcomeCorrected e => state.Outcomes.TryGetValue(e.EntryId, out var entry)
            ? state with { Outcomes = state.Outcomes.SetItem(e.EntryId, entry with { Amount = e.Amount }) }
            : state,
        AccountingImported e => state with { Imports = state.Imports.Add(e.ImportId) },
        OpeningEquitySet e => state with { OpeningEquity = e.Amount },
        YearClosed e => state with { Closed = e },
        _ => state,
    };

    /// <param name="insatser">The insatser of the förbund (ids) a line or outcome may name.</param>
    public static IReadOnlyList<object> Decide(EconomyCommand command, EconomyYearState state, IReadOnlySet<string> insatser)
    {
        if (command is CloseYear close)
        {
            return Handle(close, state);
        }

        Require(state.Closed is null, "year_closed", "The year is closed: nothing more can be recorded for it.");
        return command switch
        {
            RecordContribution c => Handle(c, state),
            RecordOtherIncome c => Handle(c, state, insatser),
            SetBudget c => Handle(c, state, insatser),
            RecordOutcome c => Handle(c, state, insatser),
            CorrectOutcome c => Handle(c, state),
            ImportAccounting c => Handle(c, state, insatser),
            SetOpeningEquity c => Handle(c, state),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown economy command."),
        };
    }

    public static bool IsIncome(LineType type) => type is LineType.MemberContributions or LineType.OtherIncome;

    public static bool IsInsatsLine(LineType type) => type is LineType.InsatsCost or LineType.EsfInsatsCost;

    private static IReadOnlyList<object> Handle(RecordContribution c, EconomyYearState state)
    {
        var recorded = new ContributionRecorded(c.ForbundId, c.Year, c.MemberId, c.Kind, c.MemberName, c.Amount);
        if (state.Contributions.TryGetValue(c.MemberId, out var existing) && existing == recorded)
        {
            return Nothing;
        }

        RequireAmount(c.Amount, allowNegative: false);
        return [recorded];
    }

    private static IReadOnlyList<object> Handle(RecordOtherIncome c, EconomyYearState state, IReadOnlySet<string> insatser)
    {
        var recorded = new OtherIncomeRecorded(c.ForbundId, c.Year, c.IncomeId, c.Source, c.Description, c.Amount, c.InsatsId);
        if (state.OtherIncome.TryGetValue(c.IncomeId, out var existing) && existing == recorded)
        {
            return Nothing;
        }

        RequireName(c.Source);
        RequireName(c.Description);
        RequireAmount(c.Amount, allowNegative: false);
        RequireInsats(c.InsatsId, insatser);
        return [recorded];
    }

    private static IReadOnlyList<object> Handle(SetBudget c, EconomyYearState state, IReadOnlySet<string> insatser)
    {
        if (state.CurrentBudget is { } current && current.AdoptedOn == c.AdoptedOn && current.Reason == c.Reason && current.Lines.SequenceEqual(c.Lines))
        {
            return Nothing;
        }

        RequireReason(c.Reason);
        Require(c.Lines.Count > 0, "budget_empty", "A budget needs at least one line.");
        Require(
            c.AdoptedOn.Year >= c.Year - 1 && c.AdoptedOn.Year <= c.Year,
            "budget_date_outside_year",
            "A budget for a year is adopted in that year or the year before.");
        Require(
            state.CurrentBudget is not { } last || c.AdoptedOn >= last.AdoptedOn,
            "revision_before_budget",
            "A revision cannot be adopted before the budget it revises.");
        foreach (var line in c.Lines)
        {
            RequireName(line.Description);
            RequireAmount(line.Amount, allowNegative: false);
            RequireLine(line.Type, line.InsatsId, insatser);
            Require(
                line.PlannedParticipants is null || (IsInsatsLine(line.Type) && line.PlannedParticipants is >= 0 and <= 1_000_000),
                "invalid_planned_participants",
                "Budgeted participants belong to an insats line and are 0 or more.");
        }

        return [new BudgetSet(c.ForbundId, c.Year, state.Budgets.Count + 1, c.AdoptedOn, c.Reason, c.Lines)];
    }

    private static IReadOnlyList<object> Handle(RecordOutcome c, EconomyYearState state, IReadOnlySet<string> insatser)
    {
        var recorded = new OutcomeRecorded(c.ForbundId, c.Year, c.EntryId, c.Month, c.Tertial, c.Type, c.InsatsId, c.Account, c.Description, c.Amount, "manual", null, null);
        if (state.Outcomes.TryGetValue(c.EntryId, out var existing))
        {
            return existing.Recorded == recorded
                ? Nothing
                : throw Refused("outcome_exists", "An outcome with this entry id is already recorded: correct it instead.");
        }

        RequireOutcome(recorded, insatser);
        return [recorded];
    }

    private static IReadOnlyList<object> Handle(CorrectOutcome c, EconomyYearState state)
    {
        if (!state.Outcomes.TryGetValue(c.EntryId, out var entry))
        {
            throw Refused("unknown_outcome", "No outcome with this entry id is recorded for the year.");
        }

        if (entry.Amount == c.Amount)
        {
            return Nothing;
        }

        RequireReason(c.Reason);
        RequireAmount(c.Amount, allowNegative: true);
        return [new OutcomeCorrected(c.ForbundId, c.Year, c.EntryId, c.Amount, c.Reason)];
    }

    private static IReadOnlyList<object> Handle(ImportAccounting c, EconomyYearState state, IReadOnlySet<string> insatser)
    {
        if (state.Imports.Contains(c.ImportId))
        {
            return Nothing;
        }

        var events = new List<object>();
        foreach (var entry in c.Entries)
        {
            if (state.Outcomes.TryGetValue(entry.EntryId, out var existing))
            {
                Require(existing.Recorded == entry, "outcome_exists", "An imported entry id is already recorded with other content.");
                continue;
            }

            RequireOutcome(entry, insatser);
            events.Add(entry);
        }

        events.Add(new AccountingImported(c.ForbundId, c.Year, c.ImportId, c.FileName, c.Rows, c.Entries.Count, c.UnmappedRows));
        return events;
    }

    private static IReadOnlyList<object> Handle(SetOpeningEquity c, EconomyYearState state)
    {
        if (state.OpeningEquity == c.Amount)
        {
            return Nothing;
        }

        RequireAmount(c.Amount, allowNegative: true);
        return [new OpeningEquitySet(c.ForbundId, c.Year, c.Amount)];
    }

    private static IReadOnlyList<object> Handle(CloseYear c, EconomyYearState state)
    {
        if (state.Closed is { } closed)
        {
            return closed.ClosedOn == c.ClosedOn
                ? Nothing
                : throw Refused("year_closed", "The year is already closed.");
        }

        Require(c.ClosedOn.Year > c.Year, "close_before_year_end", "A year is closed after it has ended.");
        var opening = state.OpeningEquity ?? c.PreviousClosingEquity
            ?? throw Refused("opening_equity_missing", "The year has no opening eget kapital: set it, or close the previous year first.");
        var income = state.Income;
        var costs = state.Costs;
        var result = income - costs;
        return [new YearClosed(c.ForbundId, c.Year, c.ClosedOn, income, costs, result, opening, opening + result)];
    }

    private static void RequireOutcome(OutcomeRecorded o, IReadOnlySet<string> insatser)
    {
        Require(
            (o.Month is >= 1 and <= 12 && o.Tertial is null) || (o.Tertial is >= 1 and <= 3 && o.Month is null),
            "invalid_outcome_period",
            "An outcome is for one month (1–12) or one tertial (1–3) of the year.");
        Require(!IsIncome(o.Type), "income_as_outcome", "Outcomes are costs: record income as contributions or other income.");
        RequireLine(o.Type, o.InsatsId, insatser);
        RequireName(o.Description);
        RequireAmount(o.Amount, allowNegative: true);
    }

    private static void RequireLine(LineType type, string? insatsId, IReadOnlySet<string> insatser)
    {
        if (IsInsatsLine(type))
        {
            Require(insatsId is not null, "insats_required", "An insats cost line names its insats.");
            RequireInsats(insatsId, insatser);
        }
        else
        {
            Require(insatsId is null, "insats_not_allowed", "Only insats cost lines name an insats.");
        }
    }

    private static void RequireInsats(string? insatsId, IReadOnlySet<string> insatser) =>
        Require(insatsId is null || insatser.Contains(insatsId), "unknown_insats", "The insats is not an insats of this förbund.");

    private static void RequireAmount(decimal amount, bool allowNegative)
    {
        Require(decimal.Round(amount, 2) == amount, "invalid_amount", "Amounts are kronor with at most two decimals (öre).");
        Require(Math.Abs(amount) <= MaxAmount, "invalid_amount", "The amount is out of range.");
        Require(allowNegative || amount >= 0, "negative_amount", "This amount cannot be negative.");
    }
}

/// <summary>The decider of a förbund's cost-centre mapping (stream costcentres-{ForbundId}).</summary>
public static class CostCentreMapping
{
    public static IReadOnlyList<CostCentreTarget> Initial { get; } = [];

    public static string Stream(string forbundId) => $"costcentres-{forbundId}";

    public static IReadOnlyList<CostCentreTarget> Evolve(IReadOnlyList<CostCentreTarget> state, object @event) =>
        @event is CostCentresSet e ? e.Mappings : state;

    public static IReadOnlyList<object> Decide(string forbundId, IReadOnlyList<CostCentreTarget> mappings, IReadOnlyList<CostCentreTarget> state, IReadOnlySet<string> insatser)
    {
        if (state.SequenceEqual(mappings))
        {
            return Nothing;
        }

        foreach (var mapping in mappings)
        {
            Require(!string.IsNullOrWhiteSpace(mapping.CostCentre) && mapping.CostCentre.Trim() == mapping.CostCentre && mapping.CostCentre.Length <= 100,
                "invalid_cost_centre", "A cost centre is 1 to 100 characters without leading or trailing spaces.");
            Require(!EconomyYear.IsIncome(mapping.Type), "income_as_outcome", "Cost centres map to administration or an insats cost line.");
            if (EconomyYear.IsInsatsLine(mapping.Type))
            {
                Require(mapping.InsatsId is not null && insatser.Contains(mapping.InsatsId), "unknown_insats", "The insats is not an insats of this förbund.");
            }
            else
            {
                Require(mapping.InsatsId is null, "insats_not_allowed", "Only insats cost lines name an insats.");
            }
        }

        Require(
            mappings.Select(m => m.CostCentre).Distinct(StringComparer.OrdinalIgnoreCase).Count() == mappings.Count,
            "duplicate_cost_centre",
            "A cost centre is listed more than once.");
        return [new CostCentresSet(forbundId, mappings)];
    }
}
