using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Api.Tests.Statistics;

public sealed class ParticipantFigureTests : StatisticsTestBase
{
    /// <summary>Eight participations around the second tertial of 2024 (May–August).</summary>
    private async Task ParticipationsAroundTheSecondTertialAsync()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        await Given.EnrolAsync("a", "i1", D("2024-02-01"), Gender.Woman, 17);
        await Given.ExitAsync("a", D("2024-04-30"), "arbete");          // exited the day before the period
        await Given.EnrolAsync("b", "i1", D("2024-03-01"), Gender.Man, 22);
        await Given.ExitAsync("b", D("2024-05-01"), "studier");         // exited on its first day
        await Given.EnrolAsync("c", "i1", D("2024-05-01"), Gender.NonBinary, 35);
        await Given.EnrolAsync("d", "i1", D("2024-08-31"), Gender.NotStated, 61);
        await Given.ExitAsync("d", D("2024-08-31"), "flyttat");         // in and out on the last day
        await Given.EnrolAsync("e", "i1", D("2024-09-01"), Gender.Woman, 40); // after the period
        await Given.EnrolAsync("f", "i1", D("2023-01-10"), Gender.Woman, 45);
        await Given.PauseAsync("f", D("2024-06-01"));                   // vilande at the end
        await Given.EnrolAsync("g", "i1", D("2024-04-01"), Gender.Man, 19);
        await Given.PauseAsync("g", D("2024-05-01"));
        await Given.ResumeAsync("g", D("2024-06-01"));
        await Given.EnrolAsync("h", "i1", D("2024-06-01"), Gender.Woman, 15);
        await Given.ExitAsync("h", D("2024-09-15"), "arbete");          // exited after the period
    }

    [Fact]
    public async Task participants_are_counted_as_active_new_exited_and_active_or_paused_at_the_end_with_gender()
    {
        await ParticipationsAroundTheSecondTertialAsync();

        var p = (await ReportAsync(StatisticsScope.Insats("i1"), "2024-T2")).Participants;

        Assert.Equal((6, new GenderCounts(2, 2, 1, 1)), (p.Active.Total, p.Active.ByGender));
        Assert.Equal((3, new GenderCounts(1, 0, 1, 1)), (p.New.Total, p.New.ByGender));
        Assert.Equal((2, new GenderCounts(0, 1, 0, 1)), (p.Exited.Total, p.Exited.ByGender));
        Assert.Equal((4, new GenderCounts(2, 1, 1, 0)), (p.ActiveAtEnd.Total, p.ActiveAtEnd.ByGender));
        Assert.Equal((1, new GenderCounts(1, 0, 0, 0)), (p.PausedAtEnd.Total, p.PausedAtEnd.ByGender));
    }

    [Fact]
    public async Task participants_are_split_by_age_band_at_enrolment()
    {
        await ParticipationsAroundTheSecondTertialAsync();

        var p = (await ReportAsync(StatisticsScope.Insats("i1"), "2024-T2")).Participants;

        Assert.Equal(
            [("0-15", 1), ("16-19", 1), ("20-24", 1), ("25-29", 0), ("30-39", 1), ("40-49", 1), ("50-59", 0), ("60+", 1)],
            p.Active.ByAgeBand.Select(b => (b.Key, b.Count)));
    }

    [Fact]
    public async Task a_pause_lasts_until_the_day_before_the_resumption()
    {
        await ParticipationsAroundTheSecondTertialAsync();

        var dayBeforeResumption = await ReportAsync(StatisticsScope.Insats("i1"), "2024-05-01..2024-05-31");
        var dayOfResumption = await ReportAsync(StatisticsScope.Insats("i1"), "2024-05-01..2024-06-01");

        Assert.Equal(new GenderCounts(0, 1, 0, 0), dayBeforeResumption.Participants.PausedAtEnd.ByGender); // g
        Assert.Equal(new GenderCounts(1, 0, 0, 0), dayOfResumption.Participants.PausedAtEnd.ByGender);     // f, paused that day
    }

    [Fact]
    public async Task time_in_insats_is_counted_in_calendar_days_and_also_without_the_paused_days()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        await Given.EnrolAsync("p1", "i1", D("2024-01-01"));
        await Given.ExitAsync("p1", D("2024-03-01"), "arbete");         // 60 days
        await Given.EnrolAsync("p2", "i1", D("2024-01-01"));
        await Given.PauseAsync("p2", D("2024-01-11"));
        await Given.ResumeAsync("p2", D("2024-01-21"));                 // 10 days paused
        await Given.ExitAsync("p2", D("2024-04-10"), "arbete");         // 100 days
        await Given.EnrolAsync("p3", "i1", D("2024-02-01"));
        await Given.PauseAsync("p3", D("2024-05-01"));
        await Given.ExitAsync("p3", D("2024-05-11"), "ohalsa");         // 100 days, exited while paused: 10 days paused

        var report = await ReportAsync(StatisticsScope.Insats("i1"), "2024-H1");

        Assert.Equal(new DayStatistics(3, 100.0m, 86.7m), report.Time.InInsats);
        Assert.Equal(new DayStatistics(3, 90.0m, 80.0m), report.Time.InInsatsExcludingPauses);
        Assert.Equal(0, report.Participants.PausedAtEnd.Total);
    }

    [Fact]
    public async Task every_pause_of_a_participation_counts_in_its_paused_days_and_only_an_open_one_at_the_end_pauses_it()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        await Given.EnrolAsync("p1", "i1", D("2024-01-01"));
        await Given.PauseAsync("p1", D("2024-01-11"));
        await Given.ResumeAsync("p1", D("2024-01-21"));                 // 10 days paused
        await Given.PauseAsync("p1", D("2024-02-01"));
        await Given.ResumeAsync("p1", D("2024-02-06"));                 // 5 days paused
        await Given.PauseAsync("p1", D("2024-03-01"));
        await Given.ExitAsync("p1", D("2024-03-11"), "arbete");         // 70 days, exited while paused: 10 more days paused
        await Given.EnrolAsync("p2", "i1", D("2024-01-01"));
        await Given.PauseAsync("p2", D("2024-02-01"));
        await Given.ResumeAsync("p2", D("2024-02-10"));
        await Given.PauseAsync("p2", D("2024-06-20"));                 // still paused on the period's last day
        await Given.EnrolAsync("p3", "i1", D("2024-01-01"));
        await Given.PauseAsync("p3", D("2024-03-01"));
        await Given.ResumeAsync("p3", D("2024-03-15"));                 // paused once, resumed before the end

        var report = await ReportAsync(StatisticsScope.Insats("i1"), "2024-H1");

        Assert.Equal(new DayStatistics(1, 70.0m, 70.0m), report.Time.InInsats);
        Assert.Equal(new DayStatistics(1, 45.0m, 45.0m), report.Time.InInsatsExcludingPauses);
        Assert.Equal((2, 1), (report.Participants.ActiveAtEnd.Total, report.Participants.PausedAtEnd.Total));
    }
    /// <summary>Enrolments in the third tertial of 2024, with "today" 15 December.</summary>
    private async Task EnrolmentsWithFirstActivitiesAsync()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        await Given.EnrolAsync("q1", "i1", D("2024-09-02"));
        await Given.ActivityAsync("q1", D("2024-09-20"));               // 18 days
        await Given.ActivityAsync("q1", D("2024-09-05"), "earlier");     // recorded late: the first activity is 3 days in
        await Given.EnrolAsync("q2", "i1", D("2024-09-10"));
        await Given.ActivityAsync("q2", D("2024-10-11"));               // 31 days
        await Given.EnrolAsync("q3", "i1", D("2024-10-01"));
        await Given.ActivityAsync("q3", D("2024-10-31"));               // 30 days
        await Given.EnrolAsync("q4", "i1", D("2024-10-15"));            // no activity
        await Given.EnrolAsync("q5", "i1", D("2024-11-20"));            // its 30 days end 20 December
        await Given.ActivityAsync("q5", D("2024-11-21"));
        await Given.EnrolAsync("q6", "i1", D("2024-08-20"));            // enrolled before the period
        await Given.ActivityAsync("q6", D("2024-08-21"));
    }

    [Fact]
    public async Task the_share_with_a_first_activity_within_30_days_leaves_out_enrolments_whose_30_days_have_not_passed()
    {
        await EnrolmentsWithFirstActivitiesAsync();

        var report = await ReportAsync(StatisticsScope.Insats("i1"), "2024-T3");

        Assert.Equal(new FirstActivityFigures(D("2024-12-15"), new Share(2, 4, 50.0m)), report.Time.FirstActivity);
    }

    [Fact]
    public async Task the_30_days_are_counted_up_to_the_period_end_once_today_is_past_it()
    {
        await EnrolmentsWithFirstActivitiesAsync();

        var later = await ReportAsync(StatisticsScope.Insats("i1"), "2024-T3", today: D("2025-01-10"));
        var shortPeriod = await ReportAsync(StatisticsScope.Insats("i1"), "2024-09-01..2024-10-31");

        Assert.Equal(new FirstActivityFigures(D("2024-12-31"), new Share(3, 5, 60.0m)), later.Time.FirstActivity);
        Assert.Equal(new FirstActivityFigures(D("2024-10-31"), new Share(2, 3, 66.7m)), shortPeriod.Time.FirstActivity);
    }

    [Fact]
    public async Task the_oldest_list_shows_participations_active_at_the_end_enrolled_longest_first()
    {
        await ParticipationsAroundTheSecondTertialAsync();
        await ProjectedAsync();

        var list = await Service.GetOldestListAsync(new StatisticsQuery(StatisticsScope.Forbund("f1"), StatisticsPeriod.Parse("2024-T2")), 3);

        var end = D("2024-08-31");
        Assert.Equal(
            [
                new OldestListEntry("f", "i1", D("2023-01-10"), end.DayNumber - D("2023-01-10").DayNumber, true, null),
                new OldestListEntry("g", "i1", D("2024-04-01"), end.DayNumber - D("2024-04-01").DayNumber, false, null),
                new OldestListEntry("c", "i1", D("2024-05-01"), end.DayNumber - D("2024-05-01").DayNumber, false, null),
            ],
            list.Entries);
        Assert.Equal(599, list.Entries[0].DaysEnrolled);
    }

    [Fact]
    public async Task unique_individuals_count_each_participant_once_across_insatser()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        await Given.InsatsAsync("i2", "f1");
        await Given.EnrolAsync("x1", "i1", D("2024-01-10"), participant: "person-x");
        await Given.ExitAsync("x1", D("2024-02-10"), "aterremiss_af");
        await Given.EnrolAsync("x2", "i1", D("2024-03-10"), participant: "person-x");
        await Given.EnrolAsync("x3", "i2", D("2024-03-10"), participant: "person-x");
        await Given.EnrolAsync("y1", "i2", D("2024-03-10"), participant: "person-y");

        var forbund = await ReportAsync(StatisticsScope.Forbund("f1"), "2024");
        var insats = await ReportAsync(StatisticsScope.Insats("i2"), "2024");

        Assert.Equal(new UniqueIndividuals(2, 4), forbund.UniqueIndividuals);
        Assert.Equal(new UniqueIndividuals(2, 2), insats.UniqueIndividuals);
    }
}
