using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Insatser;
using FinsamOutcomes.Domain.Referrals;

namespace FinsamOutcomes.Domain.Tests.Referrals;

internal static class ReferralSpec
{
    public static readonly DateOnly Today = new(2024, 6, 14);

    public static readonly IntakeWeek Intake = new("bg-1", ["insats-1", "insats-2"], 4, 3);

    public static Outcome When(this Scenario<ReferralState> given, ReferralCommand command, IntakeWeek? intake = null, DateOnly? today = null) =>
        given.When(state => Referral.Decide(command, state, today ?? Today, intake ?? Intake));

    public static Outcome WhenWithoutIntake(this Scenario<ReferralState> given, ReferralCommand command) =>
        given.When(state => Referral.Decide(command, state, Today));
}

public class ReferralTests
{
    private const string Id = "referral-1";
    private static readonly DateOnly Today = ReferralSpec.Today;
    private static readonly DateOnly ReceivedOn = new(2024, 6, 3);
    private static readonly DateOnly DecidedOn = new(2024, 6, 10);

    private static readonly ReceiveReferral Receive = new(Id, "forbund-1", "bg-1", "person-1", ReferringParty.Af, ReceivedOn, Gender.Man, 1995);
    private static readonly ReferralReceived Received = new(Id, "forbund-1", "bg-1", "person-1", ReferringParty.Af, ReceivedOn, Gender.Man, 1995);
    private static readonly AcceptReferral Accept = new(Id, "insats-1", DecidedOn, null);
    private static readonly ReferralAccepted Accepted = new(Id, "insats-1", DecidedOn, null);
    private static readonly ReferralCompletionRequested CompletionRequested = new(Id, new DateOnly(2024, 6, 5), "Läkarintyg saknas");

    private static Scenario<ReferralState> Given(params object[] events) => Spec.Given(Referral.Initial, Referral.Evolve, events);

    [Fact]
    public void referral_is_received() =>
        Given().When(Receive).Then(Received);

    [Fact]
    public void the_same_referral_again_changes_nothing() =>
        Given(Received).When(Receive).ThenNothing();

    [Fact]
    public void the_same_referral_after_a_decision_changes_nothing() =>
        Given(Received, Accepted).When(Receive).ThenNothing();

    [Fact]
    public void a_different_referral_under_a_received_id_is_refused() =>
        Given(Received).When(Receive with { ReferringParty = ReferringParty.Fk }).ThenRefused("already_received");

    [Fact]
    public void referral_received_in_the_future_is_refused() =>
        Given().When(Receive with { ReceivedOn = Today.AddDays(1) }).ThenRefused("date_in_future");

    [Theory]
    [InlineData(2025)]
    [InlineData(1903)]
    public void an_impossible_birth_year_is_refused(int birthYear) =>
        Given().When(Receive with { BirthYear = birthYear }).ThenRefused("invalid_birth_year");

    [Theory]
    [InlineData(2024)]
    [InlineData(1904)]
    public void a_birth_year_at_the_bounds_is_received(int birthYear) =>
        Given().When(Receive with { BirthYear = birthYear }).Then(Received with { BirthYear = birthYear });

    [Fact]
    public void referral_is_accepted() =>
        Given(Received).When(Accept).Then(Accepted);

    [Fact]
    public void the_same_acceptance_again_changes_nothing() =>
        Given(Received, Accepted).When(Accept).ThenNothing();

    [Fact]
    public void the_same_acceptance_beyond_the_cap_again_changes_nothing() =>
        Given(Received, Accepted with { OverrideReason = "Akut" }).When(Accept with { OverrideReason = "Akut" }).ThenNothing();

    [Fact]
    public void acceptance_of_a_referral_not_received_is_refused() =>
        Given().When(Accept).ThenRefused("not_received");

    [Fact]
    public void acceptance_to_another_insats_after_acceptance_is_refused() =>
        Given(Received, Accepted).When(Accept with { InsatsId = "insats-2" }).ThenRefused("already_decided");

    [Fact]
    public void acceptance_to_an_insats_the_beredningsgrupp_does_not_allocate_to_is_refused() =>
        Given(Received).When(Accept with { InsatsId = "insats-9" }).ThenRefused("insats_not_in_beredningsgrupp");

    [Fact]
    public void acceptance_at_the_weeks_intake_cap_is_refused() =>
        Given(Received).When(Accept, ReferralSpec.Intake with { AcceptedInWeek = 4 }).ThenRefused("intake_cap_reached");

