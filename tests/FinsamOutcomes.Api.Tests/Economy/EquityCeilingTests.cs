using FinsamOutcomes.Api.Features.Economy;

namespace FinsamOutcomes.Api.Tests.Economy;

/// <summary>The national recommendation's tiered ceiling, as docs/economy.md works it out.</summary>
public sealed class EquityCeilingTests
{
    [Theory]
    [InlineData(4_000_000, 800_000, 0, 0, 800_000, 20.0)]
    [InlineData(7_000_000, 1_400_000, 0, 0, 1_400_000, 20.0)]
    [InlineData(10_000_000, 1_400_000, 450_000, 0, 1_850_000, 18.5)]
    [InlineData(15_000_000, 1_400_000, 1_200_000, 0, 2_600_000, 17.3)]
    [InlineData(20_000_000, 1_400_000, 1_200_000, 500_000, 3_100_000, 15.5)]
    [InlineData(0, 0, 0, 0, 0, null)]
    public void the_ceiling_is_20_percent_up_to_7_mkr_15_percent_of_7_to_15_mkr_and_10_percent_above(
        int contributions, int tier1, int tier2, int tier3, int total, double? percent)
    {
        var ceiling = EquityCeiling.For(contributions);
        Assert.Equal(tier1, ceiling.Tier1);
        Assert.Equal(tier2, ceiling.Tier2);
        Assert.Equal(tier3, ceiling.Tier3);
        Assert.Equal(total, ceiling.Total);
        Assert.Equal(percent is null ? null : (decimal)percent.Value, ceiling.CeilingToContributions.Percent);
    }

    [Fact]
    public void tkr_are_rounded_half_away_from_zero_each_on_its_own()
    {
        Assert.Equal(1980m, EconomyReports.Tkr(1_979_999.50m));
        Assert.Equal(3m, EconomyReports.Tkr(2_500m));
        Assert.Equal(-3m, EconomyReports.Tkr(-2_500m));
        Assert.Equal(2m, EconomyReports.Tkr(2_499.99m));
    }
}
