using FinsamOutcomes.Domain.Beredningsgrupper;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Insatser;
using FinsamOutcomes.Domain.Referrals;

namespace FinsamOutcomes.Domain.Tests.Insatser;

/// <summary>Issue 9: intake paused and resumed for insatser and beredningsgrupper, and caps per two weeks.</summary>
public class IntakePauseTests
{
    private static readonly DateOnly Today = new(2024, 6, 15);

    private static readonly InsatsRegistered Registered = new(
        "insats-1", "forbund-1", "Samverkansteam", "Team", InsatsKind.Individual, ["Luleå"], new DateOnly(2024, 1, 1), null,
        new TargetGroup(16, 64, "Alla"), FollowUpMode.PerPersonIdentified, 160);

    private static readonly InsatsIntakePaused Paused = new("insats-1", new DateOnly(2024, 5, 1), IntakePauseReason.InflowExceedsOutflow);
    private static readonly InsatsIntakeResumed Resumed = new("insats-1", new DateOnly(2024, 6, 1));

    private static readonly BeredningsgruppRegistered Group = new("bg-1", "forbund-1", "Beredningsgrupp", ["insats-1"], 4);

    private static Scenario<InsatsState> Given(params object[] events) => Spec.Given(Insats.Initial, Insats.Evolve, events);

    private static Scenario<BeredningsgruppState> GivenGroup(params object[] events) =>
        Spec.Given(Beredningsgrupp.Initial, Beredningsgrupp.Evolve, events);

    [Fact]
    public void insats_intake_is_paused() =>
        Given(Registered).When(new PauseInsatsIntake("insats-1", Paused.On, Paused.Reason), Today).Then(Paused);

    [Fact]
    public void the_same_pause_again_changes_nothing() =>
        Given(Registered, Paused).When(new PauseInsatsIntake("insats-1", Paused.On, Paused.Reason), Today).ThenNothing();

    [Fact]
    public void another_pause_while_paused_is_refused() =>
        Given(Registered, Paused).When(new PauseInsatsIntake("insats-1", new DateOnly(2024, 5, 2), Paused.Reason), Today).ThenRefused("intake_already_paused");

    [Fact]
    public void insats_intake_is_resumed() =>
        Given(Registered, Paused).When(new ResumeInsatsIntake("insats-1", Resumed.On), Today).Then(Resumed);

    [Fact]
    public void the_same_resumption_again_changes_nothing() =>
        Given(Registered, Paused, Resumed).When(new ResumeInsatsIntake("insats-1", Resumed.On), Today).ThenNothing();

    [Fact]
    public void resuming_intake_that_is_not_paused_is_refused() =>
        Given(Registered).When(new ResumeInsatsIntake("insats-1", Resumed.On), Today).ThenRefused("intake_not_paused");

    [Fact]
    public void resuming_on_the_day_of_the_pause_is_refused() =>
        Given(Registered, Paused).When(new ResumeInsatsIntake("insats-1", Paused.On), Today).ThenRefused("intake_resumed_before_pause");

    [Fact]
    public void a_new_pause_before_the_last_resumption_is_refused() =>
        Given(Registered, Paused, Resumed).When(new PauseInsatsIntake("insats-1", new DateOnly(2024, 5, 20), Paused.Reason), Today)
            .ThenRefused("intake_pause_before_resumption");

    [Fact]
    public void a_pause_in_the_future_is_refused() =>
        Given(Registered).When(new PauseInsatsIntake("insats-1", Today.AddDays(1), Paused.Reason), Today).ThenRefused("date_in_future");

    [Fact]
    public void a_head_count_insats_has_no_intake_to_pause() =>
        Given(Registered with { Kind = InsatsKind.Structural, FollowUp = FollowUpMode.HeadCount })
            .When(new PauseInsatsIntake("insats-1", Paused.On, Paused.Reason), Today).ThenRefused("insats_has_no_participants");

    [Fact]
    public void beredningsgrupp_intake_is_paused_and_resumed()
    {
        GivenGroup(Group).When(s => Beredningsgrupp.Decide(new PauseBeredningsgruppIntake("bg-1", Paused.On, Paused.Reason), s, Today))
            .Then(new BeredningsgruppIntakePaused("bg-1", Paused.On, Paused.Reason));
        GivenGroup(Group, new BeredningsgruppIntakePaused("bg-1", Paused.On, Paused.Reason))
            .When(s => Beredningsgrupp.Decide(new ResumeBeredningsgruppIntake("bg-1", Resumed.On), s, Today))
            .Then(new BeredningsgruppIntakeResumed("bg-1", Resumed.On));
    }

