using System.Globalization;
using System.Text.Json.Nodes;
using FinsamOutcomes.EventStore;

namespace FinsamOutcomes.Api.Features.Statistics.Projection;

/// <summary>
/// The part of the fact tables a batch of changes reads, in memory, and the versions the changes make of it.
/// Loaded first (<see cref="FactBatch"/>), then the changes are applied in feed order exactly as the
/// per-event statements did: an end or revision touches only current versions older than the event, a put
/// inserts only when no version of its key is as new as the event (so applying an event twice changes
/// nothing), and derived columns are recomputed for every new version from the state at that change.
/// What it reads must have been loaded: a query for rows it does not hold throws rather than guess.
/// </summary>
internal sealed class FactState
{
    private readonly Dictionary<FactTable, FactTableState> _tables = [];
    private readonly Dictionary<string, DateOnly?> _firstActivityInStore = [];

    public FactState()
    {
        foreach (var table in FactTable.All)
        {
            _tables[table] = new FactTableState(table);
        }

        // the activities added in a batch, by participation, for the earliest activity
        this[FactTable.Activities].Index(["participation_id"]);
    }

    public FactTableState this[FactTable table] => _tables[table];

    public IEnumerable<FactTableState> Tables => _tables.Values;

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
                var key = table.KeyOf(op.Row!);
                foreach (var entry in table.Current(new FactFilter(key, null)).Where(e => Older(e, op)).ToList())
                {
                    table.EndCurrent(entry, op.Version);
                }

                var target = table.Entry(key);
                if (target.NewestFrom is { } newest && newest >= op.At)
                {
                    break;
                }

                // each change is applied once: its row becomes the new version itself
                var row = Merge(op.Row!, op.Version);
                table.Insert(target, Derive(op.Table, row), op.At);
                break;
            case FactOpKind.Revise or FactOpKind.Rederive:
                foreach (var entry in table.Current(op.Filter!).Where(e => Older(e, op)).ToList())
                {
                    var previous = entry.Current!;
                    if (op.Kind == FactOpKind.Rederive && !Stale(op.Table, previous))
                    {
                        continue;
                    }

                    var next = previous.DeepClone().AsObject();
                    table.EndCurrent(entry, op.Version);
                    Merge(next, op.Changes ?? []);
                    Merge(next, op.Version);
                    table.Insert(entry, Derive(op.Table, next), op.At);
                }

                break;
            case FactOpKind.End:
                foreach (var entry in table.Current(op.Filter!).Where(e => Older(e, op)).ToList())
                {
                    table.EndCurrent(entry, op.Version);
                }

