using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.Domain.Insatser;

namespace FinsamOutcomes.Domain.Tests.Forbund;

internal static class ForbundSpec
{
    public static Outcome When(this Scenario<ForbundState> given, ForbundCommand command) =>
        given.When(state => ForbundAggregate.Decide(command, state));
}

public class ForbundTests
{
    private const string Id = "sodra-norrbotten";
    private static readonly DateOnly Formed = new(2020, 1, 1);
    private static readonly ForbundRegistered Registered = new(Id, "Samordningsförbundet Södra Norrbotten", Formed);
    private static readonly ExitReasonsSet DefaultReasons = new(Id, ForbundAggregate.DefaultExitReasons);
    private static readonly MemberJoined LuleaJoined = new(Id, "lulea", MemberKind.Kommun, "Luleå kommun", Formed);
    private static readonly MemberJoined FkJoined = new(Id, "fk", MemberKind.Fk, "Försäkringskassan", Formed);
    private static readonly AddMember AddBoden = new(Id, "boden", MemberKind.Kommun, "Bodens kommun", new DateOnly(2021, 6, 1));
    private static readonly MemberJoined BodenJoined = new(Id, "boden", MemberKind.Kommun, "Bodens kommun", new DateOnly(2021, 6, 1));
    private static readonly ForbundMergedInto MergedIntoSodra = new("pyramis", Id, Formed);

    private static readonly IReadOnlyList<ExitReasonDefinition> OwnReasons =
    [
        new("arbete", ExitCategory.Work, "Arbete", true),
        new("studier", ExitCategory.Studies, "Studier", true),
        new("aterremiss", ExitCategory.Returned, "Återremiss", false),
        new("annat", ExitCategory.Other, "Annat", false),
    ];

    private static Scenario<ForbundState> Given(params object[] events) => Spec.Given(ForbundAggregate.Initial, ForbundAggregate.Evolve, events);

    [Fact]
    public void forbund_is_registered_with_the_default_exit_reasons() =>
        Given().When(new RegisterForbund(Id, "Samordningsförbundet Södra Norrbotten", Formed)).Then(Registered, DefaultReasons);

    [Fact]
    public void the_same_registration_again_changes_nothing() =>
        Given(Registered, DefaultReasons).When(new RegisterForbund(Id, "Samordningsförbundet Södra Norrbotten", Formed)).ThenNothing();

    [Fact]
    public void a_different_registration_of_a_registered_forbund_is_refused() =>
        Given(Registered, DefaultReasons).When(new RegisterForbund(Id, "Annat namn", Formed)).ThenRefused("already_registered");

    [Fact]
    public void a_forbund_needs_a_name() =>
        Given().When(new RegisterForbund(Id, "", Formed)).ThenRefused("name_required");

    [Fact]
    public void the_default_exit_reasons_cover_the_domain_brief()
    {
        var reasons = ForbundAggregate.DefaultExitReasons;
        Assert.Equal(16, reasons.Count);
        Assert.Equal(
            ["arbete_osubventionerat", "arbete_subventionerat", "eget_foretag", "studier", "folkhogskola"],
            reasons.Where(reason => reason.Positive).Select(reason => reason.Code));
        Assert.All(reasons, reason => Assert.Equal(reason.Category is ExitCategory.Work or ExitCategory.Studies, reason.Positive));
        Assert.Equal(4, reasons.Count(reason => reason.Category == ExitCategory.Returned));
        Assert.Equal(7, reasons.Count(reason => reason.Category == ExitCategory.Other));
    }

    [Fact]
    public void the_default_exit_reasons_pass_their_own_rules() =>
        Given(Registered, new ExitReasonsSet(Id, OwnReasons)).When(new SetExitReasons(Id, ForbundAggregate.DefaultExitReasons)).Then(DefaultReasons);

    [Fact]
    public void member_joins() =>
        Given(Registered, DefaultReasons).When(AddBoden).Then(BodenJoined);

    [Fact]
    public void the_same_member_joining_again_changes_nothing() =>
        Given(Registered, DefaultReasons, BodenJoined).When(AddBoden).ThenNothing();

    [Fact]
    public void a_current_member_joining_again_with_other_data_is_refused() =>
        Given(Registered, DefaultReasons, BodenJoined).When(AddBoden with { From = new DateOnly(2021, 7, 1) }).ThenRefused("already_member");

    [Fact]
    public void a_former_member_may_join_again() =>
        Given(Registered, DefaultReasons, BodenJoined, new MemberLeft(Id, "boden", new DateOnly(2022, 12, 31)))
            .When(AddBoden with { From = new DateOnly(2024, 1, 1) })
            .Then(BodenJoined with { From = new DateOnly(2024, 1, 1) });

    [Fact]
    public void joining_before_the_forbund_was_registered_is_refused() =>
        Given(Registered, DefaultReasons).When(AddBoden with { From = Formed.AddDays(-1) }).ThenRefused("join_before_registration");

