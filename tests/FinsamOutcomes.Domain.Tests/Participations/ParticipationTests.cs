using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.Domain.Insatser;
using FinsamOutcomes.Domain.Participations;

namespace FinsamOutcomes.Domain.Tests.Participations;

internal static class ParticipationSpec
{
    public static readonly DateOnly Today = new(2024, 6, 15);

    public static readonly InsatsFacts Facts = new(
        "insats-1",
        InsatsKind.Individual,
        FollowUpMode.PerPersonIdentified,
        new DateOnly(2024, 1, 1),
        new DateOnly(2025, 12, 31),
        null,
        new TargetGroup(16, 64, "Långt från arbetsmarknaden"),
        ForbundAggregate.DefaultExitReasons);

    public static Outcome When(
        this Scenario<ParticipationState> given,
        ParticipationCommand command,
        InsatsFacts? insats = null,
        DateOnly? today = null,
        bool? alreadyActive = false) =>
        given.When(state => Participation.Decide(command, state, insats ?? Facts, today ?? Today, alreadyActive));
}

public class ParticipationTests
{
    private const string Id = "participation-1";
    private static readonly DateOnly Today = ParticipationSpec.Today;
    private static readonly InsatsFacts Facts = ParticipationSpec.Facts;
    private static readonly DateOnly EnrolledOn = new(2024, 3, 1);
    private static readonly Baseline Baseline = new(MeansOfSupport.SocialAssistance, Occupation.None, EducationLevel.UpperSecondary, "Luleå", 24, false);

    private static readonly EnrolParticipant Enrol = new(
        Id, "insats-1", "person-1", "referral-1", EnrolledOn, Gender.Woman, 1990, 34, Baseline, true, null);

    private static readonly ParticipantEnrolled Enrolled = new(
        Id, "insats-1", "person-1", "referral-1", EnrolledOn, Gender.Woman, 1990, 34, Baseline, true, null);

    private static readonly ActivityRecorded Activity = new(Id, "activity-1", ActivityKind.IndividualMeeting, new DateOnly(2024, 3, 10), 60);
    private static readonly ParticipationPaused Paused = new(Id, new DateOnly(2024, 4, 1), PauseReason.IllHealth);
    private static readonly ParticipationResumed Resumed = new(Id, new DateOnly(2024, 5, 1));
    private static readonly ParticipantExited Exited = new(Id, new DateOnly(2024, 6, 1), "studier", ExitCategory.Studies, MeansOfSupport.None, Occupation.Studying);
    private static readonly ExitParticipant Exit = new(Id, new DateOnly(2024, 6, 1), "studier", MeansOfSupport.None, Occupation.Studying);
    private static readonly ParticipationRegisteredInError InError = new(Id, "Fel person");

    private static Scenario<ParticipationState> Given(params object[] events) =>
        Spec.Given(Participation.Initial, Participation.Evolve, events);

    private static DateOnly D(int month, int day) => new(2024, month, day);

    [Fact]
    public void enrolment_is_recorded() =>
        Given().When(Enrol).Then(Enrolled);

    [Fact]
    public void the_same_enrolment_again_changes_nothing() =>
        Given(Enrolled).When(Enrol).ThenNothing();

    [Fact]
    public void a_different_enrolment_of_an_enrolled_participation_is_refused() =>
        Given(Enrolled).When(Enrol with { EnrolledOn = D(3, 2) }).ThenRefused("already_enrolled");

    [Fact]
    public void enrolment_in_a_structural_insats_is_refused() =>
        Given().When(Enrol, Facts with { Kind = InsatsKind.Structural, FollowUp = FollowUpMode.HeadCount }).ThenRefused("insats_has_no_participants");

    [Fact]
    public void enrolment_in_a_head_count_insats_is_refused() =>
        Given().When(Enrol, Facts with { FollowUp = FollowUpMode.HeadCount }).ThenRefused("insats_has_no_participants");

    [Fact]
    public void identified_enrolment_in_an_anonymous_insats_is_refused() =>
        Given().When(Enrol, Facts with { FollowUp = FollowUpMode.PerPersonAnonymous }).ThenRefused("insats_is_anonymous");

    [Fact]
    public void anonymous_enrolment_in_an_anonymous_insats_is_recorded() =>
        Given().When(Enrol with { Identified = false }, Facts with { FollowUp = FollowUpMode.PerPersonAnonymous })
            .Then(Enrolled with { Identified = false });

