using System.Text.Json;
using System.Text.RegularExpressions;
using FinsamOutcomes.Domain.People;

namespace FinsamOutcomes.Domain.Tests.People;

// Test numbers only: Skatteverket's "Tolvan" 19121212-1212 and numbers with serial numbers 98x,
// each with a Luhn check digit computed for the test. None of them is a real person's.
public sealed class PersonnummerTests
{
    private static readonly DateOnly Today = new(2026, 11, 22);

    public static TheoryData<string> SpellingsOfTheSameNumber => new()
    {
        "198506159873",
        "19850615-9873",
        "8506159873",
        "850615-9873",
        "  850615-9873\t\n",
    };

    [Theory]
    [MemberData(nameof(SpellingsOfTheSameNumber))]
    public void ten_and_twelve_digits_with_or_without_separator_are_the_same_number(string input)
    {
        var pnr = Personnummer.Parse(input, Today);

        Assert.Equal("198506159873", pnr.Normalized);
        Assert.Equal(new DateOnly(1985, 6, 15), pnr.BirthDate);
        Assert.Equal(1985, pnr.BirthYear);
        Assert.False(pnr.IsSamordningsnummer);
        Assert.Equal(Personnummer.Parse("198506159873", Today), pnr);
    }

    [Fact]
    public void a_ten_digit_number_belongs_to_the_latest_century_that_is_not_in_the_future()
    {
        Assert.Equal(new DateOnly(2012, 12, 12), Personnummer.Parse("121212-1212", Today).BirthDate);
        Assert.Equal(new DateOnly(2026, 11, 22), Personnummer.Parse("261122-9879", Today).BirthDate);
        Assert.Equal(new DateOnly(1926, 11, 23), Personnummer.Parse("261123-9878", Today).BirthDate);
        Assert.Equal(new DateOnly(1999, 12, 31), Personnummer.Parse("9912319986", Today).BirthDate);
    }

    [Fact]
    public void a_plus_separator_means_one_hundred_years_or_older()
    {
        var pnr = Personnummer.Parse("121212+1212", Today);

        Assert.Equal(new DateOnly(1912, 12, 12), pnr.BirthDate);
        Assert.Equal("191212121212", pnr.Normalized);
        Assert.Equal(Personnummer.Parse("19121212-1212", Today), pnr);
        Assert.Equal(113, pnr.AgeOn(Today));
    }

    [Fact]
    public void a_plus_separator_is_refused_on_a_twelve_digit_number()
    {
        Assert.False(Personnummer.TryParse("19121212+1212", Today, out _, out var error));
        Assert.Contains("separator", error, StringComparison.Ordinal);
    }

    [Fact]
    public void a_samordningsnummer_has_its_day_plus_sixty_and_the_real_birth_date()
    {
        var samordningsnummer = Personnummer.Parse("850675-9870", Today);

        Assert.True(samordningsnummer.IsSamordningsnummer);
        Assert.Equal(new DateOnly(1985, 6, 15), samordningsnummer.BirthDate);
        Assert.Equal("198506759870", samordningsnummer.Normalized);
        Assert.NotEqual(Personnummer.Parse("850615-9873", Today), samordningsnummer);
    }

    [Fact]
    public void a_wrong_check_digit_is_refused()
    {
        Assert.False(Personnummer.TryParse("19121212-1213", Today, out _, out var error));
        Assert.Equal("Personnummer has an invalid check digit.", error);

        var thrown = Assert.Throws<FormatException>(() => Personnummer.Parse("850615-9874", Today));
        Assert.Equal("Personnummer has an invalid check digit.", thrown.Message);
    }

    [Theory]
    [InlineData("19850230-9878")] // 30 February
    [InlineData("19851315-9874")] // month 13
    [InlineData("19850692-9879")] // samordningsnummer day 92 (day 32)
    [InlineData("19850660-9877")] // day 60: neither a birth day nor a samordningsnummer day
    [InlineData("19850600-9870")] // day 0
    [InlineData("19850229-9871")] // 29 February in a common year
    [InlineData("000229+9873")] // 29 February 1900, not a leap year
    [InlineData("00000101-9875")] // year 0
    public void an_impossible_date_is_refused(string input)
    {
        Assert.False(Personnummer.TryParse(input, Today, out _, out var error));
        Assert.Equal("Personnummer does not contain a valid date.", error);
    }

    [Fact]
    public void the_leap_day_of_a_leap_year_is_a_date()
    {
        Assert.Equal(new DateOnly(2000, 2, 29), Personnummer.Parse("000229-9873", Today).BirthDate);
        Assert.Equal(new DateOnly(2004, 2, 29), Personnummer.Parse("040229-9812", Today).BirthDate);
    }

