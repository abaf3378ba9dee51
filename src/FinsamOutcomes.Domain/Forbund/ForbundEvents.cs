using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Domain.Forbund;

// Stream: forbund-{ForbundId}

/// <summary>forbund.registered.v1: a samordningsförbund is registered.</summary>
public sealed record ForbundRegistered(string ForbundId, string Name, DateOnly RegisteredOn);

/// <summary>forbund.member_joined.v1: a member part joins (FK, AF, a region, a kommun) from a date.</summary>
public sealed record MemberJoined(string ForbundId, string MemberId, MemberKind Kind, string Name, DateOnly From);

/// <summary>forbund.member_left.v1: a member part leaves; the last day of membership.</summary>
public sealed record MemberLeft(string ForbundId, string MemberId, DateOnly To);

/// <summary>One exit reason of a förbund's list: a code under one of the four fixed categories.</summary>
public sealed record ExitReasonDefinition(string Code, ExitCategory Category, string Label, bool Positive);

/// <summary>forbund.exit_reasons_set.v1: the förbund's whole list of exit reasons and which count as positive.</summary>
public sealed record ExitReasonsSet(string ForbundId, IReadOnlyList<ExitReasonDefinition> Reasons);

/// <summary>forbund.merged_into.v1 (on each predecessor's stream): the förbund continues as the successor from a date.</summary>
public sealed record ForbundMergedInto(string ForbundId, string SuccessorId, DateOnly On);

/// <summary>forbund.formed_by_merger.v1 (on the successor's stream): which förbund it was formed from, and when.</summary>
public sealed record ForbundFormedByMerger(string ForbundId, IReadOnlyList<string> PredecessorIds, DateOnly On);

/// <summary>
/// forbund.retention_rule_set.v1: the förbund's gallring rule from its dokumenthanteringsplan. A participant's identity is
/// erased once this many months have passed since the end of the last of their participations and referrals.
/// </summary>
public sealed record RetentionRuleSet(string ForbundId, int MonthsAfterEnd, string Reason);
