using System.Text.Json;
using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Domain.Tests;

/// <summary>Given events folded with Evolve; each aggregate's tests add a When(command, context…) extension.</summary>
public sealed class Scenario<TState>(TState state)
{
    public TState State { get; } = state;

    public Outcome When(Func<TState, IReadOnlyList<object>> decide) => new(() => decide(State));
}

public sealed class Outcome(Func<IReadOnlyList<object>> decide)
{
    /// <summary>Events compare by type and JSON, so lists inside them compare by content.</summary>
    public void Then(params object[] expected) => Assert.Equal(Describe(expected), Describe(decide()));

    public void ThenNothing() => Assert.Empty(decide());

    public void ThenRefused(string code)
    {
        var refusal = Assert.Throws<RuleViolationException>(() => decide());
        Assert.Equal(code, refusal.Code);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Title));
    }

    public void ThenThrows<TException>()
        where TException : Exception => Assert.Throws<TException>(() => decide());

    private static List<string> Describe(IEnumerable<object> events) =>
        [.. events.Select(e => $"{e.GetType().Name} {JsonSerializer.Serialize(e, e.GetType())}")];
}

public static class Spec
{
    public static Scenario<TState> Given<TState>(TState initial, Func<TState, object, TState> evolve, object[] events) =>
        new(events.Aggregate(initial, evolve));
}