                break;
        }
    }

    private static bool Older(FactEntry entry, FactOp op) => FactTableState.From(entry.Current!) < op.At;

    private bool Stale(FactTable table, JsonObject row)
    {
        var derived = Derive(table, new JsonObject(table.Derived.Concat(Inputs(table)).Distinct().Select(c => KeyValuePair.Create(c, row[c]?.DeepClone()))));
        return table.Derived.Any(column => !JsonNode.DeepEquals(row[column], derived[column]));
    }

    /// <summary>The columns of a row its derived columns are computed from.</summary>
    private static IEnumerable<string> Inputs(FactTable table) =>
        table == FactTable.Participations ? ["insats_id", "enrolled_on", "participation_id"]
        : table == FactTable.Occurrences ? ["insats_id", "occurred_on"]
        : table == FactTable.Referrals ? ["referral_id"]
        : [];

    /// <summary>Sets the derived columns of a new version (<see cref="FactTable.Derived"/>).</summary>
    private JsonObject Derive(FactTable table, JsonObject row)
    {
        if (table == FactTable.Participations)
        {
            row["forbund_id"] = OwnerOn(Text(row["insats_id"]), Date(row["enrolled_on"])) is { } owner ? owner : row["forbund_id"]?.DeepClone();
            row["first_activity_on"] = FirstActivity(Text(row["participation_id"])!) is { } first ? DateNode(first) : null;
        }
        else if (table == FactTable.Occurrences)
        {
            row["forbund_id"] = OwnerOn(Text(row["insats_id"]), Date(row["occurred_on"])) is { } owner ? owner : row["forbund_id"]?.DeepClone();
        }
        else if (table == FactTable.Referrals)
        {
            row["completion_requested"] = this[FactTable.CompletionRequests].Current(Filter("referral_id", row["referral_id"])).Any();
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

        var transfer = this[FactTable.Transfers].Current(Filter("insats_id", insatsId))
            .Select(e => e.Current!)
            .Where(t => Date(t["transferred_on"]) <= on)
            .MaxBy(t => Date(t["transferred_on"]));
        if (transfer is not null)
        {
            return Text(transfer["to_forbund_id"]);
        }

        return this[FactTable.Insatser].Current(Filter("insats_id", insatsId)).Select(e => Text(e.Current!["forbund_id"])).FirstOrDefault();
    }

    private DateOnly? FirstActivity(string participationId)
    {
        var activities = this[FactTable.Activities];
        var filter = Filter("participation_id", participationId);
        if (activities.Holds(filter))
        {
            return activities.Current(filter).Select(e => Date(e.Current!["activity_on"])).Min();
        }

        if (!_firstActivityInStore.TryGetValue(participationId, out var stored))
        {
            throw new InvalidOperationException($"The stored activities of participation '{participationId}' were not loaded.");
        }

        var added = activities.Added(filter).Select(e => Date(e.Current!["activity_on"])).Min();
        return stored is null ? added : added is null ? stored : (stored < added ? stored : added);
    }

    private static FactFilter Filter(string column, JsonNode? value) => new(new JsonObject { [column] = value?.DeepClone() }, null);

    private static FactFilter Filter(string column, string value) => new(new JsonObject { [column] = value }, null);

    private static JsonObject Merge(JsonObject target, JsonObject source)
    {
        foreach (var (column, value) in source)
        {
            target[column] = value?.DeepClone();
        }

        return target;
    }

    internal static string? Text(JsonNode? node) => node?.GetValue<string>();

    internal static DateOnly? Date(JsonNode? node) =>
        node is null ? null : DateOnly.ParseExact(node.GetValue<string>(), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static JsonNode DateNode(DateOnly date) => JsonValue.Create(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
}

/// <summary>A key of a fact table as the batch knows it: its current version, and the newest version it has had.</summary>
internal sealed class FactEntry(JsonObject key)
{
    public JsonObject Key { get; } = key;

    public JsonObject? Current { get; set; }

    /// <summary>The current version is a stored row (not one this batch inserts).</summary>
    public bool Stored { get; set; }

    /// <summary>Where the newest version of the key (current or ended) came from; known once the key was loaded.</summary>
    public FeedCursor? NewestFrom { get; set; }

    public bool NewestKnown { get; set; }
}

/// <summary>One table of a <see cref="FactState"/>: the keys it holds, which filters it holds completely, and what the batch writes.</summary>
internal sealed class FactTableState(FactTable table)
{
    private readonly Dictionary<string, FactEntry> _entries = [];
    private readonly HashSet<string> _keysLoaded = [];
    private readonly Dictionary<string, FilterIndex> _indexes = [];

    public FactTable Table { get; } = table;

    /// <summary>New versions, in the order they were made; a version ended within the batch carries its valid_to.</summary>
    public List<JsonObject> Inserted { get; } = [];

    /// <summary>Stored current versions the batch ends: key columns, valid_from_pos, valid_to_tx, valid_to_pos.</summary>
    public List<JsonObject> Ended { get; } = [];

    /// <summary>The current versions held.</summary>
    public IEnumerable<JsonObject> Held() => _entries.Values.Where(e => e.Current is not null).Select(e => e.Current!);

    /// <summary>The current versions held that are stored rows.</summary>
    public IEnumerable<JsonObject> StoredCurrent() => _entries.Values.Where(e => e.Current is not null && e.Stored).Select(e => e.Current!);

    public JsonObject KeyOf(JsonObject row) => new(Table.Key.Select(c => KeyValuePair.Create(c, row[c]?.DeepClone())));

    public FactEntry Entry(JsonObject key)
    {
        var signature = Signature(key, Table.Key);
        if (!_keysLoaded.Contains(signature))
        {
            throw new InvalidOperationException($"{Table.Name}: key {key.ToJsonString()} was not loaded.");
        }

        return _entries[signature];
    }

    /// <summary>A key was loaded: <paramref name="newest"/> is its newest stored version, or null when it has none.</summary>
    public void LoadKey(JsonObject key, JsonObject? newest)
    {
        var entry = GetOrAdd(key);
        _keysLoaded.Add(Signature(key, Table.Key));
        entry.NewestKnown = true;
        if (newest is not null)
        {
            entry.NewestFrom = From(newest);
            if (newest["valid_to_pos"] is null)
            {
                SetCurrent(entry, newest, stored: true);
            }
        }
    }

    /// <summary>Every stored current row matching the filter's values was loaded (<paramref name="rows"/>).</summary>
    public void LoadFilter(JsonObject values, IEnumerable<JsonObject> rows)
    {
        var columns = values.Select(v => v.Key).ToList();
        var index = Index(columns);
        foreach (var row in rows)
        {
            var entry = GetOrAdd(KeyOf(row));
            if (entry.Current is null && !entry.NewestKnown)
            {
                SetCurrent(entry, row, stored: true);
            }
        }

        index.Loaded.Add(Signature(values, index.Columns));
    }

    /// <summary>Keeps the rows indexed by the given columns (a filter of these columns may then be loaded and asked).</summary>
    public FilterIndex Index(IReadOnlyList<string> columns)
    {
        var ordered = columns.Order(StringComparer.Ordinal).ToList();
        var name = string.Join(',', ordered);
        if (!_indexes.TryGetValue(name, out var index))
        {
            index = new FilterIndex(ordered);
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
    public IEnumerable<FactEntry> Current(FactFilter filter)
    {
        var candidates = Find(filter)
            ?? throw new InvalidOperationException($"{Table.Name}: rows where {filter.Equal.ToJsonString()} were not loaded.");
        var matching = new List<FactEntry>();
        foreach (var entry in candidates)
        {
            if (entry.Current is not null && Matches(entry.Current, filter))
            {
                matching.Add(entry);
            }
        }

        return matching;
    }

    /// <summary>The held entries that may match a filter, or null when its rows were not loaded.</summary>
    private IEnumerable<FactEntry>? Find(FactFilter filter)
    {
        if (IsKey(filter.Equal))
        {
            var signature = Signature(filter.Equal, Table.Key);
            return _keysLoaded.Contains(signature) ? [_entries[signature]] : null;
        }

        var index = _indexes.GetValueOrDefault(IndexName(filter.Equal));
        return index is not null && index.Loaded.Contains(Signature(filter.Equal, index.Columns)) ? index.Candidates(filter.Equal) : null;
    }

    /// <summary>Whether the values name exactly the key columns.</summary>
    public bool IsKey(JsonObject values) => values.Count == Table.Key.Count && Table.Key.All(values.ContainsKey);

    private static string IndexName(JsonObject values) =>
        values.Count == 1 ? values.First().Key : string.Join(',', values.Select(v => v.Key).Order(StringComparer.Ordinal));

    /// <summary>The current versions this batch inserted that match the filter (by an index of its columns), loaded or not.</summary>
    public IEnumerable<FactEntry> Added(FactFilter filter) =>
        _indexes[IndexName(filter.Equal)].Candidates(filter.Equal)
            .Where(e => e.Current is not null && !e.Stored && Matches(e.Current, filter)).ToList();

    public void Insert(FactEntry entry, JsonObject row, FeedCursor at)
    {
        Inserted.Add(row);
        entry.NewestFrom = at;
        SetCurrent(entry, row, stored: false);
    }

    /// <summary>Ends the entry's current version at the event whose version columns are given.</summary>
    public void EndCurrent(FactEntry entry, JsonObject version)
    {
        var current = entry.Current!;
        if (entry.Stored)
        {
            var ended = KeyOf(current);
            ended["valid_from_pos"] = current["valid_from_pos"]?.DeepClone();
            ended["valid_to_tx"] = version["valid_from_tx"]?.DeepClone();
            ended["valid_to_pos"] = version["valid_from_pos"]?.DeepClone();
            Ended.Add(ended);
        }
        else
        {
            current["valid_to_tx"] = version["valid_from_tx"]?.DeepClone();
            current["valid_to_pos"] = version["valid_from_pos"]?.DeepClone();
        }

        entry.Current = null;
        entry.Stored = false;
    }

    /// <summary>The cursor of the event that made a version.</summary>
    public static FeedCursor From(JsonObject row)
    {
        var tx = row["valid_from_tx"]!;
        var txId = tx.GetValueKind() == System.Text.Json.JsonValueKind.String
            ? ulong.Parse(tx.GetValue<string>(), CultureInfo.InvariantCulture)
            : tx.GetValue<ulong>();
        return new FeedCursor(txId, row["valid_from_pos"]!.GetValue<long>());
    }

    private FactEntry GetOrAdd(JsonObject key)
    {
        var signature = Signature(key, Table.Key);
        if (!_entries.TryGetValue(signature, out var entry))
        {
            entry = new FactEntry(key);
            _entries[signature] = entry;
        }

        return entry;
    }

    private void SetCurrent(FactEntry entry, JsonObject row, bool stored)
    {
        entry.Current = row;
        entry.Stored = stored;
        foreach (var index in _indexes.Values)
        {
            index.Add(entry);
        }
    }

    private static bool Matches(JsonObject row, FactFilter filter) =>
        filter.Equal.All(v => Value(row[v.Key]) == Value(v.Value)) && (filter.IsNull is null || row[filter.IsNull] is null);

    internal static string Signature(JsonObject values, IEnumerable<string> columns) =>
        string.Join('\u001f', columns.Select(c => Value(values[c])));

    private static string Value(JsonNode? node) =>
        node is null ? "\u0000" : node.GetValueKind() == System.Text.Json.JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString();

    /// <summary>The held entries by the values of some columns; <see cref="Loaded"/> are the values whose stored rows were all loaded.</summary>
    internal sealed class FilterIndex(IReadOnlyList<string> columns)
    {
        private readonly Dictionary<string, HashSet<FactEntry>> _byValues = [];

        public IReadOnlyList<string> Columns { get; } = columns;

        public HashSet<string> Loaded { get; } = [];

        public void Add(FactEntry entry)
        {
            var signature = Signature(entry.Current!, Columns);
            if (!_byValues.TryGetValue(signature, out var entries))
            {
                entries = [];
                _byValues[signature] = entries;
            }

            entries.Add(entry);
        }

        public IEnumerable<FactEntry> Candidates(JsonObject values) =>
            _byValues.TryGetValue(Signature(values, Columns), out var entries) ? entries : [];
    }
}
