using System.Collections.Immutable;
using FinsamOutcomes.Domain.Common;
using static FinsamOutcomes.Domain.Common.Rules;
using static FinsamOutcomes.Domain.Forbund.ForbundState;

namespace FinsamOutcomes.Domain.Forbund;

public abstract record ForbundCommand(string ForbundId);

/// <summary>Registers a förbund with the default exit reasons.</summary>
public sealed record RegisterForbund(string ForbundId, string Name, DateOnly RegisteredOn) : ForbundCommand(ForbundId);

/// <summary>A member part joins from a date. FK, AF and the region are one each; a förbund may have several kommuner.</summary>
public sealed record AddMember(string ForbundId, string MemberId, MemberKind Kind, string Name, DateOnly From) : ForbundCommand(ForbundId);

/// <summary>A member part leaves; To is the last day of membership.</summary>
public sealed record RemoveMember(string ForbundId, string MemberId, DateOnly To) : ForbundCommand(ForbundId);

/// <summary>Replaces the förbund's whole list of exit reasons.</summary>
public sealed record SetExitReasons(string ForbundId, IReadOnlyList<ExitReasonDefinition> Reasons) : ForbundCommand(ForbundId);

/// <summary>On each predecessor's stream: the förbund continues as the successor from a date.</summary>
public sealed record MergeInto(string ForbundId, string SuccessorId, DateOnly On) : ForbundCommand(ForbundId);

/// <summary>On the successor's stream: registers the förbund formed by the merger, with the default exit reasons.</summary>
public sealed record FormByMerger(string ForbundId, string Name, IReadOnlyList<string> PredecessorIds, DateOnly On) : ForbundCommand(ForbundId);

/// <summary>
/// The förbund's gallring rule: identities are erased <paramref name="MonthsAfterEnd"/> months after the end of the
/// person's last participation or referral. The reason names the förbund's decision (its dokumenthanteringsplan).
/// </summary>
public sealed record SetRetentionRule(string ForbundId, int MonthsAfterEnd, string Reason) : ForbundCommand(ForbundId);

/// <summary>A membership; LeftOn is set once the member has left.</summary>
public sealed record Membership(MemberJoined Joined, DateOnly? LeftOn);

/// <summary>
/// The förbund as registered, its memberships by member id, its exit reasons, the merger that formed it if any, and its
/// gallring rule if one is set.
/// </summary>
public sealed record ForbundDetails(
    ForbundRegistered Registration,
    ImmutableDictionary<string, Membership> Members,
    IReadOnlyList<ExitReasonDefinition> ExitReasons,
    ForbundFormedByMerger? FormedBy,
    RetentionRuleSet? Retention = null);

public abstract record ForbundState
{
    private ForbundState()
    {
    }

    public sealed record NotRegistered : ForbundState;

    public sealed record Registered(ForbundDetails Forbund) : ForbundState;

    /// <summary>Merged into a successor: takes no new members or exit reasons; its members may still leave.</summary>
    public sealed record Merged(ForbundDetails Forbund, ForbundMergedInto MergedInto) : ForbundState;
}

/// <summary>The förbund decider (named so because the namespace is already called Forbund).</summary>
public static class ForbundAggregate
{
    public static ForbundState Initial { get; } = new NotRegistered();

    /// <summary>The longest retention a rule may set: 50 years.</summary>
    public const int MaxRetentionMonths = 600;

    /// <summary>The exit reasons a förbund starts with; every arbete and studier reason counts as positive.</summary>
    public static IReadOnlyList<ExitReasonDefinition> DefaultExitReasons { get; } =
    [
        new("arbete_osubventionerat", ExitCategory.Work, "Arbete utan stöd", true),
        new("arbete_subventionerat", ExitCategory.Work, "Subventionerad anställning", true),
        new("eget_foretag", ExitCategory.Work, "Eget företag", true),
        new("studier", ExitCategory.Studies, "Reguljära studier", true),
        new("folkhogskola", ExitCategory.Studies, "Folkhögskola", true),
        new("aterremiss_af", ExitCategory.Returned, "Återremiss till Arbetsförmedlingen", false),
        new("aterremiss_fk", ExitCategory.Returned, "Återremiss till Försäkringskassan", false),
        new("aterremiss_kommun", ExitCategory.Returned, "Återremiss till kommunen", false),
        new("aterremiss_region", ExitCategory.Returned, "Återremiss till regionen", false),
        new("flyttat", ExitCategory.Other, "Flyttat", false),
        new("ohalsa", ExitCategory.Other, "Ohälsa", false),
        new("aktivitetsersattning", ExitCategory.Other, "Aktivitetsersättning", false),
        new("daglig_sysselsattning", ExitCategory.Other, "Daglig sysselsättning", false),
        new("avbrutit", ExitCategory.Other, "Avböjt eller avbrutit", false),
        new("avliden", ExitCategory.Other, "Avliden", false),
        new("okant", ExitCategory.Other, "Okänt", false),
    ];

