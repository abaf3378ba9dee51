using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace FinsamOutcomes.Domain.People;

/// <summary>
/// Finds a personnummer or samordningsnummer in text that is not meant to carry one: free text people type,
/// identifiers, codes, route and query values, headers, token subjects.
/// <list type="bullet">
/// <item><see cref="ContainsValidNumber"/>: a valid number (a real date of birth, or day + 60, and a correct
/// check digit) written any way a person would: with or without the century; digits in any Unicode script;
/// its parts separated by up to three characters that are neither letters nor digits (<c>-</c>, <c>+</c>, en
/// dash, dots, underscores, several spaces) or by invisible characters (zero-width space, BOM…). The parts may
/// be the date and the last four (<c>671226–8306</c>), the date's own parts too (<c>67 12 26 8306</c>), pairs,
/// or single digits; digits that merely sit next to each other in a longer number or a random id
/// (<c>4408-8258-44…</c>) are not read as one.</item>
/// <item><see cref="AppearsIn"/>, for free text: that, or the plain shape (6 or 8 digits, an optional
/// <c>-</c>, <c>+</c> or space, 4 digits) valid or not, so a mistyped number is refused too.</item>
/// </list>
/// </summary>
public static partial class PersonnummerText
{
    private const int MaxSeparatorRun = 3;

    public static bool AppearsIn(string? text) => text is not null && (Shape().IsMatch(text) || ContainsValidNumber(text));

    /// <summary>True when a valid personnummer or samordningsnummer can be read out of the text, however its parts are separated.</summary>
    public static bool ContainsValidNumber(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        foreach (var runs in DigitRuns(text))
        {
            for (var first = 0; first < runs.Count; first++)
            {
                var length = 0;
                for (var last = first; last < runs.Count && length < 12; last++)
                {
                    length += runs[last].Length;
                    if (length is 10 or 12 && IsNumberShaped(runs, first, last, length)
                        && IsValid(string.Concat(runs.Skip(first).Take(last - first + 1))))
                    {
                        return true;
                    }
                }
            }
        }

        return false;
    }

    /// <summary>
    /// The runs of decimal digits of the text, grouped where they are separated by at most three characters that
    /// are neither letters nor digits; invisible format characters are skipped as if absent.
    /// </summary>
    private static IEnumerable<List<string>> DigitRuns(string text)
    {
        var runs = new List<string>();
        var current = new StringBuilder();
        var separatorRun = 0;
        foreach (var rune in text.EnumerateRunes())
        {
            if (Rune.IsDigit(rune))
            {
                current.Append((char)('0' + (int)Rune.GetNumericValue(rune)));
                separatorRun = 0;
                continue;
            }

            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Format)
            {
                continue; // zero-width space, joiners, BOM: invisible, as if not there
            }

            if (current.Length > 0)
            {
                runs.Add(current.ToString());
                current.Clear();
            }

            if (!Rune.IsLetter(rune) && runs.Count > 0 && ++separatorRun <= MaxSeparatorRun)
            {
                continue;
            }

            if (runs.Count > 0)
            {
                yield return runs;
                runs = [];
            }

            separatorRun = 0;
        }

        if (current.Length > 0)
        {
            runs.Add(current.ToString());
        }

        if (runs.Count > 0)
        {
            yield return runs;
        }
    }

    /// <summary>
    /// Whether runs first..last split the digits where a person splits a personnummer: not at all; into single
    /// digits; or between the date and the last four (after 6 of 10, 8 of 12), the date either whole or split
    /// into all its parts (YY MM DD, YYYY MM DD or YY YY MM DD) and the last four whole or as NN NC.
    /// </summary>
    private static bool IsNumberShaped(List<string> runs, int first, int last, int length)
    {
        if (first == last || runs.Skip(first).Take(last - first + 1).All(r => r.Length == 1))
        {
            return true;
        }

        var boundaries = new List<int>();
        var at = 0;
        for (var i = first; i < last; i++)
        {
            at += runs[i].Length;
            boundaries.Add(at);
        }

        var serialStart = length - 4;
        if (!boundaries.Contains(serialStart) || boundaries.Any(b => b > serialStart && b != serialStart + 2))
        {
            return false;
        }

        var inDate = boundaries.Where(b => b < serialStart).ToArray();
        return length == 10
            ? inDate is [] or [2, 4]
            : inDate is [] or [4, 6] or [2, 4, 6];
    }

    private static bool IsValid(string digits) =>
        digits.Length == 12 ? IsValid(digits.AsSpan(2), digits.AsSpan(0, 2)) : IsValid(digits.AsSpan(), ReadOnlySpan<char>.Empty);

    /// <summary>YYMMDDNNNC with a real date (day + 60 for a samordningsnummer) and a correct Luhn check digit.</summary>
    private static bool IsValid(ReadOnlySpan<char> ten, ReadOnlySpan<char> century)
    {
        if (!century.IsEmpty && century is not "18" and not "19" and not "20")
        {
            return false;
        }

        var month = ((ten[2] - '0') * 10) + (ten[3] - '0');
        var day = ((ten[4] - '0') * 10) + (ten[5] - '0');
        if (day > 60)
        {
            day -= 60;
        }

        var yy = ((ten[0] - '0') * 10) + (ten[1] - '0');
        var year = century.IsEmpty ? 2000 + yy : (((century[0] - '0') * 10) + (century[1] - '0')) * 100 + yy;
        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            return false;
        }

        var sum = 0;
        for (var i = 0; i < 10; i++)
        {
            var d = (ten[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += d > 9 ? d - 9 : d;
        }

        return sum % 10 == 0;
    }

    [GeneratedRegex(@"(?<!\d)(?:\d{6}|\d{8})[-+ ]?\d{4}(?!\d)", RegexOptions.CultureInvariant)]
    private static partial Regex Shape();
}
