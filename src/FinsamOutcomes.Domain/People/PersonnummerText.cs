using System.Text.RegularExpressions;

namespace FinsamOutcomes.Domain.People;

/// <summary>
/// Finds text shaped like a personnummer or samordningsnummer (6 or 8 digits, an optional separator,
/// 4 digits), valid or not: free text that people type (reasons, notes, names) and token subjects must
/// not carry one into the event log, a log line or the audit trail.
/// </summary>
public static partial class PersonnummerText
{
    public static bool AppearsIn(string? text) => text is not null && Shape().IsMatch(text);

    [GeneratedRegex(@"(?<!\d)(?:\d{6}|\d{8})[-+ ]?\d{4}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
