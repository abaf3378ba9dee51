using static FinsamOutcomes.Domain.Common.Rules;

namespace FinsamOutcomes.Domain.Common;

/// <summary>
/// A pause of intake (of an insats or a beredningsgrupp): from PausedOn up to the day before ResumedOn, or open while
/// ResumedOn is null. A referral acceptance or an enrolment dated within it is refused unless given an override reason.
/// </summary>
public sealed record IntakePause(DateOnly PausedOn, IntakePauseReason Reason, DateOnly? ResumedOn)
{
    public bool Covers(DateOnly date) => date >= PausedOn && (ResumedOn is not { } resumed || date < resumed);
}

/// <summary>The rules for pausing and resuming intake, shared by the insats and beredningsgrupp deciders.</summary>
public static class IntakePauses
{
    public static bool Covers(IReadOnlyList<IntakePause> pauses, DateOnly date) => pauses.Any(p => p.Covers(date));

    /// <summary>True when the pause is new; false when the same pause is already open (nothing to do). Refuses otherwise.</summary>
    public static bool CanPause(IReadOnlyList<IntakePause> pauses, DateOnly on, IntakePauseReason reason, DateOnly today)
    {
        if (pauses.Count > 0 && pauses[^1] is { ResumedOn: null } open)
        {
            return open.PausedOn == on && open.Reason == reason
                ? false
                : throw Refused("intake_already_paused", "Intake is already paused; resume it first.");
        }

        NotInFuture(on, today);
        Require(
            pauses.Count == 0 || on >= pauses[^1].ResumedOn,
            "intake_pause_before_resumption",
            "A pause of intake may not begin before the last resumption.");
        return true;
    }

    /// <summary>True when the resumption is new; false when the last pause was already resumed on that date. Refuses otherwise.</summary>
    public static bool CanResume(IReadOnlyList<IntakePause> pauses, DateOnly on, DateOnly today)
    {
        if (pauses.Count == 0 || pauses[^1].ResumedOn is { } resumed)
        {
            return pauses.Count > 0 && pauses[^1].ResumedOn == on
                ? false
                : throw Refused("intake_not_paused", "Intake is not paused.");
        }

        NotInFuture(on, today);
        Require(on > pauses[^1].PausedOn, "intake_resumed_before_pause", "Intake must resume after the day the pause began.");
        return true;
    }
}
