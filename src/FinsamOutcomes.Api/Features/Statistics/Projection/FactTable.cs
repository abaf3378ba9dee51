using NpgsqlTypes;

namespace FinsamOutcomes.Api.Features.Statistics.Projection;

/// <summary>The PostgreSQL type of a fact column, and the .NET value a row holds for it.</summary>
internal enum FactType
{
    /// <summary>text: string.</summary>
    Text,

    /// <summary>text[]: string[].</summary>
    TextArray,

    /// <summary>date: DateOnly.</summary>
    Date,

    /// <summary>integer: int.</summary>
    Integer,

    /// <summary>boolean: bool.</summary>
    Boolean,

    /// <summary>numeric: decimal (keeps its scale).</summary>
    Numeric,

    /// <summary>xid8: ulong.</summary>
    Xid8,

    /// <summary>bigint: long.</summary>
    Bigint,

    /// <summary>timestamptz: DateTime of kind UTC.</summary>
    Timestamptz,
}

/// <summary>One column of a fact table.</summary>
internal sealed record FactColumn(string Name, FactType Type, int Index)
{
    public NpgsqlDbType DbType => Type switch
    {
        FactType.Text => NpgsqlDbType.Text,
        FactType.TextArray => NpgsqlDbType.Array | NpgsqlDbType.Text,
        FactType.Date => NpgsqlDbType.Date,
        FactType.Integer => NpgsqlDbType.Integer,
        FactType.Boolean => NpgsqlDbType.Boolean,
        FactType.Numeric => NpgsqlDbType.Numeric,
        FactType.Xid8 => NpgsqlDbType.Xid8,
        FactType.Bigint => NpgsqlDbType.Bigint,
        _ => NpgsqlDbType.TimestampTz,
    };

    /// <summary>The SQL name of the type ("text[]", "date").</summary>
    public string SqlType => Type switch
    {
        FactType.TextArray => "text[]",
        FactType.Timestamptz => "timestamptz",
        _ => Type.ToString().ToLowerInvariant(),
    };

    /// <summary>The .NET type a row holds for the column.</summary>
    public Type ClrType => Type switch
    {
        FactType.Text => typeof(string),
        FactType.TextArray => typeof(string[]),
        FactType.Date => typeof(DateOnly),
        FactType.Integer => typeof(int),
        FactType.Boolean => typeof(bool),
        FactType.Numeric => typeof(decimal),
        FactType.Xid8 => typeof(ulong),
        FactType.Bigint => typeof(long),
        _ => typeof(DateTime),
    };
}

/// <summary>
/// A versioned table of the statistics schema (migrations 0200, 0500): its columns with their types (a row is an
/// array of their values, in this order), its key columns and the columns derived from other tables, which are
/// recomputed for every new version of a row (<see cref="FactState"/> says how). Every table ends with the
/// version columns valid_from_tx, valid_from_pos, valid_from_at, valid_to_tx, valid_to_pos.
/// </summary>
internal sealed class FactTable
{
    private readonly Dictionary<string, FactColumn> _byName;