    [Theory]
    [InlineData(2023, 12, 31)]
    [InlineData(2026, 1, 1)]
    public void enrolment_outside_the_insats_period_is_refused(int year, int month, int day) =>
        Given().When(Enrol with { EnrolledOn = new DateOnly(year, month, day) }, Facts with { EndDate = new DateOnly(2025, 12, 31) }, today: new DateOnly(2026, 6, 1))
            .ThenRefused("outside_insats_period");

    [Theory]
    [InlineData(2024, 1, 1)]
    [InlineData(2024, 6, 15)]
    public void enrolment_on_the_first_day_or_today_is_recorded(int year, int month, int day) =>
        Given().When(Enrol with { EnrolledOn = new DateOnly(year, month, day) }).Then(Enrolled with { EnrolledOn = new DateOnly(year, month, day) });

    [Fact]
    public void enrolment_on_the_last_day_of_the_insats_is_recorded() =>
        Given().When(Enrol, Facts with { EndDate = EnrolledOn }).Then(Enrolled);

    [Fact]
    public void enrolment_in_an_insats_without_end_date_is_recorded() =>
        Given().When(Enrol, Facts with { EndDate = null }).Then(Enrolled);

    [Theory]
    [InlineData(3, 1)]
    [InlineData(2, 1)]
    public void enrolment_on_or_after_the_closing_date_is_refused(int month, int day) =>
        Given().When(Enrol, Facts with { ClosedOn = D(month, day) }).ThenRefused("insats_closed");

    [Fact]
    public void enrolment_before_the_closing_date_is_recorded() =>
        Given().When(Enrol, Facts with { ClosedOn = D(3, 2) }).Then(Enrolled);

    [Fact]
    public void enrolment_in_the_future_is_refused() =>
        Given().When(Enrol with { EnrolledOn = Today.AddDays(1) }).ThenRefused("date_in_future");

    [Theory]
    [InlineData(-1)]
    [InlineData(121)]
    [InlineData(36)]
    [InlineData(32)]
    public void an_impossible_age_is_refused(int age) =>
        Given().When(Enrol with { AgeAtStart = age }).ThenRefused("invalid_age");

    [Fact]
    public void an_age_above_120_is_refused_even_when_it_agrees_with_the_birth_year() =>
        Given().When(Enrol with { BirthYear = 1900, AgeAtStart = 124, AgeOverrideReason = "Test" }).ThenRefused("invalid_age");

    [Fact]
    public void an_exact_age_one_below_the_year_difference_is_recorded() =>
        Given().When(Enrol with { AgeAtStart = 33 }).Then(Enrolled with { AgeAtStart = 33 });

    [Fact]
    public void the_approximate_age_is_the_enrolment_year_minus_the_birth_year() =>
        Assert.Equal(34, Participation.ApproximateAgeAtStart(1990, new DateOnly(2024, 1, 1)));

    [Theory]
    [InlineData(2009, 15)]
    [InlineData(1959, 65)]
    public void an_age_outside_the_target_group_is_refused(int birthYear, int age) =>
        Given().When(Enrol with { BirthYear = birthYear, AgeAtStart = age }).ThenRefused("age_outside_target_group");

    [Theory]
    [InlineData(2008, 16)]
    [InlineData(1960, 64)]
    public void an_age_at_the_target_group_bounds_is_recorded(int birthYear, int age) =>
        Given().When(Enrol with { BirthYear = birthYear, AgeAtStart = age }).Then(Enrolled with { BirthYear = birthYear, AgeAtStart = age });

    [Fact]
    public void an_age_outside_the_target_group_with_an_override_reason_is_recorded_with_the_reason() =>
        Given().When(Enrol with { BirthYear = 2009, AgeAtStart = 15, AgeOverrideReason = "Beslut i beredningsgruppen" })
            .Then(Enrolled with { BirthYear = 2009, AgeAtStart = 15, AgeOverrideReason = "Beslut i beredningsgruppen" });

    [Fact]
    public void an_override_reason_that_overrides_nothing_is_not_stored() =>
        Given().When(Enrol with { AgeOverrideReason = "Onödig" }).Then(Enrolled);