    [Fact]
    public void acceptance_at_the_cap_with_an_override_reason_is_recorded_with_the_reason() =>
        Given(Received).When(Accept with { OverrideReason = "Akut behov" }, ReferralSpec.Intake with { AcceptedInWeek = 5 })
            .Then(Accepted with { OverrideReason = "Akut behov" });

    [Fact]
    public void an_override_reason_below_the_cap_is_not_stored() =>
        Given(Received).When(Accept with { OverrideReason = "Akut behov" }).Then(Accepted);

    [Fact]
    public void a_blank_override_reason_is_refused() =>
        Given(Received).When(Accept with { OverrideReason = "" }, ReferralSpec.Intake with { AcceptedInWeek = 4 }).ThenRefused("reason_required");

    [Fact]
    public void acceptance_before_the_referral_was_received_is_refused() =>
        Given(Received).When(Accept with { DecidedOn = ReceivedOn.AddDays(-1) }).ThenRefused("decision_before_received");

    [Fact]
    public void acceptance_on_the_day_received_is_recorded() =>
        Given(Received).When(Accept with { DecidedOn = ReceivedOn }).Then(Accepted with { DecidedOn = ReceivedOn });

    [Fact]
    public void acceptance_in_the_future_is_refused() =>
        Given(Received).When(Accept with { DecidedOn = Today.AddDays(1) }).ThenRefused("date_in_future");

    [Fact]
    public void acceptance_without_the_weeks_intake_is_a_programming_error() =>
        Given(Received).WhenWithoutIntake(Accept).ThenThrows<ArgumentNullException>();

    [Fact]
    public void an_intake_of_another_beredningsgrupp_is_a_programming_error() =>
        Given(Received).When(Accept, ReferralSpec.Intake with { BeredningsgruppId = "bg-2" }).ThenThrows<ArgumentException>();

    [Fact]
    public void rejection_is_recorded_and_needs_no_intake() =>
        Given(Received).WhenWithoutIntake(new RejectReferral(Id, DecidedOn, "Utanför målgruppen"))
            .Then(new ReferralRejected(Id, DecidedOn, "Utanför målgruppen"));

    [Fact]
    public void the_same_rejection_again_changes_nothing() =>
        Given(Received, new ReferralRejected(Id, DecidedOn, "Utanför målgruppen")).When(new RejectReferral(Id, DecidedOn, "Utanför målgruppen")).ThenNothing();

    [Fact]
    public void rejection_needs_a_reason() =>
        Given(Received).When(new RejectReferral(Id, DecidedOn, " ")).ThenRefused("reason_required");

    [Fact]
    public void rejection_of_an_accepted_referral_is_refused() =>
        Given(Received, Accepted).When(new RejectReferral(Id, DecidedOn, "Ändrat beslut")).ThenRefused("already_decided");

    [Fact]
    public void rejection_of_a_referral_not_received_is_refused() =>
        Given().When(new RejectReferral(Id, DecidedOn, "Utanför målgruppen")).ThenRefused("not_received");

    [Fact]
    public void rejection_before_the_referral_was_received_is_refused() =>
        Given(Received).When(new RejectReferral(Id, ReceivedOn.AddDays(-1), "Utanför målgruppen")).ThenRefused("decision_before_received");

    [Fact]
    public void return_to_the_referring_part_is_recorded() =>
        Given(Received).When(new ReturnReferral(Id, DecidedOn, "Behöver utredas av AF först"))
            .Then(new ReferralReturned(Id, DecidedOn, "Behöver utredas av AF först"));

    [Fact]
    public void the_same_return_again_changes_nothing() =>
        Given(Received, new ReferralReturned(Id, DecidedOn, "Utredning")).When(new ReturnReferral(Id, DecidedOn, "Utredning")).ThenNothing();

    [Fact]
    public void return_of_a_rejected_referral_is_refused() =>
        Given(Received, new ReferralRejected(Id, DecidedOn, "Nej")).When(new ReturnReferral(Id, DecidedOn, "Utredning")).ThenRefused("already_decided");

    [Fact]
    public void return_in_the_future_is_refused() =>
        Given(Received).When(new ReturnReferral(Id, Today.AddDays(1), "Utredning")).ThenRefused("date_in_future");

    [Fact]
    public void completion_request_is_recorded() =>
        Given(Received).When(new RequestCompletion(Id, new DateOnly(2024, 6, 5), "Läkarintyg saknas")).Then(CompletionRequested);