    [Fact]
    public void a_birth_date_after_today_is_refused()
    {
        Assert.False(Personnummer.TryParse("20270101-9875", Today, out _, out var error));
        Assert.Equal("Personnummer has a birth date in the future.", error);

        Assert.True(Personnummer.TryParse("20270101-9875", new DateOnly(2027, 1, 1), out _, out _));
    }

    [Theory]
    [InlineData("19121212-12A2")]
    [InlineData("ABCDEFGHIJ")]
    [InlineData("1912 1212 1212")]
    [InlineData("19121212--1212")]
    [InlineData("1912-12121212")]
    [InlineData("191212121-212")]
    [InlineData("121212/1212")]
    [InlineData("121212-121")]
    [InlineData("19121212-12121")]
    [InlineData("١٢١٢١٢١٢١٢")] // Arabic-Indic digits are not ASCII digits
    public void anything_but_digits_and_one_separator_before_the_last_four_is_refused(string input)
    {
        Assert.False(Personnummer.TryParse(input, Today, out _, out var error));
        Assert.Equal("Personnummer may contain only digits and one separator before the last four digits.", error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("121212121")]
    [InlineData("19121212121")]
    [InlineData("1912121212120")]
    public void a_wrong_number_of_digits_is_refused(string input)
    {
        Assert.False(Personnummer.TryParse(input, Today, out _, out var error));
        Assert.Equal("Personnummer must have 10 or 12 digits.", error);
    }

    [Fact]
    public void a_missing_input_is_refused()
    {
        Assert.False(Personnummer.TryParse(null, Today, out _, out var error));
        Assert.NotNull(error);
    }

    [Theory]
    [InlineData("19121212-1213")]
    [InlineData("19850230-9878")]
    [InlineData("20270101-9875")]
    [InlineData("19121212-12A2")]
    [InlineData("1912121212120")]
    [InlineData("19121212+1212")]
    public void no_error_message_contains_the_digits_of_the_input(string input)
    {
        var thrown = Assert.Throws<FormatException>(() => Personnummer.Parse(input, Today));

        Assert.DoesNotMatch(new Regex(@"\d{4}"), thrown.Message);
        Assert.DoesNotContain(input, thrown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void to_string_and_interpolation_never_show_the_number()
    {
        var pnr = Personnummer.Parse("19850615-9873", Today);
        var samordningsnummer = Personnummer.Parse("19850675-9870", Today);

        Assert.Equal("Personnummer(****)", pnr.ToString());
        Assert.Equal("Samordningsnummer(****)", samordningsnummer.ToString());
        Assert.DoesNotMatch(new Regex(@"\d"), $"{pnr} {samordningsnummer} {(Personnummer?)pnr}");
    }

    [Fact]
    public void a_personnummer_refuses_to_be_written_to_or_read_from_json()
    {
        var pnr = Personnummer.Parse("19850615-9873", Today);

        Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(new { Person = pnr }));
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Deserialize<Personnummer>("\"198506159873\""));
    }

    [Fact]
    public void the_age_is_in_whole_years_and_grows_on_the_birthday()
    {
        var pnr = Personnummer.Parse("19850615-9873", Today);

        Assert.Equal(40, pnr.AgeOn(new DateOnly(2026, 6, 14)));
        Assert.Equal(41, pnr.AgeOn(new DateOnly(2026, 6, 15)));
        Assert.Equal(0, pnr.AgeOn(new DateOnly(1985, 6, 15)));
        Assert.Throws<ArgumentOutOfRangeException>(() => pnr.AgeOn(new DateOnly(1985, 6, 14)));
    }

    [Fact]
    public void a_leap_day_birthday_is_reached_on_the_first_of_march_in_a_common_year()
    {
        var pnr = Personnummer.Parse("20000229-9873", Today);

        Assert.Equal(24, pnr.AgeOn(new DateOnly(2025, 2, 28)));
        Assert.Equal(25, pnr.AgeOn(new DateOnly(2025, 3, 1)));
        Assert.Equal(24, pnr.AgeOn(new DateOnly(2024, 2, 29)));
    }

    [Fact]
    public void the_legal_gender_follows_the_parity_of_the_second_to_last_digit()
    {
        Assert.Equal(LegalGender.Man, Personnummer.Parse("19121212-1212", Today).LegalGender);
        Assert.Equal(LegalGender.Man, Personnummer.Parse("19850615-9873", Today).LegalGender);
        Assert.Equal(LegalGender.Woman, Personnummer.Parse("19850615-9881", Today).LegalGender);
        Assert.Equal(LegalGender.Woman, Personnummer.Parse("20120101-9823", Today).LegalGender);
    }

    [Fact]
    public void an_unparsed_default_value_has_no_number()
    {
        Assert.Throws<InvalidOperationException>(() => default(Personnummer).Normalized);
    }
}
