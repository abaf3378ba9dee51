using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Participations;

namespace FinsamOutcomes.Domain.Tests.Participations;

/// <summary>Issue 9: occupation changes during a participation, a direct enrolment's referring part, and paused intake.</summary>
public class OccupationAndIntakeTests
{
    private const string Id = "participation-1";
    private static readonly DateOnly EnrolledOn = new(2024, 3, 1);
    private static readonly Baseline Baseline = new(MeansOfSupport.SocialAssistance, Occupation.None, EducationLevel.PrimaryNotCompleted, "Luleå", 24, false);

    private static readonly EnrolParticipant Direct = new(
        Id, "insats-1", "person-1", null, EnrolledOn, Gender.Woman, 1990, 34, Baseline, true, null, ReferringParty.Region);

    private static readonly ParticipantEnrolled Enrolled = new(
        Id, "insats-1", "person-1", null, EnrolledOn, Gender.Woman, 1990, 34, Baseline, true, null, ReferringParty.Region);

    private static readonly RecordOccupationChange Change = new(Id, "occ-1", new DateOnly(2024, 4, 1), OccupationKind.Internship, 50);
    private static readonly OccupationChanged Changed = new(Id, "occ-1", new DateOnly(2024, 4, 1), OccupationKind.Internship, 50);

    private static readonly InsatsFacts PausedFacts = ParticipationSpec.Facts with
    {
        IntakePauses = [new IntakePause(new DateOnly(2024, 2, 15), IntakePauseReason.InflowExceedsOutflow, new DateOnly(2024, 3, 2))],
    };

    private static Scenario<ParticipationState> Given(params object[] events) =>
        Spec.Given(Participation.Initial, Participation.Evolve, events);

    [Fact]
    public void a_direct_enrolment_records_its_referring_part() =>
        Given().When(Direct).Then(Enrolled);

    [Fact]
    public void a_referring_part_beside_a_referral_is_refused() =>
        Given().When(Direct with { ReferralId = "referral-1" }).ThenRefused("referring_party_with_referral");

    [Fact]
    public void an_enrolment_while_intake_is_paused_is_refused() =>
        Given().When(Direct, PausedFacts).ThenRefused("intake_paused");

    [Fact]
    public void an_enrolment_while_intake_is_paused_is_let_in_with_a_reason_which_is_stored() =>
        Given().When(Direct with { IntakePauseOverrideReason = "Akut behov" }, PausedFacts)
            .Then(Enrolled with { IntakePauseOverrideReason = "Akut behov" });

    [Fact]
    public void an_enrolment_on_the_day_intake_resumes_needs_no_reason_and_a_given_one_is_not_stored() =>
        Given().When(Direct with { EnrolledOn = new DateOnly(2024, 3, 2), IntakePauseOverrideReason = "Akut" }, PausedFacts)
            .Then(Enrolled with { EnrolledOn = new DateOnly(2024, 3, 2) });

    [Fact]
    public void an_occupation_change_is_recorded() =>
        Given(Enrolled).When(Change).Then(Changed);

    [Fact]
    public void the_same_occupation_change_again_changes_nothing() =>
        Given(Enrolled, Changed).When(Change).ThenNothing();

    [Fact]
    public void another_change_under_the_same_id_is_refused() =>
        Given(Enrolled, Changed).When(Change with { Kind = OccupationKind.PaidWork }).ThenRefused("occupation_change_already_recorded");

    [Fact]
    public void an_occupation_change_before_the_enrolment_is_refused() =>
        Given(Enrolled).When(Change with { On = EnrolledOn.AddDays(-1) }).ThenRefused("occupation_change_before_enrolment");

    [Fact]
    public void an_occupation_change_after_the_exit_is_refused() =>
        Given(Enrolled, new ParticipantExited(Id, new DateOnly(2024, 3, 20), "studier", ExitCategory.Studies, MeansOfSupport.None, Occupation.Studying))
            .When(Change).ThenRefused("occupation_change_after_exit");

    [Fact]
    public void an_occupation_change_while_paused_is_recorded() =>
        Given(Enrolled, new ParticipationPaused(Id, new DateOnly(2024, 3, 15), PauseReason.IllHealth)).When(Change).Then(Changed);

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void an_extent_outside_1_to_100_percent_is_refused(int extent) =>
        Given(Enrolled).When(Change with { ExtentPercent = extent }).ThenRefused("invalid_extent");

    [Fact]
    public void an_occupation_change_in_the_future_is_refused() =>
        Given(Enrolled).When(Change with { On = ParticipationSpec.Today.AddDays(1) }).ThenRefused("date_in_future");

    [Fact]
    public void an_occupation_change_is_corrected_with_a_reason() =>
        Given(Enrolled, Changed)
            .When(new CorrectOccupationChange(Id, "occ-1", new DateOnly(2024, 4, 8), OccupationKind.WorkTraining, 75, "Fel datum och slag"))
            .Then(new OccupationChangeCorrected(Id, "occ-1", new DateOnly(2024, 4, 8), OccupationKind.WorkTraining, 75, "Fel datum och slag"));

    [Fact]
    public void a_correction_to_what_is_recorded_changes_nothing() =>
        Given(Enrolled, Changed, new OccupationChangeCorrected(Id, "occ-1", new DateOnly(2024, 4, 8), OccupationKind.WorkTraining, 75, "Fel"))
            .When(new CorrectOccupationChange(Id, "occ-1", new DateOnly(2024, 4, 8), OccupationKind.WorkTraining, 75, "Fel igen"))
            .ThenNothing();

    [Fact]
    public void a_correction_of_an_unknown_change_is_refused() =>
        Given(Enrolled).When(new CorrectOccupationChange(Id, "occ-9", new DateOnly(2024, 4, 8), OccupationKind.WorkTraining, 75, "Fel"))
            .ThenRefused("unknown_occupation_change");

    [Fact]
    public void a_correction_needs_a_reason() =>
        Given(Enrolled, Changed).When(new CorrectOccupationChange(Id, "occ-1", new DateOnly(2024, 4, 8), OccupationKind.WorkTraining, 75, " "))
            .ThenRefused("reason_required");

    [Fact]
    public void an_exit_before_an_occupation_change_is_refused() =>
        Given(Enrolled, Changed)
            .When(new ExitParticipant(Id, new DateOnly(2024, 3, 20), "studier", MeansOfSupport.None, Occupation.Studying))
            .ThenRefused("exit_before_activity");
}
