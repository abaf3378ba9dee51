using System.Collections.Immutable;
using FinsamOutcomes.Domain.Common;
using static FinsamOutcomes.Domain.Beredningsgrupper.BeredningsgruppState;
using static FinsamOutcomes.Domain.Common.Rules;

namespace FinsamOutcomes.Domain.Beredningsgrupper;

public abstract record BeredningsgruppCommand(string BeredningsgruppId);

public sealed record RegisterBeredningsgrupp(
    string BeredningsgruppId,
    string ForbundId,
    string Name,
    IReadOnlyList<string> InsatsIds,
    int WeeklyIntakeCap,
    int CapWindowWeeks = 1,
    DateOnly? CapWindowAnchor = null) : BeredningsgruppCommand(BeredningsgruppId);

/// <summary>New insatser and/or intake cap (per window of one or two weeks) from now on.</summary>
public sealed record ChangeBeredningsgrupp(
    string BeredningsgruppId, IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap, int CapWindowWeeks = 1, DateOnly? CapWindowAnchor = null)
    : BeredningsgruppCommand(BeredningsgruppId);

public sealed record PauseBeredningsgruppIntake(string BeredningsgruppId, DateOnly On, IntakePauseReason Reason) : BeredningsgruppCommand(BeredningsgruppId);

public sealed record ResumeBeredningsgruppIntake(string BeredningsgruppId, DateOnly On) : BeredningsgruppCommand(BeredningsgruppId);

public abstract record BeredningsgruppState
{
    private BeredningsgruppState()
    {
    }

    public sealed record NotRegistered : BeredningsgruppState;

    /// <summary>The registration as made, and the insatser and cap in force now.</summary>
    public sealed record Registered(BeredningsgruppRegistered Registration, IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap)
        : BeredningsgruppState
    {
        /// <summary>The length of the cap's window in weeks (1 or 2) and, for two weeks, the Monday a window starts on.</summary>
        public int CapWindowWeeks { get; init; } = 1;

        public DateOnly? CapWindowAnchor { get; init; }

        public ImmutableList<IntakePause> IntakePauses { get; init; } = [];
    }
}

public static class Beredningsgrupp
{
    public static BeredningsgruppState Initial { get; } = new NotRegistered();

    public static BeredningsgruppState Evolve(BeredningsgruppState state, object @event) => (state, @event) switch
    {
        (NotRegistered, BeredningsgruppRegistered e) => new Registered(e, e.InsatsIds, e.WeeklyIntakeCap)
        {
            CapWindowWeeks = e.CapWindowWeeks,
            CapWindowAnchor = e.CapWindowAnchor,
        },
        (Registered r, BeredningsgruppChanged e) => r with
        {
            InsatsIds = e.InsatsIds,
            WeeklyIntakeCap = e.WeeklyIntakeCap,
            CapWindowWeeks = e.CapWindowWeeks,
            CapWindowAnchor = e.CapWindowAnchor,
        },
        (Registered r, BeredningsgruppIntakePaused e) => r with { IntakePauses = r.IntakePauses.Add(new IntakePause(e.On, e.Reason, null)) },
        (Registered r, BeredningsgruppIntakeResumed e) when r.IntakePauses.Count > 0 => r with
        {
            IntakePauses = r.IntakePauses.SetItem(r.IntakePauses.Count - 1, r.IntakePauses[^1] with { ResumedOn = e.On }),
        },
        _ => state,
    };

    public static IReadOnlyList<object> Decide(BeredningsgruppCommand command, BeredningsgruppState state) =>
        Decide(command, state, DateOnly.MaxValue);

    /// <param name="today">Today's date from the caller's clock (pauses and resumptions may not lie in the future).</param>
    public static IReadOnlyList<object> Decide(BeredningsgruppCommand command, BeredningsgruppState state, DateOnly today) => command switch
    {
        RegisterBeredningsgrupp c => Handle(c, state),
        ChangeBeredningsgrupp c => Handle(c, state),
        PauseBeredningsgruppIntake c => IntakePauses.CanPause(Existing(state).IntakePauses, c.On, c.Reason, today)
            ? [new BeredningsgruppIntakePaused(c.BeredningsgruppId, c.On, c.Reason)]
            : Nothing,
        ResumeBeredningsgruppIntake c => IntakePauses.CanResume(Existing(state).IntakePauses, c.On, today)
            ? [new BeredningsgruppIntakeResumed(c.BeredningsgruppId, c.On)]
            : Nothing,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown beredningsgrupp command."),
    };

    private static IReadOnlyList<object> Handle(RegisterBeredningsgrupp c, BeredningsgruppState state)
    {
        var registered = new BeredningsgruppRegistered(
            c.BeredningsgruppId, c.ForbundId, c.Name, c.InsatsIds, c.WeeklyIntakeCap, c.CapWindowWeeks, c.CapWindowWeeks == 1 ? null : c.CapWindowAnchor);
        if (state is Registered { Registration: var existing })
        {
            return existing with { InsatsIds = [] } == registered with { InsatsIds = [] } && existing.InsatsIds.SequenceEqual(c.InsatsIds)
                ? Nothing
                : throw Refused("already_registered", "The beredningsgrupp is already registered.");
        }

        RequireName(c.Name);
        Allocation(c.InsatsIds, c.WeeklyIntakeCap);
        CapWindow(c.CapWindowWeeks, c.CapWindowAnchor);
        return [registered];
    }

    private static IReadOnlyList<object> Handle(ChangeBeredningsgrupp c, BeredningsgruppState state)
    {
        if (state is not Registered registered)
        {
            throw Refused("not_registered", "The beredningsgrupp is not registered.");
        }

        var anchor = c.CapWindowWeeks == 1 ? null : c.CapWindowAnchor;
        if (registered.WeeklyIntakeCap == c.WeeklyIntakeCap && registered.InsatsIds.SequenceEqual(c.InsatsIds)
            && registered.CapWindowWeeks == c.CapWindowWeeks && registered.CapWindowAnchor == anchor)
        {
            return Nothing;
        }

        Allocation(c.InsatsIds, c.WeeklyIntakeCap);
        CapWindow(c.CapWindowWeeks, c.CapWindowAnchor);
        return [new BeredningsgruppChanged(c.BeredningsgruppId, c.InsatsIds, c.WeeklyIntakeCap, c.CapWindowWeeks, anchor)];
    }

    private static Registered Existing(BeredningsgruppState state) =>
        state as Registered ?? throw Refused("not_registered", "The beredningsgrupp is not registered.");

    private static void CapWindow(int weeks, DateOnly? anchor)
    {
        Require(weeks is 1 or 2, "invalid_cap_window", "The intake cap's window is one or two weeks.");
        Require(
            weeks == 1 || anchor is { DayOfWeek: DayOfWeek.Monday },
            "invalid_cap_window_anchor",
            "A two-week window needs the Monday one of its windows starts on.");
    }

    private static void Allocation(IReadOnlyList<string> insatsIds, int weeklyIntakeCap)
    {
        Require(weeklyIntakeCap >= 1, "invalid_intake_cap", "The weekly intake cap must be at least 1.");
        Require(insatsIds.Count > 0, "insats_required", "A beredningsgrupp allocates to at least one insats.");
        Require(insatsIds.Distinct().Count() == insatsIds.Count, "duplicate_insats", "An insats is listed more than once.");
    }
}
