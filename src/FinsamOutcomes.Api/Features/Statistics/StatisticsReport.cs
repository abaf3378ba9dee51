namespace FinsamOutcomes.Api.Features.Statistics;

// The shapes StatisticsService returns. Keys (genders, categories, reasons, support, occupation…) are the
// snake_case names stored in the events. Every table carries its own total, counted independently of its
// parts, so a reader (and the tests) can check that the parts add up. Definitions: docs/statistics.md.

/// <summary>What to report on. AsOfPosition or AsOfTime (not both) asks for the report as the facts stood then.</summary>
public sealed record StatisticsQuery(StatisticsScope Scope, StatisticsPeriod Period)
{
    /// <summary>A log position: the report as it would have been produced right after that event was projected.</summary>
    public long? AsOfPosition { get; init; }

    /// <summary>A moment: the report as of the last event recorded at or before it.</summary>
    public DateTimeOffset? AsOfTime { get; init; }

    /// <summary>The date figures that depend on "today" use (the 30-day share); the clock's date in Sweden by default.</summary>
    public DateOnly? Today { get; init; }
}

/// <summary>What a report covers and which state of the log it reflects.</summary>
/// <param name="ForbundIds">The förbund counted for a kommun or förbund scope (with predecessors when asked for).</param>
/// <param name="Position">The log position of the last event the report reflects (0 for none).</param>
/// <param name="PositionRecordedAt">When that event was recorded.</param>
/// <param name="AsOf">True when an earlier state was asked for.</param>
public sealed record ReportBasis(
    string ScopeKind,
    string? InsatsId,
    string? ForbundId,
    string? Kommun,
    bool IncludePredecessors,
    IReadOnlyList<string> ForbundIds,
    StatisticsPeriod Period,
    DateOnly Today,
    long Position,
    DateTimeOffset? PositionRecordedAt,
    bool AsOf,
    DateTimeOffset ProducedAt);

public sealed record StatisticsReport(
    ReportBasis Basis,
    ParticipantFigures Participants,
    ExitFigures Exits,
    BeforeAfterFigures BeforeAfter,
    TimeFigures Time,
    UniqueIndividuals UniqueIndividuals,
    ReferralFigures Referrals,
    IReadOnlyList<GoalResult> Goals,
    HeadCountFigures HeadCount,
    OccupationAtEndFigures OccupationAtEnd,
    ActivityFigures Activities,
    BackgroundFigures Background,
    SusGroupFigures SusGroups,
    IntakePauseFigures IntakePauses);

/// <summary>
/// What the participations active at the period's end are doing on its last day: the occupation of the last change dated on
/// or before it, else the occupation at start. Every participation is in exactly one kind, so the kinds add up to ActiveAtEnd.
/// </summary>
/// <param name="ByKind">All seven kinds: paid_work, subsidised_employment, studies, internship, work_training, job_seeking, none.</param>
/// <param name="InOccupation">I sysselsättning: paid work, subsidised employment, studies, internship or work training.</param>
/// <param name="InWorkOrStudies">I arbete eller studier: paid work, subsidised employment or studies.</param>
public sealed record OccupationAtEndFigures(GenderRow ActiveAtEnd, IReadOnlyList<GenderRow> ByKind, GenderShares InOccupation, GenderShares InWorkOrStudies);

/// <summary>Activities dated in the period, of participations in scope, split by the participant's gender.</summary>
/// <param name="Occasions">Aktivitetstillfällen; OccasionsByKind adds up to it.</param>
/// <param name="Participants">Participations with at least one activity in the period (of any kind).</param>
/// <param name="ParticipantsByKind">Participations with at least one activity of each kind: one participation can be in several rows, so these do not add up to Participants.</param>
public sealed record ActivityFigures(GenderRow Occasions, IReadOnlyList<GenderRow> OccasionsByKind, GenderRow Participants, IReadOnlyList<GenderRow> ParticipantsByKind);