    private FactTable(int ordinal, string name, IReadOnlyList<string> key, IReadOnlyList<string> derived, string columns)
    {
        Ordinal = ordinal;
        Name = name;
        Key = key;
        Derived = derived;
        var specs = columns.Split(',', StringSplitOptions.TrimEntries)
            .Concat(["valid_from_tx xid8", "valid_from_pos bigint", "valid_from_at timestamptz", "valid_to_tx xid8", "valid_to_pos bigint"])
            .Select(spec => spec.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToList();
        Columns = [.. specs.Select((spec, i) => new FactColumn(spec[0], Parse(spec[1]), i))];
        _byName = Columns.ToDictionary(c => c.Name, StringComparer.Ordinal);
        KeyColumns = [.. key.Select(c => Column(c).Index)];
        ValidFromTx = Column("valid_from_tx").Index;
        ValidFromPos = Column("valid_from_pos").Index;
        ValidFromAt = Column("valid_from_at").Index;
        ValidToTx = Column("valid_to_tx").Index;
        ValidToPos = Column("valid_to_pos").Index;
    }

    /// <summary>The table's place in <see cref="All"/>.</summary>
    public int Ordinal { get; }

    public string Name { get; }

    public IReadOnlyList<string> Key { get; }

    public IReadOnlyList<string> Derived { get; }

    public IReadOnlyList<FactColumn> Columns { get; }

    /// <summary>The indexes of the key columns, in key order.</summary>
    public IReadOnlyList<int> KeyColumns { get; }

    public int ValidFromTx { get; }

    public int ValidFromPos { get; }

    public int ValidFromAt { get; }

    public int ValidToTx { get; }

    public int ValidToPos { get; }

    public FactColumn Column(string name) =>
        _byName.TryGetValue(name, out var column) ? column : throw new InvalidOperationException($"{Name} has no column {name}.");

    public bool HasColumn(string name) => _byName.ContainsKey(name);

    public override string ToString() => Name;

    private static FactType Parse(string type) => type switch
    {
        "text" => FactType.Text,
        "text[]" => FactType.TextArray,
        "date" => FactType.Date,
        "integer" => FactType.Integer,
        "boolean" => FactType.Boolean,
        "numeric" => FactType.Numeric,
        "xid8" => FactType.Xid8,
        "bigint" => FactType.Bigint,
        "timestamptz" => FactType.Timestamptz,
        _ => throw new ArgumentException($"Unknown column type {type}.", nameof(type)),
    };

    public static FactTable Forbund { get; } = new(0, "stats_forbund", ["forbund_id"], [],
        "forbund_id text, name text, registered_on date");

    public static FactTable ExitReasons { get; } = new(1, "stats_exit_reasons", ["forbund_id", "code"], [],
        "forbund_id text, code text, category text, label text, positive boolean");

    public static FactTable Mergers { get; } = new(2, "stats_forbund_mergers", ["predecessor_id"], [],
        "predecessor_id text, successor_id text, merged_on date");

    public static FactTable Insatser { get; } = new(3, "stats_insatser", ["insats_id"], [],
        "insats_id text, forbund_id text, name text, kind text, follow_up text, kommuner text[], start_date date, end_date date, "
        + "closed_on date, target_min_age integer, target_max_age integer, planned_per_year integer");

    public static FactTable Transfers { get; } = new(4, "stats_insats_transfers", ["insats_id", "transferred_on"], [],
        "insats_id text, transferred_on date, from_forbund_id text, to_forbund_id text");

    public static FactTable Goals { get; } = new(5, "stats_insats_goals", ["insats_id", "goal_id"], [],
        "insats_id text, goal_id text, metric text, comparison text, threshold numeric, goal_period text, description text");

    public static FactTable Beredningsgrupper { get; } = new(6, "stats_beredningsgrupper", ["beredningsgrupp_id"], [],
        "beredningsgrupp_id text, forbund_id text, name text, insats_ids text[], weekly_cap integer, cap_window_weeks integer, cap_window_anchor date");

    /// <summary>completion_requested: a current request for komplettering of the referral exists.</summary>
    public static FactTable Referrals { get; } = new(7, "stats_referrals", ["referral_id"], ["completion_requested"],
        "referral_id text, forbund_id text, beredningsgrupp_id text, participant_id text, referring_party text, gender text, "
        + "birth_year integer, received_on date, decision text, decided_on date, insats_id text, cap_override boolean, "
        + "completion_requested boolean, withdrawn_on date, during_intake_pause boolean");

    public static FactTable CompletionRequests { get; } = new(8, "stats_referral_completion_requests", ["referral_id", "requested_on"], [],
        "referral_id text, requested_on date");

    /// <summary>
    /// forbund_id: the förbund at enrolment, the insats's owner on the enrolment date (transfers after mergers),
    /// else the row's own; first_activity_on: the earliest current activity.
    /// </summary>
    public static FactTable Participations { get; } = new(9, "stats_participations", ["participation_id"], ["forbund_id", "first_activity_on"],
        "participation_id text, insats_id text, forbund_id text, kommun text, participant_id text, referral_id text, gender text, "
        + "birth_year integer, age_at_start integer, identified boolean, enrolled_on date, support_at_start text, "
        + "occupation_at_start text, education_at_start text, months_on_support_before integer, has_sgi boolean, exited_on date, "
        + "exit_reason_code text, exit_category text, support_at_exit text, occupation_at_exit text, first_activity_on date, "
        + "registered_in_error boolean, referring_party text");

    public static FactTable Pauses { get; } = new(10, "stats_participation_pauses", ["participation_id", "paused_on"], [],
        "participation_id text, paused_on date, reason text, resumed_on date");

    public static FactTable Activities { get; } = new(11, "stats_activities", ["participation_id", "activity_id"], [],
        "participation_id text, activity_id text, kind text, activity_on date, duration_minutes integer");

    /// <summary>forbund_id: the insats's owner on the occurrence's date, else the row's own.</summary>
    public static FactTable Occurrences { get; } = new(12, "stats_occurrences", ["insats_id", "occurrence_id"], ["forbund_id"],
        "insats_id text, occurrence_id text, forbund_id text, occurred_on date, title text, women integer, men integer, "
        + "non_binary integer, not_stated integer");

    public static FactTable OccupationChanges { get; } = new(13, "stats_occupation_changes", ["participation_id", "change_id"], [],
        "participation_id text, change_id text, changed_on date, kind text, extent_percent integer");

    public static FactTable IntakePauses { get; } = new(14, "stats_intake_pauses", ["owner_kind", "owner_id", "paused_on"], [],
        "owner_kind text, owner_id text, paused_on date, reason text, resumed_on date");

    public static IReadOnlyList<FactTable> All { get; } =
    [
        Forbund, ExitReasons, Mergers, Insatser, Transfers, Goals, Beredningsgrupper, Referrals, CompletionRequests,
        Participations, Pauses, Activities, Occurrences, OccupationChanges, IntakePauses,
    ];

    /// <summary>
    /// Every fact table, in the one order in which a report (shared) and the projection's reset (exclusive) lock them
    /// all at the start of their transactions, so that neither waits for a table while holding one the other waits for.
    /// </summary>
    public static string LockOrder { get; } = string.Join(", ", All.Select(t => t.Name));
}
