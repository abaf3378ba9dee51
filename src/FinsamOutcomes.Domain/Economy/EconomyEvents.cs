using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Domain.Economy;

// Stream: economy-{ForbundId}-{Year} (one förbund's economic year) and costcentres-{ForbundId} (its cost-centre mapping).
// Amounts are exact kronor (decimal, at most two decimals, öre). No personal data: members, insatser and accounts only.

/// <summary>What a budget or outcome line is. Income lines belong to no insats; cost lines belong to administration or one insats.</summary>
public enum LineType
{
    /// <summary>Medlemsbidrag (income; its outcome is the recorded contributions).</summary>
    MemberContributions,

    /// <summary>Övriga intäkter: ESF, project grants (income; its outcome is the recorded other income).</summary>
    OtherIncome,

    /// <summary>Administration (kansli, styrelse, revision): a cost of no insats.</summary>
    Administration,

    /// <summary>Insatskostnad: a cost of one insats.</summary>
    InsatsCost,

    /// <summary>ESF-insatskostnad: a cost of one insats financed by ESF or project money.</summary>
    EsfInsatsCost,
}

/// <summary>One budget line: its type, the insats it belongs to (cost lines of an insats), a description, the amount and, for an insats, the budgeted participants.</summary>
public sealed record BudgetLine(LineType Type, string? InsatsId, string Description, decimal Amount, int? PlannedParticipants = null);

/// <summary>economy.contribution_recorded.v1: a member's contribution (medlemsbidrag) for the year; recording it again replaces the amount.</summary>
public sealed record ContributionRecorded(string ForbundId, int Year, string MemberId, MemberKind Kind, string MemberName, decimal Amount);

/// <summary>economy.other_income_recorded.v1: income besides the members' contributions (ESF, a project grant), optionally for one insats; recording the same IncomeId again replaces it.</summary>
public sealed record OtherIncomeRecorded(string ForbundId, int Year, string IncomeId, string Source, string Description, decimal Amount, string? InsatsId);

/// <summary>economy.budget_set.v1: the board adopts the year's budget (revision 1) or revises it (2, 3, …); every revision is kept, reports use the latest.</summary>
public sealed record BudgetSet(string ForbundId, int Year, int Revision, DateOnly AdoptedOn, string Reason, IReadOnlyList<BudgetLine> Lines);

/// <summary>
/// economy.outcome_recorded.v1: an outcome (utfall, a cost; a credit is negative) for one month (1–12) or one tertial (1–3) of the year, for
/// administration (no insats) or one insats. Source is "manual" or "import"; an imported entry names its import and CSV/xlsx row.
/// </summary>
public sealed record OutcomeRecorded(
    string ForbundId, int Year, string EntryId, int? Month, int? Tertial, LineType Type, string? InsatsId, string Account, string Description,
    decimal Amount, string Source, string? ImportId, int? Row);

/// <summary>economy.outcome_corrected.v1: a recorded outcome's amount was wrong; the entry keeps its id, the correction its reason.</summary>
public sealed record OutcomeCorrected(string ForbundId, int Year, string EntryId, decimal Amount, string Reason);

/// <summary>economy.accounting_imported.v1: an accounting export was imported; ImportId is derived from the file's SHA-256, so the same file is one import.</summary>
public sealed record AccountingImported(string ForbundId, int Year, string ImportId, string FileName, int Rows, int Recorded, IReadOnlyList<int> UnmappedRows);

/// <summary>economy.opening_equity_set.v1: eget kapital at the start of the year (the förbund's first year, or one not closed here).</summary>
public sealed record OpeningEquitySet(string ForbundId, int Year, decimal Amount);

/// <summary>economy.year_closed.v1: the year is closed with its figures as computed from what was recorded; nothing more is recorded for it.</summary>
public sealed record YearClosed(
    string ForbundId, int Year, DateOnly ClosedOn, decimal Income, decimal Costs, decimal Result, decimal OpeningEquity, decimal ClosingEquity);

/// <summary>One cost centre (kostnadsställe, free text as the accounting has it) and where its costs go: administration (no insats) or one insats.</summary>
public sealed record CostCentreTarget(string CostCentre, LineType Type, string? InsatsId);

/// <summary>economy.cost_centres_set.v1: the förbund's whole mapping from cost centres to administration or insatser.</summary>
public sealed record CostCentresSet(string ForbundId, IReadOnlyList<CostCentreTarget> Mappings);
