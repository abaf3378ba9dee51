namespace FinsamOutcomes.Api.Features.Statistics.Projection;

/// <summary>
/// A versioned table of the statistics schema (migration 0200): its key columns and the columns derived
/// from other tables, which are recomputed for every new version of a row (<see cref="FactBatch"/> says how).
/// </summary>
internal sealed record FactTable(string Name, IReadOnlyList<string> Key, IReadOnlyList<string> Derived)
{
    public static FactTable Forbund { get; } = new("stats_forbund", ["forbund_id"], []);

    public static FactTable ExitReasons { get; } = new("stats_exit_reasons", ["forbund_id", "code"], []);

    public static FactTable Mergers { get; } = new("stats_forbund_mergers", ["predecessor_id"], []);

    public static FactTable Insatser { get; } = new("stats_insatser", ["insats_id"], []);

    public static FactTable Transfers { get; } = new("stats_insats_transfers", ["insats_id", "transferred_on"], []);

    public static FactTable Goals { get; } = new("stats_insats_goals", ["insats_id", "goal_id"], []);

    public static FactTable Beredningsgrupper { get; } = new("stats_beredningsgrupper", ["beredningsgrupp_id"], []);

    /// <summary>completion_requested: a current request for komplettering of the referral exists.</summary>
    public static FactTable Referrals { get; } = new("stats_referrals", ["referral_id"], ["completion_requested"]);

    public static FactTable CompletionRequests { get; } = new("stats_referral_completion_requests", ["referral_id", "requested_on"], []);

    /// <summary>
    /// forbund_id: the förbund at enrolment, the insats's owner on the enrolment date (transfers after mergers),
    /// else the row's own; first_activity_on: the earliest current activity.
    /// </summary>
    public static FactTable Participations { get; } = new("stats_participations", ["participation_id"], ["forbund_id", "first_activity_on"]);

    public static FactTable Pauses { get; } = new("stats_participation_pauses", ["participation_id", "paused_on"], []);

    public static FactTable Activities { get; } = new("stats_activities", ["participation_id", "activity_id"], []);

    /// <summary>forbund_id: the insats's owner on the occurrence's date, else the row's own.</summary>
    public static FactTable Occurrences { get; } = new("stats_occurrences", ["insats_id", "occurrence_id"], ["forbund_id"]);

    public static FactTable OccupationChanges { get; } = new("stats_occupation_changes", ["participation_id", "change_id"], []);

    public static FactTable IntakePauses { get; } = new("stats_intake_pauses", ["owner_kind", "owner_id", "paused_on"], []);

    public static IReadOnlyList<FactTable> All { get; } =
    [
        Forbund, ExitReasons, Mergers, Insatser, Transfers, Goals, Beredningsgrupper, Referrals, CompletionRequests,
        Participations, Pauses, Activities, Occurrences, OccupationChanges, IntakePauses,
    ];
}
