namespace FinsamOutcomes.Domain.Common;

/// <summary>
/// A business rule refused a command. The code is stable (clients and tests match on it), the title
/// is a plain sentence for a person. Neither may contain personal data. The API maps it to 409.
/// </summary>
public sealed class RuleViolationException(string code, string title) : Exception(title)
{
    public string Code { get; } = code;

    public string Title { get; } = title;
}

/// <summary>The caller may not act on this resource (the API maps it to 403).</summary>
public sealed class AccessDeniedException(string title) : Exception(title);
