using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.Domain.Insatser;

namespace FinsamOutcomes.Domain.Tests.Insatser;

internal static class InsatsSpec
{
    public static readonly DateOnly Today = new(2024, 6, 15);

    public static Outcome When(this Scenario<InsatsState> given, InsatsCommand command, DateOnly? today = null) =>
        given.When(state => Insats.Decide(command, state, today ?? Today));
}

public class InsatsTests
{
    private const string Id = "insats-1";
    private static readonly DateOnly Today = InsatsSpec.Today;
    private static readonly DateOnly Start = new(2024, 1, 1);
    private static readonly DateOnly End = new(2025, 12, 31);
    private static readonly TargetGroup TargetGroup = new(16, 64, "Långt från arbetsmarknaden");

    private static readonly RegisterInsats Register = new(
        Id, "forbund-1", "Samverkansteam", "Team för personer långt från arbetsmarknaden", InsatsKind.Individual, ["Luleå", "Boden"],
        Start, End, TargetGroup, FollowUpMode.PerPersonIdentified, 160);

    private static readonly InsatsRegistered Registered = new(
        Id, "forbund-1", "Samverkansteam", "Team för personer långt från arbetsmarknaden", InsatsKind.Individual, ["Luleå", "Boden"],
        Start, End, TargetGroup, FollowUpMode.PerPersonIdentified, 160);

    private static readonly InsatsRegistered HeadCountRegistered = Registered with
    {
        Name = "Utbildningsdag",
        Kind = InsatsKind.Structural,
        FollowUp = FollowUpMode.HeadCount,
        PlannedParticipantsPerYear = null,
    };

    private static readonly SetGoal Goal = new(Id, "goal-1", GoalMetric.ShareExitsToWorkOrStudies, GoalComparison.AtLeast, 40, GoalPeriod.Year, "Minst 40 % till arbete eller studier");
    private static readonly InsatsGoalSet GoalSet = new(Id, "goal-1", GoalMetric.ShareExitsToWorkOrStudies, GoalComparison.AtLeast, 40, GoalPeriod.Year, "Minst 40 % till arbete eller studier");
    private static readonly RecordOccurrence Occurrence = new(Id, "occ-1", new DateOnly(2024, 5, 2), "Utbildningsdag", 12, 7, 1, 0);
    private static readonly OccurrenceRecorded OccurrenceRecorded = new(Id, "occ-1", new DateOnly(2024, 5, 2), "Utbildningsdag", 12, 7, 1, 0);

    private static Scenario<InsatsState> Given(params object[] events) => Spec.Given(Insats.Initial, Insats.Evolve, events);

    [Fact]
    public void insats_is_registered() =>
        Given().When(Register).Then(Registered);

    [Fact]
    public void the_same_registration_again_changes_nothing() =>
        Given(Registered).When(Register with { Kommuner = ["Luleå", "Boden"] }).ThenNothing();

    [Fact]
    public void a_different_registration_of_a_registered_insats_is_refused() =>
        Given(Registered).When(Register with { Kommuner = ["Luleå"] }).ThenRefused("already_registered");

    [Fact]
    public void an_insats_without_end_date_is_registered() =>
        Given().When(Register with { EndDate = null }).Then(Registered with { EndDate = null });

    [Fact]
    public void an_insats_needs_a_name() =>
        Given().When(Register with { Name = "" }).ThenRefused("name_required");

    [Fact]
    public void an_insats_needs_a_kommun() =>
        Given().When(Register with { Kommuner = [] }).ThenRefused("kommun_required");

    [Fact]
    public void an_end_date_before_the_start_is_refused() =>
        Given().When(Register with { EndDate = Start.AddDays(-1) }).ThenRefused("end_before_start");

    [Fact]
    public void an_insats_of_one_day_is_registered() =>
        Given().When(Register with { EndDate = Start }).Then(Registered with { EndDate = Start });

    [Theory]
    [InlineData(30, 29)]
    [InlineData(-1, 29)]
    [InlineData(16, 121)]
    public void an_impossible_target_group_is_refused(int min, int max) =>
        Given().When(Register with { TargetGroup = TargetGroup with { MinAge = min, MaxAge = max } }).ThenRefused("invalid_target_group");

    [Fact]
    public void a_target_group_of_a_single_age_is_registered() =>
        Given().When(Register with { TargetGroup = TargetGroup with { MinAge = 20, MaxAge = 20 } })
            .Then(Registered with { TargetGroup = TargetGroup with { MinAge = 20, MaxAge = 20 } });

    [Theory]
    [InlineData(FollowUpMode.PerPersonIdentified)]
    [InlineData(FollowUpMode.PerPersonAnonymous)]
    public void a_structural_insats_followed_up_per_person_is_refused(FollowUpMode followUp) =>
        Given().When(Register with { Kind = InsatsKind.Structural, FollowUp = followUp }).ThenRefused("structural_insats_needs_head_count");