    [Fact]
    public void the_same_completion_request_again_changes_nothing() =>
        Given(Received, CompletionRequested).When(new RequestCompletion(Id, new DateOnly(2024, 6, 5), "Läkarintyg saknas")).ThenNothing();

    [Fact]
    public void completion_can_be_requested_more_than_once() =>
        Given(Received, CompletionRequested).When(new RequestCompletion(Id, new DateOnly(2024, 6, 12), "Intyget är oläsligt"))
            .Then(new ReferralCompletionRequested(Id, new DateOnly(2024, 6, 12), "Intyget är oläsligt"));

    [Fact]
    public void completion_request_needs_a_note() =>
        Given(Received).When(new RequestCompletion(Id, DecidedOn, "")).ThenRefused("reason_required");

    [Fact]
    public void completion_request_of_a_decided_referral_is_refused() =>
        Given(Received, Accepted).When(new RequestCompletion(Id, DecidedOn, "Mer info")).ThenRefused("already_decided");

    [Fact]
    public void completion_request_of_a_referral_not_received_is_refused() =>
        Given().When(new RequestCompletion(Id, DecidedOn, "Mer info")).ThenRefused("not_received");

    [Fact]
    public void completion_request_before_the_referral_was_received_is_refused() =>
        Given(Received).When(new RequestCompletion(Id, ReceivedOn.AddDays(-1), "Mer info")).ThenRefused("decision_before_received");

    [Fact]
    public void a_referral_awaiting_completion_can_be_accepted() =>
        Given(Received, CompletionRequested).When(Accept).Then(Accepted);

    [Fact]
    public void a_referral_awaiting_completion_can_be_rejected() =>
        Given(Received, CompletionRequested).When(new RejectReferral(Id, DecidedOn, "Nej")).Then(new ReferralRejected(Id, DecidedOn, "Nej"));

    [Fact]
    public void a_referral_awaiting_completion_can_be_returned() =>
        Given(Received, CompletionRequested).When(new ReturnReferral(Id, DecidedOn, "Åter")).Then(new ReferralReturned(Id, DecidedOn, "Åter"));

    [Fact]
    public void withdrawal_is_recorded() =>
        Given(Received, CompletionRequested).When(new WithdrawReferral(Id, DecidedOn, "Personen har fått arbete"))
            .Then(new ReferralWithdrawn(Id, DecidedOn, "Personen har fått arbete"));

    [Fact]
    public void the_same_withdrawal_again_changes_nothing() =>
        Given(Received, new ReferralWithdrawn(Id, DecidedOn, "Arbete")).When(new WithdrawReferral(Id, DecidedOn, "Arbete")).ThenNothing();

    [Fact]
    public void withdrawal_after_a_decision_is_refused() =>
        Given(Received, Accepted).When(new WithdrawReferral(Id, DecidedOn, "Arbete")).ThenRefused("already_decided");

    [Fact]
    public void acceptance_of_a_withdrawn_referral_is_refused() =>
        Given(Received, new ReferralWithdrawn(Id, DecidedOn, "Arbete")).When(Accept).ThenRefused("already_decided");

    [Fact]
    public void withdrawal_needs_a_reason() =>
        Given(Received).When(new WithdrawReferral(Id, DecidedOn, "")).ThenRefused("reason_required");

    [Fact]
    public void withdrawal_of_a_referral_not_received_is_refused() =>
        Given().When(new WithdrawReferral(Id, DecidedOn, "Arbete")).ThenRefused("not_received");

    [Fact]
    public void withdrawal_in_the_future_is_refused() =>
        Given(Received).When(new WithdrawReferral(Id, Today.AddDays(1), "Arbete")).ThenRefused("date_in_future");

    [Theory]
    [InlineData(2024, 6, 10)]
    [InlineData(2024, 6, 13)]
    [InlineData(2024, 6, 16)]
    public void the_intake_week_runs_from_monday_to_sunday(int year, int month, int day) =>
        Assert.Equal((new DateOnly(2024, 6, 10), new DateOnly(2024, 6, 16)), IntakeWeek.WeekOf(new DateOnly(year, month, day)));

    [Fact]
    public void the_intake_week_crosses_the_turn_of_the_year() =>
        Assert.Equal((new DateOnly(2024, 12, 30), new DateOnly(2025, 1, 5)), IntakeWeek.WeekOf(new DateOnly(2025, 1, 1)));

    [Fact]
    public void unknown_events_are_ignored() =>
        Assert.Equal(Referral.Initial, Referral.Evolve(Referral.Initial, new InsatsClosed("insats-1", DecidedOn)));
}
