using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FinsamOutcomes.EventStore;

namespace FinsamOutcomes.Api.Features.Statistics.Projection;

/// <summary>
/// The part of the fact tables a batch of changes reads, in memory, and the versions the changes make of it.
/// Loaded first (<see cref="FactBatch"/>), then the changes are applied in feed order exactly as the
/// per-event statements did: an end or revision touches only current versions older than the event, a put
/// inserts only when no version of its key is as new as the event (so applying an event twice changes
/// nothing), and derived columns are recomputed for every new version from the state at that change.
/// Rows are arrays of typed values in the order of <see cref="FactTable.Columns"/>.
/// What it reads must have been loaded: a query for rows it does not hold throws rather than guess.
/// </summary>
internal sealed class FactState
{
    private readonly FactTableState[] _tables;
    private readonly Dictionary<string, DateOnly?> _firstActivityInStore = new(StringComparer.Ordinal);

    /// <summary>
    /// Per participation asked about, the earliest activity among the current versions this batch added, kept up to
    /// date as activities are added and ended (else every activity would scan all the batch's activities of its
    /// participation: quadratic in a participation's activities).
    /// </summary>
    private readonly Dictionary<string, DateOnly?> _earliestAdded = new(StringComparer.Ordinal);

    private static readonly int ActivityParticipation = FactTable.Activities.Column("participation_id").Index;
    private static readonly int ActivityOn = FactTable.Activities.Column("activity_on").Index;
    private static readonly int ParticipationId = FactTable.Participations.Column("participation_id").Index;
    private static readonly int ParticipationInsats = FactTable.Participations.Column("insats_id").Index;
    private static readonly int ParticipationForbund = FactTable.Participations.Column("forbund_id").Index;
    private static readonly int EnrolledOn = FactTable.Participations.Column("enrolled_on").Index;
    private static readonly int FirstActivityOn = FactTable.Participations.Column("first_activity_on").Index;
    private static readonly int OccurrenceInsats = FactTable.Occurrences.Column("insats_id").Index;
    private static readonly int OccurrenceForbund = FactTable.Occurrences.Column("forbund_id").Index;
    private static readonly int OccurredOn = FactTable.Occurrences.Column("occurred_on").Index;
    private static readonly int ReferralId = FactTable.Referrals.Column("referral_id").Index;
    private static readonly int CompletionRequestedColumn = FactTable.Referrals.Column("completion_requested").Index;
    private static readonly int TransferredOn = FactTable.Transfers.Column("transferred_on").Index;
    private static readonly int TransferredTo = FactTable.Transfers.Column("to_forbund_id").Index;
    private static readonly int InsatsForbund = FactTable.Insatser.Column("forbund_id").Index;

    public FactState()
    {
        _tables = [.. FactTable.All.Select(t => new FactTableState(t))];

        // the activities added in a batch, by participation, for the earliest activity
        this[FactTable.Activities].Index(["participation_id"]);
    }

    public FactTableState this[FactTable table] => _tables[table.Ordinal];

    public IEnumerable<FactTableState> Tables => _tables;

    /// <summary>
    /// The earliest current activity of a participation among the stored rows, when the batch replaces none
    /// of its stored activities (then stored activities only add to the batch's).
    /// </summary>
    public void FirstActivityInStore(string participationId, DateOnly? on) => _firstActivityInStore[participationId] = on;

    public bool KnowsFirstActivityInStore(string participationId) => _firstActivityInStore.ContainsKey(participationId);

