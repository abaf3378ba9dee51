namespace FinsamOutcomes.Domain.Common;

/// <summary>Guards shared by the deciders. Every refusal is a <see cref="RuleViolationException"/> with a stable code.</summary>
internal static class Rules
{
    public const int MaxTextLength = 500;

    public const int MaxAge = 120;

    public static IReadOnlyList<object> Nothing { get; } = [];

    public static RuleViolationException Refused(string code, string title) => new(code, title);

    public static void Require(bool condition, string code, string title)
    {
        if (!condition)
        {
            throw Refused(code, title);
        }
    }

    public static void NotInFuture(DateOnly date, DateOnly today) =>
        Require(date <= today, "date_in_future", "The date lies in the future.");

    public static void RequireReason(string? reason)
    {
        Require(!string.IsNullOrWhiteSpace(reason), "reason_required", "A reason is required.");
        NotTooLong(reason);
    }

    public static void OptionalReason(string? reason)
    {
        if (reason is not null)
        {
            RequireReason(reason);
        }
    }

    public static void RequireName(string? name)
    {
        Require(!string.IsNullOrWhiteSpace(name), "name_required", "A name is required.");
        NotTooLong(name);
    }

    private static void NotTooLong(string? text) =>
        Require(text is null || text.Length <= MaxTextLength, "text_too_long", $"A text may be at most {MaxTextLength} characters long.");
}
