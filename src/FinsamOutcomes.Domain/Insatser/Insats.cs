using System.Collections.Immutable;
using FinsamOutcomes.Domain.Common;
using static FinsamOutcomes.Domain.Common.Rules;
using static FinsamOutcomes.Domain.Insatser.InsatsState;

namespace FinsamOutcomes.Domain.Insatser;

public abstract record InsatsCommand(string InsatsId);

public sealed record RegisterInsats(
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
    int? PlannedParticipantsPerYear) : InsatsCommand(InsatsId);

/// <summary>Sets a mål; setting the same GoalId again replaces it. Thresholds of share metrics are percentages.</summary>
public sealed record SetGoal(
    string InsatsId,
    string GoalId,
    GoalMetric Metric,
    GoalComparison Comparison,
    decimal Threshold,
    GoalPeriod Period,
    string Description) : InsatsCommand(InsatsId);

public sealed record RemoveGoal(string InsatsId, string GoalId) : InsatsCommand(InsatsId);

/// <summary>No enrolments from this date on.</summary>
public sealed record CloseInsats(string InsatsId, DateOnly ClosedOn) : InsatsCommand(InsatsId);

/// <summary>After a merger the insats belongs to the successor förbund from a date.</summary>
public sealed record TransferInsats(string InsatsId, string ToForbundId, DateOnly On) : InsatsCommand(InsatsId);

/// <summary>One occurrence of a head-count insats with its attendees by gender.</summary>
public sealed record RecordOccurrence(
    string InsatsId,
    string OccurrenceId,
    DateOnly On,
    string Title,
    int Women,
    int Men,
    int NonBinary,
    int NotStated) : InsatsCommand(InsatsId);

/// <summary>Stop intake (anvisningar and inskrivningar) from a date, until resumed. Only an individual insats takes in participants.</summary>
public sealed record PauseInsatsIntake(string InsatsId, DateOnly On, IntakePauseReason Reason) : InsatsCommand(InsatsId);

/// <summary>Take in again from a date.</summary>
public sealed record ResumeInsatsIntake(string InsatsId, DateOnly On) : InsatsCommand(InsatsId);

/// <summary>The insats as registered, the förbund it belongs to now, its goals and occurrences by id, and its last transfer.</summary>
public sealed record InsatsDetails(
    InsatsRegistered Registration,
    string ForbundId,
    ImmutableDictionary<string, InsatsGoalSet> Goals,
    ImmutableDictionary<string, OccurrenceRecorded> Occurrences,
    InsatsTransferred? LastTransfer)
{
    /// <summary>Its pauses of intake, in order; the last may be open.</summary>
    public ImmutableList<IntakePause> IntakePauses { get; init; } = [];
}

public abstract record InsatsState
{
    private InsatsState()
    {
    }

    public sealed record NotRegistered : InsatsState;

    public sealed record Open(InsatsDetails Insats) : InsatsState;

    public sealed record Closed(InsatsDetails Insats, DateOnly ClosedOn) : InsatsState;
}

public static class Insats
{
    public static InsatsState Initial { get; } = new NotRegistered();

    public static InsatsState Evolve(InsatsState state, object @event) => (state, @event) switch
    {
        (NotRegistered, InsatsRegistered e) => new Open(new InsatsDetails(
            e, e.ForbundId, ImmutableDictionary<string, InsatsGoalSet>.Empty, ImmutableDictionary<string, OccurrenceRecorded>.Empty, null)),
        (Open o, InsatsClosed e) => new Closed(o.Insats, e.ClosedOn),
        (_, InsatsGoalSet e) => With(state, insats => insats with { Goals = insats.Goals.SetItem(e.GoalId, e) }),
        (_, InsatsGoalRemoved e) => With(state, insats => insats with { Goals = insats.Goals.Remove(e.GoalId) }),
        (_, InsatsTransferred e) => With(state, insats => insats with { ForbundId = e.ToForbundId, LastTransfer = e }),
        (_, OccurrenceRecorded e) => With(state, insats => insats with { Occurrences = insats.Occurrences.SetItem(e.OccurrenceId, e) }),
        (_, InsatsIntakePaused e) => With(state, insats => insats with { IntakePauses = insats.IntakePauses.Add(new IntakePause(e.On, e.Reason, null)) }),
        (_, InsatsIntakeResumed e) => With(state, insats => insats.IntakePauses.Count == 0 ? insats : insats with
        {
            IntakePauses = insats.IntakePauses.SetItem(insats.IntakePauses.Count - 1, insats.IntakePauses[^1] with { ResumedOn = e.On }),
        }),
        _ => state,
    };