    public void Apply(FactOp op)
    {
        var table = this[op.Table];
        switch (op.Kind)
        {
            case FactOpKind.Put:
                var target = table.Entry(FactKey.Of(op.Row!, op.Table.KeyColumns));
                if (target.Current is not null && Older(op.Table, target, op))
                {
                    End(table, target, op);
                }

                if (target.NewestFrom is { } newest && newest >= op.At)
                {
                    break;
                }

                // each change is applied once: its row becomes the new version itself
                var row = op.Row!;
                SetVersion(op.Table, row, op);
                Insert(table, target, Derive(op.Table, row));
                break;
            case FactOpKind.Revise or FactOpKind.Rederive:
                foreach (var entry in table.Current(op.Filter!))
                {
                    if (!Older(op.Table, entry, op))
                    {
                        continue;
                    }

                    var previous = entry.Current!;
                    if (op.Kind == FactOpKind.Rederive && !Stale(op.Table, previous))
                    {
                        continue;
                    }

                    var next = (object?[])previous.Clone();
                    End(table, entry, op);
                    foreach (var (column, value) in op.Changes ?? [])
                    {
                        next[column] = value;
                    }

                    SetVersion(op.Table, next, op);
                    Insert(table, entry, Derive(op.Table, next));
                }

                break;
            case FactOpKind.End:
                foreach (var entry in table.Current(op.Filter!))
                {
                    if (Older(op.Table, entry, op))
                    {
                        End(table, entry, op);
                    }
                }

                break;
        }
    }

    private static void SetVersion(FactTable table, object?[] row, FactOp op)
    {
        row[table.ValidFromTx] = op.At.TxId;
        row[table.ValidFromPos] = op.At.Position;
        row[table.ValidFromAt] = op.RecordedAt;
        row[table.ValidToTx] = null;
        row[table.ValidToPos] = null;
    }

    private void Insert(FactTableState table, FactEntry entry, object?[] row)
    {
        table.Insert(entry, row, FactTableState.From(table.Table, row));
        if (table.Table == FactTable.Activities
            && _earliestAdded.TryGetValue(ParticipationOf(row), out var earliest)
            && row[ActivityOn] is DateOnly on
            && (earliest is null || on < earliest))
        {
            _earliestAdded[ParticipationOf(row)] = on;
        }
    }

    private void End(FactTableState table, FactEntry entry, FactOp op)
    {
        // an added activity that was the earliest ends: the next earliest is found again when asked
        if (table.Table == FactTable.Activities && !entry.Stored
            && _earliestAdded.TryGetValue(ParticipationOf(entry.Current!), out var earliest)
            && (DateOnly?)entry.Current![ActivityOn] == earliest)
        {
            _earliestAdded.Remove(ParticipationOf(entry.Current!));
        }

        table.EndCurrent(entry, op.At);
    }

    private static string ParticipationOf(object?[] activity) => (string)activity[ActivityParticipation]!;

    private static bool Older(FactTable table, FactEntry entry, FactOp op) => FactTableState.From(table, entry.Current!) < op.At;

    /// <summary>
    /// Whether a derived column of the row differs from what <see cref="Derive"/> would set now, compared as
    /// values without building the derived row (a rederive after every activity asks this of its participation).
    /// </summary>
    private bool Stale(FactTable table, object?[] row)
    {
        if (table == FactTable.Participations)
        {
            return OwnerStale(row, ParticipationInsats, EnrolledOn, ParticipationForbund)
                || (DateOnly?)row[FirstActivityOn] != FirstActivity((string)row[ParticipationId]!);
        }

        if (table == FactTable.Occurrences)
        {
            return OwnerStale(row, OccurrenceInsats, OccurredOn, OccurrenceForbund);
        }

        if (table == FactTable.Referrals)
        {
            return row[CompletionRequestedColumn] is not bool stored || stored != CompletionRequested(row);
        }

        return false;
    }

    /// <summary>A derived förbund keeps the row's own when the insats has no owner on the date, so only a different owner is stale.</summary>
    private bool OwnerStale(object?[] row, int insats, int date, int forbund) =>
        OwnerOn((string?)row[insats], (DateOnly?)row[date]) is { } owner && !string.Equals(owner, (string?)row[forbund], StringComparison.Ordinal);

    private bool CompletionRequested(object?[] row) =>
        this[FactTable.CompletionRequests].Current(Filter("referral_id", row[ReferralId])).Count > 0;