    [Fact]
    public void joining_on_the_registration_date_is_recorded() =>
        Given(Registered, DefaultReasons).When(AddBoden with { From = Formed }).Then(BodenJoined with { From = Formed });

    [Fact]
    public void a_member_needs_a_name() =>
        Given(Registered, DefaultReasons).When(AddBoden with { Name = "" }).ThenRefused("name_required");

    [Fact]
    public void a_second_current_member_of_a_single_kind_is_refused() =>
        Given(Registered, DefaultReasons, FkJoined).When(new AddMember(Id, "fk-2", MemberKind.Fk, "Försäkringskassan", Formed))
            .ThenRefused("member_kind_already_present");

    [Fact]
    public void a_second_kommun_may_join() =>
        Given(Registered, DefaultReasons, LuleaJoined).When(AddBoden).Then(BodenJoined);

    [Fact]
    public void a_new_member_of_a_single_kind_may_join_after_the_former_one_left() =>
        Given(Registered, DefaultReasons, FkJoined, new MemberLeft(Id, "fk", new DateOnly(2022, 12, 31)))
            .When(new AddMember(Id, "fk-2", MemberKind.Fk, "Försäkringskassan", new DateOnly(2023, 1, 1)))
            .Then(new MemberJoined(Id, "fk-2", MemberKind.Fk, "Försäkringskassan", new DateOnly(2023, 1, 1)));

    [Fact]
    public void a_member_joining_an_unregistered_forbund_is_refused() =>
        Given().When(AddBoden).ThenRefused("not_registered");

    [Fact]
    public void member_leaves() =>
        Given(Registered, DefaultReasons, BodenJoined).When(new RemoveMember(Id, "boden", new DateOnly(2023, 12, 31)))
            .Then(new MemberLeft(Id, "boden", new DateOnly(2023, 12, 31)));

    [Fact]
    public void the_same_leave_again_changes_nothing() =>
        Given(Registered, DefaultReasons, BodenJoined, new MemberLeft(Id, "boden", new DateOnly(2023, 12, 31)))
            .When(new RemoveMember(Id, "boden", new DateOnly(2023, 12, 31))).ThenNothing();

    [Fact]
    public void a_former_member_leaving_on_another_date_is_refused() =>
        Given(Registered, DefaultReasons, BodenJoined, new MemberLeft(Id, "boden", new DateOnly(2023, 12, 31)))
            .When(new RemoveMember(Id, "boden", new DateOnly(2024, 1, 31))).ThenRefused("not_a_member");

    [Fact]
    public void a_member_that_never_joined_cannot_leave() =>
        Given(Registered, DefaultReasons).When(new RemoveMember(Id, "boden", new DateOnly(2023, 12, 31))).ThenRefused("not_a_member");

    [Fact]
    public void leaving_before_joining_is_refused() =>
        Given(Registered, DefaultReasons, BodenJoined).When(new RemoveMember(Id, "boden", new DateOnly(2021, 5, 31))).ThenRefused("leave_before_join");

    [Fact]
    public void leaving_on_the_join_date_is_recorded() =>
        Given(Registered, DefaultReasons, BodenJoined).When(new RemoveMember(Id, "boden", new DateOnly(2021, 6, 1)))
            .Then(new MemberLeft(Id, "boden", new DateOnly(2021, 6, 1)));

    [Fact]
    public void a_member_of_a_merged_forbund_leaves_on_the_eve_of_the_merger() =>
        Given(Registered with { ForbundId = "pyramis", RegisteredOn = new DateOnly(2010, 1, 1) },
                new MemberJoined("pyramis", "lulea", MemberKind.Kommun, "Luleå kommun", new DateOnly(2010, 1, 1)), MergedIntoSodra)
            .When(new RemoveMember("pyramis", "lulea", new DateOnly(2019, 12, 31)))
            .Then(new MemberLeft("pyramis", "lulea", new DateOnly(2019, 12, 31)));

    [Fact]
    public void exit_reasons_are_set() =>
        Given(Registered, DefaultReasons).When(new SetExitReasons(Id, OwnReasons)).Then(new ExitReasonsSet(Id, OwnReasons));

    [Fact]
    public void the_same_exit_reasons_again_change_nothing() =>
        Given(Registered, new ExitReasonsSet(Id, OwnReasons)).When(new SetExitReasons(Id, [.. OwnReasons])).ThenNothing();

    [Fact]
    public void exit_reasons_of_an_unregistered_forbund_are_refused() =>
        Given().When(new SetExitReasons(Id, OwnReasons)).ThenRefused("not_registered");

    [Fact]
    public void a_duplicate_exit_reason_code_is_refused() =>
        Given(Registered, DefaultReasons).When(new SetExitReasons(Id, [.. OwnReasons, new("arbete", ExitCategory.Work, "Arbete igen", true)]))
            .ThenRefused("duplicate_exit_reason");

