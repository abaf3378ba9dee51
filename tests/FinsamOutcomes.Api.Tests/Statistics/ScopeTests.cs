using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.Domain.Insatser;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.Domain.Referrals;

namespace FinsamOutcomes.Api.Tests.Statistics;

public sealed class ScopeTests : StatisticsTestBase
{
    /// <summary>
    /// Two förbund merge into "sodra" on 2020-01-01; the insats of one of them is transferred, the other's has ended.
    /// The transfer is recorded late, after an enrolment dated after it.
    /// </summary>
    private async Task MergerAsync()
    {
        await Given.ForbundAsync("pyramis");
        await Given.ForbundAsync("activus");
        await Given.InsatsAsync("team", "pyramis");
        await Given.InsatsAsync("projekt", "activus", end: D("2019-12-31"));
        await Given.EnrolAsync("x1", "team", D("2019-03-01"), Gender.Woman);
        await Given.ExitAsync("x1", D("2020-03-01"), "arbete");
        await Given.EnrolAsync("x2", "projekt", D("2019-06-01"), Gender.Man);
        await Given.ExitAsync("x2", D("2019-12-01"), "studier");

        await Given.EventsAsync("forbund", "sodra", "sodra",
            new ForbundRegistered("sodra", "Samordningsförbundet Södra", D("2020-01-01")),
            new ExitReasonsSet("sodra", Given.StandardReasons),
            new ForbundFormedByMerger("sodra", ["pyramis", "activus"], D("2020-01-01")));
        await Given.EventsAsync("forbund", "pyramis", "pyramis", new ForbundMergedInto("pyramis", "sodra", D("2020-01-01")));
        await Given.EventsAsync("forbund", "activus", "activus", new ForbundMergedInto("activus", "sodra", D("2020-01-01")));

        await Given.EnrolAsync("x4", "team", D("2020-01-15"), Gender.Woman);  // before the transfer was recorded
        await Given.InsatsEventAsync("team", new InsatsTransferred("team", "pyramis", "sodra", D("2020-01-01")));
        await Given.EnrolAsync("x3", "team", D("2020-02-01"), Gender.Man);
        await Given.ExitAsync("x3", D("2020-05-01"), "aterremiss_af");
    }

    [Fact]
    public async Task a_forbund_formed_by_merger_counts_its_predecessors_participations_only_when_asked_to()
    {
        await MergerAsync();

        var alone = await ReportAsync(StatisticsScope.Forbund("sodra"), "2020");
        var withPredecessors = await ReportAsync(StatisticsScope.Forbund("sodra", includePredecessors: true), "2020");

        Assert.Equal(["sodra"], alone.Basis.ForbundIds);
        Assert.Equal((2, 1), (alone.Participants.Active.Total, alone.Participants.Exited.Total));
        Assert.Equal(new Share(0, 1, 0.0m), alone.Exits.WorkOrStudies.Total);
        Assert.Equal(["activus", "pyramis", "sodra"], withPredecessors.Basis.ForbundIds);
        Assert.Equal((3, 2), (withPredecessors.Participants.Active.Total, withPredecessors.Participants.Exited.Total));
        Assert.Equal(new Share(1, 2, 50.0m), withPredecessors.Exits.WorkOrStudies.Total);
    }

    [Fact]
    public async Task before_the_merger_the_predecessors_figures_are_their_own()
    {
        await MergerAsync();

        var pyramis = await ReportAsync(StatisticsScope.Forbund("pyramis"), "2019");
        var sodra = await ReportAsync(StatisticsScope.Forbund("sodra", includePredecessors: true), "2019");

        Assert.Equal((1, 0), (pyramis.Participants.Active.Total, pyramis.Participants.Exited.Total));
        Assert.Equal((2, 1), (sodra.Participants.Active.Total, sodra.Participants.Exited.Total));
        Assert.Equal(new Share(1, 1, 100.0m), sodra.Exits.WorkOrStudies.Total);
    }

