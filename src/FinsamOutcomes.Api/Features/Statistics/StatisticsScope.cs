namespace FinsamOutcomes.Api.Features.Statistics;

public enum ScopeKind
{
    Insats,
    Kommun,
    Forbund,
    Country,
}

/// <summary>
/// What a report covers: one insats, one kommun (the participants' home kommun) within a förbund, one
/// förbund, or the whole country. For a kommun or a förbund, IncludePredecessors adds the förbund it was
/// formed from by merger (and theirs, recursively). Use the factory methods.
/// </summary>
public sealed record StatisticsScope
{
    private StatisticsScope(ScopeKind kind, string? insatsId, string? forbundId, string? kommun, bool includePredecessors)
    {
        Kind = kind;
        InsatsId = insatsId;
        ForbundId = forbundId;
        Kommun = kommun;
        IncludePredecessors = includePredecessors;
    }

    public ScopeKind Kind { get; }

    public string? InsatsId { get; }

    public string? ForbundId { get; }

    public string? Kommun { get; }

    public bool IncludePredecessors { get; }

    public static StatisticsScope Insats(string insatsId) => new(ScopeKind.Insats, Required(insatsId), null, null, false);

    public static StatisticsScope KommunIn(string forbundId, string kommun, bool includePredecessors = false) =>
        new(ScopeKind.Kommun, null, Required(forbundId), Required(kommun), includePredecessors);

    public static StatisticsScope Forbund(string forbundId, bool includePredecessors = false) =>
        new(ScopeKind.Forbund, null, Required(forbundId), null, includePredecessors);

    public static StatisticsScope Country() => new(ScopeKind.Country, null, null, null, false);

    private static string Required(string value, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(value))] string? name = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, name);
        return value;
    }
}
