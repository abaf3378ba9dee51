using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;

namespace FinsamOutcomes.Api.Features.Statistics.Projection;

/// <summary>
/// Applies the changes a batch of events records (<see cref="FactWriter"/>) with a few set-based statements
/// instead of several per event: it loads, in two round trips, every stored row the changes read (the keys
/// they put, the rows their filters match, and the inputs of the derived columns), applies the changes in
/// memory (<see cref="FactState"/>), then writes per table one UPDATE ending the stored versions that were
/// replaced and one INSERT of the new versions (those ended within the batch already carry their valid_to).
/// Rows travel as JSON arrays turned into typed rows by <c>jsonb_populate_recordset</c> against the table's own
/// row type, the conversion the per-event statements used, so the stored values are the same.
/// </summary>
internal static class FactBatch
{

    public static async Task ApplyAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<FactOp> ops, CancellationToken ct)
    {
        if (ops.Count == 0)
        {
            return;
        }

        var state = new FactState();
        var loads = new Loads();
        foreach (var op in ops)
        {
            loads.Plan(state, op);
        }

        await loads.RunAsync(connection, transaction, state, ct);
        loads.PlanDerivedInputs(state, ops);
        await loads.RunAsync(connection, transaction, state, ct);
        foreach (var op in ops)
        {
            state.Apply(op);
        }

        await WriteAsync(connection, transaction, state, ct);
    }

    private static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FactState state, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        // ends first: a new current version may only be inserted once its key's stored one has ended
        foreach (var table in state.Tables.Where(t => t.Ended.Count > 0))
        {
            var key = string.Join(" AND ", table.Table.Key.Select(c => $"r.{c} = k.{c}"));
            Add(batch, $"""
                UPDATE {table.Table.Name} AS r SET valid_to_tx = k.valid_to_tx, valid_to_pos = k.valid_to_pos
                FROM jsonb_populate_recordset(NULL::{table.Table.Name}, $1) AS k
                WHERE {key} AND r.valid_from_pos = k.valid_from_pos AND r.valid_to_pos IS NULL
                """, new JsonArray([.. table.Ended]));
        }

        foreach (var table in state.Tables.Where(t => t.Inserted.Count > 0))
        {
            Add(batch, $"INSERT INTO {table.Table.Name} SELECT * FROM jsonb_populate_recordset(NULL::{table.Table.Name}, $1)", new JsonArray([.. table.Inserted]));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(ct);
        }
    }

    private static void Add(NpgsqlBatch batch, string sql, JsonNode rows)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = rows.ToJsonString(), NpgsqlDbType = NpgsqlDbType.Jsonb });
        batch.BatchCommands.Add(command);
    }

    /// <summary>The stored rows the next round trip loads: keys (their newest version) and filters (their current rows) per table.</summary>
    private sealed class Loads
    {
        private readonly Dictionary<FactTable, Dictionary<string, JsonObject>> _keys = [];
        private readonly Dictionary<(FactTable Table, string Columns), Dictionary<string, JsonObject>> _filters = [];
        private readonly HashSet<string> _firstActivities = [];
        private readonly HashSet<string> _participations = [];

        /// <summary>What one change reads: the key it puts or the rows its filter matches, and what the table's derived columns read.</summary>
        public void Plan(FactState state, FactOp op)
        {
            var values = op.Row is not null ? state[op.Table].KeyOf(op.Row) : op.Filter!.Equal;
            Need(state, op.Table, values);
            if (op.Table == FactTable.Referrals)
            {
                Need(state, FactTable.CompletionRequests, new JsonObject { ["referral_id"] = Required(values, "referral_id") });
            }
            else if (op.Table == FactTable.Participations && values["participation_id"] is { } participation)
            {
                _participations.Add(participation.GetValue<string>());
                if (op.Row is not null)
                {
                    // a new participation's earliest stored activity, in the first round trip (the stored row's value wins if there is one)
                    _firstActivities.Add(participation.GetValue<string>());
                }
            }

            // a put row names its insats: what decides its förbund is loaded in the first round trip too
            if ((op.Table == FactTable.Participations || op.Table == FactTable.Occurrences) && op.Row?["insats_id"] is { } insats)
            {
                Need(state, FactTable.Insatser, new JsonObject { ["insats_id"] = insats.DeepClone() });
                Need(state, FactTable.Transfers, new JsonObject { ["insats_id"] = insats.DeepClone() });
            }
        }

        /// <summary>
        /// After the first load: the insatser and transfers that decide the förbund of the participations and
        /// occurrences held, and what decides each participation's earliest activity (the stored row's value,
        /// all its current activities when the batch replaces a stored one, else the stored activities' minimum).
        /// </summary>
        public void PlanDerivedInputs(FactState state, IReadOnlyList<FactOp> ops)
        {
            var insatser = new HashSet<string>(StringComparer.Ordinal);
            foreach (var table in new[] { FactTable.Participations, FactTable.Occurrences })
            {
                insatser.UnionWith(state[table].Held().Select(row => FactState.Text(row["insats_id"])).OfType<string>());
                insatser.UnionWith(ops.Where(op => op.Table == table && op.Row is not null).Select(op => FactState.Text(op.Row!["insats_id"])).OfType<string>());
            }

            foreach (var insats in insatser)
            {
                Need(state, FactTable.Insatser, new JsonObject { ["insats_id"] = insats });
                Need(state, FactTable.Transfers, new JsonObject { ["insats_id"] = insats });
            }

            var replaced = state[FactTable.Activities].StoredCurrent().Select(row => FactState.Text(row["participation_id"])!).ToHashSet(StringComparer.Ordinal);
            foreach (var participation in replaced)
            {
                Need(state, FactTable.Activities, new JsonObject { ["participation_id"] = participation });
            }

            foreach (var participation in state[FactTable.Participations].StoredCurrent())
            {
                state.FirstActivityInStore(FactState.Text(participation["participation_id"])!, FactState.Date(participation["first_activity_on"]));
            }

            _firstActivities.UnionWith(_participations.Where(p => !replaced.Contains(p) && !state.KnowsFirstActivityInStore(p)));
            _firstActivities.ExceptWith(replaced);
            _participations.Clear();
        }

        private void Need(FactState state, FactTable table, JsonObject values)
        {
            var tableState = state[table];
            var filter = new FactFilter(values, null);
            if (tableState.Holds(filter))
            {
                return;
            }

            var columns = values.Select(v => v.Key).Order(StringComparer.Ordinal).ToList();
            var set = tableState.IsKey(values)
                ? Get(_keys, table)
                : Get(_filters, (table, string.Join(',', columns)));
            set.TryAdd(FactTableState.Signature(values, columns), values.DeepClone().AsObject());
        }

        public async Task RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FactState state, CancellationToken ct)
        {
            var readers = new List<Func<NpgsqlDataReader, Task>>();
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (table, keys) in _keys)
            {
                var match = string.Join(" AND ", table.Key.Select(c => $"r.{c} = k.{c}"));
                var keyColumns = string.Join(", ", table.Key.Select(c => $"k.{c}"));
                Add(batch, $"""
                    SELECT to_jsonb(k)::text, to_jsonb(v)::text
                    FROM (SELECT DISTINCT {keyColumns} FROM jsonb_populate_recordset(NULL::{table.Name}, $1) AS k) AS k
                    LEFT JOIN LATERAL (
                        SELECT * FROM {table.Name} AS r WHERE {match}
                        ORDER BY r.valid_from_tx DESC, r.valid_from_pos DESC LIMIT 1) AS v ON true
                    """, new JsonArray([.. keys.Values]));
                readers.Add(async reader =>
                {
                    while (await reader.ReadAsync(ct))
                    {
                        var newest = await reader.IsDBNullAsync(1, ct) ? null : Parse(reader.GetString(1));
                        state[table].LoadKey(Parse(reader.GetString(0)), newest);
                    }
                });
            }

            foreach (var ((table, columnList), filters) in _filters)
            {
                var columns = columnList.Split(',');
                var match = string.Join(" AND ", columns.Select(c => $"r.{c} = k.{c}"));
                Add(batch, $"""
                    SELECT to_jsonb(r)::text
                    FROM (SELECT DISTINCT {string.Join(", ", columns.Select(c => $"k.{c}"))} FROM jsonb_populate_recordset(NULL::{table.Name}, $1) AS k) AS k
                    JOIN LATERAL (SELECT * FROM {table.Name} AS r WHERE {match} AND r.valid_to_pos IS NULL) AS r ON true
                    """, new JsonArray([.. filters.Values]));
                readers.Add(async reader =>
                {
                    var rows = new List<JsonObject>();
                    while (await reader.ReadAsync(ct))
                    {
                        rows.Add(Parse(reader.GetString(0)));
                    }

                    var bySignature = rows.ToLookup(r => FactTableState.Signature(r, columns), StringComparer.Ordinal);
                    foreach (var values in filters.Values)
                    {
                        state[table].LoadFilter(values, bySignature[FactTableState.Signature(values, columns)]);
                    }
                });
            }

            if (_firstActivities.Count > 0)
            {
                var command = new NpgsqlBatchCommand("""
                    SELECT p.id, (SELECT min(a.activity_on) FROM stats_activities AS a
                                   WHERE a.participation_id = p.id AND a.valid_to_pos IS NULL)
                    FROM unnest($1::text[]) AS p(id)
                    """);
                command.Parameters.Add(new NpgsqlParameter { Value = _firstActivities.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                batch.BatchCommands.Add(command);
                readers.Add(async reader =>
                {
                    while (await reader.ReadAsync(ct))
                    {
                        state.FirstActivityInStore(reader.GetString(0), await reader.IsDBNullAsync(1, ct) ? null : reader.GetFieldValue<DateOnly>(1));
                    }
                });
            }

            _keys.Clear();
            _filters.Clear();
            _firstActivities.Clear();
            if (batch.BatchCommands.Count == 0)
            {
                return;
            }

            await using var results = await batch.ExecuteReaderAsync(ct);
            foreach (var read in readers)
            {
                await read(results);
                await results.NextResultAsync(ct);
            }
        }

        private static JsonObject Parse(string json) => JsonNode.Parse(json)!.AsObject();

        private static JsonNode Required(JsonObject values, string column) =>
            values[column]?.DeepClone() ?? throw new InvalidOperationException($"A change of the referrals names no {column}.");

        private static Dictionary<string, JsonObject> Get<TKey>(Dictionary<TKey, Dictionary<string, JsonObject>> sets, TKey key)
            where TKey : notnull
        {
            if (!sets.TryGetValue(key, out var set))
            {
                set = [];
                sets[key] = set;
            }

            return set;
        }
    }
}
