using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Api.Tests.Statistics;

public sealed class StatisticsPeriodTests
{
    [Theory]
    [InlineData("2024", "2024-01-01", "2024-12-31")]
    [InlineData("2024-T1", "2024-01-01", "2024-04-30")]
    [InlineData("2024-T2", "2024-05-01", "2024-08-31")]
    [InlineData("2024-T3", "2024-09-01", "2024-12-31")]
    [InlineData("2024-H1", "2024-01-01", "2024-06-30")]
    [InlineData("2024-H2", "2024-07-01", "2024-12-31")]
    [InlineData("2024-D", "2024-01-01", "2024-08-31")]
    [InlineData("2023-02-01..2023-02-28", "2023-02-01", "2023-02-28")]
    [InlineData("2024-06-30..2024-06-30", "2024-06-30", "2024-06-30")]
    public void named_periods_and_ranges_are_parsed_to_their_first_and_last_day(string text, string from, string to)
    {
        var period = StatisticsPeriod.Parse(text);

        Assert.Equal((DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture)), (period.From, period.To));
        Assert.Equal(text, period.Name);
        Assert.Equal(period, StatisticsPeriod.Parse(period.Name));
    }

    [Theory]
    [InlineData("")]
    [InlineData("24")]
    [InlineData("2024-T4")]
    [InlineData("2024-H3")]
    [InlineData("2024-Q1")]
    [InlineData("2024-t1")]
    [InlineData("2024-06-30..2024-06-01")]
    [InlineData("2024-02-30..2024-03-01")]
    [InlineData("2024-01-01..")]
    [InlineData("9999-H2")]
    [InlineData("9999-12-01..9999-12-31")]
    [InlineData("1899-12-31..1900-01-31")]
    [InlineData("2200")]
    public void anything_else_is_not_a_period(string text)
    {
        Assert.False(StatisticsPeriod.TryParse(text, out _));
        Assert.Throws<FormatException>(() => StatisticsPeriod.Parse(text));
    }

    [Theory]
    [InlineData("2024", GoalPeriod.Year, true)]
    [InlineData("2024-H1", GoalPeriod.Year, false)]
    [InlineData("2024-H2", GoalPeriod.HalfYear, true)]
    [InlineData("2024-T2", GoalPeriod.Tertial, true)]
    [InlineData("2024-D", GoalPeriod.Tertial, false)]
    [InlineData("2024-07-01..2024-12-31", GoalPeriod.HalfYear, true)]
    [InlineData("2024-02-01..2024-05-31", GoalPeriod.Tertial, false)]
    [InlineData("2024-03-01..2025-02-28", GoalPeriod.Year, false)]
    public void a_period_is_whole_for_a_goal_when_it_is_exactly_one_calendar_period_of_that_kind(string text, GoalPeriod kind, bool whole)
    {
        Assert.Equal(whole, StatisticsPeriod.Parse(text).IsWhole(kind));
    }

    [Fact]
    public void a_share_without_a_denominator_has_no_value_and_values_are_rounded_half_away_from_zero()
    {
        Assert.Null(Share.Of(0, 0).Value);
        Assert.Equal(60.0m, Share.Of(6, 10).Value);
        Assert.Equal(66.7m, Share.Of(2, 3).Value);
        Assert.Equal(6.3m, Share.Of(1, 16).Value);   // 6.25
        Assert.Equal(0.1m, Share.Of(1, 2000).Value); // 0.05
    }
}
