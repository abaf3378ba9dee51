using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Domain.Beredningsgrupper;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Referrals;

namespace FinsamOutcomes.Api.Tests.Statistics;

public sealed class ReferralFigureTests : StatisticsTestBase
{
    /// <summary>A beredningsgrupp with a cap of 2 a week and nine referrals around the first half of 2024.</summary>
    private async Task ReferralsInTheFirstHalfOf2024Async()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        await Given.InsatsAsync("i2", "f1", kommuner: ["K2"]);
        await Given.BeredningsgruppAsync("g1", "f1", ["i1"], cap: 2);

        await Given.ReferralAsync("r1", "f1", "g1", ReferringParty.Af, Gender.Woman, D("2024-01-08"));
        await Given.ReferralEventAsync("r1", new ReferralAccepted("r1", "i1", D("2024-01-10"), null));
        await Given.ReferralAsync("r2", "f1", "g1", ReferringParty.Fk, Gender.Man, D("2024-01-09"));
        await Given.ReferralEventAsync("r2", new ReferralAccepted("r2", "i1", D("2024-01-11"), null));
        await Given.ReferralAsync("r3", "f1", "g1", ReferringParty.Af, Gender.Man, D("2024-01-09"));
        await Given.ReferralEventAsync("r3", new ReferralAccepted("r3", "i1", D("2024-01-12"), "Akut behov"));
        await Given.ReferralAsync("r4", "f1", "g1", ReferringParty.Region, Gender.Woman, D("2024-02-01"));
        await Given.ReferralEventAsync("r4", new ReferralCompletionRequested("r4", D("2024-02-05"), "Läkarintyg saknas"));
        await Given.ReferralEventAsync("r4", new ReferralRejected("r4", D("2024-02-20"), "Utanför målgruppen"));
        await Given.ReferralAsync("r5", "f1", "g1", ReferringParty.KommunSocialAssistance, Gender.NonBinary, D("2024-03-01"));
        await Given.ReferralEventAsync("r5", new ReferralReturned("r5", D("2024-03-04"), "Annan insats passar bättre"));
        await Given.ReferralAsync("r6", "f1", "g1", ReferringParty.Af, Gender.Woman, D("2024-06-20"));
        await Given.ReferralEventAsync("r6", new ReferralCompletionRequested("r6", D("2024-06-25"), "Behöver handlingsplan"));
        await Given.ReferralAsync("r7", "f1", "g1", ReferringParty.Fk, Gender.NotStated, D("2024-06-28"));
        await Given.ReferralAsync("r8", "f1", "g1", ReferringParty.Af, Gender.Woman, D("2024-04-01"));
        await Given.ReferralEventAsync("r8", new ReferralWithdrawn("r8", D("2024-04-10"), "Fått arbete"));
        await Given.ReferralAsync("r9", "f1", "g1", ReferringParty.Af, Gender.Man, D("2023-12-20"));
        await Given.ReferralEventAsync("r9", new ReferralAccepted("r9", "i1", D("2024-01-03"), null));

        await Given.EnrolAsync("p1", "i1", D("2024-01-15"), referral: "r1");   // 5 days after the decision
        await Given.EnrolAsync("p2", "i1", D("2024-01-22"), referral: "r2");   // 11 days
        await Given.EnrolAsync("p9", "i1", D("2024-01-08"), referral: "r9");   // 5 days

        // a later change of the cap does not rewrite the weeks before it
        await Given.EventsAsync("beredningsgrupp", "g1", "f1", new BeredningsgruppChanged("g1", ["i1"], 4));
    }

    [Fact]
    public async Task referrals_received_are_split_by_referring_party_and_gender()
    {
        await ReferralsInTheFirstHalfOf2024Async();

        var referrals = (await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1")).Referrals;

        Assert.Equal(["g1"], referrals.BeredningsgruppIds);
        Assert.Equal(new GenderRow("total", 8, new GenderCounts(4, 2, 1, 1)), referrals.Received);
        Assert.Equal(
            [
                new GenderRow("af", 4, new GenderCounts(3, 1, 0, 0)),
                new GenderRow("fk", 2, new GenderCounts(0, 1, 0, 1)),
                new GenderRow("region", 1, new GenderCounts(1, 0, 0, 0)),
                new GenderRow("kommun_social_services", 0, new GenderCounts(0, 0, 0, 0)),
                new GenderRow("kommun_social_assistance", 1, new GenderCounts(0, 0, 1, 0)),
                new GenderRow("kommun_labour_market", 0, new GenderCounts(0, 0, 0, 0)),
                new GenderRow("other", 0, new GenderCounts(0, 0, 0, 0)),
            ],
            referrals.ReceivedByParty);
    }

    [Fact]
    public async Task decisions_are_counted_by_kind_on_their_date_and_waiting_referrals_at_the_period_end()
    {
        await ReferralsInTheFirstHalfOf2024Async();

        var referrals = (await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1")).Referrals;

        Assert.Equal(8, referrals.Decisions);
        Assert.Equal(
            [new KeyCount("accepted", 4), new KeyCount("rejected", 1), new KeyCount("returned", 1), new KeyCount("completion_requested", 2)],
            referrals.DecisionsByKind);
        Assert.Equal(1, referrals.Withdrawn);
        Assert.Equal(2, referrals.WaitingAtEnd);
        Assert.Equal(1, referrals.AwaitingCompletionAtEnd);
    }

    [Fact]
    public async Task days_from_referral_to_decision_and_from_decision_to_enrolment_have_a_median_and_a_mean()
    {
        await ReferralsInTheFirstHalfOf2024Async();

        var referrals = (await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1")).Referrals;

        // 2, 2, 3, 3, 14 and 19 days
        Assert.Equal(new DayStatistics(6, 3.0m, 7.2m), referrals.DaysReceivedToDecision);
        // 5, 5 and 11 days
        Assert.Equal(new DayStatistics(3, 5.0m, 7.0m), referrals.DaysDecisionToEnrolment);
    }

    [Fact]
    public async Task acceptances_per_iso_week_are_held_against_the_cap_of_that_week()
    {
        await ReferralsInTheFirstHalfOf2024Async();

        var referrals = (await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1")).Referrals;

        Assert.Equal(
            [
                new WeeklyIntake("g1", "2024-W01", D("2024-01-01"), 1, 2, 0, 0),
                new WeeklyIntake("g1", "2024-W02", D("2024-01-08"), 3, 2, 1, 1),
            ],
            referrals.AcceptedPerWeek);
    }

    [Fact]
    public async Task an_insats_or_kommun_report_shows_the_beredningsgrupper_that_serve_it()
    {
        await ReferralsInTheFirstHalfOf2024Async();

        var servedInsats = await ReportAsync(StatisticsScope.Insats("i1"), "2024-H1");
        var otherInsats = await ReportAsync(StatisticsScope.Insats("i2"), "2024-H1");
        var servedKommun = await ReportAsync(StatisticsScope.KommunIn("f1", "K1"), "2024-H1");
        var otherKommun = await ReportAsync(StatisticsScope.KommunIn("f1", "K2"), "2024-H1");

        Assert.Equal(8, servedInsats.Referrals.Received.Total);
        Assert.Equal(8, servedKommun.Referrals.Received.Total);
        Assert.Empty(otherInsats.Referrals.BeredningsgruppIds);
        Assert.Equal(0, otherInsats.Referrals.Received.Total);
        Assert.Equal(new DayStatistics(0, null, null), otherKommun.Referrals.DaysDecisionToEnrolment);
    }
}
