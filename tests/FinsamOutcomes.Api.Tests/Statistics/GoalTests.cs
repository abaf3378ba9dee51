using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Insatser;

namespace FinsamOutcomes.Api.Tests.Statistics;

public sealed class GoalTests : StatisticsTestBase
{
    /// <summary>Ten participants in 2024: 6 exits to work or studies of 10 in the first half, one more to work in the second.</summary>
    private async Task InsatsWithGoalsAsync()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        await Given.InsatsEventAsync("i1", new InsatsGoalSet("i1", "arbete-studier", GoalMetric.ShareExitsToWorkOrStudies, GoalComparison.AtLeast, 40, GoalPeriod.Year, "Minst 40 % till arbete eller studier"));
        await Given.InsatsEventAsync("i1", new InsatsGoalSet("i1", "nya", GoalMetric.NewParticipants, GoalComparison.AtLeast, 160, GoalPeriod.Year, "160 nya deltagare per år"));
        await Given.InsatsEventAsync("i1", new InsatsGoalSet("i1", "aktivitet", GoalMetric.ShareFirstActivityWithin30Days, GoalComparison.AtLeast, 50, GoalPeriod.Year, "Minst 50 % i aktivitet inom en månad"));
        await Given.InsatsEventAsync("i1", new InsatsGoalSet("i1", "positiv", GoalMetric.SharePositiveOutcome, GoalComparison.AtLeast, 66.7m, GoalPeriod.HalfYear, "Två av tre till en positiv lösning"));
        await Given.InsatsEventAsync("i1", new InsatsGoalSet("i1", "borttaget", GoalMetric.ActiveParticipants, GoalComparison.AtMost, 5, GoalPeriod.Tertial, "Tas bort"));
        await Given.InsatsEventAsync("i1", new InsatsGoalRemoved("i1", "borttaget"));
        string[] reasons = ["arbete", "arbete", "studier", "studier", "studier", "arbete", "aterremiss_af", "aterremiss_af", "aterremiss_af", "flyttat"];
        for (var i = 0; i < reasons.Length; i++)
        {
            var id = $"p{i}";
            await Given.EnrolAsync(id, "i1", D("2024-01-15"));
            if (i < 6)
            {
                await Given.ActivityAsync(id, D("2024-02-01"));
            }

            await Given.ExitAsync(id, D("2024-05-20"), reasons[i]);
        }