    /// <param name="today">Today's date from the caller's clock.</param>
    public static IReadOnlyList<object> Decide(InsatsCommand command, InsatsState state, DateOnly today) => command switch
    {
        RegisterInsats c => Handle(c, state),
        SetGoal c => Handle(c, Registered(state)),
        RemoveGoal c => Registered(state).Goals.ContainsKey(c.GoalId) ? [new InsatsGoalRemoved(c.InsatsId, c.GoalId)] : Nothing,
        CloseInsats c => Handle(c, state),
        TransferInsats c => Handle(c, Registered(state)),
        RecordOccurrence c => Handle(c, Registered(state), today),
        PauseInsatsIntake c => Handle(c, Registered(state), today),
        ResumeInsatsIntake c => IntakePauses.CanResume(Registered(state).IntakePauses, c.On, today) ? [new InsatsIntakeResumed(c.InsatsId, c.On)] : Nothing,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown insats command."),
    };

    private static IReadOnlyList<object> Handle(RegisterInsats c, InsatsState state)
    {
        var registered = new InsatsRegistered(
            c.InsatsId, c.ForbundId, c.Name, c.Description, c.Kind, c.Kommuner, c.StartDate, c.EndDate, c.TargetGroup, c.FollowUp,
            c.PlannedParticipantsPerYear);
        if (state is not NotRegistered)
        {
            var existing = Registered(state).Registration;
            return existing with { Kommuner = [] } == registered with { Kommuner = [] } && existing.Kommuner.SequenceEqual(registered.Kommuner)
                ? Nothing
                : throw Refused("already_registered", "The insats is already registered.");
        }

        RequireName(c.Name);
        Require(
            c.Kommuner.Count > 0 && c.Kommuner.All(kommun => !string.IsNullOrWhiteSpace(kommun)),
            "kommun_required",
            "An insats needs at least one kommun.");
        Require(c.EndDate is not { } end || end >= c.StartDate, "end_before_start", "The end date lies before the start date.");
        Require(
            c.TargetGroup.MinAge >= 0 && c.TargetGroup.MinAge <= c.TargetGroup.MaxAge && c.TargetGroup.MaxAge <= MaxAge,
            "invalid_target_group",
            $"The target group's ages must satisfy 0 <= minimum <= maximum <= {MaxAge}.");
        Require(
            c.Kind == InsatsKind.Individual || c.FollowUp == FollowUpMode.HeadCount,
            "structural_insats_needs_head_count",
            "A structural insats has no participants and must be followed up by head count.");
        Require(
            c.PlannedParticipantsPerYear is null or > 0,
            "invalid_planned_participants",
            "The planned number of participants per year must be positive.");
        return [registered];
    }

    private static IReadOnlyList<object> Handle(SetGoal c, InsatsDetails insats)
    {
        var goal = new InsatsGoalSet(c.InsatsId, c.GoalId, c.Metric, c.Comparison, c.Threshold, c.Period, c.Description);
        if (insats.Goals.TryGetValue(c.GoalId, out var existing) && existing == goal)
        {
            return Nothing;
        }

        Require(
            insats.Registration.Kind == InsatsKind.Individual && insats.Registration.FollowUp != FollowUpMode.HeadCount,
            "insats_has_no_participants",
            "Goals are measured on participants, and this insats has none.");
        var isShare = c.Metric is GoalMetric.ShareExitsToWorkOrStudies or GoalMetric.SharePositiveOutcome or GoalMetric.ShareFirstActivityWithin30Days;
        Require(
            c.Threshold >= 0 && (isShare ? c.Threshold <= 100 : c.Threshold == decimal.Truncate(c.Threshold)),
            "invalid_goal_threshold",
            "A share goal needs a percentage between 0 and 100, a count goal a whole number of at least 0.");
        return [goal];
    }