    [Fact]
    public void a_blank_override_reason_is_refused() =>
        Given().When(Enrol with { BirthYear = 2009, AgeAtStart = 15, AgeOverrideReason = " " }).ThenRefused("reason_required");

    [Fact]
    public void an_override_reason_longer_than_500_characters_is_refused() =>
        Given().When(Enrol with { BirthYear = 2009, AgeAtStart = 15, AgeOverrideReason = new string('x', 501) }).ThenRefused("text_too_long");

    [Fact]
    public void enrolment_of_a_person_already_active_in_the_insats_is_refused() =>
        Given().When(Enrol, alreadyActive: true).ThenRefused("already_active_in_insats");

    [Fact]
    public void a_negative_time_on_support_is_refused() =>
        Given().When(Enrol with { Baseline = Baseline with { MonthsOnSupportBefore = -1 } }).ThenRefused("invalid_baseline");

    [Fact]
    public void enrolment_without_knowing_whether_the_person_is_already_active_is_a_programming_error() =>
        Given().When(Enrol, alreadyActive: null).ThenThrows<ArgumentNullException>();

    [Fact]
    public void facts_of_another_insats_are_a_programming_error() =>
        Given(Enrolled).When(Exit, Facts with { InsatsId = "insats-2" }).ThenThrows<ArgumentException>();

    [Fact]
    public void activity_is_recorded() =>
        Given(Enrolled).When(new RecordActivity(Id, "activity-1", ActivityKind.IndividualMeeting, D(3, 10), 60)).Then(Activity);

    [Fact]
    public void the_same_activity_again_changes_nothing() =>
        Given(Enrolled, Activity).When(new RecordActivity(Id, "activity-1", ActivityKind.IndividualMeeting, D(3, 10), 60)).ThenNothing();

    [Fact]
    public void another_activity_under_a_recorded_activity_id_is_refused() =>
        Given(Enrolled, Activity).When(new RecordActivity(Id, "activity-1", ActivityKind.PhoneContact, D(3, 10), 60)).ThenRefused("activity_already_recorded");

    [Fact]
    public void activity_without_enrolment_is_refused() =>
        Given().When(new RecordActivity(Id, "activity-1", ActivityKind.IndividualMeeting, D(3, 10), 60)).ThenRefused("not_enrolled");

    [Fact]
    public void activity_before_enrolment_is_refused() =>
        Given(Enrolled).When(new RecordActivity(Id, "activity-1", ActivityKind.IndividualMeeting, D(2, 29), 60)).ThenRefused("activity_before_enrolment");

    [Fact]
    public void activity_on_the_enrolment_date_is_recorded() =>
        Given(Enrolled).When(new RecordActivity(Id, "activity-1", ActivityKind.IndividualMeeting, EnrolledOn, 60)).Then(Activity with { On = EnrolledOn });

    [Fact]
    public void activity_in_the_future_is_refused() =>
        Given(Enrolled).When(new RecordActivity(Id, "activity-1", ActivityKind.IndividualMeeting, Today.AddDays(1), 60)).ThenRefused("date_in_future");

    [Theory]
    [InlineData(-1)]
    [InlineData(1441)]
    public void a_duration_outside_a_day_is_refused(int minutes) =>
        Given(Enrolled).When(new RecordActivity(Id, "activity-1", ActivityKind.IndividualMeeting, D(3, 10), minutes)).ThenRefused("invalid_duration");

    [Theory]
    [InlineData(0)]
    [InlineData(1440)]
    public void a_duration_within_a_day_is_recorded(int minutes) =>
        Given(Enrolled).When(new RecordActivity(Id, "activity-1", ActivityKind.IndividualMeeting, D(3, 10), minutes))
            .Then(Activity with { DurationMinutes = minutes });

    [Theory]
    [InlineData(4, 1)]
    [InlineData(4, 2)]
    public void activity_on_or_after_the_pause_date_while_paused_is_refused(int month, int day) =>
        Given(Enrolled, Paused).When(new RecordActivity(Id, "activity-2", ActivityKind.GroupActivity, D(month, day), 60)).ThenRefused("participation_paused");

    [Fact]
    public void activity_dated_before_the_pause_may_be_recorded_late_while_paused() =>
        Given(Enrolled, Paused).When(new RecordActivity(Id, "activity-2", ActivityKind.GroupActivity, D(3, 31), 60))
            .Then(new ActivityRecorded(Id, "activity-2", ActivityKind.GroupActivity, D(3, 31), 60));