    /// <summary>Sets the derived columns of a new version (<see cref="FactTable.Derived"/>).</summary>
    private object?[] Derive(FactTable table, object?[] row)
    {
        if (table == FactTable.Participations)
        {
            row[ParticipationForbund] = OwnerOn((string?)row[ParticipationInsats], (DateOnly?)row[EnrolledOn]) ?? row[ParticipationForbund];
            row[FirstActivityOn] = FirstActivity((string)row[ParticipationId]!);
        }
        else if (table == FactTable.Occurrences)
        {
            row[OccurrenceForbund] = OwnerOn((string?)row[OccurrenceInsats], (DateOnly?)row[OccurredOn]) ?? row[OccurrenceForbund];
        }
        else if (table == FactTable.Referrals)
        {
            row[CompletionRequestedColumn] = CompletionRequested(row);
        }

        return row;
    }

    /// <summary>The insats's owner on a date: the förbund it was last transferred to on or before the date, else the förbund that registered it.</summary>
    private string? OwnerOn(string? insatsId, DateOnly? on)
    {
        if (insatsId is null || on is null)
        {
            return null;
        }

        object?[]? transfer = null;
        foreach (var entry in this[FactTable.Transfers].Current(Filter("insats_id", insatsId)))
        {
            var row = entry.Current!;
            var date = (DateOnly)row[TransferredOn]!;
            if (date <= on && (transfer is null || date > (DateOnly)transfer[TransferredOn]!))
            {
                transfer = row;
            }
        }

        if (transfer is not null)
        {
            return (string?)transfer[TransferredTo];
        }

        var insatser = this[FactTable.Insatser].Current(Filter("insats_id", insatsId));
        return insatser.Count > 0 ? (string?)insatser[0].Current![InsatsForbund] : null;
    }

    private DateOnly? FirstActivity(string participationId)
    {
        var activities = this[FactTable.Activities];
        var filter = Filter("participation_id", participationId);
        if (activities.Holds(filter))
        {
            return FactTableState.Earliest(activities.Current(filter), ActivityOn);
        }

        if (!_firstActivityInStore.TryGetValue(participationId, out var stored))
        {
            throw new InvalidOperationException($"The stored activities of participation '{participationId}' were not loaded.");
        }

        if (!_earliestAdded.TryGetValue(participationId, out var added))
        {
            added = FactTableState.Earliest(activities.Added(filter), ActivityOn);
            _earliestAdded[participationId] = added;
        }

        return stored is null ? added : added is null ? stored : (stored < added ? stored : added);
    }

    private static FactFilter Filter(string column, object? value) => new([column], [value], null);
}

/// <summary>
/// The values of a row's key columns (at most three; the others null), compared by value: a key of a
/// <see cref="FactTableState"/>, or the values of the columns of one of its filter indexes.
/// </summary>
internal readonly record struct FactKey(object? A, object? B, object? C)
{
    public static FactKey Of(object?[] row, IReadOnlyList<int> columns) => columns.Count switch
    {
        1 => new(row[columns[0]], null, null),
        2 => new(row[columns[0]], row[columns[1]], null),
        3 => new(row[columns[0]], row[columns[1]], row[columns[2]]),
        _ => throw new InvalidOperationException($"A key of {columns.Count} columns."),
    };

    /// <summary>The key of values given in order.</summary>
    public static FactKey Of(object?[] values) => values.Length switch
    {
        1 => new(values[0], null, null),
        2 => new(values[0], values[1], null),
        3 => new(values[0], values[1], values[2]),
        _ => throw new InvalidOperationException($"A key of {values.Length} columns."),
    };

    public override string ToString() => string.Join(", ", new[] { A, B, C }.Where(v => v is not null));
}

/// <summary>
/// A key of a fact table as the batch knows it: its current version, and the newest version it has had. Compared by
/// identity, hashed by a number its table gives it: the filter indexes hold entries in hash sets, and the runtime's
/// identity hash of each new object took 0.45 s of the CPU samples of a 205,149-event rebuild (dotnet-trace; within the
/// noise of the wall-clock runs).
/// </summary>
internal sealed class FactEntry(int number)
{
    public override int GetHashCode() => number;

    public override bool Equals(object? obj) => ReferenceEquals(this, obj);

    public object?[]? Current { get; set; }

    /// <summary>The current version is a stored row (not one this batch inserts).</summary>
    public bool Stored { get; set; }

    /// <summary>Where the newest version of the key (current or ended) came from; known once the key was loaded.</summary>
    public FeedCursor? NewestFrom { get; set; }

