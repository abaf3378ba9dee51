using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace FinsamOutcomes.Domain.People;

/// <summary>The gender a personnummer encodes (odd second-to-last digit: man, even: woman).</summary>
public enum LegalGender
{
    Woman,
    Man,
}

/// <summary>
/// A validated Swedish personnummer or samordningsnummer (day of birth + 60).
/// It is personal data: <see cref="ToString"/> hides it, parse errors never repeat it, and it refuses to be
/// serialized to JSON so that it cannot slip into an event or a response. Only the identity vault reads
/// <see cref="Normalized"/>.
/// </summary>
[JsonConverter(typeof(RefuseJsonConverter))]
public readonly struct Personnummer : IEquatable<Personnummer>
{
    private const int SamordningsnummerDayOffset = 60;

    private readonly string? _normalized;

    private Personnummer(string normalized, DateOnly birthDate, bool isSamordningsnummer)
    {
        _normalized = normalized;
        BirthDate = birthDate;
        IsSamordningsnummer = isSamordningsnummer;
    }

    /// <summary>The twelve digits YYYYMMDDNNNC without separator (a samordningsnummer keeps its day + 60). For the identity vault only.</summary>
    public string Normalized => _normalized ?? throw new InvalidOperationException("This Personnummer was never parsed.");

    /// <summary>The real date of birth (for a samordningsnummer: the written day − 60).</summary>
    public DateOnly BirthDate { get; }

    public int BirthYear => BirthDate.Year;

    public bool IsSamordningsnummer { get; }

    /// <summary>From the second-to-last digit. A helper only: participants state their own gender.</summary>
    public LegalGender LegalGender => (Normalized[10] - '0') % 2 == 1 ? LegalGender.Man : LegalGender.Woman;

    /// <summary>Age in whole years on a date (a birthday on 29 February is reached on 1 March in common years).</summary>
    public int AgeOn(DateOnly date)
    {
        if (date < BirthDate)
        {
            throw new ArgumentOutOfRangeException(nameof(date), "The date is before the birth date.");
        }

        var age = date.Year - BirthDate.Year;
        return (date.Month, date.Day).CompareTo((BirthDate.Month, BirthDate.Day)) < 0 ? age - 1 : age;
    }

    /// <summary>Parses a personnummer; the exception message never contains the input.</summary>
    /// <exception cref="FormatException">The input is not a valid personnummer or samordningsnummer.</exception>
    public static Personnummer Parse(string input, DateOnly today) =>
        TryParse(input, today, out var value, out var error) ? value : throw new FormatException(error);

    /// <summary>
    /// Accepts YYYYMMDDNNNC, YYYYMMDD-NNNC, YYMMDDNNNC, YYMMDD-NNNC and YYMMDD+NNNC (the person is 100 or older),
    /// surrounded by whitespace or not. A ten-digit number belongs to the most recent century in which the
    /// birth date is not after <paramref name="today"/>, a century earlier with '+'.
    /// </summary>
    /// <param name="error">Why the input was refused; a fixed sentence that never contains the input.</param>
    public static bool TryParse(
        [NotNullWhen(true)] string? input,
        DateOnly today,
        out Personnummer value,
        [NotNullWhen(false)] out string? error)
    {
        value = default;
        if (!TrySplit(input, out var digits, out var separator, out error))
        {
            return false;
        }

        var year = digits.Length == 12 ? (Number(digits, 0) * 100) + Number(digits, 2) : Number(digits, 0);
        var month = Number(digits, digits.Length - 8);
        var writtenDay = Number(digits, digits.Length - 6);
        var isSamordningsnummer = writtenDay > SamordningsnummerDayOffset;
        var day = isSamordningsnummer ? writtenDay - SamordningsnummerDayOffset : writtenDay;

        if (digits.Length == 10)
        {
            year += today.Year / 100 * 100;
            if ((year, month, day).CompareTo((today.Year, today.Month, today.Day)) > 0)
            {
                year -= 100;
            }

            if (separator == '+')
            {
                year -= 100;
            }
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            error = "Personnummer does not contain a valid date.";
            return false;
        }

        var birthDate = new DateOnly(year, month, day);
        if (birthDate > today)
        {
            error = "Personnummer has a birth date in the future.";
            return false;
        }

        var tenDigits = digits[^10..];
        if (tenDigits[9] - '0' != CheckDigit(tenDigits.AsSpan(0, 9)))
        {
            error = "Personnummer has an invalid check digit.";
            return false;
        }

        var normalized = string.Concat(year.ToString("D4", CultureInfo.InvariantCulture), digits[^8..]);
        value = new Personnummer(normalized, birthDate, isSamordningsnummer);
        return true;
    }

    public bool Equals(Personnummer other) => string.Equals(_normalized, other._normalized, StringComparison.Ordinal);

    public override bool Equals(object? obj) => obj is Personnummer other && Equals(other);

    public override int GetHashCode() => _normalized is null ? 0 : StringComparer.Ordinal.GetHashCode(_normalized);

    /// <summary>Never the number: safe in logs, exceptions and string interpolation.</summary>
    public override string ToString() => IsSamordningsnummer ? "Samordningsnummer(****)" : "Personnummer(****)";

    public static bool operator ==(Personnummer left, Personnummer right) => left.Equals(right);

    public static bool operator !=(Personnummer left, Personnummer right) => !left.Equals(right);

    /// <summary>Splits the trimmed input into its 10 or 12 digits and the separator ('\0' when there is none).</summary>
    private static bool TrySplit(string? input, out string digits, out char separator, [NotNullWhen(false)] out string? error)
    {
        digits = string.Empty;
        separator = '\0';
        var text = input.AsSpan().Trim();
        if (text.Length is 11 or 13 && text[^5] is '-' or '+')
        {
            separator = text[^5];
            if (separator == '+' && text.Length == 13)
            {
                error = "Personnummer with twelve digits takes '-' as separator, never '+'.";
                return false;
            }

            text = string.Concat(text[..^5], text[^4..]).AsSpan();
        }

        foreach (var c in text)
        {
            if (!char.IsAsciiDigit(c))
            {
                error = "Personnummer may contain only digits and one separator before the last four digits.";
                return false;
            }
        }

        if (text.Length is not (10 or 12))
        {
            error = "Personnummer must have 10 or 12 digits.";
            return false;
        }

        digits = text.ToString();
        error = null;
        return true;
    }

    private static int Number(string digits, int start) => ((digits[start] - '0') * 10) + (digits[start + 1] - '0');

    /// <summary>The Luhn check digit over YYMMDDNNN: weights 2, 1, 2, … and the digit sum of each product.</summary>
    private static int CheckDigit(ReadOnlySpan<char> nineDigits)
    {
        var sum = 0;
        for (var i = 0; i < nineDigits.Length; i++)
        {
            var product = (nineDigits[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += (product / 10) + (product % 10);
        }

        return (10 - (sum % 10)) % 10;
    }

    /// <summary>A personnummer belongs in the identity vault, never in JSON (events, responses, logs).</summary>
    private sealed class RefuseJsonConverter : JsonConverter<Personnummer>
    {
        public override Personnummer Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Read a personnummer as a string and parse it with Personnummer.TryParse and today's date.");

        public override void Write(Utf8JsonWriter writer, Personnummer value, JsonSerializerOptions options) =>
            throw new NotSupportedException("A personnummer must not be serialized; store it in the identity vault.");
    }
}