    [Fact]
    public void a_structural_insats_followed_up_by_head_count_is_registered() =>
        Given().When(Register with { Kind = InsatsKind.Structural, FollowUp = FollowUpMode.HeadCount })
            .Then(Registered with { Kind = InsatsKind.Structural, FollowUp = FollowUpMode.HeadCount });

    [Fact]
    public void an_individual_insats_followed_up_by_head_count_is_registered() =>
        Given().When(Register with { FollowUp = FollowUpMode.HeadCount }).Then(Registered with { FollowUp = FollowUpMode.HeadCount });

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void a_planned_number_of_participants_below_one_is_refused(int planned) =>
        Given().When(Register with { PlannedParticipantsPerYear = planned }).ThenRefused("invalid_planned_participants");

    [Fact]
    public void goal_is_set() =>
        Given(Registered).When(Goal).Then(GoalSet);

    [Fact]
    public void the_same_goal_again_changes_nothing() =>
        Given(Registered, GoalSet).When(Goal).ThenNothing();

    [Fact]
    public void a_changed_goal_replaces_it() =>
        Given(Registered, GoalSet).When(Goal with { Threshold = 50 }).Then(GoalSet with { Threshold = 50 });

    [Fact]
    public void goal_of_an_unregistered_insats_is_refused() =>
        Given().When(Goal).ThenRefused("not_registered");

    [Fact]
    public void goal_of_a_head_count_insats_is_refused() =>
        Given(HeadCountRegistered).When(Goal).ThenRefused("insats_has_no_participants");

    [Theory]
    [InlineData(GoalMetric.ShareExitsToWorkOrStudies, -1)]
    [InlineData(GoalMetric.SharePositiveOutcome, 100.5)]
    [InlineData(GoalMetric.ShareFirstActivityWithin30Days, 101)]
    [InlineData(GoalMetric.NewParticipants, -1)]
    [InlineData(GoalMetric.ActiveParticipants, 10.5)]
    public void an_impossible_threshold_is_refused(GoalMetric metric, double threshold) =>
        Given(Registered).When(Goal with { Metric = metric, Threshold = (decimal)threshold }).ThenRefused("invalid_goal_threshold");

    [Theory]
    [InlineData(GoalMetric.ShareExitsToWorkOrStudies, 0)]
    [InlineData(GoalMetric.SharePositiveOutcome, 100)]
    [InlineData(GoalMetric.ShareFirstActivityWithin30Days, 50.5)]
    [InlineData(GoalMetric.NewParticipants, 160)]
    [InlineData(GoalMetric.ActiveParticipants, 0)]
    public void a_possible_threshold_is_set(GoalMetric metric, double threshold) =>
        Given(Registered).When(Goal with { Metric = metric, Threshold = (decimal)threshold })
            .Then(GoalSet with { Metric = metric, Threshold = (decimal)threshold });

    [Fact]
    public void goal_is_removed() =>
        Given(Registered, GoalSet).When(new RemoveGoal(Id, "goal-1")).Then(new InsatsGoalRemoved(Id, "goal-1"));

    [Fact]
    public void removing_a_removed_goal_changes_nothing() =>
        Given(Registered, GoalSet, new InsatsGoalRemoved(Id, "goal-1")).When(new RemoveGoal(Id, "goal-1")).ThenNothing();

    [Fact]
    public void goal_removal_of_an_unregistered_insats_is_refused() =>
        Given().When(new RemoveGoal(Id, "goal-1")).ThenRefused("not_registered");

    [Fact]
    public void insats_is_closed() =>
        Given(Registered).When(new CloseInsats(Id, new DateOnly(2024, 6, 30))).Then(new InsatsClosed(Id, new DateOnly(2024, 6, 30)));

    [Fact]
    public void closing_a_closed_insats_on_the_same_date_changes_nothing() =>
        Given(Registered, new InsatsClosed(Id, new DateOnly(2024, 6, 30))).When(new CloseInsats(Id, new DateOnly(2024, 6, 30))).ThenNothing();

    [Fact]
    public void closing_a_closed_insats_on_another_date_is_refused() =>
        Given(Registered, new InsatsClosed(Id, new DateOnly(2024, 6, 30))).When(new CloseInsats(Id, new DateOnly(2024, 7, 31))).ThenRefused("already_closed");

    [Fact]
    public void closing_before_the_start_is_refused() =>
        Given(Registered).When(new CloseInsats(Id, Start.AddDays(-1))).ThenRefused("close_before_start");

    [Fact]
    public void closing_on_the_start_date_is_recorded() =>
        Given(Registered).When(new CloseInsats(Id, Start)).Then(new InsatsClosed(Id, Start));

    [Fact]
    public void closing_an_unregistered_insats_is_refused() =>
        Given().When(new CloseInsats(Id, Start)).ThenRefused("not_registered");