    public bool NewestKnown { get; set; }
}

/// <summary>One table of a <see cref="FactState"/>: the keys it holds, which filters it holds completely, and what the batch writes.</summary>
internal sealed class FactTableState(FactTable table)
{
    private readonly Dictionary<FactKey, FactEntry> _entries = [];
    private readonly HashSet<FactKey> _keysLoaded = [];
    private readonly Dictionary<string, FilterIndex> _indexes = new(StringComparer.Ordinal);

    public FactTable Table { get; } = table;

    /// <summary>New versions, in the order they were made; a version ended within the batch carries its valid_to.</summary>
    public List<object?[]> InsertedRows { get; } = [];

    /// <summary>Stored current versions the batch ends, with their valid_to set (the write uses the key, valid_from_pos and valid_to).</summary>
    public List<object?[]> EndedRows { get; } = [];

    /// <summary>The new versions as JSON (column names as keys; dates as yyyy-MM-dd, transaction ids as text), for tests and diagnostics.</summary>
    public IReadOnlyList<JsonObject> Inserted => [.. InsertedRows.Select(row => ToJson(row, Enumerable.Range(0, Table.Columns.Count)))];

    /// <summary>The stored versions ended, as JSON: key columns, valid_from_pos, valid_to_tx, valid_to_pos.</summary>
    public IReadOnlyList<JsonObject> Ended =>
        [.. EndedRows.Select(row => ToJson(row, Table.KeyColumns.Concat([Table.ValidFromPos, Table.ValidToTx, Table.ValidToPos])))];

    /// <summary>The current versions held.</summary>
    public IEnumerable<object?[]> Held() => _entries.Values.Where(e => e.Current is not null).Select(e => e.Current!);

    /// <summary>The current versions held that are stored rows.</summary>
    public IEnumerable<object?[]> StoredCurrent() => _entries.Values.Where(e => e.Current is not null && e.Stored).Select(e => e.Current!);

    /// <summary>Whether the key was loaded (or declared to have no stored version).</summary>
    public bool HoldsKey(FactKey key) => _keysLoaded.Contains(key);

    public FactEntry Entry(FactKey key)
    {
        if (!_keysLoaded.Contains(key))
        {
            throw new InvalidOperationException($"{Table.Name}: key ({key}) was not loaded.");
        }

        return _entries[key];
    }

    /// <summary>A key was loaded: <paramref name="newest"/> is its newest stored version, or null when it has none.</summary>
    public void LoadKey(FactKey key, object?[]? newest)
    {
        var entry = GetOrAdd(key);
        _keysLoaded.Add(key);
        entry.NewestKnown = true;
        if (newest is not null)
        {
            entry.NewestFrom = From(Table, newest);
            if (newest[Table.ValidToPos] is null)
            {
                SetCurrent(entry, newest, stored: true);
            }
        }
    }

    /// <summary>A key was loaded, as JSON (tests): <paramref name="newest"/> is its newest stored version, or null when it has none.</summary>
    public void LoadKey(JsonObject key, JsonObject? newest) =>
        LoadKey(FactKey.Of(FromJson(key), Table.KeyColumns), newest is null ? null : FromJson(newest));

    /// <summary>Every stored current row matching the filter's values was loaded (<paramref name="rows"/>).</summary>
    public void LoadFilter(FactFilter values, IEnumerable<object?[]> rows)
    {
        var index = Index(values.Columns);
        foreach (var row in rows)
        {
            var entry = GetOrAdd(FactKey.Of(row, Table.KeyColumns));
            if (entry.Current is null && !entry.NewestKnown)
            {
                SetCurrent(entry, row, stored: true);
            }
        }

        index.Loaded.Add(index.KeyOf(values));
    }

    /// <summary>Every stored current row matching the filter's values (JSON, tests) was loaded.</summary>
    public void LoadFilter(JsonObject values, IEnumerable<JsonObject> rows)
    {
        var row = FromJson(values);
        var columns = values.Select(v => v.Key).Order(StringComparer.Ordinal).ToList();
        LoadFilter(new FactFilter(columns, [.. columns.Select(c => row[Table.Column(c).Index])], null), rows.Select(FromJson));
    }