    public static ForbundState Evolve(ForbundState state, object @event) => (state, @event) switch
    {
        (NotRegistered, ForbundRegistered e) => new Registered(new ForbundDetails(e, ImmutableDictionary<string, Membership>.Empty, [], null)),
        (_, ExitReasonsSet e) => With(state, forbund => forbund with { ExitReasons = e.Reasons }),
        (_, RetentionRuleSet e) => With(state, forbund => forbund with { Retention = e }),
        (_, MemberJoined e) => With(state, forbund => forbund with { Members = forbund.Members.SetItem(e.MemberId, new Membership(e, null)) }),
        (_, MemberLeft e) => With(state, forbund => forbund.Members.TryGetValue(e.MemberId, out var member)
            ? forbund with { Members = forbund.Members.SetItem(e.MemberId, member with { LeftOn = e.To }) }
            : forbund),
        (Registered r, ForbundFormedByMerger e) => new Registered(r.Forbund with { FormedBy = e }),
        (Registered r, ForbundMergedInto e) => new Merged(r.Forbund, e),
        _ => state,
    };

    public static IReadOnlyList<object> Decide(ForbundCommand command, ForbundState state) => command switch
    {
        RegisterForbund c => Handle(c, state),
        FormByMerger c => Handle(c, state),
        AddMember c => Handle(c, Current(state)),
        RemoveMember c => Handle(c, Details(state)),
        SetExitReasons c => Handle(c, Current(state)),
        SetRetentionRule c => Handle(c, Current(state)),
        MergeInto c => Handle(c, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown förbund command."),
    };

    private static IReadOnlyList<object> Handle(RegisterForbund c, ForbundState state)
    {
        var registered = new ForbundRegistered(c.ForbundId, c.Name, c.RegisteredOn);
        if (state is not NotRegistered)
        {
            return Details(state).Registration == registered
                ? Nothing
                : throw AlreadyRegistered();
        }

        RequireName(c.Name);
        return [registered, new ExitReasonsSet(c.ForbundId, DefaultExitReasons)];
    }

    private static IReadOnlyList<object> Handle(FormByMerger c, ForbundState state)
    {
        if (state is not NotRegistered)
        {
            var forbund = Details(state);
            return forbund.Registration == new ForbundRegistered(c.ForbundId, c.Name, c.On)
                && forbund.FormedBy is { } formedBy
                && formedBy.PredecessorIds.SequenceEqual(c.PredecessorIds)
                ? Nothing
                : throw AlreadyRegistered();
        }

        RequireName(c.Name);
        Require(
            c.PredecessorIds.Count > 0 && c.PredecessorIds.Distinct().Count() == c.PredecessorIds.Count && !c.PredecessorIds.Contains(c.ForbundId),
            "invalid_predecessors",
            "A merger needs at least one predecessor, each named once and none the successor itself.");
        return
        [
            new ForbundRegistered(c.ForbundId, c.Name, c.On),
            new ExitReasonsSet(c.ForbundId, DefaultExitReasons),
            new ForbundFormedByMerger(c.ForbundId, c.PredecessorIds, c.On),
        ];
    }

    private static IReadOnlyList<object> Handle(AddMember c, ForbundDetails forbund)
    {
        var joined = new MemberJoined(c.ForbundId, c.MemberId, c.Kind, c.Name, c.From);
        if (forbund.Members.TryGetValue(c.MemberId, out var member) && member.LeftOn is null)
        {
            return member.Joined == joined
                ? Nothing
                : throw Refused("already_member", "The member is already a member of the förbund.");
        }

        RequireName(c.Name);
        Require(
            c.From >= forbund.Registration.RegisteredOn,
            "join_before_registration",
            "The join date lies before the förbund was registered.");
        Require(
            c.Kind == MemberKind.Kommun || !forbund.Members.Values.Any(m => m.LeftOn is null && m.Joined.Kind == c.Kind),
            "member_kind_already_present",
            "The förbund already has a current member of this kind; only kommuner can be several.");
        return [joined];
    }

    private static IReadOnlyList<object> Handle(RemoveMember c, ForbundDetails forbund)
    {
        if (!forbund.Members.TryGetValue(c.MemberId, out var member) || member.LeftOn is { } leftOn && leftOn != c.To)
        {
            throw Refused("not_a_member", "The member is not a current member of the förbund.");
        }

        if (member.LeftOn == c.To)
        {
            return Nothing;
        }

        Require(c.To >= member.Joined.From, "leave_before_join", "The leave date lies before the join date.");
        return [new MemberLeft(c.ForbundId, c.MemberId, c.To)];
    }

    private static IReadOnlyList<object> Handle(SetExitReasons c, ForbundDetails forbund)
    {
        if (forbund.ExitReasons.SequenceEqual(c.Reasons))
        {
            return Nothing;
        }

        Require(
            c.Reasons.All(reason => IsCode(reason.Code) && !string.IsNullOrWhiteSpace(reason.Label) && reason.Label.Length <= MaxTextLength),
            "invalid_exit_reason",
            "Each exit reason needs a code of lower-case ASCII letters, digits and underscores, and a label.");
        Require(
            c.Reasons.Select(reason => reason.Code).Distinct().Count() == c.Reasons.Count,
            "duplicate_exit_reason",
            "An exit reason code is listed more than once.");
        Require(
            Enum.GetValues<ExitCategory>().All(category => c.Reasons.Any(reason => reason.Category == category)),
            "exit_category_missing",
            "Each of the four exit categories needs at least one exit reason.");
        return [new ExitReasonsSet(c.ForbundId, c.Reasons)];
    }

    private static IReadOnlyList<object> Handle(SetRetentionRule c, ForbundDetails forbund)
    {
        var set = new RetentionRuleSet(c.ForbundId, c.MonthsAfterEnd, c.Reason);
        if (forbund.Retention == set)
        {
            return Nothing;
        }

        Require(
            c.MonthsAfterEnd is >= 1 and <= MaxRetentionMonths,
            "invalid_retention",
            $"The retention time must be between 1 and {MaxRetentionMonths} months.");
        RequireReason(c.Reason);
        return [set];
    }

    private static IReadOnlyList<object> Handle(MergeInto c, ForbundState state)
    {
        if (state is Merged merged)
        {
            return merged.MergedInto.SuccessorId == c.SuccessorId && merged.MergedInto.On == c.On
                ? Nothing
                : throw AlreadyMerged();
        }

        Details(state);
        Require(c.SuccessorId != c.ForbundId, "merge_into_itself", "A förbund cannot merge into itself.");
        return [new ForbundMergedInto(c.ForbundId, c.SuccessorId, c.On)];
    }

    private static bool IsCode(string code) =>
        code.Length > 0 && code.All(ch => ch is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '_');

    private static ForbundDetails Details(ForbundState state) => state switch
    {
        Registered r => r.Forbund,
        Merged m => m.Forbund,
        _ => throw Refused("not_registered", "The förbund is not registered."),
    };

    private static ForbundDetails Current(ForbundState state) =>
        state is Merged ? throw AlreadyMerged() : Details(state);

    private static ForbundState With(ForbundState state, Func<ForbundDetails, ForbundDetails> change) => state switch
    {
        Registered r => r with { Forbund = change(r.Forbund) },
        Merged m => m with { Forbund = change(m.Forbund) },
        _ => state,
    };

    private static RuleViolationException AlreadyRegistered() =>
        Refused("already_registered", "The förbund is already registered.");

    private static RuleViolationException AlreadyMerged() =>
        Refused("already_merged", "The förbund has already merged into a successor.");
}