    [Fact]
    public void activity_after_resumption_is_recorded() =>
        Given(Enrolled, Paused, Resumed).When(new RecordActivity(Id, "activity-2", ActivityKind.GroupActivity, D(5, 2), 60))
            .Then(new ActivityRecorded(Id, "activity-2", ActivityKind.GroupActivity, D(5, 2), 60));

    [Fact]
    public void activity_after_exit_is_refused() =>
        Given(Enrolled, Exited).When(new RecordActivity(Id, "activity-2", ActivityKind.GroupActivity, D(6, 2), 60)).ThenRefused("activity_after_exit");

    [Fact]
    public void activity_dated_on_or_before_the_exit_may_be_recorded_late() =>
        Given(Enrolled, Exited).When(new RecordActivity(Id, "activity-2", ActivityKind.GroupActivity, D(6, 1), 60))
            .Then(new ActivityRecorded(Id, "activity-2", ActivityKind.GroupActivity, D(6, 1), 60));

    [Fact]
    public void pause_is_recorded() =>
        Given(Enrolled).When(new PauseParticipation(Id, D(4, 1), PauseReason.IllHealth)).Then(Paused);

    [Fact]
    public void the_same_pause_again_changes_nothing() =>
        Given(Enrolled, Paused).When(new PauseParticipation(Id, D(4, 1), PauseReason.IllHealth)).ThenNothing();

    [Fact]
    public void another_pause_of_a_paused_participation_is_refused() =>
        Given(Enrolled, Paused).When(new PauseParticipation(Id, D(4, 2), PauseReason.IllHealth)).ThenRefused("not_active");

    [Fact]
    public void pause_of_an_exited_participation_is_refused() =>
        Given(Enrolled, Exited).When(new PauseParticipation(Id, D(6, 2), PauseReason.IllHealth)).ThenRefused("not_active");

    [Fact]
    public void pause_without_enrolment_is_refused() =>
        Given().When(new PauseParticipation(Id, D(4, 1), PauseReason.IllHealth)).ThenRefused("not_enrolled");

    [Fact]
    public void pause_before_enrolment_is_refused() =>
        Given(Enrolled).When(new PauseParticipation(Id, D(2, 29), PauseReason.Other)).ThenRefused("pause_before_enrolment");

    [Fact]
    public void pause_before_a_recorded_activity_is_refused() =>
        Given(Enrolled, Activity).When(new PauseParticipation(Id, D(3, 9), PauseReason.Other)).ThenRefused("pause_before_activity");

    [Fact]
    public void pause_in_the_future_is_refused() =>
        Given(Enrolled).When(new PauseParticipation(Id, Today.AddDays(1), PauseReason.Other)).ThenRefused("date_in_future");

    [Fact]
    public void resumption_is_recorded() =>
        Given(Enrolled, Paused).When(new ResumeParticipation(Id, D(5, 1))).Then(Resumed);

    [Fact]
    public void resumption_on_the_pause_date_is_recorded() =>
        Given(Enrolled, Paused).When(new ResumeParticipation(Id, D(4, 1))).Then(Resumed with { On = D(4, 1) });

    [Fact]
    public void the_same_resumption_again_changes_nothing() =>
        Given(Enrolled, Paused, Resumed).When(new ResumeParticipation(Id, D(5, 1))).ThenNothing();

    [Fact]
    public void resumption_of_an_active_participation_is_refused() =>
        Given(Enrolled).When(new ResumeParticipation(Id, D(5, 1))).ThenRefused("not_paused");

    [Fact]
    public void resumption_without_enrolment_is_refused() =>
        Given().When(new ResumeParticipation(Id, D(5, 1))).ThenRefused("not_enrolled");

    [Fact]
    public void resumption_before_the_pause_is_refused() =>
        Given(Enrolled, Paused).When(new ResumeParticipation(Id, D(3, 31))).ThenRefused("resume_before_pause");

    [Fact]
    public void resumption_in_the_future_is_refused() =>
        Given(Enrolled, Paused).When(new ResumeParticipation(Id, Today.AddDays(1))).ThenRefused("date_in_future");

