using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Forbund;

namespace FinsamOutcomes.Api.Tests.Statistics;

public sealed class ExitFigureTests : StatisticsTestBase
{
    /// <summary>
    /// The real report's half year: 10 exits, 3 to work, 3 to studies, 3 returned to AF, 1 moved away.
    /// Six women (2 work, 2 studies, 2 returned) and four men (1 of each). One more exit, in July, is outside.
    /// </summary>
    private async Task TenExitsInTheFirstHalfOf2024Async()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        (string Id, Gender Gender, string Reason)[] people =
        [
            ("p01", Gender.Woman, "arbete"), ("p02", Gender.Woman, "arbete"), ("p03", Gender.Man, "arbete"),
            ("p04", Gender.Woman, "studier"), ("p05", Gender.Woman, "studier"), ("p06", Gender.Man, "studier"),
            ("p07", Gender.Woman, "aterremiss_af"), ("p08", Gender.Woman, "aterremiss_af"), ("p09", Gender.Man, "aterremiss_af"),
            ("p10", Gender.Man, "flyttat"),
        ];
        foreach (var (id, gender, reason) in people)
        {
            await Given.EnrolAsync(id, "i1", D("2024-01-15"), gender);
            await Given.ExitAsync(id, D("2024-05-20"), reason);
        }