    [Theory]
    [InlineData("", "Tom kod")]
    [InlineData("Arbete", "Versaler")]
    [InlineData("återremiss", "Inte ASCII")]
    [InlineData("eget-foretag", "Bindestreck")]
    [InlineData("okant", " ")]
    public void an_invalid_exit_reason_is_refused(string code, string label) =>
        Given(Registered, DefaultReasons).When(new SetExitReasons(Id, [.. OwnReasons, new(code, ExitCategory.Other, label, false)]))
            .ThenRefused("invalid_exit_reason");

    [Theory]
    [InlineData(ExitCategory.Work)]
    [InlineData(ExitCategory.Studies)]
    [InlineData(ExitCategory.Returned)]
    [InlineData(ExitCategory.Other)]
    public void exit_reasons_missing_a_category_are_refused(ExitCategory missing) =>
        Given(Registered, DefaultReasons).When(new SetExitReasons(Id, [.. OwnReasons.Where(reason => reason.Category != missing)]))
            .ThenRefused("exit_category_missing");

    [Fact]
    public void forbund_merges_into_its_successor() =>
        Given(Registered with { ForbundId = "pyramis" }, DefaultReasons).When(new MergeInto("pyramis", Id, Formed)).Then(MergedIntoSodra);

    [Fact]
    public void the_same_merger_again_changes_nothing() =>
        Given(Registered with { ForbundId = "pyramis" }, MergedIntoSodra).When(new MergeInto("pyramis", Id, Formed)).ThenNothing();

    [Fact]
    public void a_forbund_that_already_merged_cannot_merge_again() =>
        Given(Registered with { ForbundId = "pyramis" }, MergedIntoSodra).When(new MergeInto("pyramis", "norrbotten", Formed)).ThenRefused("already_merged");

    [Fact]
    public void a_forbund_cannot_merge_into_itself() =>
        Given(Registered, DefaultReasons).When(new MergeInto(Id, Id, Formed)).ThenRefused("merge_into_itself");

    [Fact]
    public void an_unregistered_forbund_cannot_merge() =>
        Given().When(new MergeInto("pyramis", Id, Formed)).ThenRefused("not_registered");

    [Fact]
    public void a_merged_forbund_takes_no_new_members() =>
        Given(Registered with { ForbundId = "pyramis" }, MergedIntoSodra).When(AddBoden with { ForbundId = "pyramis" }).ThenRefused("already_merged");

    [Fact]
    public void a_merged_forbund_takes_no_new_exit_reasons() =>
        Given(Registered with { ForbundId = "pyramis" }, MergedIntoSodra).When(new SetExitReasons("pyramis", OwnReasons)).ThenRefused("already_merged");

    [Fact]
    public void successor_is_formed_by_merger_with_the_default_exit_reasons() =>
        Given().When(new FormByMerger(Id, "Samordningsförbundet Södra Norrbotten", ["pyramis", "activus", "consensus"], Formed))
            .Then(Registered, DefaultReasons, new ForbundFormedByMerger(Id, ["pyramis", "activus", "consensus"], Formed));

    [Fact]
    public void the_same_formation_again_changes_nothing() =>
        Given(Registered, DefaultReasons, new ForbundFormedByMerger(Id, ["pyramis", "activus", "consensus"], Formed))
            .When(new FormByMerger(Id, "Samordningsförbundet Södra Norrbotten", ["pyramis", "activus", "consensus"], Formed))
            .ThenNothing();

    [Fact]
    public void a_different_formation_of_a_formed_forbund_is_refused() =>
        Given(Registered, DefaultReasons, new ForbundFormedByMerger(Id, ["pyramis", "activus", "consensus"], Formed))
            .When(new FormByMerger(Id, "Samordningsförbundet Södra Norrbotten", ["pyramis", "activus"], Formed))
            .ThenRefused("already_registered");

    [Fact]
    public void formation_by_merger_of_a_registered_forbund_is_refused() =>
        Given(Registered, DefaultReasons).When(new FormByMerger(Id, "Samordningsförbundet Södra Norrbotten", ["pyramis"], Formed)).ThenRefused("already_registered");

    [Fact]
    public void a_successor_needs_a_name() =>
        Given().When(new FormByMerger(Id, " ", ["pyramis"], Formed)).ThenRefused("name_required");

    public static TheoryData<string[]> InvalidPredecessors => new()
    {
        Array.Empty<string>(),
        new[] { "pyramis", "pyramis" },
        new[] { "pyramis", Id },
    };

    [Theory]
    [MemberData(nameof(InvalidPredecessors))]
    public void invalid_predecessors_are_refused(string[] predecessors) =>
        Given().When(new FormByMerger(Id, "Södra Norrbotten", predecessors, Formed)).ThenRefused("invalid_predecessors");

    [Fact]
    public void a_member_joins_the_successor() =>
        Given(Registered, DefaultReasons, new ForbundFormedByMerger(Id, ["pyramis", "activus", "consensus"], Formed)).When(AddBoden).Then(BodenJoined);

    [Fact]
    public void unknown_events_are_ignored() =>
        Assert.Equal(ForbundAggregate.Initial, ForbundAggregate.Evolve(ForbundAggregate.Initial, new InsatsClosed("insats-1", Formed)));
}
