using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Domain.Insatser;

// Stream: insats-{InsatsId}

/// <summary>Målgrupp: age span (inclusive, age at enrolment) and a description.</summary>
public sealed record TargetGroup(int MinAge, int MaxAge, string Description);

/// <summary>insats.registered.v1: an insats financed by the förbund.</summary>
public sealed record InsatsRegistered(
    string InsatsId,
    string ForbundId,
    string Name,
    string Description,
    InsatsKind Kind,
    IReadOnlyList<string> Kommuner,
    DateOnly StartDate,
    DateOnly? EndDate,
    TargetGroup TargetGroup,
    FollowUpMode FollowUp,
    int? PlannedParticipantsPerYear);

/// <summary>insats.goal_set.v1: a measurable goal (mål); setting the same GoalId again replaces it.</summary>
public sealed record InsatsGoalSet(
    string InsatsId,
    string GoalId,
    GoalMetric Metric,
    GoalComparison Comparison,
    decimal Threshold,
    GoalPeriod Period,
    string Description);

/// <summary>insats.goal_removed.v1.</summary>
public sealed record InsatsGoalRemoved(string InsatsId, string GoalId);

/// <summary>insats.closed.v1: no enrolments after this date.</summary>
public sealed record InsatsClosed(string InsatsId, DateOnly ClosedOn);

/// <summary>insats.transferred.v1: after a merger the insats belongs to the successor förbund from a date.</summary>
public sealed record InsatsTransferred(string InsatsId, string FromForbundId, string ToForbundId, DateOnly On);

/// <summary>insats.occurrence_recorded.v1: one occurrence of a head-count insats (course day, network meeting) with attendees by gender.</summary>
public sealed record OccurrenceRecorded(
    string InsatsId,
    string OccurrenceId,
    DateOnly On,
    string Title,
    int Women,
    int Men,
    int NonBinary,
    int NotStated);

/// <summary>insats.intake_paused.v1: no new participants from this date (refused unless overridden with a reason) until resumed.</summary>
public sealed record InsatsIntakePaused(string InsatsId, DateOnly On, IntakePauseReason Reason);

/// <summary>insats.intake_resumed.v1: intake open again from this date; the pause's last day is the day before.</summary>
public sealed record InsatsIntakeResumed(string InsatsId, DateOnly On);