    /// <summary>Keeps the rows indexed by the given columns (a filter of these columns may then be loaded and asked).</summary>
    public FilterIndex Index(IReadOnlyList<string> columns)
    {
        var ordered = columns.Order(StringComparer.Ordinal).ToList();
        var name = string.Join(',', ordered);
        if (!_indexes.TryGetValue(name, out var index))
        {
            index = new FilterIndex([.. ordered.Select(c => Table.Column(c).Index)]);
            _indexes[name] = index;
            foreach (var entry in _entries.Values.Where(e => e.Current is not null))
            {
                index.Add(entry);
            }
        }

        return index;
    }

    /// <summary>Whether every current row matching the filter's values is held.</summary>
    public bool Holds(FactFilter filter) => Find(filter) is not null;

    /// <summary>The current versions matching the filter; throws when they were not loaded.</summary>
    public List<FactEntry> Current(FactFilter filter)
    {
        var candidates = Find(filter)
            ?? throw new InvalidOperationException($"{Table.Name}: rows where {filter.Describe()} were not loaded.");
        var isNull = filter.IsNull is { } column ? Table.Column(column).Index : -1;
        var matching = new List<FactEntry>();
        foreach (var entry in candidates)
        {
            if (entry.Current is { } row && Matches(row, filter) && (isNull < 0 || row[isNull] is null))
            {
                matching.Add(entry);
            }
        }

        return matching;
    }

    /// <summary>The held entries that may match a filter, or null when its rows were not loaded.</summary>
    private IEnumerable<FactEntry>? Find(FactFilter filter)
    {
        if (IsKey(filter.Columns))
        {
            var key = KeyOf(filter);
            return _keysLoaded.Contains(key) ? [_entries[key]] : null;
        }

        var index = _indexes.GetValueOrDefault(IndexName(filter.Columns));
        return index is not null && index.Loaded.Contains(index.KeyOf(filter)) ? index.Candidates(filter) : null;
    }