        await Given.EnrolAsync("p11", "i1", D("2024-01-15"), Gender.Woman);
        await Given.ExitAsync("p11", D("2024-07-02"), "arbete");
    }

    [Fact]
    public async Task ten_exits_three_to_work_and_three_to_studies_is_sixty_percent_to_work_or_studies()
    {
        await TenExitsInTheFirstHalfOf2024Async();

        var report = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1");

        var shares = report.Exits.WorkOrStudies;
        Assert.Equal(new Share(6, 10, 60.0m), shares.Total);
        Assert.Equal(new Share(4, 6, 66.7m), shares.Woman);
        Assert.Equal(new Share(2, 4, 50.0m), shares.Man);
        Assert.Equal(new Share(0, 0, null), shares.NonBinary);
        Assert.Equal(new Share(0, 0, null), shares.NotStated);
    }

    [Fact]
    public async Task exits_are_split_by_category_and_by_reason_with_gender()
    {
        await TenExitsInTheFirstHalfOf2024Async();

        var report = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1");

        Assert.Equal(new GenderRow("total", 10, new GenderCounts(6, 4, 0, 0)), report.Exits.Total);
        Assert.Equal(
            [
                new GenderRow("work", 3, new GenderCounts(2, 1, 0, 0)),
                new GenderRow("studies", 3, new GenderCounts(2, 1, 0, 0)),
                new GenderRow("returned", 3, new GenderCounts(2, 1, 0, 0)),
                new GenderRow("other", 1, new GenderCounts(0, 1, 0, 0)),
            ],
            report.Exits.ByCategory);
        Assert.Equal(
            [
                new ExitReasonRow("work", "arbete", "Arbete", true, 3, new GenderCounts(2, 1, 0, 0)),
                new ExitReasonRow("studies", "studier", "Studier", true, 3, new GenderCounts(2, 1, 0, 0)),
                new ExitReasonRow("returned", "aterremiss_af", "Återremiss till AF", false, 3, new GenderCounts(2, 1, 0, 0)),
                new ExitReasonRow("other", "flyttat", "Flyttat", false, 1, new GenderCounts(0, 1, 0, 0)),
            ],
            report.Exits.ByReason);
        Assert.Equal(new Share(6, 10, 60.0m), report.Exits.PositiveOutcome.Total);
    }

    [Fact]
    public async Task the_positive_outcome_follows_the_forbunds_current_mapping_of_reasons()
    {
        await TenExitsInTheFirstHalfOf2024Async();
        await Given.ExitReasonsAsync("f1", [.. Given.StandardReasons.Where(r => r.Code != "flyttat"), new("flyttat", ExitCategory.Other, "Flyttat till arbete på annan ort", true)]);

        var report = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1");

        Assert.Equal(new Share(7, 10, 70.0m), report.Exits.PositiveOutcome.Total);
        Assert.Equal(new Share(3, 4, 75.0m), report.Exits.PositiveOutcome.Man);
        Assert.Contains(new ExitReasonRow("other", "flyttat", "Flyttat till arbete på annan ort", true, 1, new GenderCounts(0, 1, 0, 0)), report.Exits.ByReason);
        Assert.Equal(new Share(6, 10, 60.0m), report.Exits.WorkOrStudies.Total);
    }

    [Fact]
    public async Task a_corrected_exit_reason_replaces_the_first_one_in_every_figure()
    {
        await TenExitsInTheFirstHalfOf2024Async();
        await Given.CorrectExitAsync("p10", D("2024-05-20"), "arbete");

        var report = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1");

        Assert.Equal(new Share(7, 10, 70.0m), report.Exits.WorkOrStudies.Total);
        Assert.Equal(new GenderRow("work", 4, new GenderCounts(2, 2, 0, 0)), report.Exits.ByCategory[0]);
        Assert.Equal(new GenderRow("other", 0, new GenderCounts(0, 0, 0, 0)), report.Exits.ByCategory[3]);
        Assert.DoesNotContain(report.Exits.ByReason, r => r.Code == "flyttat");
    }

    [Fact]
    public async Task a_corrected_exit_date_moves_the_exit_to_the_period_of_the_new_date()
    {
        await TenExitsInTheFirstHalfOf2024Async();
        await Given.CorrectExitAsync("p01", D("2024-07-01"), "arbete");

        var firstHalf = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1");
        var secondHalf = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H2");

        Assert.Equal(new Share(5, 9, 55.6m), firstHalf.Exits.WorkOrStudies.Total);
        Assert.Equal(new Share(2, 2, 100.0m), secondHalf.Exits.WorkOrStudies.Total);
        Assert.Equal(2, firstHalf.Participants.ActiveAtEnd.Total);
    }

    [Fact]
    public async Task a_period_without_exits_has_shares_without_a_value()
    {
        await TenExitsInTheFirstHalfOf2024Async();

        var report = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-T3");

        Assert.Equal(new Share(0, 0, null), report.Exits.WorkOrStudies.Total);
        Assert.Equal(new Share(0, 0, null), report.Exits.PositiveOutcome.Total);
        Assert.Equal(new Share(0, 0, null), report.BeforeAfter.WorkingOrStudyingAtExit);
        Assert.Equal(new DayStatistics(0, null, null), report.Time.InInsats);
        Assert.Contains("\"workOrStudies\":{\"total\":{\"numerator\":0,\"denominator\":0,\"value\":null}", Json(report), StringComparison.Ordinal);
    }

    [Fact]
    public async Task before_and_after_compares_occupation_and_support_at_start_with_at_exit()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        (string Id, Occupation Start, MeansOfSupport SupportStart, Occupation Exit, MeansOfSupport SupportExit)[] people =
        [
            ("a", Occupation.None, MeansOfSupport.SocialAssistance, Occupation.Working, MeansOfSupport.Salary),
            ("b", Occupation.None, MeansOfSupport.SocialAssistance, Occupation.Studying, MeansOfSupport.Other),
            ("c", Occupation.JobSeeking, MeansOfSupport.UnemploymentBenefit, Occupation.JobSeeking, MeansOfSupport.UnemploymentBenefit),
            ("d", Occupation.Working, MeansOfSupport.SicknessBenefit, Occupation.Working, MeansOfSupport.Salary),
        ];
        foreach (var (id, start, supportStart, exit, supportExit) in people)
        {
            await Given.EnrolAsync(id, "i1", D("2024-02-01"), occupation: start, support: supportStart);
            await Given.ExitAsync(id, D("2024-03-01"), "arbete", exit, supportExit);
        }

        var report = await ReportAsync(StatisticsScope.Insats("i1"), "2024-T1");

        var occupation = report.BeforeAfter.Occupation;
        Assert.Equal(["working", "studying", "job_seeking", "none"], occupation.Rows.Select(r => r.AtStart));
        Assert.Equal([1, 0, 0, 0], occupation.Rows[0].AtExit.Select(c => c.Count));
        Assert.Equal([1, 1, 0, 0], occupation.Rows[3].AtExit.Select(c => c.Count));
        Assert.Equal([2, 1, 1, 0], occupation.AtExitTotals.Select(c => c.Count));
        Assert.Equal(new Share(1, 4, 25.0m), report.BeforeAfter.WorkingOrStudyingAtStart);
        Assert.Equal(new Share(3, 4, 75.0m), report.BeforeAfter.WorkingOrStudyingAtExit);

        var support = report.BeforeAfter.MeansOfSupport;
        var fromSocialAssistance = support.Rows.Single(r => r.AtStart == "social_assistance");
        Assert.Equal(2, fromSocialAssistance.Total);
        Assert.Equal(0, fromSocialAssistance.AtExit.Single(c => c.Key == "social_assistance").Count);
        Assert.Equal(2, support.AtExitTotals.Single(c => c.Key == "salary").Count);
        Assert.Equal(9, support.Rows.Count);
    }
}