    private static IReadOnlyList<object> Handle(PauseInsatsIntake c, InsatsDetails insats, DateOnly today)
    {
        Require(
            insats.Registration.Kind == InsatsKind.Individual && insats.Registration.FollowUp != FollowUpMode.HeadCount,
            "insats_has_no_participants",
            "Only an insats with participants has an intake to pause.");
        if (!IntakePauses.CanPause(insats.IntakePauses, c.On, c.Reason, today))
        {
            return Nothing;
        }

        Require(c.On >= insats.Registration.StartDate, "outside_insats_period", "The pause lies before the insats's start date.");
        return [new InsatsIntakePaused(c.InsatsId, c.On, c.Reason)];
    }

    private static IReadOnlyList<object> Handle(CloseInsats c, InsatsState state)
    {
        var insats = Registered(state);
        if (state is Closed closed)
        {
            return closed.ClosedOn == c.ClosedOn
                ? Nothing
                : throw Refused("already_closed", "The insats is already closed on another date.");
        }

        Require(c.ClosedOn >= insats.Registration.StartDate, "close_before_start", "The closing date lies before the start date.");
        return [new InsatsClosed(c.InsatsId, c.ClosedOn)];
    }

    private static IReadOnlyList<object> Handle(TransferInsats c, InsatsDetails insats)
    {
        if (insats.ForbundId == c.ToForbundId)
        {
            return insats.LastTransfer is { } last && last.ToForbundId == c.ToForbundId && last.On == c.On
                ? Nothing
                : throw Refused("same_forbund", "The insats already belongs to that förbund.");
        }

        return [new InsatsTransferred(c.InsatsId, insats.ForbundId, c.ToForbundId, c.On)];
    }

    private static IReadOnlyList<object> Handle(RecordOccurrence c, InsatsDetails insats, DateOnly today)
    {
        var occurrence = new OccurrenceRecorded(c.InsatsId, c.OccurrenceId, c.On, c.Title, c.Women, c.Men, c.NonBinary, c.NotStated);
        if (insats.Occurrences.TryGetValue(c.OccurrenceId, out var existing))
        {
            return existing == occurrence
                ? Nothing
                : throw Refused("occurrence_already_recorded", "Another occurrence is already recorded under this occurrence id.");
        }

        Require(
            insats.Registration.FollowUp == FollowUpMode.HeadCount,
            "insats_not_head_count",
            "Occurrences are recorded only for an insats followed up by head count.");
        Require(
            c.Women >= 0 && c.Men >= 0 && c.NonBinary >= 0 && c.NotStated >= 0 && c.Women + c.Men + c.NonBinary + c.NotStated > 0,
            "invalid_attendance",
            "Attendee counts cannot be negative and at least one person must have attended.");
        NotInFuture(c.On, today);
        Require(
            c.On >= insats.Registration.StartDate && (insats.Registration.EndDate is not { } end || c.On <= end),
            "outside_insats_period",
            "The occurrence date lies outside the insats's period.");
        return [occurrence];
    }

    private static InsatsDetails Registered(InsatsState state) => state switch
    {
        Open o => o.Insats,
        Closed c => c.Insats,
        _ => throw Refused("not_registered", "The insats is not registered."),
    };

    private static InsatsState With(InsatsState state, Func<InsatsDetails, InsatsDetails> change) => state switch
    {
        Open o => o with { Insats = change(o.Insats) },
        Closed c => c with { Insats = change(c.Insats) },
        _ => state,
    };
}