    /// <summary>Whether the columns are exactly the key columns.</summary>
    public bool IsKey(IReadOnlyList<string> columns)
    {
        if (columns.Count != Table.Key.Count)
        {
            return false;
        }

        foreach (var key in Table.Key)
        {
            if (!columns.Contains(key))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The key a filter of exactly the key columns names.</summary>
    public FactKey KeyOf(FactFilter filter) => Table.Key.Count switch
    {
        1 => new(filter.ValueOf(Table.Key[0]), null, null),
        2 => new(filter.ValueOf(Table.Key[0]), filter.ValueOf(Table.Key[1]), null),
        _ => new(filter.ValueOf(Table.Key[0]), filter.ValueOf(Table.Key[1]), filter.ValueOf(Table.Key[2])),
    };

    private static string IndexName(IReadOnlyList<string> columns) => columns.Count == 1 ? columns[0] : string.Join(',', columns);

    /// <summary>The current versions this batch inserted that match the filter (by an index of its columns), loaded or not.</summary>
    public IEnumerable<FactEntry> Added(FactFilter filter)
    {
        foreach (var entry in _indexes[IndexName(filter.Columns)].Candidates(filter))
        {
            if (entry.Current is not null && !entry.Stored && Matches(entry.Current, filter))
            {
                yield return entry;
            }
        }
    }

    /// <summary>The earliest value of a date column among the entries' current versions; null when there is none.</summary>
    public static DateOnly? Earliest(IEnumerable<FactEntry> entries, int column)
    {
        DateOnly? earliest = null;
        foreach (var entry in entries)
        {
            if (entry.Current![column] is DateOnly on && (earliest is null || on < earliest))
            {
                earliest = on;
            }
        }

        return earliest;
    }

    public void Insert(FactEntry entry, object?[] row, FeedCursor at)
    {
        InsertedRows.Add(row);
        entry.NewestFrom = at;
        SetCurrent(entry, row, stored: false);
    }

    /// <summary>Ends the entry's current version at the event at <paramref name="at"/>.</summary>
    public void EndCurrent(FactEntry entry, FeedCursor at)
    {
        var current = entry.Current!;
        current[Table.ValidToTx] = at.TxId;
        current[Table.ValidToPos] = at.Position;
        if (entry.Stored)
        {
            EndedRows.Add(current);
        }

        entry.Current = null;
        entry.Stored = false;
    }

    /// <summary>The cursor of the event that made a version.</summary>
    public static FeedCursor From(FactTable table, object?[] row) => new((ulong)row[table.ValidFromTx]!, (long)row[table.ValidFromPos]!);

    private FactEntry GetOrAdd(FactKey key)
    {
        if (!_entries.TryGetValue(key, out var entry))
        {
            entry = new FactEntry(_entries.Count);
            _entries[key] = entry;
        }

        return entry;
    }

    private void SetCurrent(FactEntry entry, object?[] row, bool stored)
    {
        entry.Current = row;
        entry.Stored = stored;
        foreach (var index in _indexes.Values)
        {
            index.Add(entry);
        }
    }

    private bool Matches(object?[] row, FactFilter filter)
    {
        var columns = filter.IndexesIn(Table);
        for (var i = 0; i < columns.Length; i++)
        {
            if (!Equals(row[columns[i]], filter.Values[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>A row from JSON (tests): columns missing are null; dates yyyy-MM-dd, transaction ids as text or number.</summary>
    private object?[] FromJson(JsonObject json)
    {
        var row = new object?[Table.Columns.Count];
        foreach (var (name, node) in json)
        {
            var column = Table.Column(name);
            row[column.Index] = node is null ? null : column.Type switch
            {
                FactType.Text => node.GetValue<string>(),
                FactType.TextArray => node.AsArray().Select(n => n!.GetValue<string>()).ToArray(),
                FactType.Date => DateOnly.ParseExact(node.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture),
                FactType.Integer => node.GetValue<int>(),
                FactType.Boolean => node.GetValue<bool>(),
                FactType.Numeric => node.GetValue<decimal>(),
                FactType.Xid8 => node.GetValueKind() == JsonValueKind.String
                    ? ulong.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture) : node.GetValue<ulong>(),
                FactType.Bigint => node.GetValue<long>(),
                _ => DateTimeOffset.Parse(node.GetValue<string>(), CultureInfo.InvariantCulture).UtcDateTime,
            };
        }

        return row;
    }

    private JsonObject ToJson(object?[] row, IEnumerable<int> columns) =>
        new(columns.Select(i => KeyValuePair.Create(Table.Columns[i].Name, row[i] switch
        {
            null => null,
            string s => JsonValue.Create(s),
            string[] list => new JsonArray([.. list.Select(s => (JsonNode?)JsonValue.Create(s))]),
            DateOnly date => JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)),
            int n => JsonValue.Create(n),
            bool b => JsonValue.Create(b),
            decimal d => JsonValue.Create(d),
            ulong tx => JsonValue.Create(tx.ToString(CultureInfo.InvariantCulture)),
            long n => JsonValue.Create(n),
            DateTime at => JsonValue.Create(new DateTimeOffset(at)),
            var other => (JsonNode?)JsonValue.Create(other.ToString()),
        })));

    /// <summary>The held entries by the values of some columns; <see cref="Loaded"/> are the values whose stored rows were all loaded.</summary>
    internal sealed class FilterIndex(IReadOnlyList<int> columns)
    {
        private readonly Dictionary<FactKey, HashSet<FactEntry>> _byValues = [];

        /// <summary>The indexed columns, in the ordinal order of their names (a filter's order).</summary>
        public IReadOnlyList<int> Columns { get; } = columns;

        public HashSet<FactKey> Loaded { get; } = [];

        public void Add(FactEntry entry)
        {
            var key = FactKey.Of(entry.Current!, Columns);
            if (!_byValues.TryGetValue(key, out var entries))
            {
                entries = [];
                _byValues[key] = entries;
            }

            entries.Add(entry);
        }

        /// <summary>The index's key of a filter of exactly its columns.</summary>
        public FactKey KeyOf(FactFilter filter) => FactKey.Of(filter.Values);

        public IEnumerable<FactEntry> Candidates(FactFilter filter) =>
            _byValues.TryGetValue(KeyOf(filter), out var entries) ? entries : [];
    }
}