    [Fact]
    public async Task a_late_recorded_transfer_moves_the_participations_enrolled_after_its_date()
    {
        await MergerAsync();

        var pyramis = await ReportAsync(StatisticsScope.Forbund("pyramis"), "2020");
        var country = await ReportAsync(StatisticsScope.Country(), "2020");

        Assert.Equal(1, pyramis.Participants.Active.Total); // x1, enrolled before the merger
        Assert.Equal(3, country.Participants.Active.Total);
        Assert.Equal(["x4"], (await Service.GetOldestListAsync(new StatisticsQuery(StatisticsScope.Forbund("sodra"), StatisticsPeriod.Parse("2020")), 10)).Entries.Select(e => e.ParticipationId));
    }

    [Fact]
    public async Task a_kommun_report_counts_the_participants_living_in_the_kommun()
    {
        await Given.ForbundAsync("f1");
        await Given.ForbundAsync("f2");
        await Given.InsatsAsync("i1", "f1", kommuner: ["K1", "K2"]);
        await Given.InsatsAsync("i2", "f2", kommuner: ["K1"]);
        await Given.EnrolAsync("a", "i1", D("2024-02-01"), kommun: "K1");
        await Given.EnrolAsync("b", "i1", D("2024-02-01"), kommun: "K2");
        await Given.EnrolAsync("c", "i1", D("2024-02-01"), kommun: "K2");
        await Given.EnrolAsync("d", "i2", D("2024-02-01"), kommun: "K1");
        await Given.ParticipationAsync("c", new EnrolmentCorrected("c", D("2024-02-01"),
            new Baseline(MeansOfSupport.SocialAssistance, Occupation.None, EducationLevel.UpperSecondary, "K1", 12, true), "Fel hemkommun"));

        var k1 = await ReportAsync(StatisticsScope.KommunIn("f1", "K1"), "2024");
        var k2 = await ReportAsync(StatisticsScope.KommunIn("f1", "K2"), "2024");
        var country = await ReportAsync(StatisticsScope.Country(), "2024");

        Assert.Equal(2, k1.Participants.Active.Total);
        Assert.Equal(1, k2.Participants.Active.Total);
        Assert.Equal(4, country.Participants.Active.Total);
    }

