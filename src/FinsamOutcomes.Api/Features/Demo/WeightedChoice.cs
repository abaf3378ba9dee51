namespace FinsamOutcomes.Api.Features.Demo;

/// <summary>Made-up data's weighted draws: the demo's loader and the benchmarks' national generator share them.</summary>
public static class WeightedChoice
{
    /// <summary>One of the values, each drawn with its weight's share of the total.</summary>
    public static T Pick<T>(this Random random, params (T Value, int Weight)[] choices)
    {
        var roll = random.Next(choices.Sum(c => c.Weight));
        foreach (var (value, weight) in choices)
        {
            if ((roll -= weight) < 0)
            {
                return value;
            }
        }

        return choices[^1].Value;
    }
}