    [Fact]
    public void a_resumed_participation_can_be_paused_again() =>
        Given(Enrolled, Paused, Resumed).When(new PauseParticipation(Id, D(5, 10), PauseReason.ParentalLeave))
            .Then(new ParticipationPaused(Id, D(5, 10), PauseReason.ParentalLeave));

    [Fact]
    public void exit_is_recorded_with_the_category_of_its_reason() =>
        Given(Enrolled).When(Exit).Then(Exited);

    [Fact]
    public void exit_uses_the_forbunds_own_list_of_reasons() =>
        Given(Enrolled).When(Exit with { ReasonCode = "lokal" }, Facts with { ExitReasons = [new ExitReasonDefinition("lokal", ExitCategory.Work, "Lokal", true)] })
            .Then(Exited with { ReasonCode = "lokal", Category = ExitCategory.Work });

    [Fact]
    public void exit_while_paused_is_recorded() =>
        Given(Enrolled, Paused).When(Exit).Then(Exited);

    [Fact]
    public void exit_on_the_enrolment_date_is_recorded() =>
        Given(Enrolled).When(Exit with { ExitedOn = EnrolledOn }).Then(Exited with { ExitedOn = EnrolledOn });

    [Fact]
    public void exit_without_enrolment_is_refused() =>
        Given().When(Exit).ThenRefused("not_enrolled");

    [Fact]
    public void exit_before_enrolment_is_refused() =>
        Given(Enrolled).When(Exit with { ExitedOn = D(2, 29) }).ThenRefused("exit_before_enrolment");

    [Fact]
    public void exit_before_a_recorded_activity_is_refused() =>
        Given(Enrolled, Activity).When(Exit with { ExitedOn = D(3, 9) }).ThenRefused("exit_before_activity");

    [Fact]
    public void exit_before_the_pause_is_refused() =>
        Given(Enrolled, Paused).When(Exit with { ExitedOn = D(3, 31) }).ThenRefused("exit_before_activity");

    [Fact]
    public void exit_in_the_future_is_refused() =>
        Given(Enrolled).When(Exit with { ExitedOn = Today.AddDays(1) }).ThenRefused("date_in_future");

    [Fact]
    public void exit_with_a_reason_not_in_the_forbunds_list_is_refused() =>
        Given(Enrolled).When(Exit with { ReasonCode = "semester" }).ThenRefused("unknown_exit_reason");

    [Fact]
    public void the_same_exit_again_changes_nothing() =>
        Given(Enrolled, Exited).When(Exit).ThenNothing();

    [Fact]
    public void a_different_exit_of_an_exited_participant_is_refused() =>
        Given(Enrolled, Exited).When(Exit with { ReasonCode = "flyttat" }).ThenRefused("already_exited");

    [Fact]
    public void exit_correction_is_recorded() =>
        Given(Enrolled, Exited).When(new CorrectExit(Id, D(5, 20), "arbete_osubventionerat", MeansOfSupport.Salary, Occupation.Working, "Fel datum och orsak"))
            .Then(new ExitCorrected(Id, D(5, 20), "arbete_osubventionerat", ExitCategory.Work, MeansOfSupport.Salary, Occupation.Working, "Fel datum och orsak"));

    [Fact]
    public void exit_correction_with_the_current_data_changes_nothing() =>
        Given(Enrolled, Exited).When(new CorrectExit(Id, D(6, 1), "studier", MeansOfSupport.None, Occupation.Studying, "Samma")).ThenNothing();

    [Fact]
    public void the_same_exit_correction_again_changes_nothing()
    {
        var corrected = new ExitCorrected(Id, D(5, 20), "flyttat", ExitCategory.Other, MeansOfSupport.None, Occupation.None, "Fel orsak");
        Given(Enrolled, Exited, corrected).When(new CorrectExit(Id, D(5, 20), "flyttat", MeansOfSupport.None, Occupation.None, "Fel orsak")).ThenNothing();
    }

    [Fact]
    public void exit_correction_of_an_active_participation_is_refused() =>
        Given(Enrolled).When(new CorrectExit(Id, D(6, 1), "studier", MeansOfSupport.None, Occupation.Studying, "Fel")).ThenRefused("not_exited");

