using FinsamOutcomes.Domain.Beredningsgrupper;

namespace FinsamOutcomes.Domain.Tests.Beredningsgrupper;

internal static class BeredningsgruppSpec
{
    public static Outcome When(this Scenario<BeredningsgruppState> given, BeredningsgruppCommand command) =>
        given.When(state => Beredningsgrupp.Decide(command, state));
}

public class BeredningsgruppTests
{
    private const string Id = "bg-1";
    private static readonly RegisterBeredningsgrupp Register = new(Id, "forbund-1", "Beredningsgrupp Luleå", ["insats-1", "insats-2"], 4);
    private static readonly BeredningsgruppRegistered Registered = new(Id, "forbund-1", "Beredningsgrupp Luleå", ["insats-1", "insats-2"], 4);

    private static Scenario<BeredningsgruppState> Given(params object[] events) =>
        Spec.Given(Beredningsgrupp.Initial, Beredningsgrupp.Evolve, events);

    [Fact]
    public void beredningsgrupp_is_registered() =>
        Given().When(Register).Then(Registered);

    [Fact]
    public void the_same_registration_again_changes_nothing() =>
        Given(Registered).When(Register with { InsatsIds = ["insats-1", "insats-2"] }).ThenNothing();

    [Fact]
    public void the_same_registration_after_a_change_changes_nothing() =>
        Given(Registered, new BeredningsgruppChanged(Id, ["insats-3"], 8)).When(Register).ThenNothing();

    [Fact]
    public void a_different_registration_of_a_registered_beredningsgrupp_is_refused() =>
        Given(Registered).When(Register with { WeeklyIntakeCap = 8 }).ThenRefused("already_registered");

    [Fact]
    public void a_beredningsgrupp_needs_a_name() =>
        Given().When(Register with { Name = " " }).ThenRefused("name_required");

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void an_intake_cap_below_one_is_refused(int cap) =>
        Given().When(Register with { WeeklyIntakeCap = cap }).ThenRefused("invalid_intake_cap");

    [Fact]
    public void an_intake_cap_of_one_is_registered() =>
        Given().When(Register with { WeeklyIntakeCap = 1 }).Then(Registered with { WeeklyIntakeCap = 1 });

    [Fact]
    public void a_beredningsgrupp_without_insatser_is_refused() =>
        Given().When(Register with { InsatsIds = [] }).ThenRefused("insats_required");

    [Fact]
    public void an_insats_listed_twice_is_refused() =>
        Given().When(Register with { InsatsIds = ["insats-1", "insats-1"] }).ThenRefused("duplicate_insats");

    [Fact]
    public void beredningsgrupp_is_changed() =>
        Given(Registered).When(new ChangeBeredningsgrupp(Id, ["insats-1"], 8)).Then(new BeredningsgruppChanged(Id, ["insats-1"], 8));

    [Fact]
    public void a_change_to_the_current_insatser_and_cap_changes_nothing() =>
        Given(Registered).When(new ChangeBeredningsgrupp(Id, ["insats-1", "insats-2"], 4)).ThenNothing();

    [Fact]
    public void the_same_change_again_changes_nothing() =>
        Given(Registered, new BeredningsgruppChanged(Id, ["insats-1"], 8)).When(new ChangeBeredningsgrupp(Id, ["insats-1"], 8)).ThenNothing();

    [Fact]
    public void change_of_an_unregistered_beredningsgrupp_is_refused() =>
        Given().When(new ChangeBeredningsgrupp(Id, ["insats-1"], 8)).ThenRefused("not_registered");

    [Fact]
    public void change_to_a_cap_below_one_is_refused() =>
        Given(Registered).When(new ChangeBeredningsgrupp(Id, ["insats-1"], 0)).ThenRefused("invalid_intake_cap");

    [Fact]
    public void change_to_no_insatser_is_refused() =>
        Given(Registered).When(new ChangeBeredningsgrupp(Id, [], 4)).ThenRefused("insats_required");

    [Fact]
    public void change_to_an_insats_listed_twice_is_refused() =>
        Given(Registered).When(new ChangeBeredningsgrupp(Id, ["insats-3", "insats-3"], 4)).ThenRefused("duplicate_insats");

    [Fact]
    public void a_change_before_registration_is_ignored() =>
        Assert.Equal(Beredningsgrupp.Initial, Beredningsgrupp.Evolve(Beredningsgrupp.Initial, new BeredningsgruppChanged(Id, ["insats-1"], 8)));
}
