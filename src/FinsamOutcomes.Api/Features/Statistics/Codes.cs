using System.Text.Json;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>The decision on a referral as stored in the referral fact; komplettering is not a decision but a request.</summary>
public enum ReferralDecision
{
    Accepted,
    Rejected,
    Returned,
}

/// <summary>The snake_case names under which enumerations are stored in events and fact rows, and returned in reports.</summary>
internal static class Codes
{
    public static string Of<T>(T value)
        where T : struct, Enum => JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString());

    /// <summary>Every member's name, in declaration order (the order of rows in report tables).</summary>
    public static IReadOnlyList<string> All<T>()
        where T : struct, Enum => Enum.GetValues<T>().Select(Of).ToArray();
}

/// <summary>The age bands of reports, by age at enrolment. They cover every age, so the bands add up to the total.</summary>
internal static class AgeBands
{
    /// <summary>Each band's highest age, in order; the last band has none.</summary>
    private static readonly (int? Max, string Name)[] Bands =
    [
        (15, "0-15"),
        (19, "16-19"),
        (24, "20-24"),
        (29, "25-29"),
        (39, "30-39"),
        (49, "40-49"),
        (59, "50-59"),
        (null, "60+"),
    ];

    public static IReadOnlyList<string> Names { get; } = Bands.Select(b => b.Name).ToArray();

    /// <summary>An SQL expression naming the band of an age column.</summary>
    public static string Sql(string ageColumn) =>
        "CASE " + string.Concat(Bands.Select(b => b.Max is { } max ? $"WHEN {ageColumn} <= {max} THEN '{b.Name}' " : "")) +
        $"ELSE '{Bands[^1].Name}' END";
}