        await Given.EnrolAsync("late", "i1", D("2024-07-01"));
        await Given.ExitAsync("late", D("2024-09-01"), "arbete");
    }

    [Fact]
    public async Task each_goal_of_the_insats_is_met_not_met_or_not_measurable_with_the_counts_behind_it()
    {
        await InsatsWithGoalsAsync();

        var goals = (await ReportAsync(StatisticsScope.Insats("i1"), "2024-H1")).Goals;

        Assert.Equal(["aktivitet", "arbete-studier", "nya", "positiv"], goals.Select(g => g.GoalId));
        var aktivitet = goals[0];
        Assert.Equal("share_first_activity_within30_days", aktivitet.Metric);
        Assert.Equal((new Share(6, 10, 60.0m), 60.0m, GoalStatus.Met, (string?)null), (aktivitet.Share, aktivitet.Value, aktivitet.Status, aktivitet.Reason));
        var arbete = goals[1];
        Assert.Equal((new Share(6, 10, 60.0m), GoalStatus.Met), (arbete.Share, arbete.Status));
        Assert.Equal(("share_exits_to_work_or_studies", "at_least", 40m, "year"), (arbete.Metric, arbete.Comparison, arbete.Threshold, arbete.GoalPeriod));
        var nya = goals[2];
        Assert.Equal((10m, (Share?)null, GoalStatus.NotMeasurable, GoalReason.NotAWholeGoalPeriod), (nya.Value, nya.Share, nya.Status, nya.Reason));
        var positiv = goals[3];
        Assert.Equal((new Share(6, 10, 60.0m), GoalStatus.NotMet), (positiv.Share, positiv.Status));
    }

    [Fact]
    public async Task a_count_goal_is_measured_over_a_whole_period_of_its_kind()
    {
        await InsatsWithGoalsAsync();

        var year = (await ReportAsync(StatisticsScope.Insats("i1"), "2024")).Goals;

        var nya = year.Single(g => g.GoalId == "nya");
        Assert.Equal((11m, GoalStatus.NotMet, (string?)null), (nya.Value, nya.Status, nya.Reason));
        Assert.Equal(new Share(7, 11, 63.6m), year.Single(g => g.GoalId == "arbete-studier").Share);
    }

    [Fact]
    public async Task a_share_goal_is_compared_exactly_and_not_as_its_rounded_value()
    {
        await InsatsWithGoalsAsync();
        await Given.InsatsEventAsync("i1", new InsatsGoalSet("i1", "positiv", GoalMetric.SharePositiveOutcome, GoalComparison.AtLeast, 63.6m, GoalPeriod.Year, "Minst 63,6 %"));

        var year = (await ReportAsync(StatisticsScope.Insats("i1"), "2024")).Goals;

        var positiv = year.Single(g => g.GoalId == "positiv");
        Assert.Equal((new Share(7, 11, 63.6m), GoalStatus.Met), (positiv.Share, positiv.Status));
        await Given.InsatsEventAsync("i1", new InsatsGoalSet("i1", "positiv", GoalMetric.SharePositiveOutcome, GoalComparison.AtLeast, 63.64m, GoalPeriod.Year, "Minst 63,64 %"));
        var stricter = (await ReportAsync(StatisticsScope.Insats("i1"), "2024")).Goals.Single(g => g.GoalId == "positiv");
        Assert.Equal((63.6m, GoalStatus.NotMet), (stricter.Value, stricter.Status));
    }

    [Fact]
    public async Task a_share_goal_without_anything_to_measure_in_the_period_says_why()
    {
        await InsatsWithGoalsAsync();

        var goals = (await ReportAsync(StatisticsScope.Insats("i1"), "2024-10-01..2024-12-31")).Goals;

        var arbete = goals.Single(g => g.GoalId == "arbete-studier");
        Assert.Equal((new Share(0, 0, null), (decimal?)null, GoalStatus.NotMeasurable, GoalReason.NoExits), (arbete.Share, arbete.Value, arbete.Status, arbete.Reason));
        var aktivitet = goals.Single(g => g.GoalId == "aktivitet");
        Assert.Equal((GoalStatus.NotMeasurable, GoalReason.NoEnrolmentsDue), (aktivitet.Status, aktivitet.Reason));
    }

    [Fact]
    public async Task a_forbund_report_evaluates_the_goals_of_its_insatser_running_in_the_period()
    {
        await InsatsWithGoalsAsync();
        await Given.InsatsAsync("ended", "f1", end: D("2023-12-31"));
        await Given.InsatsEventAsync("ended", new InsatsGoalSet("ended", "nya", GoalMetric.NewParticipants, GoalComparison.AtLeast, 10, GoalPeriod.Year, "10 nya per år"));

        var goals = (await ReportAsync(StatisticsScope.Forbund("f1"), "2024")).Goals;

        Assert.All(goals, g => Assert.Equal("i1", g.InsatsId));
        Assert.Equal(4, goals.Count);
    }

    [Fact]
    public async Task head_count_insatser_report_occurrences_and_attendees_by_gender()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("kurs", "f1", followUp: FollowUpMode.HeadCount);
        await Given.InsatsAsync("natverk", "f1", followUp: FollowUpMode.HeadCount);
        await Given.InsatsEventAsync("kurs", new OccurrenceRecorded("kurs", "o1", D("2024-02-01"), "Utbildningsdag", 3, 2, 0, 1));
        await Given.InsatsEventAsync("kurs", new OccurrenceRecorded("kurs", "o2", D("2024-03-01"), "Utbildningsdag", 4, 4, 1, 0));
        await Given.InsatsEventAsync("kurs", new OccurrenceRecorded("kurs", "o2", D("2024-03-01"), "Utbildningsdag", 5, 4, 1, 0)); // recounted
        await Given.InsatsEventAsync("kurs", new OccurrenceRecorded("kurs", "o3", D("2024-08-01"), "Utbildningsdag", 9, 9, 0, 0)); // outside
        await Given.InsatsEventAsync("natverk", new OccurrenceRecorded("natverk", "n1", D("2024-06-30"), "Nätverksträff", 2, 0, 0, 0));

        var headCount = (await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1")).HeadCount;

        Assert.Equal((3, 18, new GenderCounts(10, 6, 1, 1)), (headCount.Occurrences, headCount.Attendees, headCount.AttendeesByGender));
        Assert.Equal(
            [
                new HeadCountRow("kurs", "Insats kurs", 2, 16, new GenderCounts(8, 6, 1, 1)),
                new HeadCountRow("natverk", "Insats natverk", 1, 2, new GenderCounts(2, 0, 0, 0)),
            ],
            headCount.ByInsats);
    }
}
