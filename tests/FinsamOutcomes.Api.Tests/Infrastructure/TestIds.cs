namespace FinsamOutcomes.Api.Tests.Infrastructure;

/// <summary>
/// Unique identifiers for tests that carry no digits: a random hex id can hold ten digits in a row, which the
/// service rightly refuses as shaped like a personnummer, so a test would fail about once in a hundred runs.
/// </summary>
public static class TestIds
{
    /// <summary>The prefix followed by random letters (a–p), <paramref name="length"/> characters in all.</summary>
    public static string New(string prefix, int length)
    {
        var letters = string.Concat(Guid.NewGuid().ToString("N").Select(c => (char)(c <= '9' ? 'g' + (c - '0') : c)));
        return (prefix + letters)[..length];
    }
}
