using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>
/// The SQL behind every figure (definitions: docs/statistics.md). Each query is <see cref="With"/>'s common
/// table expressions followed by one SELECT; PostgreSQL evaluates only the expressions a query uses.
/// Parameters: @at_tx/@at_pos (the cursor the report reflects), @latest (whether that is the projection's checkpoint), @from/@to (the period), @today, and the
/// scope's @insats, @forbunds and @kommun.
/// </summary>
internal static class ReportSql
{
    /// <summary>The scope as a condition on participations (x), insatser (i), beredningsgrupper (g) and occurrences (o).</summary>
    private sealed record ScopeFilters(string Participations, string Insatser, string Groups, string Occurrences);

    private static ScopeFilters Filters(ScopeKind kind) => kind switch
    {
        ScopeKind.Country => new("true", "true", "true", "true"),
        ScopeKind.Insats => new(
            // not "= @insats": an equality to a constant would make x.insats_id and the insats's row one equivalence
            // class, so the join of p to its insats (for the owner) lost its join clause and became a nested loop
            // rescanning every insats per participation (EXPLAIN at 10 M events: 12 of the report's 68 ms)
            "x.insats_id = ANY (ARRAY[@insats])",
            "i.insats_id = @insats",
            "@insats = ANY (g.insats_ids)",
            "o.insats_id = @insats"),
        ScopeKind.Forbund => new(
            "x.forbund_id = ANY (@forbunds)",
            "i.owner_id = ANY (@forbunds)",
            "g.forbund_id = ANY (@forbunds)",
            "o.forbund_id = ANY (@forbunds)"),
        ScopeKind.Kommun => new(
            "x.forbund_id = ANY (@forbunds) AND x.kommun = @kommun",
            "i.owner_id = ANY (@forbunds) AND @kommun = ANY (i.kommuner)",
            "g.forbund_id = ANY (@forbunds) AND EXISTS (SELECT 1 FROM insatser i WHERE i.insats_id = ANY (g.insats_ids) AND @kommun = ANY (i.kommuner))",
            "o.forbund_id = ANY (@forbunds) AND EXISTS (SELECT 1 FROM insatser i WHERE i.insats_id = o.insats_id AND @kommun = ANY (i.kommuner))"),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>
    /// The row versions of alias <paramref name="a"/> that were current at the cursor. At the projection's checkpoint
    /// (@latest: the report reads in the snapshot it read the checkpoint in, and the projection writes rows and
    /// checkpoint in one transaction) those are exactly the rows no event has ended yet, so the condition is
    /// <c>valid_to_pos IS NULL</c>, the predicate of the current-row partial indexes. Every report statement is
    /// planned for its parameters (custom plans), so the planner folds @latest away and sees only one branch.
    /// </summary>
    /// <remarks>
    /// <paramref name="bounded"/> adds, away from the checkpoint, a condition every visible version meets: it was not
    /// ended in a transaction before the cursor's (the largest xid8 stands for a current version's end). It selects
    /// nothing the rest does not, but it is the form of migration 1800's version indexes, whose key holds that end after
    /// the scope's key, so an as-of report skips in the index the versions ended before its cursor (ADR 0010, ninth step).
    /// </remarks>
    private static string Visible(string a, bool bounded = false) =>
        $"(@latest AND {a}.valid_to_pos IS NULL OR NOT @latest AND ({a}.valid_from_tx, {a}.valid_from_pos) <= (@at_tx::text::xid8, @at_pos::bigint) " +
        $"AND ({a}.valid_to_pos IS NULL OR ({a}.valid_to_tx, {a}.valid_to_pos) > (@at_tx::text::xid8, @at_pos::bigint))" +
        (bounded ? $" AND coalesce({a}.valid_to_tx, '{MaxXid8}'::xid8) >= @at_tx::text::xid8)" : ")");

    /// <summary>The largest xid8, the end of a current version in migration 1800's indexes.</summary>
    private const string MaxXid8 = "18446744073709551615";

    /// <summary>
    /// A participation (x) active at some time in the period: enrolled by its end and not exited before its start. Every
    /// figure of <c>p</c> counts only such participations (new, exited, active at the end and the 30-day share are all
    /// subsets), so <c>p</c> holds only them; written with coalesce so that the period indexes of migration 0800 fit it.
    /// </summary>
    private const string ActiveInPeriod = "coalesce(x.exited_on, 'infinity'::date) >= @from AND x.enrolled_on <= @to";

    /// <summary>
    /// A referral (r) that any referral figure of the period can count: received by the period's end and either still
    /// open (neither decided nor withdrawn) or decided or withdrawn on or after its start.
    /// </summary>
    private const string ReferralInPeriod = "coalesce(greatest(r.decided_on, r.withdrawn_on), 'infinity'::date) >= @from AND r.received_on <= @to";

    private static readonly string WorkOrStudies = $"('{Codes.Of(ExitCategory.Work)}', '{Codes.Of(ExitCategory.Studies)}')";

    /// <summary>
    /// A participation's fact row (x) with what the period makes of it: the columns the figures read, the period's flags
    /// first. A figure scans <c>p</c> once per figure (the country's year: 60,531 rows, a dozen scans), and a scan
    /// unpacks each row up to the last column it needs, past every variable-width column before it; with <c>x.*</c>
    /// first, a flag at the end cost every column of the fact row (ADR 0010, ninth step). The participation's pauses are
    /// one hashed row per paused participation, not two index lookups per participation of the period.
    /// </summary>
    private static readonly string Facts = $"""
        SELECT
            x.enrolled_on <= @to AND (x.exited_on IS NULL OR x.exited_on >= @from) AS is_active,
            x.enrolled_on BETWEEN @from AND @to AS is_new,
            coalesce(x.exited_on BETWEEN @from AND @to, false) AS is_exited,
            x.enrolled_on <= @to AND (x.exited_on IS NULL OR x.exited_on > @to) AS is_active_at_end,
            x.enrolled_on <= @to AND (x.exited_on IS NULL OR x.exited_on > @to) AND coalesce(pause.paused_at_end, false) AS is_paused_at_end,
            coalesce(reason.positive, false) AS is_positive,
            x.enrolled_on BETWEEN @from AND @to AND x.enrolled_on + 30 <= least(@to, @today) AS is_due_30,
            coalesce(x.first_activity_on BETWEEN x.enrolled_on AND x.enrolled_on + 30, false) AS has_activity_within_30,
            x.enrolled_on, x.gender, {AgeBands.Sql("x.age_at_start")} AS age_band, x.exit_category,
            x.education_at_start, x.occupation_at_start, x.occupation_at_exit, x.support_at_start, x.support_at_exit,
            x.months_on_support_before, x.exited_on, x.exit_reason_code, reason.label AS exit_reason_label,
            x.exited_on - x.enrolled_on AS days_enrolled,
            CASE WHEN pause.participation_id IS NULL OR x.exited_on IS NULL THEN 0
                 ELSE (SELECT coalesce(sum(least(u.ends, x.exited_on) - u.starts), 0)
                         FROM unnest(pause.starts, pause.ends) AS u (starts, ends) WHERE u.starts < x.exited_on) END AS paused_days,
            x.participation_id, x.insats_id, x.participant_id, x.referral_id, x.referring_party, x.first_activity_on
        FROM counted x
        LEFT JOIN insatser owner ON owner.insats_id = x.insats_id
        -- the exit reason as the förbund owning the insats lists it
        LEFT JOIN LATERAL (
            SELECT r.label, r.positive FROM stats_exit_reasons r
            WHERE r.forbund_id = owner.owner_id AND r.code = x.exit_reason_code AND {Visible("r")}) reason ON true
        -- a pause covers its first day up to the day before its resumption; an open one, every day from its first
        LEFT JOIN (
            SELECT s.participation_id, array_agg(s.paused_on) AS starts, array_agg(coalesce(s.resumed_on, 'infinity'::date)) AS ends,
                   bool_or(s.paused_on <= @to AND (s.resumed_on IS NULL OR s.resumed_on > @to)) AS paused_at_end
            FROM pauses s GROUP BY s.participation_id) pause ON pause.participation_id = x.participation_id
        """;

    public static string With(ScopeKind kind)
    {
        var scope = Filters(kind);
        return $"""
            WITH
            -- every insats, with the förbund owning it on the period's last day
            insatser AS (
                SELECT i.*, coalesce(
                    (SELECT t.to_forbund_id FROM stats_insats_transfers t
                      WHERE t.insats_id = i.insats_id AND t.transferred_on <= @to AND {Visible("t")}
                      ORDER BY t.transferred_on DESC LIMIT 1),
                    i.forbund_id) AS owner_id
                FROM stats_insatser i WHERE {Visible("i")}),
            scope_insatser AS (SELECT i.* FROM insatser i WHERE {scope.Insatser}),
            -- inlined where used, so lookups by participation and the scope's filter reach the tables' indexes
            pauses AS NOT MATERIALIZED (SELECT s.* FROM stats_participation_pauses s WHERE {Visible("s")}),
            -- participations that count: not registered in error
            counted AS NOT MATERIALIZED (SELECT x.* FROM stats_participations x WHERE {Visible("x", bounded: true)} AND NOT x.registered_in_error),
            p AS ({Facts} WHERE {scope.Participations} AND {ActiveInPeriod}),
            insats_p AS ({Facts} WHERE x.insats_id IN (SELECT insats_id FROM scope_insatser) AND {ActiveInPeriod}),
            groups AS (SELECT g.* FROM stats_beredningsgrupper g WHERE {Visible("g")} AND {scope.Groups}),
            -- inlined where used, so the cap of a group's window is looked up by the group's key
            group_history AS NOT MATERIALIZED (
                SELECT g.* FROM stats_beredningsgrupper g
                WHERE (g.valid_from_tx, g.valid_from_pos) <= (@at_tx::text::xid8, @at_pos::bigint)),
            -- the columns the figures read, all in the period indexes (migration 1700): read from the index alone
            referrals AS (
                SELECT r.referral_id, r.beredningsgrupp_id, r.received_on, r.decision, r.decided_on, r.withdrawn_on,
                       r.referring_party, r.gender, r.cap_override
                FROM stats_referrals r
                WHERE {Visible("r", bounded: true)} AND {ReferralInPeriod} AND r.beredningsgrupp_id IN (SELECT beredningsgrupp_id FROM groups)),
            -- joined, not "IN (SELECT referral_id FROM referrals)": the planner cannot estimate the distinct referrals of the
            -- CTE (200 for the country's 34,095) and probed the requests once per referral (34,095 probes, 42 ms in EXPLAIN);
            -- a referral has one visible version, so the join adds no row
            completion_requests AS (
                SELECT c.* FROM stats_referral_completion_requests c JOIN referrals r ON r.referral_id = c.referral_id
                WHERE {Visible("c")}),
            occurrences AS (
                SELECT o.* FROM stats_occurrences o
                WHERE {Visible("o")} AND o.occurred_on BETWEEN @from AND @to AND {scope.Occurrences}),
            goals AS (SELECT g.* FROM stats_insats_goals g WHERE {Visible("g")}),
            occupation_changes AS NOT MATERIALIZED (SELECT c.* FROM stats_occupation_changes c WHERE {Visible("c")}),
            activities AS NOT MATERIALIZED (SELECT a.* FROM stats_activities a WHERE {Visible("a")}),
            intake_pauses AS (SELECT s.* FROM stats_intake_pauses s WHERE {Visible("s")})

            """;
    }

    /// <summary>The förbund and, recursively, every förbund merged into it.</summary>
    public static readonly string ForbundFamily = $"""
        WITH RECURSIVE mergers AS (SELECT m.* FROM stats_forbund_mergers m WHERE {Visible("m")}),
        family (forbund_id) AS (
            SELECT @forbund::text
            UNION
            SELECT m.predecessor_id FROM mergers m JOIN family f ON m.successor_id = f.forbund_id)
        SELECT array_agg(forbund_id ORDER BY forbund_id) FROM family
        """;

    /// <summary>
    /// figure, GROUPING(gender, age_band), gender, age_band, count. As in every grouping-sets figure here, the rows are
    /// counted in one hashed pass by every key the sets use and the sets made over those counts (<see cref="ByGender"/>).
    /// </summary>
    public const string Participants = """
        SELECT f.figure, GROUPING(k.gender, k.age_band), k.gender, k.age_band, sum(k.n)::int
        FROM (SELECT x.gender, x.age_band, x.is_active, x.is_new, x.is_exited, x.is_active_at_end, x.is_paused_at_end, count(*) AS n
              FROM p x GROUP BY 1, 2, 3, 4, 5, 6, 7) k
        CROSS JOIN LATERAL (VALUES ('active', k.is_active), ('new', k.is_new), ('exited', k.is_exited),
                                   ('active_at_end', k.is_active_at_end), ('paused_at_end', k.is_paused_at_end)) AS f (figure, included)
        WHERE f.included
        GROUP BY GROUPING SETS ((f.figure), (f.figure, k.gender), (f.figure, k.age_band))
        """;

    /// <summary>GROUPING(category, gender), category, gender, exits, positive exits.</summary>
    public const string ExitsByCategory = """
        SELECT GROUPING(k.exit_category, k.gender), k.exit_category, k.gender, coalesce(sum(k.n), 0)::int, coalesce(sum(k.positive), 0)::int
        FROM (SELECT x.exit_category, x.gender, count(*) AS n, count(*) FILTER (WHERE x.is_positive) AS positive
              FROM p x WHERE x.is_exited GROUP BY 1, 2) k
        GROUP BY GROUPING SETS ((), (k.gender), (k.exit_category), (k.exit_category, k.gender))
        """;

    /// <summary>GROUPING(gender), category, code, label, positive, gender, exits.</summary>
    public const string ExitsByReason = """
        SELECT GROUPING(k.gender), k.exit_category, k.exit_reason_code, k.exit_reason_label, k.is_positive, k.gender, sum(k.n)::int
        FROM (SELECT x.exit_category, x.exit_reason_code, x.exit_reason_label, x.is_positive, x.gender, count(*) AS n
              FROM p x WHERE x.is_exited GROUP BY 1, 2, 3, 4, 5) k
        GROUP BY GROUPING SETS ((k.exit_category, k.exit_reason_code, k.exit_reason_label, k.is_positive),
                                (k.exit_category, k.exit_reason_code, k.exit_reason_label, k.is_positive, k.gender))
        """;

    /// <summary>GROUPING(at start, at exit), at start, at exit, exits.</summary>
    public static string Transitions(string atStart, string atExit) => ByGender($"x.{atStart}", "FROM p x WHERE x.is_exited", $"x.{atExit}");

    private static string DayStatistics(string days, string? filter = null)
    {
        var where = filter is null ? "" : $" FILTER (WHERE {filter})";
        return $"""
            (count(*){where})::int,
            round((percentile_cont(0.5) WITHIN GROUP (ORDER BY {days}){where})::numeric, 1),
            round(avg({days}){where}, 1)
            """;
    }

    /// <summary>Day statistics of time in insats, then of time in insats less paused days.</summary>
    public static readonly string TimeInInsats = $"""
        SELECT {DayStatistics("x.days_enrolled")}, {DayStatistics("x.days_enrolled - x.paused_days")}
        FROM p x WHERE x.is_exited
        """;

    /// <summary>Enrolments due (30 days passed by the cutoff) with a first activity within 30 days, enrolments due.</summary>
    public const string FirstActivity = """
        SELECT (count(*) FILTER (WHERE x.is_due_30 AND x.has_activity_within_30))::int, (count(*) FILTER (WHERE x.is_due_30))::int
        FROM p x
        """;

    public const string UniqueIndividuals = """
        SELECT count(DISTINCT x.participant_id)::int, count(*)::int FROM p x WHERE x.is_active
        """;

    public const string BeredningsgruppIds = """
        SELECT coalesce(array_agg(g.beredningsgrupp_id ORDER BY g.beredningsgrupp_id), '{}') FROM groups g
        """;

    /// <summary>GROUPING(party, gender), party, gender, referrals received.</summary>
    public static readonly string ReferralsReceived = ByGender("r.referring_party", "FROM referrals r WHERE r.received_on BETWEEN @from AND @to", "r.gender");

    /// <summary>GROUPING(kind), kind, decisions.</summary>
    public const string ReferralDecisions = """
        SELECT GROUPING(d.kind), d.kind, count(*)::int
        FROM (
            SELECT r.decision AS kind FROM referrals r WHERE r.decided_on BETWEEN @from AND @to
            UNION ALL
            SELECT 'completion_requested' FROM completion_requests c WHERE c.requested_on BETWEEN @from AND @to) d
        GROUP BY GROUPING SETS ((), (d.kind))
        """;

    /// <summary>Withdrawn in the period, waiting at its end, of which awaiting completion, then days received → decision.</summary>
    public static readonly string ReferralStatus = $"""
        SELECT (count(*) FILTER (WHERE r.withdrawn_on BETWEEN @from AND @to))::int,
               (count(*) FILTER (WHERE w.waiting))::int,
               (count(*) FILTER (WHERE w.waiting AND asked.referral_id IS NOT NULL))::int,
               {DayStatistics("r.decided_on - r.received_on", "r.decided_on BETWEEN @from AND @to")}
        FROM referrals r
        -- joined, not an EXISTS in the FILTER: that was a scan of the requests per waiting referral (3,411 at 10 M, 0.6 s)
        LEFT JOIN (SELECT DISTINCT c.referral_id FROM completion_requests c WHERE c.requested_on <= @to) asked
               ON asked.referral_id = r.referral_id
        CROSS JOIN LATERAL (
            SELECT r.received_on <= @to AND NOT coalesce(r.decided_on <= @to, false) AND NOT coalesce(r.withdrawn_on <= @to, false) AS waiting) w
        """;

    /// <summary>
    /// Days from acceptance to enrolment of the period's enrolments; the acceptance may be from before the period. For the
    /// country, from the period's enrolments; for a narrower scope, from the scope's groups: their accepted referrals, then
    /// the participation enrolled from each (an index by referral, migration 0900), so it does not read every enrolment of
    /// the country's period.
    /// </summary>
    public static string DecisionToEnrolment(ScopeKind kind) => kind == ScopeKind.Country
        ? $"""
          SELECT {DayStatistics("x.enrolled_on - r.decided_on")}
          FROM counted x JOIN stats_referrals r ON r.referral_id = x.referral_id AND {Visible("r")}
          WHERE r.decision = '{Codes.Of(ReferralDecision.Accepted)}' AND x.enrolled_on BETWEEN @from AND @to
            AND r.beredningsgrupp_id IN (SELECT beredningsgrupp_id FROM groups)
          """
        : $"""
          SELECT {DayStatistics("x.enrolled_on - r.decided_on")}
          FROM groups g
          JOIN stats_referrals r ON r.beredningsgrupp_id = g.beredningsgrupp_id AND {Visible("r", bounded: true)}
          JOIN counted x ON x.referral_id = r.referral_id
          WHERE r.decision = '{Codes.Of(ReferralDecision.Accepted)}' AND x.enrolled_on BETWEEN @from AND @to
          """;

    /// <summary>
    /// Per beredningsgrupp and cap window with acceptances: accepted, overrides, and the cap last set on or before the
    /// window's last day (Swedish time), or the first cap for windows before that; then the window's length in weeks. A
    /// window is the ISO week, or for a group with a two-week cap the 14 days from its anchor Monday plus a multiple of 14.
    /// </summary>
    public static readonly string WeeklyIntake = $"""
        SELECT r.beredningsgrupp_id, to_char(w.monday, 'IYYY-"W"IW'), w.monday, count(*)::int,
               (count(*) FILTER (WHERE r.cap_override))::int,
               coalesce(
                   (SELECT h.weekly_cap FROM group_history h
                     WHERE h.beredningsgrupp_id = r.beredningsgrupp_id
                       AND (h.valid_from_at AT TIME ZONE 'Europe/Stockholm')::date <= w.monday + 7 * w.weeks - 1
                     ORDER BY h.valid_from_tx DESC, h.valid_from_pos DESC LIMIT 1),
                   (SELECT h.weekly_cap FROM group_history h
                     WHERE h.beredningsgrupp_id = r.beredningsgrupp_id
                     ORDER BY h.valid_from_tx, h.valid_from_pos LIMIT 1)),
               w.weeks
        FROM referrals r
        -- the group's row looked up by its key for each acceptance (LATERAL: the referrals are the outer side whatever
        -- the estimates). The planner cannot estimate the period's acceptances in the referrals CTE (2 rows for 25,100
        -- at 10 M) and, joining the groups CTE or the table, put the CTE on the inner side of a nested loop: a scan of
        -- every referral per group (82 × 34,095, 0.8-1.2 s for the country) or of every group per acceptance (0.4 s).
        -- The referrals are the scope's groups' already. OFFSET 0 keeps the planner from pulling the subquery up into
        -- that same join (it changes no row: a group has one visible version)
        CROSS JOIN LATERAL (
            SELECT g.cap_window_weeks, g.cap_window_anchor FROM stats_beredningsgrupper g
            WHERE g.beredningsgrupp_id = r.beredningsgrupp_id AND {Visible("g")} OFFSET 0) g
        CROSS JOIN LATERAL (
            SELECT CASE WHEN g.cap_window_weeks = 2 AND g.cap_window_anchor IS NOT NULL
                        THEN g.cap_window_anchor + 14 * floor((r.decided_on - g.cap_window_anchor) / 14.0)::int
                        ELSE date_trunc('week', r.decided_on)::date END AS monday,
                   CASE WHEN g.cap_window_weeks = 2 AND g.cap_window_anchor IS NOT NULL THEN 2 ELSE 1 END AS weeks) w
        WHERE r.decision = '{Codes.Of(ReferralDecision.Accepted)}' AND r.decided_on BETWEEN @from AND @to
        GROUP BY r.beredningsgrupp_id, w.monday, w.weeks
        ORDER BY r.beredningsgrupp_id, w.monday
        """;

    /// <summary>The order of <see cref="WeeklyIntake"/>'s rows over its output columns (<see cref="ReportFigures"/>).</summary>
    public const string WeeklyIntakeOrder = "q.beredningsgrupp_id, q.monday";

    /// <summary>
    /// Each goal of each insats in scope whose period overlaps the report's, with the counts every metric needs: the
    /// counts of all insatser in one pass over their participations, grouped by insats, then joined to the goals.
    /// </summary>
    public static string Goals(ScopeKind kind) => $"""
        SELECT i.insats_id, i.name, g.goal_id, g.description, g.metric, g.comparison, g.threshold, g.goal_period,
               coalesce(m.exits, 0), coalesce(m.to_work_or_studies, 0), coalesce(m.positive, 0), coalesce(m.new, 0),
               coalesce(m.active, 0), coalesce(m.due_30, 0), coalesce(m.within_30, 0)
        FROM scope_insatser i
        JOIN goals g ON g.insats_id = i.insats_id
        LEFT JOIN (
            SELECT x.insats_id,
                   (count(*) FILTER (WHERE x.is_exited))::int AS exits,
                   (count(*) FILTER (WHERE x.is_exited AND x.exit_category IN {WorkOrStudies}))::int AS to_work_or_studies,
                   (count(*) FILTER (WHERE x.is_exited AND x.is_positive))::int AS positive,
                   (count(*) FILTER (WHERE x.is_new))::int AS new,
                   (count(*) FILTER (WHERE x.is_active))::int AS active,
                   (count(*) FILTER (WHERE x.is_due_30))::int AS due_30,
                   (count(*) FILTER (WHERE x.is_due_30 AND x.has_activity_within_30))::int AS within_30
            -- for the country, insats_p is p (every insats is in scope)
            FROM {(kind == ScopeKind.Country ? "p" : "insats_p")} x
            WHERE x.insats_id IN (SELECT g.insats_id FROM goals g)
            GROUP BY x.insats_id) m ON m.insats_id = i.insats_id
        WHERE i.start_date <= @to AND (i.end_date IS NULL OR i.end_date >= @from)
        ORDER BY i.insats_id, g.goal_id
        """;

    public const string GoalsOrder = "q.insats_id, q.goal_id";

    /// <summary>GROUPING(insats), insats, name, occurrences, women, men, non-binary, not stated, attendees.</summary>
    public const string HeadCount = """
        SELECT GROUPING(o.insats_id), o.insats_id, min(i.name), count(*)::int,
               coalesce(sum(o.women), 0)::int, coalesce(sum(o.men), 0)::int,
               coalesce(sum(o.non_binary), 0)::int, coalesce(sum(o.not_stated), 0)::int,
               coalesce(sum(o.women + o.men + o.non_binary + o.not_stated), 0)::int
        FROM occurrences o LEFT JOIN insatser i ON i.insats_id = o.insats_id
        GROUP BY GROUPING SETS ((), (o.insats_id))
        ORDER BY o.insats_id NULLS FIRST
        """;

    public const string HeadCountOrder = "q.insats_id NULLS FIRST";

    public const string OldestList = """
        SELECT x.participation_id, x.insats_id, x.enrolled_on, least(@to, @today) - x.enrolled_on, x.is_paused_at_end, x.first_activity_on
        FROM p x WHERE x.is_active_at_end
        ORDER BY x.enrolled_on, x.participation_id
        LIMIT @limit
        """;

    public const string OldestListOrder = "q.enrolled_on, q.participation_id";

    /// <summary>
    /// GROUPING(key, gender), key, gender, count: a table of some key by gender (or by a second key in its place: the
    /// transitions from start to exit) over the rows of a FROM … WHERE. The rows
    /// are counted per key and gender in one hashed pass first and the grouping sets made over those few counts (the
    /// grouping sets over the rows themselves sorted every row: about 20 ms per table over the country's 60,531
    /// participations at 10 M events); the empty set gives its row, 0, also when no row is counted.
    /// </summary>
    private static string ByGender(string key, string fromWhere, string gender = "x.gender") => $"""
        SELECT GROUPING(k.key, k.gender), k.key, k.gender, coalesce(sum(k.n), 0)::int
        FROM (SELECT {key} AS key, {gender} AS gender, count(*) AS n {fromWhere} GROUP BY 1, 2) k
        GROUP BY GROUPING SETS ((), (k.gender), (k.key), (k.key, k.gender))
        """;

    /// <summary>The old four-valued occupation (at start) as an occupation kind.</summary>
    private static string KindOfOccupation(string column) =>
        $"CASE {column} WHEN 'working' THEN 'paid_work' WHEN 'studying' THEN 'studies' WHEN 'job_seeking' THEN 'job_seeking' ELSE 'none' END";

    /// <summary>SUS's four groups from a four-valued occupation.</summary>
    private static string SusGroup(string column) =>
        $"CASE {column} WHEN 'working' THEN 'employment' WHEN 'studying' THEN 'studies' WHEN 'job_seeking' THEN 'job_seeking' ELSE 'other' END";

    /// <summary>
    /// The occupation on the period's last day of each participation active at its end: the last change dated on or before
    /// it (of two on the same date, the one recorded last), else the occupation at start.
    /// </summary>
    public static readonly string OccupationAtEnd = ByGender(
        $"""
        coalesce(
            (SELECT c.kind FROM occupation_changes c WHERE c.participation_id = x.participation_id AND c.changed_on <= @to
              ORDER BY c.changed_on DESC, c.valid_from_tx DESC, c.valid_from_pos DESC LIMIT 1),
            {KindOfOccupation("x.occupation_at_start")})
        """,
        "FROM p x WHERE x.is_active_at_end");

    /// <summary>
    /// GROUPING(kind, gender), kind, gender, occasions, participations with at least one. An activity lies within its
    /// participation's enrolment (the decider refuses one before the enrolment or after the exit, and an enrolment or exit
    /// correction that would leave one outside), so the period's activities are those of the participations active in it
    /// (p). Each such participation's activities of the period are counted per kind in one row (a column per kind of the
    /// vocabulary, and the total over every kind); the kinds' and genders' rows are then sums over those rows. For the
    /// country, the period's activities (their period index) grouped by participation and joined to p; for a narrower
    /// scope, each participation of p and its activities in the period (an index by participation and date, migration
    /// 0900), so the scope's report reads neither every activity of the country's period nor its participations of other
    /// years. Grouping by participation alone, not by (kind, participation), hashes 60,531 groups instead of 295,451 for
    /// the country's year at 10 M events (ADR 0010, eighth step).
    /// </summary>
    public static string Activities(ScopeKind kind)
    {
        var kinds = Codes.All<ActivityKind>();
        var counts = string.Join(", ", kinds.Select((code, i) => $"count(*) FILTER (WHERE a.kind = '{code}') AS k{i}"));
        var columns = string.Join(", ", kinds.Select((_, i) => $"a.k{i}"));
        var perParticipation = kind == ScopeKind.Country
            ? $"""
              SELECT x.participation_id, x.gender, {columns}, a.total
              FROM (SELECT a.participation_id, {counts}, count(*) AS total FROM activities a
                    WHERE a.activity_on BETWEEN @from AND @to GROUP BY a.participation_id) a
              JOIN p x ON x.participation_id = a.participation_id
              """
            : $"""
              SELECT x.participation_id, x.gender, {columns}, a.total
              FROM p x
              CROSS JOIN LATERAL (
                  SELECT {counts}, count(*) AS total FROM activities a
                  WHERE a.participation_id = x.participation_id AND a.activity_on BETWEEN @from AND @to) a
              WHERE a.total > 0
              """;
        var sums = string.Join(", ", kinds.Select((_, i) => $"sum(k.k{i}) AS o{i}, count(*) FILTER (WHERE k.k{i} > 0) AS n{i}"));
        var perKind = string.Join(", ", kinds.Select((code, i) => $"('{code}', t.o{i}, t.n{i})"));
        // per gender (g = 0) and over all (g = 1): a kind's rows are GROUPING(kind, gender) = g; over every kind 2 + g. A kind
        // no participation had gives no row; the row over all is there, 0 and 0, when no participation had any activity
        return $"""
            WITH per_participation AS ({perParticipation}),
            totals AS (
                SELECT GROUPING(k.gender) AS g, k.gender, {sums}, sum(k.total) AS occasions, count(*) AS participants
                FROM per_participation k
                GROUP BY GROUPING SETS ((k.gender), ()))
            SELECT t.g, v.kind, t.gender, v.occasions::int, v.participants::int
            FROM totals t
            CROSS JOIN LATERAL (VALUES {perKind}) AS v (kind, occasions, participants)
            WHERE v.participants > 0
            UNION ALL
            SELECT 2 + t.g, NULL, t.gender, coalesce(t.occasions, 0)::int, t.participants::int
            FROM totals t
            """;
    }

    public static readonly string EducationAtStart = ByGender("x.education_at_start", "FROM p x WHERE x.is_active");

    public static readonly string AgeBandsByGender = ByGender("x.age_band", "FROM p x WHERE x.is_active");

    public static readonly string TimeOnSupportBefore = ByGender(
        """
        CASE WHEN x.months_on_support_before IS NULL THEN 'unknown'
             WHEN x.months_on_support_before < 12 THEN 'under_1_year'
             WHEN x.months_on_support_before < 36 THEN '1_2_years'
             WHEN x.months_on_support_before < 72 THEN '3_5_years'
             ELSE '6_years_or_more' END
        """,
        "FROM p x WHERE x.is_active");

    /// <summary>The referring part of each new participation: its referral's, else its direct enrolment's, else not_recorded.</summary>
    public static readonly string ReferringPartyOfNew = ByGender(
        $"""
        coalesce(
            (SELECT r.referring_party FROM stats_referrals r WHERE r.referral_id = x.referral_id AND {Visible("r")}),
            x.referring_party,
            'not_recorded')
        """,
        "FROM p x WHERE x.is_new");

    public static readonly string SusAtExit = ByGender(SusGroup("x.occupation_at_exit"), "FROM p x WHERE x.is_exited");

    public static readonly string SusAtStart = ByGender(SusGroup("x.occupation_at_start"), "FROM p x WHERE x.is_exited");

    /// <summary>GROUPING(group at start, group at exit), at start, at exit, exits.</summary>
    public static readonly string SusTransitions = ByGender(SusGroup("x.occupation_at_start"), "FROM p x WHERE x.is_exited", SusGroup("x.occupation_at_exit"));

    /// <summary>
    /// Kind, id, days of the period with intake paused, paused on the last day: every individual insats in scope and every
    /// beredningsgrupp serving the scope. A pause covers its first day up to the day before its resumption.
    /// </summary>
    public const string IntakePauses = """
        SELECT o.kind, o.id,
               coalesce((SELECT sum(greatest(0, least(coalesce(s.resumed_on, @to + 1), @to + 1) - greatest(s.paused_on, @from)))
                           FROM intake_pauses s WHERE s.owner_kind = o.kind AND s.owner_id = o.id), 0)::int,
               EXISTS (SELECT 1 FROM intake_pauses s WHERE s.owner_kind = o.kind AND s.owner_id = o.id
                          AND s.paused_on <= @to AND (s.resumed_on IS NULL OR s.resumed_on > @to))
        FROM (SELECT 'insats' AS kind, i.insats_id AS id FROM scope_insatser i WHERE i.kind = 'individual' AND i.follow_up <> 'head_count'
              UNION ALL
              SELECT 'beredningsgrupp', g.beredningsgrupp_id FROM groups g) o
        ORDER BY o.kind DESC, o.id
        """;

    public const string IntakePausesOrder = "q.kind DESC, q.id";
}
