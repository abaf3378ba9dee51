namespace FinsamOutcomes.Domain.Beredningsgrupper;

// Stream: beredningsgrupp-{BeredningsgruppId}

/// <summary>
/// beredningsgrupp.registered.v1: an assessment group, the insatser it allocates to and its intake cap per window of
/// CapWindowWeeks (1 or 2) weeks. WeeklyIntakeCap is the cap per window (the name is kept from when every window was a
/// week). A two-week window starts on CapWindowAnchor (a Monday) and every 14 days before and after it. Events written
/// before the two-week window existed have neither field and read as one-week windows.
/// </summary>
public sealed record BeredningsgruppRegistered(
    string BeredningsgruppId,
    string ForbundId,
    string Name,
    IReadOnlyList<string> InsatsIds,
    int WeeklyIntakeCap,
    int CapWindowWeeks = 1,
    DateOnly? CapWindowAnchor = null);

/// <summary>beredningsgrupp.changed.v1: new insatser and/or intake cap (and its window) from now on.</summary>
public sealed record BeredningsgruppChanged(
    string BeredningsgruppId, IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap, int CapWindowWeeks = 1, DateOnly? CapWindowAnchor = null);

/// <summary>beredningsgrupp.intake_paused.v1: the group takes in no referrals from this date (refused unless overridden) until resumed.</summary>
public sealed record BeredningsgruppIntakePaused(string BeredningsgruppId, DateOnly On, FinsamOutcomes.Domain.Common.IntakePauseReason Reason);

/// <summary>beredningsgrupp.intake_resumed.v1.</summary>
public sealed record BeredningsgruppIntakeResumed(string BeredningsgruppId, DateOnly On);