    [Fact]
    public void exit_correction_without_enrolment_is_refused() =>
        Given().When(new CorrectExit(Id, D(6, 1), "studier", MeansOfSupport.None, Occupation.Studying, "Fel")).ThenRefused("not_enrolled");

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public void exit_correction_without_a_reason_is_refused(string reason) =>
        Given(Enrolled, Exited).When(new CorrectExit(Id, D(5, 20), "flyttat", MeansOfSupport.None, Occupation.None, reason)).ThenRefused("reason_required");

    [Fact]
    public void exit_correction_with_a_reason_longer_than_500_characters_is_refused() =>
        Given(Enrolled, Exited).When(new CorrectExit(Id, D(5, 20), "flyttat", MeansOfSupport.None, Occupation.None, new string('x', 501)))
            .ThenRefused("text_too_long");

    [Fact]
    public void exit_correction_with_an_unknown_reason_is_refused() =>
        Given(Enrolled, Exited).When(new CorrectExit(Id, D(5, 20), "semester", MeansOfSupport.None, Occupation.None, "Fel")).ThenRefused("unknown_exit_reason");

    [Fact]
    public void exit_correction_to_before_enrolment_is_refused() =>
        Given(Enrolled, Exited).When(new CorrectExit(Id, D(2, 1), "studier", MeansOfSupport.None, Occupation.Studying, "Fel")).ThenRefused("exit_before_enrolment");

    [Fact]
    public void exit_correction_to_before_a_recorded_activity_is_refused() =>
        Given(Enrolled, Activity, Exited).When(new CorrectExit(Id, D(3, 5), "studier", MeansOfSupport.None, Occupation.Studying, "Fel"))
            .ThenRefused("exit_before_activity");

    [Fact]
    public void exit_correction_into_the_future_is_refused() =>
        Given(Enrolled, Exited).When(new CorrectExit(Id, Today.AddDays(1), "studier", MeansOfSupport.None, Occupation.Studying, "Fel")).ThenRefused("date_in_future");

    [Fact]
    public void a_correction_replaces_the_exit_so_a_later_exit_with_its_data_changes_nothing()
    {
        var corrected = new ExitCorrected(Id, D(5, 20), "flyttat", ExitCategory.Other, MeansOfSupport.None, Occupation.None, "Fel orsak");
        Given(Enrolled, Exited, corrected).When(Exit with { ExitedOn = D(5, 20), ReasonCode = "flyttat", OccupationAtExit = Occupation.None }).ThenNothing();
    }

    [Fact]
    public void enrolment_correction_is_recorded() =>
        Given(Enrolled).When(new CorrectEnrolment(Id, D(2, 15), Baseline with { HasSgi = true }, "Fel datum"))
            .Then(new EnrolmentCorrected(Id, D(2, 15), Baseline with { HasSgi = true }, "Fel datum"));

    [Fact]
    public void enrolment_correction_with_the_current_data_changes_nothing() =>
        Given(Enrolled).When(new CorrectEnrolment(Id, EnrolledOn, Baseline, "Samma")).ThenNothing();

    [Fact]
    public void the_same_enrolment_correction_again_changes_nothing() =>
        Given(Enrolled, new EnrolmentCorrected(Id, D(2, 15), Baseline, "Fel datum")).When(new CorrectEnrolment(Id, D(2, 15), Baseline, "Fel datum")).ThenNothing();

    [Fact]
    public void enrolment_correction_without_enrolment_is_refused() =>
        Given().When(new CorrectEnrolment(Id, D(2, 15), Baseline, "Fel datum")).ThenRefused("not_enrolled");

    [Fact]
    public void enrolment_correction_needs_a_reason() =>
        Given(Enrolled).When(new CorrectEnrolment(Id, D(2, 15), Baseline, "")).ThenRefused("reason_required");

    [Fact]
    public void enrolment_correction_to_after_the_first_activity_is_refused() =>
        Given(Enrolled, Activity).When(new CorrectEnrolment(Id, D(3, 11), Baseline, "Fel datum")).ThenRefused("enrolment_after_activity");

    [Fact]
    public void enrolment_correction_to_the_first_activity_date_is_recorded() =>
        Given(Enrolled, Activity).When(new CorrectEnrolment(Id, D(3, 10), Baseline, "Fel datum"))
            .Then(new EnrolmentCorrected(Id, D(3, 10), Baseline, "Fel datum"));