    /// <summary>
    /// The activities figure is computed two ways (ReportSql.Activities): for the country from the period's activities
    /// grouped by participation, for a narrower scope from each participation of the scope. Both come out exactly, a kind
    /// no one had is 0, an activity outside the period and a participation without any count nowhere, and the country's
    /// figure is the two förbund's added.
    /// </summary>
    [Fact]
    public async Task the_activities_of_the_country_and_of_each_forbund_come_out_exactly()
    {
        await Given.ForbundAsync("f1");
        await Given.ForbundAsync("f2");
        await Given.InsatsAsync("i1", "f1");
        await Given.InsatsAsync("i2", "f2");
        await Given.EnrolAsync("a", "i1", D("2024-01-10"), Gender.Woman);
        await Given.EnrolAsync("b", "i1", D("2023-06-01"), Gender.Man);
        await Given.EnrolAsync("c", "i2", D("2024-01-10"), Gender.Woman);
        await Given.EnrolAsync("d", "i2", D("2024-01-10"), Gender.NotStated);
        Task<long> Activity(string participation, string id, ActivityKind kind, string on) =>
            Given.ParticipationAsync(participation, new ActivityRecorded(participation, id, kind, D(on), 60));
        await Activity("a", "a1", ActivityKind.IndividualMeeting, "2024-02-01");
        await Activity("a", "a2", ActivityKind.IndividualMeeting, "2024-03-01");
        await Activity("a", "a3", ActivityKind.PhoneContact, "2024-04-01");
        await Activity("b", "b1", ActivityKind.IndividualMeeting, "2023-12-01");
        await Activity("b", "b2", ActivityKind.GroupActivity, "2024-05-01");
        await Activity("c", "c1", ActivityKind.WorkTraining, "2024-02-05");
        await Activity("c", "c2", ActivityKind.WorkTraining, "2024-02-12");
        await Activity("c", "c3", ActivityKind.WorkTraining, "2025-01-07");
        await Activity("c", "c4", ActivityKind.WorkTraining, "2024-12-31");

        static string Row(GenderRow r) => $"{r.Key} {r.Total} {r.ByGender.Woman}/{r.ByGender.Man}/{r.ByGender.NonBinary}/{r.ByGender.NotStated}";
        static string[] Used(IEnumerable<GenderRow> rows) => [.. rows.Where(r => r.Total > 0).Select(Row)];
        var f1 = (await ReportAsync(StatisticsScope.Forbund("f1"), "2024")).Activities;
        var f2 = (await ReportAsync(StatisticsScope.Forbund("f2"), "2024")).Activities;
        var country = (await ReportAsync(StatisticsScope.Country(), "2024")).Activities;

        Assert.Equal("total 4 3/1/0/0", Row(f1.Occasions));
        Assert.Equal(["individual_meeting 2 2/0/0/0", "phone_contact 1 1/0/0/0", "group_activity 1 0/1/0/0"], Used(f1.OccasionsByKind));
        Assert.Equal("total 2 1/1/0/0", Row(f1.Participants));
        Assert.Equal(["individual_meeting 1 1/0/0/0", "phone_contact 1 1/0/0/0", "group_activity 1 0/1/0/0"], Used(f1.ParticipantsByKind));
        Assert.Equal(8, f1.OccasionsByKind.Count);

        Assert.Equal("total 3 3/0/0/0", Row(f2.Occasions));
        Assert.Equal(["work_training 3 3/0/0/0"], Used(f2.OccasionsByKind));
        Assert.Equal("total 1 1/0/0/0", Row(f2.Participants));
        Assert.Equal(["work_training 1 1/0/0/0"], Used(f2.ParticipantsByKind));

        Assert.Equal("total 7 6/1/0/0", Row(country.Occasions));
        Assert.Equal(
            ["individual_meeting 2 2/0/0/0", "phone_contact 1 1/0/0/0", "group_activity 1 0/1/0/0", "work_training 3 3/0/0/0"],
            Used(country.OccasionsByKind));
        Assert.Equal("total 3 2/1/0/0", Row(country.Participants));
        Assert.Equal(
            ["individual_meeting 1 1/0/0/0", "phone_contact 1 1/0/0/0", "group_activity 1 0/1/0/0", "work_training 1 1/0/0/0"],
            Used(country.ParticipantsByKind));
        Assert.Equal(["internship 0 0/0/0/0", "studies 0 0/0/0/0", "health_talk 0 0/0/0/0", "other 0 0/0/0/0"],
            country.ParticipantsByKind.Where(r => r.Total == 0).Select(Row));
    }

    [Fact]
    public async Task a_participation_registered_in_error_disappears_from_every_figure()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        await Given.InsatsEventAsync("i1", new InsatsGoalSet("i1", "mal", GoalMetric.ShareExitsToWorkOrStudies, GoalComparison.AtLeast, 40, GoalPeriod.Year, "Minst 40 %"));
        await Given.BeredningsgruppAsync("g1", "f1", ["i1"], 4);
        await Given.ReferralAsync("r1", "f1", "g1", ReferringParty.Af, Gender.Man, D("2024-02-01"));
        await Given.ReferralEventAsync("r1", new ReferralAccepted("r1", "i1", D("2024-02-05"), null));
        await Given.EnrolAsync("kept", "i1", D("2024-02-01"), Gender.Woman);
        await Given.ExitAsync("kept", D("2024-04-01"), "studier");
        await Given.EnrolAsync("kept2", "i1", D("2024-03-01"), Gender.Man, participant: "person-both");
        var before = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-T1");

        await Given.EnrolAsync("wrong", "i1", D("2024-02-10"), Gender.Man, 61, participant: "person-both", referral: "r1");
        await Given.ActivityAsync("wrong", D("2024-02-12"));
        await Given.PauseAsync("wrong", D("2024-02-20"));
        await Given.ExitAsync("wrong", D("2024-03-01"), "arbete");
        var counted = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-T1");
        await Given.ParticipationAsync("wrong", new ParticipationRegisteredInError("wrong", "Inskriven på fel person"));
        var after = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-T1");

        Assert.NotEqual(Json(before with { Basis = counted.Basis }), Json(counted));
        Assert.Equal(Json(before with { Basis = after.Basis }), Json(after));
    }
}
