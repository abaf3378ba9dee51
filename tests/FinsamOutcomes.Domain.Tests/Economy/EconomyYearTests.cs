using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Economy;

namespace FinsamOutcomes.Domain.Tests.Economy;

internal static class EconomySpec
{
    public static readonly IReadOnlySet<string> Insatser = new HashSet<string>(StringComparer.Ordinal) { "moa", "team" };

    public static Outcome When(this Scenario<EconomyYearState> given, EconomyCommand command) =>
        given.When(state => EconomyYear.Decide(command, state, Insatser));
}

public class EconomyYearTests
{
    private const string F = "sodra";
    private const int Y = 2025;
    private static readonly BudgetLine Admin = new(LineType.Administration, null, "Kansli och styrelse", 600_000m);
    private static readonly BudgetLine Moa = new(LineType.InsatsCost, "moa", "MoA", 2_400_000m, 40);
    private static readonly BudgetLine Income = new(LineType.MemberContributions, null, "Medlemsbidrag", 3_800_000m);
    private static readonly BudgetSet Adopted = new(F, Y, 1, new DateOnly(2024, 11, 20), "Styrelsen antog budget 2025", [Income, Admin, Moa]);
    private static readonly ContributionRecorded Fk = new(F, Y, "fk", MemberKind.Fk, "Försäkringskassan", 1_900_000m);
    private static readonly OutcomeRecorded March = new(F, Y, "o1", 3, null, LineType.InsatsCost, "moa", "5410", "Lön", 180_000m, "manual", null, null);
    private static readonly YearClosed Closed = new(F, Y, new DateOnly(2026, 2, 15), 1_900_000m, 180_000m, 1_720_000m, 500_000m, 2_220_000m);

    private static Scenario<EconomyYearState> Given(params object[] events) => Spec.Given(EconomyYear.Initial, EconomyYear.Evolve, events);

    [Fact]
    public void a_contribution_is_recorded() =>
        Given().When(new RecordContribution(F, Y, "fk", MemberKind.Fk, "Försäkringskassan", 1_900_000m)).Then(Fk);

    [Fact]
    public void the_same_contribution_again_changes_nothing() =>
        Given(Fk).When(new RecordContribution(F, Y, "fk", MemberKind.Fk, "Försäkringskassan", 1_900_000m)).ThenNothing();

    [Fact]
    public void a_changed_contribution_replaces_the_amount() =>
        Given(Fk).When(new RecordContribution(F, Y, "fk", MemberKind.Fk, "Försäkringskassan", 2_000_000m))
            .Then(new ContributionRecorded(F, Y, "fk", MemberKind.Fk, "Försäkringskassan", 2_000_000m));

    [Fact]
    public void a_negative_contribution_is_refused() =>
        Given().When(new RecordContribution(F, Y, "fk", MemberKind.Fk, "Försäkringskassan", -1m)).ThenRefused("negative_amount");

    [Fact]
    public void amounts_below_ore_are_refused() =>
        Given().When(new RecordContribution(F, Y, "fk", MemberKind.Fk, "Försäkringskassan", 10.005m)).ThenRefused("invalid_amount");

    [Fact]
    public void the_first_budget_is_revision_one() =>
        Given().When(new SetBudget(F, Y, new DateOnly(2024, 11, 20), "Styrelsen antog budget 2025", [Income, Admin, Moa])).Then(Adopted);

    [Fact]
    public void a_revision_keeps_the_first_and_is_numbered_two() =>
        Given(Adopted).When(new SetBudget(F, Y, new DateOnly(2025, 6, 10), "Reviderad: MoA utökas", [Income, Admin, Moa with { Amount = 2_600_000m }]))
            .Then(new BudgetSet(F, Y, 2, new DateOnly(2025, 6, 10), "Reviderad: MoA utökas", [Income, Admin, Moa with { Amount = 2_600_000m }]));

    [Fact]
    public void the_current_budget_again_changes_nothing() =>
        Given(Adopted).When(new SetBudget(F, Y, new DateOnly(2024, 11, 20), "Styrelsen antog budget 2025", [Income, Admin, Moa])).ThenNothing();

    [Fact]
    public void a_revision_dated_before_the_budget_it_revises_is_refused() =>
        Given(Adopted).When(new SetBudget(F, Y, new DateOnly(2024, 10, 1), "Tidigare", [Admin])).ThenRefused("revision_before_budget");

    [Fact]
    public void an_insats_line_needs_an_insats_of_the_forbund() =>
        Given().When(new SetBudget(F, Y, new DateOnly(2025, 1, 1), "Budget", [new BudgetLine(LineType.InsatsCost, "other", "X", 1m)])).ThenRefused("unknown_insats");

    [Fact]
    public void an_administration_line_names_no_insats() =>
        Given().When(new SetBudget(F, Y, new DateOnly(2025, 1, 1), "Budget", [new BudgetLine(LineType.Administration, "moa", "X", 1m)])).ThenRefused("insats_not_allowed");

    [Fact]
    public void budgeted_participants_belong_to_insats_lines() =>
        Given().When(new SetBudget(F, Y, new DateOnly(2025, 1, 1), "Budget", [Admin with { PlannedParticipants = 3 }])).ThenRefused("invalid_planned_participants");

    [Fact]
    public void a_budget_adopted_two_years_early_is_refused() =>
        Given().When(new SetBudget(F, Y, new DateOnly(2023, 1, 1), "Budget", [Admin])).ThenRefused("budget_date_outside_year");

    [Fact]
    public void a_monthly_outcome_is_recorded() =>
        Given().When(new RecordOutcome(F, Y, "o1", 3, null, LineType.InsatsCost, "moa", "5410", "Lön", 180_000m)).Then(March);

