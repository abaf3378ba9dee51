using static FinsamOutcomes.Domain.Beredningsgrupper.BeredningsgruppState;
using static FinsamOutcomes.Domain.Common.Rules;

namespace FinsamOutcomes.Domain.Beredningsgrupper;

public abstract record BeredningsgruppCommand(string BeredningsgruppId);

public sealed record RegisterBeredningsgrupp(
    string BeredningsgruppId,
    string ForbundId,
    string Name,
    IReadOnlyList<string> InsatsIds,
    int WeeklyIntakeCap) : BeredningsgruppCommand(BeredningsgruppId);

/// <summary>New insatser and/or intake cap from now on.</summary>
public sealed record ChangeBeredningsgrupp(string BeredningsgruppId, IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap)
    : BeredningsgruppCommand(BeredningsgruppId);

public abstract record BeredningsgruppState
{
    private BeredningsgruppState()
    {
    }

    public sealed record NotRegistered : BeredningsgruppState;

    /// <summary>The registration as made, and the insatser and cap in force now.</summary>
    public sealed record Registered(BeredningsgruppRegistered Registration, IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap)
        : BeredningsgruppState;
}

public static class Beredningsgrupp
{
    public static BeredningsgruppState Initial { get; } = new NotRegistered();

    public static BeredningsgruppState Evolve(BeredningsgruppState state, object @event) => (state, @event) switch
    {
        (NotRegistered, BeredningsgruppRegistered e) => new Registered(e, e.InsatsIds, e.WeeklyIntakeCap),
        (Registered r, BeredningsgruppChanged e) => r with { InsatsIds = e.InsatsIds, WeeklyIntakeCap = e.WeeklyIntakeCap },
        _ => state,
    };

    public static IReadOnlyList<object> Decide(BeredningsgruppCommand command, BeredningsgruppState state) => command switch
    {
        RegisterBeredningsgrupp c => Handle(c, state),
        ChangeBeredningsgrupp c => Handle(c, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown beredningsgrupp command."),
    };

    private static IReadOnlyList<object> Handle(RegisterBeredningsgrupp c, BeredningsgruppState state)
    {
        var registered = new BeredningsgruppRegistered(c.BeredningsgruppId, c.ForbundId, c.Name, c.InsatsIds, c.WeeklyIntakeCap);
        if (state is Registered { Registration: var existing })
        {
            return existing with { InsatsIds = [] } == registered with { InsatsIds = [] } && existing.InsatsIds.SequenceEqual(c.InsatsIds)
                ? Nothing
                : throw Refused("already_registered", "The beredningsgrupp is already registered.");
        }

        RequireName(c.Name);
        Allocation(c.InsatsIds, c.WeeklyIntakeCap);
        return [registered];
    }

    private static IReadOnlyList<object> Handle(ChangeBeredningsgrupp c, BeredningsgruppState state)
    {
        if (state is not Registered registered)
        {
            throw Refused("not_registered", "The beredningsgrupp is not registered.");
        }

        if (registered.WeeklyIntakeCap == c.WeeklyIntakeCap && registered.InsatsIds.SequenceEqual(c.InsatsIds))
        {
            return Nothing;
        }

        Allocation(c.InsatsIds, c.WeeklyIntakeCap);
        return [new BeredningsgruppChanged(c.BeredningsgruppId, c.InsatsIds, c.WeeklyIntakeCap)];
    }

    private static void Allocation(IReadOnlyList<string> insatsIds, int weeklyIntakeCap)
    {
        Require(weeklyIntakeCap >= 1, "invalid_intake_cap", "The weekly intake cap must be at least 1.");
        Require(insatsIds.Count > 0, "insats_required", "A beredningsgrupp allocates to at least one insats.");
        Require(insatsIds.Distinct().Count() == insatsIds.Count, "duplicate_insats", "An insats is listed more than once.");
    }
}