    [Fact]
    public void a_goal_can_be_set_on_a_closed_insats() =>
        Given(Registered, new InsatsClosed(Id, Start)).When(Goal).Then(GoalSet);

    [Fact]
    public void insats_is_transferred_from_its_current_forbund() =>
        Given(Registered).When(new TransferInsats(Id, "forbund-2", new DateOnly(2024, 1, 1)))
            .Then(new InsatsTransferred(Id, "forbund-1", "forbund-2", new DateOnly(2024, 1, 1)));

    [Fact]
    public void the_same_transfer_again_changes_nothing() =>
        Given(Registered, new InsatsTransferred(Id, "forbund-1", "forbund-2", Start)).When(new TransferInsats(Id, "forbund-2", Start)).ThenNothing();

    [Fact]
    public void transfer_to_its_own_forbund_is_refused() =>
        Given(Registered).When(new TransferInsats(Id, "forbund-1", Start)).ThenRefused("same_forbund");

    [Fact]
    public void transfer_to_the_current_forbund_on_another_date_is_refused() =>
        Given(Registered, new InsatsTransferred(Id, "forbund-1", "forbund-2", Start)).When(new TransferInsats(Id, "forbund-2", Today)).ThenRefused("same_forbund");

    [Fact]
    public void a_transferred_insats_is_transferred_on_from_its_new_forbund() =>
        Given(Registered, new InsatsTransferred(Id, "forbund-1", "forbund-2", Start)).When(new TransferInsats(Id, "forbund-3", Today))
            .Then(new InsatsTransferred(Id, "forbund-2", "forbund-3", Today));

    [Fact]
    public void transfer_of_an_unregistered_insats_is_refused() =>
        Given().When(new TransferInsats(Id, "forbund-2", Start)).ThenRefused("not_registered");

    [Fact]
    public void occurrence_is_recorded() =>
        Given(HeadCountRegistered).When(Occurrence).Then(OccurrenceRecorded);

    [Fact]
    public void the_same_occurrence_again_changes_nothing() =>
        Given(HeadCountRegistered, OccurrenceRecorded).When(Occurrence).ThenNothing();

    [Fact]
    public void another_occurrence_under_a_recorded_occurrence_id_is_refused() =>
        Given(HeadCountRegistered, OccurrenceRecorded).When(Occurrence with { Women = 13 }).ThenRefused("occurrence_already_recorded");

    [Fact]
    public void occurrence_of_an_insats_followed_up_per_person_is_refused() =>
        Given(Registered).When(Occurrence).ThenRefused("insats_not_head_count");

    [Fact]
    public void occurrence_of_an_unregistered_insats_is_refused() =>
        Given().When(Occurrence).ThenRefused("not_registered");

    [Theory]
    [InlineData(-1, 5, 0, 0)]
    [InlineData(5, -1, 0, 0)]
    [InlineData(5, 0, -1, 0)]
    [InlineData(5, 0, 0, -1)]
    [InlineData(0, 0, 0, 0)]
    public void impossible_attendance_is_refused(int women, int men, int nonBinary, int notStated) =>
        Given(HeadCountRegistered).When(Occurrence with { Women = women, Men = men, NonBinary = nonBinary, NotStated = notStated })
            .ThenRefused("invalid_attendance");

    [Fact]
    public void an_occurrence_with_a_single_attendee_is_recorded() =>
        Given(HeadCountRegistered).When(Occurrence with { Women = 0, Men = 0, NonBinary = 0, NotStated = 1 })
            .Then(OccurrenceRecorded with { Women = 0, Men = 0, NonBinary = 0, NotStated = 1 });

    [Theory]
    [InlineData(2023, 12, 31)]
    [InlineData(2026, 1, 1)]
    public void occurrence_outside_the_insats_period_is_refused(int year, int month, int day) =>
        Given(HeadCountRegistered).When(Occurrence with { On = new DateOnly(year, month, day) }, today: new DateOnly(2026, 6, 1))
            .ThenRefused("outside_insats_period");

    [Fact]
    public void occurrence_on_the_first_day_is_recorded() =>
        Given(HeadCountRegistered).When(Occurrence with { On = Start }).Then(OccurrenceRecorded with { On = Start });

    [Fact]
    public void occurrence_on_the_last_day_is_recorded() =>
        Given(HeadCountRegistered).When(Occurrence with { On = End }, today: End).Then(OccurrenceRecorded with { On = End });

    [Fact]
    public void occurrence_in_the_future_is_refused() =>
        Given(HeadCountRegistered).When(Occurrence with { On = Today.AddDays(1) }).ThenRefused("date_in_future");

    [Fact]
    public void unknown_events_are_ignored() =>
        Assert.Equal(Insats.Initial, Insats.Evolve(Insats.Initial, new ForbundRegistered("forbund-1", "F", Start)));
}
