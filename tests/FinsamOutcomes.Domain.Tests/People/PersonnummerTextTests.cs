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
}