    [Fact]
    public void a_two_week_cap_needs_a_monday_to_anchor_its_windows()
    {
        var register = new RegisterBeredningsgrupp("bg-1", "forbund-1", "Beredningsgrupp", ["insats-1"], 6, 2, new DateOnly(2024, 1, 3));
        GivenGroup().When(s => Beredningsgrupp.Decide(register, s)).ThenRefused("invalid_cap_window_anchor");
        GivenGroup().When(s => Beredningsgrupp.Decide(register with { CapWindowAnchor = new DateOnly(2024, 1, 1) }, s))
            .Then(Group with { WeeklyIntakeCap = 6, CapWindowWeeks = 2, CapWindowAnchor = new DateOnly(2024, 1, 1) });
        GivenGroup().When(s => Beredningsgrupp.Decide(register with { CapWindowWeeks = 3 }, s)).ThenRefused("invalid_cap_window");
    }

    [Theory]
    [InlineData("2024-01-01", "2024-01-01", "2024-01-14")]
    [InlineData("2024-01-14", "2024-01-01", "2024-01-14")]
    [InlineData("2024-01-15", "2024-01-15", "2024-01-28")]
    [InlineData("2023-12-31", "2023-12-18", "2023-12-31")]
    public void two_week_windows_are_counted_in_14_days_from_the_anchor(string date, string first, string last) =>
        Assert.Equal(
            (DateOnly.Parse(first), DateOnly.Parse(last)),
            IntakeWeek.WindowOf(DateOnly.Parse(date), 2, new DateOnly(2024, 1, 1)));

    [Fact]
    public void a_one_week_window_is_the_iso_week() =>
        Assert.Equal((new DateOnly(2024, 1, 8), new DateOnly(2024, 1, 14)), IntakeWeek.WindowOf(new DateOnly(2024, 1, 10), 1, new DateOnly(2024, 1, 1)));

    [Fact]
    public void an_acceptance_while_intake_is_paused_is_refused_and_let_in_with_a_reason()
    {
        var received = new ReferralReceived("referral-1", "forbund-1", "bg-1", "person-1", ReferringParty.Af, new DateOnly(2024, 6, 3), Gender.Man, 1995);
        var accept = new AcceptReferral("referral-1", "insats-1", new DateOnly(2024, 6, 10), null);
        var intake = new IntakeWeek("bg-1", ["insats-1"], 4, 0) { IntakePaused = true };
        var given = Spec.Given(Referral.Initial, Referral.Evolve, [received]);
        given.When(s => Referral.Decide(accept, s, Today, intake)).ThenRefused("intake_paused");
        given.When(s => Referral.Decide(accept with { OverrideReason = "Akut behov" }, s, Today, intake))
            .Then(new ReferralAccepted("referral-1", "insats-1", new DateOnly(2024, 6, 10), "Akut behov") { DuringIntakePause = true });
    }
}

public class CapWindowChangeTests
{
    private static readonly BeredningsgruppRegistered Group = new("bg-1", "forbund-1", "Beredningsgrupp", ["insats-1"], 4);

    private static Scenario<BeredningsgruppState> Given(params object[] events) =>
        Spec.Given(Beredningsgrupp.Initial, Beredningsgrupp.Evolve, events);

    [Fact]
    public void a_change_to_a_two_week_cap_is_recorded_with_its_anchor() =>
        Given(Group).When(s => Beredningsgrupp.Decide(new ChangeBeredningsgrupp("bg-1", ["insats-1"], 6, 2, new DateOnly(2024, 3, 4)), s))
            .Then(new BeredningsgruppChanged("bg-1", ["insats-1"], 6, 2, new DateOnly(2024, 3, 4)));

    [Fact]
    public void the_same_two_week_cap_again_changes_nothing() =>
        Given(Group, new BeredningsgruppChanged("bg-1", ["insats-1"], 6, 2, new DateOnly(2024, 3, 4)))
            .When(s => Beredningsgrupp.Decide(new ChangeBeredningsgrupp("bg-1", ["insats-1"], 6, 2, new DateOnly(2024, 3, 4)), s))
            .ThenNothing();

    [Fact]
    public void back_to_one_week_drops_the_anchor() =>
        Given(Group, new BeredningsgruppChanged("bg-1", ["insats-1"], 6, 2, new DateOnly(2024, 3, 4)))
            .When(s => Beredningsgrupp.Decide(new ChangeBeredningsgrupp("bg-1", ["insats-1"], 3, 1, new DateOnly(2024, 3, 4)), s))
            .Then(new BeredningsgruppChanged("bg-1", ["insats-1"], 3));

    [Fact]
    public void pausing_an_unregistered_group_is_refused() =>
        Given().When(s => Beredningsgrupp.Decide(new PauseBeredningsgruppIntake("bg-1", new DateOnly(2024, 3, 4), IntakePauseReason.Other), s, new DateOnly(2024, 6, 1)))
            .ThenRefused("not_registered");
}
