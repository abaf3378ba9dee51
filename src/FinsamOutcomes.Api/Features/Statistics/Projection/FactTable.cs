namespace FinsamOutcomes.Api.Features.Statistics.Projection;

/// <summary>A column whose value the projection computes from other tables, as an SQL expression over the row <c>r</c>.</summary>
internal sealed record DerivedColumn(string Column, string Expression);

/// <summary>
/// A versioned table of the statistics schema (migration 0200): its key columns and the columns derived
/// from other tables, which are recomputed for every new version of a row.
/// </summary>
internal sealed record FactTable(string Name, IReadOnlyList<string> Key, IReadOnlyList<DerivedColumn> Derived)
{
    public static FactTable Forbund { get; } = new("stats_forbund", ["forbund_id"], []);

    public static FactTable ExitReasons { get; } = new("stats_exit_reasons", ["forbund_id", "code"], []);

    public static FactTable Mergers { get; } = new("stats_forbund_mergers", ["predecessor_id"], []);

    public static FactTable Insatser { get; } = new("stats_insatser", ["insats_id"], []);

    public static FactTable Transfers { get; } = new("stats_insats_transfers", ["insats_id", "transferred_on"], []);

    public static FactTable Goals { get; } = new("stats_insats_goals", ["insats_id", "goal_id"], []);

    public static FactTable Beredningsgrupper { get; } = new("stats_beredningsgrupper", ["beredningsgrupp_id"], []);

    public static FactTable Referrals { get; } = new(
        "stats_referrals",
        ["referral_id"],
        [
            new("completion_requested", """
                EXISTS (SELECT 1 FROM stats_referral_completion_requests c
                         WHERE c.referral_id = r.referral_id AND c.valid_to_pos IS NULL)
                """),
        ]);

    public static FactTable CompletionRequests { get; } = new("stats_referral_completion_requests", ["referral_id", "requested_on"], []);

    public static FactTable Participations { get; } = new(
        "stats_participations",
        ["participation_id"],
        [
            // the förbund at enrolment: the insats's owner on the enrolment date (transfers after mergers)
            new("forbund_id", "coalesce(stats_insats_owner_on(r.insats_id, r.enrolled_on), r.forbund_id)"),
            new("first_activity_on", """
                (SELECT min(a.activity_on) FROM stats_activities a
                  WHERE a.participation_id = r.participation_id AND a.valid_to_pos IS NULL)
                """),
        ]);

    public static FactTable Pauses { get; } = new("stats_participation_pauses", ["participation_id", "paused_on"], []);

    public static FactTable Activities { get; } = new("stats_activities", ["participation_id", "activity_id"], []);

    public static FactTable Occurrences { get; } = new(
        "stats_occurrences",
        ["insats_id", "occurrence_id"],
        [new("forbund_id", "coalesce(stats_insats_owner_on(r.insats_id, r.occurred_on), r.forbund_id)")]);

    public static FactTable OccupationChanges { get; } = new("stats_occupation_changes", ["participation_id", "change_id"], []);

    public static FactTable IntakePauses { get; } = new("stats_intake_pauses", ["owner_kind", "owner_id", "paused_on"], []);

    public static IReadOnlyList<FactTable> All { get; } =
    [
        Forbund, ExitReasons, Mergers, Insatser, Transfers, Goals, Beredningsgrupper, Referrals, CompletionRequests,
        Participations, Pauses, Activities, Occurrences, OccupationChanges, IntakePauses,
    ];
}