    [Fact]
    public void the_same_outcome_again_changes_nothing() =>
        Given(March).When(new RecordOutcome(F, Y, "o1", 3, null, LineType.InsatsCost, "moa", "5410", "Lön", 180_000m)).ThenNothing();

    [Fact]
    public void another_outcome_under_a_used_entry_id_is_refused() =>
        Given(March).When(new RecordOutcome(F, Y, "o1", 4, null, LineType.InsatsCost, "moa", "5410", "Lön", 1m)).ThenRefused("outcome_exists");

    [Fact]
    public void an_outcome_is_for_a_month_or_a_tertial_not_both() =>
        Given().When(new RecordOutcome(F, Y, "o2", 3, 1, LineType.Administration, null, "6420", "Revision", 1m)).ThenRefused("invalid_outcome_period");

    [Fact]
    public void income_is_not_an_outcome() =>
        Given().When(new RecordOutcome(F, Y, "o2", null, 1, LineType.OtherIncome, null, "3010", "ESF", 1m)).ThenRefused("income_as_outcome");

    [Fact]
    public void a_correction_changes_the_amount_with_a_reason() =>
        Given(March).When(new CorrectOutcome(F, Y, "o1", 170_000m, "Felkonterad lön")).Then(new OutcomeCorrected(F, Y, "o1", 170_000m, "Felkonterad lön"));

    [Fact]
    public void a_correction_to_the_same_amount_changes_nothing() =>
        Given(March).When(new CorrectOutcome(F, Y, "o1", 180_000m, "Ingen ändring")).ThenNothing();

    [Fact]
    public void a_correction_of_an_unknown_entry_is_refused() =>
        Given().When(new CorrectOutcome(F, Y, "nope", 1m, "x")).ThenRefused("unknown_outcome");

    [Fact]
    public void an_import_records_its_entries_and_itself_once()
    {
        var entry = new OutcomeRecorded(F, Y, "import-abc-row-2", 1, null, LineType.Administration, null, "6420", "Konto 6420", 25_000m, "import", "import-abc", 2);
        var import = new ImportAccounting(F, Y, "import-abc", "jan.csv", 2, [entry], [3]);
        Given().When(import).Then(entry, new AccountingImported(F, Y, "import-abc", "jan.csv", 2, 1, [3]));
        Given(entry, new AccountingImported(F, Y, "import-abc", "jan.csv", 2, 1, [3])).When(import).ThenNothing();
    }

    [Fact]
    public void closing_computes_result_and_closing_equity_from_what_was_recorded() =>
        Given(Fk, March, new OpeningEquitySet(F, Y, 500_000m)).When(new CloseYear(F, Y, new DateOnly(2026, 2, 15), null)).Then(Closed);

    [Fact]
    public void closing_takes_the_previous_years_closing_equity_when_no_opening_is_set() =>
        Given(Fk, March).When(new CloseYear(F, Y, new DateOnly(2026, 2, 15), 500_000m)).Then(Closed);

    [Fact]
    public void closing_without_opening_equity_is_refused() =>
        Given(Fk).When(new CloseYear(F, Y, new DateOnly(2026, 2, 15), null)).ThenRefused("opening_equity_missing");

    [Fact]
    public void a_year_is_closed_after_it_ends() =>
        Given(new OpeningEquitySet(F, Y, 0m)).When(new CloseYear(F, Y, new DateOnly(2025, 12, 31), null)).ThenRefused("close_before_year_end");

    [Fact]
    public void closing_again_on_the_same_date_changes_nothing() =>
        Given(Fk, March, Closed).When(new CloseYear(F, Y, new DateOnly(2026, 2, 15), null)).ThenNothing();

    [Fact]
    public void nothing_is_recorded_in_a_closed_year() =>
        Given(Fk, March, Closed).When(new CorrectOutcome(F, Y, "o1", 1m, "Sent")).ThenRefused("year_closed");

    [Fact]
    public void cost_centres_map_to_administration_or_an_insats_of_the_forbund()
    {
        var mappings = new[] { new CostCentreTarget("100 Kansli", LineType.Administration, null), new CostCentreTarget("210", LineType.InsatsCost, "moa") };
        Assert.Equal([new CostCentresSet(F, mappings)], CostCentreMapping.Decide(F, mappings, [], EconomySpec.Insatser).Cast<CostCentresSet>().Select(s => s with { Mappings = s.Mappings.ToArray() }).ToArray(),
            new SetComparer());
        Assert.Empty(CostCentreMapping.Decide(F, mappings, mappings, EconomySpec.Insatser));
        var refusal = Assert.Throws<RuleViolationException>(() => CostCentreMapping.Decide(F, [new CostCentreTarget("210", LineType.InsatsCost, "x")], [], EconomySpec.Insatser));
        Assert.Equal("unknown_insats", refusal.Code);
        var duplicate = Assert.Throws<RuleViolationException>(() => CostCentreMapping.Decide(F, [mappings[1], mappings[1] with { InsatsId = "team" }], [], EconomySpec.Insatser));
        Assert.Equal("duplicate_cost_centre", duplicate.Code);
    }

    private sealed class SetComparer : IEqualityComparer<CostCentresSet>
    {
        public bool Equals(CostCentresSet? x, CostCentresSet? y) => x!.ForbundId == y!.ForbundId && x.Mappings.SequenceEqual(y.Mappings);

        public int GetHashCode(CostCentresSet obj) => obj.ForbundId.GetHashCode(StringComparison.Ordinal);
    }
}
