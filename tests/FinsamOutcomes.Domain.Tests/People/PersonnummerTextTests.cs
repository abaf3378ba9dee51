using FinsamOutcomes.Domain.People;

namespace FinsamOutcomes.Domain.Tests.People;

public sealed class PersonnummerTextTests
{
    [Theory]
    [InlineData("Gällde 900315-2387, inte denna")]
    [InlineData("19900315-2387")]
    [InlineData("pnr 199003152387")]
    [InlineData("9003152387 flyttade")]
    [InlineData("121212+1212")]
    [InlineData("ring 070123 4567")]
    public void text_shaped_like_a_personnummer_is_found(string text) => Assert.True(PersonnummerText.AppearsIn(text));

    [Theory]
    [InlineData("Fick arbete på lagret 2024")]
    [InlineData("Beslut 2024-03-15")]
    [InlineData("12345")]
    [InlineData("insats-3f2a9c01d4")]
    [InlineData("")]
    [InlineData(null)]
    public void ordinary_text_is_not_flagged(string? text) => Assert.False(PersonnummerText.AppearsIn(text));

    // 196712268306 and 199003152387 are valid made-up numbers; 196712868303 is a valid samordningsnummer (day 26 + 60)
    [Theory]
    [InlineData("196712268306")]
    [InlineData("6712268306")]
    [InlineData("19671226-8306")]
    [InlineData("671226+8306")]
    [InlineData("671226\u20138306")] // en dash
    [InlineData("671226  8306")]
    [InlineData("671226.8306")]
    [InlineData("671226_8306")]
    [InlineData("671226\u200B8306")] // zero-width space
    [InlineData("6712\u200B26\uFEFF-8306")]
    [InlineData("6 7 1 2 2 6 - 8 3 0 6")]
    [InlineData("19\u200967.12.26 \u2013 83.06")]
    [InlineData("kommun-196712268306")]
    [InlineData("x19671226_8306y")]
    [InlineData("196712868303")]
    [InlineData("671286-8303")]
    [InlineData("\uFF16\uFF17\uFF11\uFF12\uFF12\uFF16\uFF18\uFF13\uFF10\uFF16")] // full-width digits
    public void a_valid_number_is_found_however_it_is_written(string escaped)
    {
        var text = System.Text.RegularExpressions.Regex.Unescape(escaped);
        Assert.True(PersonnummerText.ContainsValidNumber(text));
        Assert.True(PersonnummerText.AppearsIn(text));
    }

    [Theory]
    [InlineData("participation-3f2a9c01d4e5b6a7c8d9")]
    [InlineData("2024-05-01 2024-06-30")]
    [InlineData("Möte 2024-01-15 kl 10.30, 12 deltagare")]
    [InlineData("9223372036854775807")]
    [InlineData("671226-8307")] // wrong check digit: only the plain shape finds it
    [InlineData("671326-8306")] // month 13
    [InlineData("kvinnor 12, män 7")]
    [InlineData("ref 41196712268306")] // digits that merely sit inside a longer number
    [InlineData("7fa02e57-0415-4771-a3ce-a8711e75babb")] // date-like digits split where nobody splits a personnummer
    public void text_without_a_valid_number_has_none(string text) => Assert.False(PersonnummerText.ContainsValidNumber(text));
}