/// <summary>Who the participants are: over the participations active in the period (each table adds up to Participants), and the referring part of the period's new participations.</summary>
/// <param name="EducationAtStart">Highest completed education at enrolment (as last corrected), all six levels.</param>
/// <param name="AgeBands">Age at enrolment, the eight bands.</param>
/// <param name="TimeOnSupportBefore">Months on public support before the insats: under_1_year, 1_2_years, 3_5_years, 6_years_or_more, unknown.</param>
/// <param name="ReferringPartyOfNew">Over the new participations: the referral's part, the direct enrolment's part, or not_recorded.</param>
public sealed record BackgroundFigures(
    GenderRow Participants,
    IReadOnlyList<GenderRow> EducationAtStart,
    IReadOnlyList<GenderRow> AgeBands,
    IReadOnlyList<GenderRow> TimeOnSupportBefore,
    GenderRow New,
    IReadOnlyList<GenderRow> ReferringPartyOfNew);

/// <summary>
/// SUS's standardrapport groups over the period's exits, from the occupation at exit (and at start, for before/after):
/// employment (förvärvsarbete), studies, job_seeking (aktivt arbetssökande), other (övriga avslutade).
/// </summary>
public sealed record SusGroupFigures(
    GenderRow Exits,
    IReadOnlyList<GenderRow> ByGroupAtExit,
    IReadOnlyList<GenderRow> ByGroupAtStart,
    TransitionTable Transitions,
    GenderShares WorkOrStudiesAtStart,
    GenderShares WorkOrStudiesAtExit);

/// <summary>Days in the period with intake paused, per insats (with participants) and beredningsgrupp in scope.</summary>
/// <param name="DaysInPeriod">The number of days of the period.</param>
public sealed record IntakePauseFigures(int DaysInPeriod, IReadOnlyList<IntakePauseRow> Rows);

/// <param name="Kind">insats or beredningsgrupp.</param>
/// <param name="PausedAtEnd">Intake is paused on the period's last day.</param>
public sealed record IntakePauseRow(string Kind, string Id, int DaysPaused, bool PausedAtEnd);

/// <summary>A share in percent of the denominator, rounded to one decimal half away from zero; null when the denominator is 0.</summary>
public sealed record Share(int Numerator, int Denominator, decimal? Value)
{
    public static Share Of(int numerator, int denominator) =>
        new(numerator, denominator, denominator == 0 ? null : Math.Round(100m * numerator / denominator, 1, MidpointRounding.AwayFromZero));
}

public sealed record GenderCounts(int Woman, int Man, int NonBinary, int NotStated);

public sealed record KeyCount(string Key, int Count);

/// <summary>A count with its split by gender and by age band at enrolment.</summary>
public sealed record Breakdown(int Total, GenderCounts ByGender, IReadOnlyList<KeyCount> ByAgeBand);

/// <summary>One row of a table split by gender.</summary>
public sealed record GenderRow(string Key, int Total, GenderCounts ByGender);

public sealed record GenderShares(Share Total, Share Woman, Share Man, Share NonBinary, Share NotStated);

public sealed record ParticipantFigures(Breakdown Active, Breakdown New, Breakdown Exited, Breakdown ActiveAtEnd, Breakdown PausedAtEnd);

/// <param name="Total">Every exit in the period (key "total").</param>
/// <param name="ByCategory">Arbete, studier, återremiss, annat — always all four.</param>
/// <param name="ByReason">Each reason that occurs, as the förbund owning the insats labels and maps it.</param>
public sealed record ExitFigures(
    GenderRow Total,
    IReadOnlyList<GenderRow> ByCategory,
    IReadOnlyList<ExitReasonRow> ByReason,
    GenderShares WorkOrStudies,
    GenderShares PositiveOutcome);

/// <param name="Label">The reason's label in the förbund's list; null when the list no longer has the code.</param>
public sealed record ExitReasonRow(string Category, string Code, string? Label, bool Positive, int Total, GenderCounts ByGender);

/// <summary>Situation at start against situation at exit, over the period's exits.</summary>
public sealed record BeforeAfterFigures(
    int Exits,
    TransitionTable Occupation,
    TransitionTable MeansOfSupport,
    Share WorkingOrStudyingAtStart,
    Share WorkingOrStudyingAtExit);