    [Fact]
    public void enrolment_correction_to_after_a_pause_is_refused() =>
        Given(Enrolled, Paused).When(new CorrectEnrolment(Id, D(4, 2), Baseline, "Fel datum")).ThenRefused("enrolment_after_activity");

    [Fact]
    public void enrolment_correction_to_after_the_exit_is_refused() =>
        Given(Enrolled, Exited).When(new CorrectEnrolment(Id, D(6, 2), Baseline, "Fel datum")).ThenRefused("enrolment_after_exit");

    [Fact]
    public void enrolment_correction_of_an_exited_participation_is_recorded() =>
        Given(Enrolled, Exited).When(new CorrectEnrolment(Id, D(6, 1), Baseline, "Fel datum"))
            .Then(new EnrolmentCorrected(Id, D(6, 1), Baseline, "Fel datum"));

    [Fact]
    public void enrolment_correction_outside_the_insats_period_is_refused() =>
        Given(Enrolled).When(new CorrectEnrolment(Id, new DateOnly(2023, 12, 31), Baseline, "Fel datum")).ThenRefused("outside_insats_period");

    [Fact]
    public void enrolment_correction_on_or_after_the_closing_date_is_refused() =>
        Given(Enrolled).When(new CorrectEnrolment(Id, D(3, 5), Baseline, "Fel datum"), Facts with { ClosedOn = D(3, 5) }).ThenRefused("insats_closed");

    [Fact]
    public void enrolment_correction_into_the_future_is_refused() =>
        Given(Enrolled).When(new CorrectEnrolment(Id, Today.AddDays(1), Baseline, "Fel datum")).ThenRefused("date_in_future");

    [Fact]
    public void enrolment_correction_with_a_negative_time_on_support_is_refused() =>
        Given(Enrolled).When(new CorrectEnrolment(Id, EnrolledOn, Baseline with { MonthsOnSupportBefore = -3 }, "Fel")).ThenRefused("invalid_baseline");

    [Fact]
    public void a_corrected_enrolment_date_moves_the_earliest_activity_date() =>
        Given(Enrolled, new EnrolmentCorrected(Id, D(2, 15), Baseline, "Fel datum"))
            .When(new RecordActivity(Id, "activity-1", ActivityKind.IndividualMeeting, D(2, 20), 60))
            .Then(Activity with { On = D(2, 20) });

    public static TheoryData<object[]> EnrolledHistories => new()
    {
        new object[] { Enrolled },
        new object[] { Enrolled, Paused },
        new object[] { Enrolled, Exited },
    };

    [Theory]
    [MemberData(nameof(EnrolledHistories))]
    public void registration_in_error_is_recorded_from_any_enrolled_state(object[] history) =>
        Given(history).When(new MarkRegisteredInError(Id, "Fel person")).Then(InError);

    [Fact]
    public void registration_in_error_again_changes_nothing() =>
        Given(Enrolled, InError).When(new MarkRegisteredInError(Id, "Annan orsak")).ThenNothing();

    [Fact]
    public void registration_in_error_needs_a_reason() =>
        Given(Enrolled).When(new MarkRegisteredInError(Id, " ")).ThenRefused("reason_required");

    [Fact]
    public void registration_in_error_without_enrolment_is_refused() =>
        Given().When(new MarkRegisteredInError(Id, "Fel person")).ThenRefused("not_enrolled");

    public static TheoryData<ParticipationCommand> EveryOtherCommand => new()
    {
        Enrol,
        new RecordActivity(Id, "activity-9", ActivityKind.IndividualMeeting, D(3, 10), 60),
        new PauseParticipation(Id, D(4, 1), PauseReason.IllHealth),
        new ResumeParticipation(Id, D(5, 1)),
        Exit,
        new CorrectExit(Id, D(6, 1), "flyttat", MeansOfSupport.None, Occupation.None, "Fel"),
        new CorrectEnrolment(Id, D(2, 1), Baseline, "Fel"),
    };

    [Theory]
    [MemberData(nameof(EveryOtherCommand))]
    public void every_command_after_registration_in_error_is_refused(ParticipationCommand command) =>
        Given(Enrolled, InError).When(command).ThenRefused("registered_in_error");

    [Fact]
    public void unknown_events_are_ignored() =>
        Assert.Equal(Participation.Initial, Participation.Evolve(Participation.Initial, new ForbundRegistered("f", "F", Today)));
}
