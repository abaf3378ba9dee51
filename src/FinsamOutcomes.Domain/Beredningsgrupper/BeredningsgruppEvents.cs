namespace FinsamOutcomes.Domain.Beredningsgrupper;

// Stream: beredningsgrupp-{BeredningsgruppId}

/// <summary>beredningsgrupp.registered.v1: an assessment group, the insatser it allocates to and its weekly intake cap.</summary>
public sealed record BeredningsgruppRegistered(
    string BeredningsgruppId,
    string ForbundId,
    string Name,
    IReadOnlyList<string> InsatsIds,
    int WeeklyIntakeCap);

/// <summary>beredningsgrupp.changed.v1: new insatser and/or intake cap from now on.</summary>
public sealed record BeredningsgruppChanged(string BeredningsgruppId, IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap);