/// <summary>Rows: the value at start; columns: the value at exit. Every value of the vocabulary is present.</summary>
public sealed record TransitionTable(IReadOnlyList<TransitionRow> Rows, IReadOnlyList<KeyCount> AtExitTotals, int Total);

public sealed record TransitionRow(string AtStart, IReadOnlyList<KeyCount> AtExit, int Total);

/// <summary>Medians and means in days, rounded to one decimal; null when Count is 0.</summary>
public sealed record DayStatistics(int Count, decimal? MedianDays, decimal? MeanDays);

/// <param name="Cutoff">The earlier of the period's end and today: enrolments whose 30 days end after it are not counted.</param>
public sealed record FirstActivityFigures(DateOnly Cutoff, Share Within30Days);

public sealed record TimeFigures(DayStatistics InInsats, DayStatistics InInsatsExcludingPauses, FirstActivityFigures FirstActivity);

/// <param name="Individuals">Distinct participant ids among the participations active in the period.</param>
public sealed record UniqueIndividuals(int Individuals, int Participations);

/// <param name="BeredningsgruppIds">The beredningsgrupper serving the scope, whose referrals these are.</param>
/// <param name="Decisions">Decisions in the period, of every kind: accepted, rejected, returned and completion_requested.</param>
public sealed record ReferralFigures(
    IReadOnlyList<string> BeredningsgruppIds,
    GenderRow Received,
    IReadOnlyList<GenderRow> ReceivedByParty,
    int Decisions,
    IReadOnlyList<KeyCount> DecisionsByKind,
    int Withdrawn,
    int WaitingAtEnd,
    int AwaitingCompletionAtEnd,
    DayStatistics DaysReceivedToDecision,
    DayStatistics DaysDecisionToEnrolment,
    IReadOnlyList<WeeklyIntake> AcceptedPerWeek,
    GenderShares ReceivedShareByGender);

/// <param name="Week">The ISO week, e.g. 2024-W05: for a group with a two-week cap, the first week of the window.</param>
/// <param name="Weeks">The window's length in weeks (1 or 2); Accepted and Cap are per window.</param>
/// <param name="OverCap">How many acceptances went beyond the cap.</param>
/// <param name="Overrides">Acceptances recorded with a reason for exceeding the cap.</param>
public sealed record WeeklyIntake(string BeredningsgruppId, string Week, DateOnly Monday, int Accepted, int Cap, int OverCap, int Overrides, int Weeks = 1);

public static class GoalStatus
{
    public const string Met = "met";
    public const string NotMet = "not_met";
    public const string NotMeasurable = "not_measurable";
}

public static class GoalReason
{
    public const string NoExits = "no_exits_in_period";
    public const string NoEnrolmentsDue = "no_enrolments_due_in_period";
    public const string NotAWholeGoalPeriod = "period_is_not_a_whole_goal_period";
}

/// <param name="Value">The count, or the share's percentage.</param>
/// <param name="Share">For share metrics, the counts behind the value.</param>
/// <param name="Status">met, not_met or not_measurable.</param>
/// <param name="Reason">Why the goal is not measurable; null otherwise.</param>
public sealed record GoalResult(
    string InsatsId,
    string InsatsName,
    string GoalId,
    string Description,
    string Metric,
    string Comparison,
    decimal Threshold,
    string GoalPeriod,
    decimal? Value,
    Share? Share,
    string Status,
    string? Reason);

public sealed record HeadCountRow(string InsatsId, string? InsatsName, int Occurrences, int Attendees, GenderCounts AttendeesByGender);

public sealed record HeadCountFigures(int Occurrences, int Attendees, GenderCounts AttendeesByGender, IReadOnlyList<HeadCountRow> ByInsats);

/// <summary>The äldstalista: participations active at the period's end, enrolled longest first. Pseudonymous ids only.</summary>
public sealed record OldestList(ReportBasis Basis, IReadOnlyList<OldestListEntry> Entries);

/// <param name="DaysEnrolled">Days from enrolment to the earlier of the period's end and today.</param>
/// <param name="Paused">Vilande at the period's end.</param>
public sealed record OldestListEntry(string ParticipationId, string InsatsId, DateOnly EnrolledOn, int DaysEnrolled, bool Paused, DateOnly? FirstActivityOn);
