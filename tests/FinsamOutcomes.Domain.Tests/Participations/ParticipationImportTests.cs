using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Participations;

namespace FinsamOutcomes.Domain.Tests.Participations;

/// <summary>Issue 11 B: one row of a history file, decided through the live commands.</summary>
public class ParticipationImportTests
{
    private const string Id = "participation-1";
    private const string Reason = "Rättad genom import av historik.csv, rad 7";
    private static readonly DateOnly EnrolledOn = new(2024, 3, 1);
    private static readonly Baseline Baseline = new(MeansOfSupport.SocialAssistance, Occupation.None, EducationLevel.UpperSecondary, "Luleå", 24, false);

    private static readonly EnrolParticipant Enrol = new(Id, "insats-1", "person-1", null, EnrolledOn, Gender.Woman, 1990, 33, Baseline, true, null, ReferringParty.Af);

    private static readonly ParticipantEnrolled Enrolled = new(Id, "insats-1", "person-1", null, EnrolledOn, Gender.Woman, 1990, 33, Baseline, true, null, ReferringParty.Af);

    private static readonly HistoricalExit Exit = new(new DateOnly(2024, 5, 31), "studier", MeansOfSupport.None, Occupation.Studying);

    private static readonly ParticipantExited Exited = new(Id, new DateOnly(2024, 5, 31), "studier", ExitCategory.Studies, MeansOfSupport.None, Occupation.Studying);

    private static ImportHistoricalParticipation Row(EnrolParticipant? enrol = null, HistoricalExit? exit = null) =>
        new(enrol ?? Enrol, exit, "import-abc", "historik.csv", 7);

    private static ParticipationImported Imported(string outcome) => new(Id, "import-abc", "historik.csv", 7, outcome);

    private static Scenario<ParticipationState> Given(params object[] events) => Spec.Given(Participation.Initial, Participation.Evolve, events);

    private static Outcome When(Scenario<ParticipationState> given, ImportHistoricalParticipation row, bool alreadyActive = false) =>
        given.When(state => ParticipationImport.Decide(row, state, ParticipationSpec.Facts, ParticipationSpec.Today, alreadyActive).Events);

    private static HistoryRowOutcome OutcomeOf(ImportHistoricalParticipation row, params object[] given) =>
        ParticipationImport.Decide(row, given.Aggregate(Participation.Initial, Participation.Evolve), ParticipationSpec.Facts, ParticipationSpec.Today, false).Outcome;

    [Fact]
    public void a_new_row_with_an_exit_is_enrolled_and_exited_and_marked_imported() =>
        When(Given(), Row(exit: Exit)).Then(Enrolled, Exited, Imported("recorded"));

    [Fact]
    public void a_new_row_without_an_exit_is_enrolled_only()
    {
        When(Given(), Row()).Then(Enrolled, Imported("recorded"));
        Assert.Equal(HistoryRowOutcome.Recorded, OutcomeOf(Row()));
    }

    [Fact]
    public void the_same_row_again_appends_nothing()
    {
        When(Given(Enrolled, Exited), Row(exit: Exit)).ThenNothing();
        Assert.Equal(HistoryRowOutcome.AlreadyPresent, OutcomeOf(Row(exit: Exit), Enrolled, Exited));
    }

    [Fact]
    public void the_same_row_with_another_participant_id_is_still_the_same_participation() =>
        When(Given(Enrolled, Exited), Row(Enrol with { ParticipantId = "pending" }, Exit)).ThenNothing();

    [Fact]
    public void an_exit_before_the_enrolment_is_refused_by_the_live_rule() =>
        When(Given(), Row(exit: Exit with { ExitedOn = new DateOnly(2024, 2, 1) })).ThenRefused("exit_before_enrolment");

    [Fact]
    public void an_enrolment_outside_the_target_group_needs_the_reason_as_live() =>
        When(Given(), Row(Enrol with { AgeAtStart = 70, BirthYear = 1954 })).ThenRefused("age_outside_target_group");

    [Fact]
    public void a_person_already_active_in_the_insats_is_refused() =>
        When(Given(), Row(), alreadyActive: true).ThenRefused("already_active_in_insats");

    [Fact]
    public void a_row_whose_exit_differs_corrects_the_exit() =>
        When(Given(Enrolled, Exited), Row(exit: Exit with { ReasonCode = "flyttat", OccupationAtExit = Occupation.None }))
            .Then(new ExitCorrected(Id, new DateOnly(2024, 5, 31), "flyttat", ExitCategory.Other, MeansOfSupport.None, Occupation.None, Reason), Imported("corrected"));

    [Fact]
    public void a_row_whose_baseline_differs_corrects_the_enrolment()
    {
        var other = Baseline with { HomeKommun = "Piteå", MonthsOnSupportBefore = 12 };
        When(Given(Enrolled, Exited), Row(Enrol with { Baseline = other }, Exit))
            .Then(new EnrolmentCorrected(Id, EnrolledOn, other, Reason), Imported("corrected"));
        Assert.Equal(HistoryRowOutcome.Corrected, OutcomeOf(Row(Enrol with { Baseline = other }, Exit), Enrolled, Exited));
    }

    [Fact]
    public void a_row_that_now_has_an_exit_exits_the_recorded_participation() =>
        When(Given(Enrolled), Row(exit: Exit)).Then(Exited, Imported("corrected"));

    [Fact]
    public void an_enrolment_moved_past_the_old_exit_corrects_the_exit_first()
    {
        var later = new DateOnly(2024, 6, 3);
        var exit = Exit with { ExitedOn = new DateOnly(2024, 6, 10) };
        When(Given(Enrolled, Exited), Row(Enrol with { EnrolledOn = later }, exit)).Then(
            new ExitCorrected(Id, exit.ExitedOn, "studier", ExitCategory.Studies, MeansOfSupport.None, Occupation.Studying, Reason),
            new EnrolmentCorrected(Id, later, Baseline, Reason),
            Imported("corrected"));
    }

    [Fact]
    public void a_row_without_the_recorded_exit_is_refused_rather_than_removing_it() =>
        When(Given(Enrolled, Exited), Row()).ThenRefused("import_would_remove_exit");

    [Fact]
    public void a_row_whose_gender_differs_cannot_be_corrected() =>
        When(Given(Enrolled, Exited), Row(Enrol with { Gender = Gender.Man }, Exit)).ThenRefused("import_conflicts_with_recorded");

    [Fact]
    public void a_row_whose_consent_differs_cannot_be_corrected() =>
        When(Given(Enrolled), Row(Enrol with { Identified = false })).ThenRefused("import_conflicts_with_recorded");

    [Fact]
    public void a_participation_registered_in_error_takes_no_import() =>
        When(Given(Enrolled, new ParticipationRegisteredInError(Id, "Fel person")), Row()).ThenRefused("registered_in_error");
}
