using FinsamOutcomes.Domain.Forbund;

namespace FinsamOutcomes.Domain.Tests.Forbund;

/// <summary>The förbund's gallring rule: how many months after the end of a person's last participation or referral their identity is erased.</summary>
public class RetentionRuleTests
{
    private const string Id = "sodra-norrbotten";
    private const string Plan = "Dokumenthanteringsplan 2025 §4";
    private static readonly DateOnly Formed = new(2020, 1, 1);
    private static readonly ForbundRegistered Registered = new(Id, "Samordningsförbundet Södra Norrbotten", Formed);
    private static readonly ExitReasonsSet DefaultReasons = new(Id, ForbundAggregate.DefaultExitReasons);
    private static readonly RetentionRuleSet TwoYears = new(Id, 24, Plan);

    private static Scenario<ForbundState> Given(params object[] events) => Spec.Given(ForbundAggregate.Initial, ForbundAggregate.Evolve, events);

    [Fact]
    public void the_forbund_sets_its_retention_rule() =>
        Given(Registered, DefaultReasons).When(new SetRetentionRule(Id, 24, Plan)).Then(TwoYears);

    [Fact]
    public void the_same_rule_again_changes_nothing() =>
        Given(Registered, DefaultReasons, TwoYears).When(new SetRetentionRule(Id, 24, Plan)).ThenNothing();

    [Fact]
    public void a_new_time_replaces_the_rule() =>
        Given(Registered, DefaultReasons, TwoYears).When(new SetRetentionRule(Id, 36, "Dokumenthanteringsplan 2026 §4"))
            .Then(new RetentionRuleSet(Id, 36, "Dokumenthanteringsplan 2026 §4"));

    [Fact]
    public void the_same_time_with_a_new_reason_is_recorded_so_the_reason_is_not_lost() =>
        Given(Registered, DefaultReasons, TwoYears).When(new SetRetentionRule(Id, 24, "Dokumenthanteringsplan 2026 §4"))
            .Then(new RetentionRuleSet(Id, 24, "Dokumenthanteringsplan 2026 §4"));

    [Theory]
    [InlineData(0)]
    [InlineData(-12)]
    [InlineData(601)]
    public void a_retention_time_outside_1_to_600_months_is_refused(int months) =>
        Given(Registered, DefaultReasons).When(new SetRetentionRule(Id, months, Plan)).ThenRefused("invalid_retention");

    [Theory]
    [InlineData(1)]
    [InlineData(600)]
    public void the_bounds_are_allowed(int months) =>
        Given(Registered, DefaultReasons).When(new SetRetentionRule(Id, months, Plan)).Then(new RetentionRuleSet(Id, months, Plan));

    [Fact]
    public void a_rule_needs_a_reason() =>
        Given(Registered, DefaultReasons).When(new SetRetentionRule(Id, 24, " ")).ThenRefused("reason_required");

    [Fact]
    public void an_unregistered_forbund_has_no_rule() =>
        Given().When(new SetRetentionRule(Id, 24, Plan)).ThenRefused("not_registered");

    [Fact]
    public void a_merged_forbund_takes_no_rule_its_successors_rule_applies() =>
        Given(Registered, DefaultReasons, new ForbundMergedInto(Id, "norrbotten", new DateOnly(2025, 1, 1)))
            .When(new SetRetentionRule(Id, 24, Plan)).ThenRefused("already_merged");

    [Fact]
    public void the_rule_is_part_of_the_state()
    {
        var state = Given(Registered, DefaultReasons, TwoYears, new RetentionRuleSet(Id, 36, "Ny plan")).State;
        var registered = Assert.IsType<ForbundState.Registered>(state);
        Assert.Equal(new RetentionRuleSet(Id, 36, "Ny plan"), registered.Forbund.Retention);
    }

    [Fact]
    public void a_forbund_starts_without_a_rule()
    {
        var registered = Assert.IsType<ForbundState.Registered>(Given(Registered, DefaultReasons).State);
        Assert.Null(registered.Forbund.Retention);
    }
}
