using Npgsql;
using NpgsqlTypes;

namespace FinsamOutcomes.Api.Features.Statistics.Projection;

/// <summary>
/// Applies the changes a batch of events records (<see cref="FactWriter"/>) with a few set-based statements
/// instead of several per event: it loads, in two round trips, every stored row the changes read (the keys
/// they put, the rows their filters match, and the inputs of the derived columns) except those of keys no
/// stored row can have (<see cref="FactOp.New"/>), applies the changes in memory (<see cref="FactState"/>), then
/// writes per table one UPDATE ending the stored versions that were replaced and one binary COPY of the new
/// versions (those ended within the batch already carry their valid_to). Rows travel as typed values: the keys
/// of the loads and the ends as one array per column (<c>unnest</c>), the loaded rows as the columns' own types
/// and the new versions in COPY's binary format, so no value is converted through text on either side.
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
        loads.PlanDerivedInputs(state);
        await loads.RunAsync(connection, transaction, state, ct);
        foreach (var op in ops)
        {
            state.Apply(op);
        }

        await WriteAsync(connection, transaction, state, ct);
    }

    private static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FactState state, CancellationToken ct)
    {
        // ends first: a new current version may only be inserted once its key's stored one has ended
        await using (var batch = new NpgsqlBatch(connection, transaction))
        {
            foreach (var table in state.Tables.Where(t => t.EndedRows.Count > 0))
            {
                var t = table.Table;
                var columns = t.KeyColumns.Concat([t.ValidFromPos, t.ValidToTx, t.ValidToPos]).Select(i => t.Columns[i]).ToList();
                var key = string.Join(" AND ", t.Key.Select(c => $"r.{c} = k.{c}"));
                var command = new NpgsqlBatchCommand($"""
                    UPDATE {t.Name} AS r SET valid_to_tx = k.valid_to_tx, valid_to_pos = k.valid_to_pos
                    FROM {Unnest(columns)} AS k({string.Join(", ", columns.Select(c => c.Name))})
                    WHERE {key} AND r.valid_from_pos = k.valid_from_pos AND r.valid_to_pos IS NULL
                    """);
                foreach (var column in columns)
                {
                    command.Parameters.Add(ArrayOf(column, table.EndedRows.Select(row => row[column.Index])));
                }

                batch.BatchCommands.Add(command);
            }

            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(ct);
            }
        }

        foreach (var table in state.Tables.Where(t => t.InsertedRows.Count > 0))
        {
            var t = table.Table;
            await using var copy = await connection.BeginBinaryImportAsync(
                $"COPY {t.Name} ({string.Join(", ", t.Columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)", ct);
            // the importer buffers the rows and sends a full buffer at a time: the synchronous writes block only then,
            // and cost less per value than an awaited call for each of the batch's tens of thousands of values
            foreach (var row in table.InsertedRows)
            {
                copy.StartRow();
                foreach (var column in t.Columns)
                {
                    Write(copy, column, row[column.Index]);
                }
            }

            await copy.CompleteAsync(ct);
        }
    }

    /// <summary>How a value of each <see cref="FactType"/> goes into a binary COPY, by the type's number.</summary>
    private static readonly Action<NpgsqlBinaryImporter, object>[] Writers = [.. Enum.GetValues<FactType>().Order().Select(WriterOf)];

    private static Action<NpgsqlBinaryImporter, object> WriterOf(FactType type) => type switch
    {
        FactType.Text => (copy, value) => copy.Write((string)value, NpgsqlDbType.Text),
        FactType.TextArray => (copy, value) => copy.Write((string[])value, NpgsqlDbType.Array | NpgsqlDbType.Text),
        FactType.Date => (copy, value) => copy.Write((DateOnly)value, NpgsqlDbType.Date),
        FactType.Integer => (copy, value) => copy.Write((int)value, NpgsqlDbType.Integer),
        FactType.Boolean => (copy, value) => copy.Write((bool)value, NpgsqlDbType.Boolean),
        FactType.Numeric => (copy, value) => copy.Write((decimal)value, NpgsqlDbType.Numeric),
        FactType.Xid8 => (copy, value) => copy.Write((ulong)value, NpgsqlDbType.Xid8),
        FactType.Bigint => (copy, value) => copy.Write((long)value, NpgsqlDbType.Bigint),
        _ => (copy, value) => copy.Write((DateTime)value, NpgsqlDbType.TimestampTz),
    };

    private static void Write(NpgsqlBinaryImporter copy, FactColumn column, object? value)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            Writers[(int)column.Type](copy, value);
        }
    }

    /// <summary><c>unnest($1::type[], …) WITH ORDINALITY</c> over the columns' arrays; the ordinality is the last column.</summary>
    private static string Unnest(IReadOnlyList<FactColumn> columns, int first = 1) =>
        $"unnest({string.Join(", ", columns.Select((c, i) => $"${first + i}::{c.SqlType}[]"))})";

    /// <summary>The values of one column as a typed array parameter (text[], date[], bigint[], xid8[]).</summary>
    private static NpgsqlParameter ArrayOf(FactColumn column, IEnumerable<object?> values) => new()
    {
        Value = column.Type switch
        {
            FactType.Text => values.Select(v => (string)v!).ToArray(),
            FactType.Date => values.Select(v => (DateOnly)v!).ToArray(),
            FactType.Bigint => values.Select(v => (long)v!).ToArray(),
            FactType.Xid8 => values.Select(v => (ulong)v!).ToArray(),
            _ => throw new InvalidOperationException($"{column.Name}: a {column.SqlType} column is not sent as an array."),
        },
        NpgsqlDbType = NpgsqlDbType.Array | column.DbType,
    };

    /// <summary>A row of the table from the reader's columns starting at <paramref name="first"/>, in the table's column order.</summary>
    private static object?[] ReadRow(NpgsqlDataReader reader, FactTable table, int first)
    {
        var row = new object?[table.Columns.Count];
        foreach (var column in table.Columns)
        {
            var ordinal = first + column.Index;
            row[column.Index] = reader.IsDBNull(ordinal) ? null : column.Type switch
            {
                FactType.Text => reader.GetString(ordinal),
                FactType.TextArray => reader.GetFieldValue<string[]>(ordinal),
                FactType.Date => reader.GetFieldValue<DateOnly>(ordinal),
                FactType.Integer => reader.GetInt32(ordinal),
                FactType.Boolean => reader.GetBoolean(ordinal),
                FactType.Numeric => reader.GetDecimal(ordinal),
                FactType.Xid8 => reader.GetFieldValue<ulong>(ordinal),
                FactType.Bigint => reader.GetInt64(ordinal),
                _ => reader.GetFieldValue<DateTime>(ordinal),
            };
        }

        return row;
    }

    private static string ColumnsOf(FactTable table, string alias) => string.Join(", ", table.Columns.Select(c => $"{alias}.{c.Name}"));

    /// <summary>The stored rows the next round trip loads: keys (their newest version) and filters (their current rows) per table.</summary>
    private sealed class Loads
    {
        private readonly Dictionary<FactTable, HashSet<FactKey>> _keys = [];
        private readonly Dictionary<(FactTable Table, string Columns), Dictionary<FactKey, FactFilter>> _filters = [];
        private readonly HashSet<string> _firstActivities = new(StringComparer.Ordinal);
        private readonly HashSet<string> _participations = new(StringComparer.Ordinal);

        private static readonly int ParticipationId = FactTable.Participations.Column("participation_id").Index;
        private static readonly int ParticipationInsats = FactTable.Participations.Column("insats_id").Index;
        private static readonly int OccurrenceInsats = FactTable.Occurrences.Column("insats_id").Index;
        private static readonly int ActivityParticipation = FactTable.Activities.Column("participation_id").Index;
        private static readonly int FirstActivityOn = FactTable.Participations.Column("first_activity_on").Index;

        /// <summary>
        /// What one change reads: the key it puts or the rows its filter matches, and what the table's derived columns
        /// read. A change of keys no stored row has (<see cref="FactOp.New"/>) is given them as loaded and empty.
        /// </summary>
        public void Plan(FactState state, FactOp op)
        {
            var table = state[op.Table];
            string? participation;
            if (op.Row is not null)
            {
                NeedKey(table, FactKey.Of(op.Row, op.Table.KeyColumns), op.New);
                participation = op.Table == FactTable.Participations ? (string?)op.Row[ParticipationId] : null;
            }
            else
            {
                var filter = op.Filter!;
                if (table.IsKey(filter.Columns))
                {
                    NeedKey(table, table.KeyOf(filter), op.New);
                }
                else
                {
                    NeedFilter(table, filter, op.New);
                }

                participation = op.Table == FactTable.Participations && filter.Columns.Contains("participation_id")
                    ? (string?)filter.ValueOf("participation_id") : null;
                if (op.Table == FactTable.Referrals)
                {
                    var referral = filter.ValueOf("referral_id") ?? throw new InvalidOperationException("A change of the referrals names no referral_id.");
                    NeedFilter(state[FactTable.CompletionRequests], new FactFilter(["referral_id"], [referral], null), isNew: false);
                }
            }

            if (op.Table == FactTable.Referrals && op.Row is not null)
            {
                NeedFilter(state[FactTable.CompletionRequests], new FactFilter(["referral_id"], [op.Row[FactTable.Referrals.KeyColumns[0]]], null), isNew: false);
            }

            if (participation is not null)
            {
                if (op.New)
                {
                    // no stored row of the participation: no stored activity either
                    state.FirstActivityInStore(participation, null);
                }
                else
                {
                    _participations.Add(participation);
                    if (op.Row is not null)
                    {
                        // a new participation's earliest stored activity, in the first round trip (the stored row's value wins if there is one)
                        _firstActivities.Add(participation);
                    }
                }
            }

            // a put row names its insats: what decides its förbund is loaded in the first round trip too
            var insats = op.Row is null ? null
                : op.Table == FactTable.Participations ? (string?)op.Row[ParticipationInsats]
                : op.Table == FactTable.Occurrences ? (string?)op.Row[OccurrenceInsats]
                : null;
            if (insats is not null)
            {
                NeedInsats(state, insats);
            }
        }

        /// <summary>
        /// After the first load: the insatser and transfers that decide the förbund of the participations and
        /// occurrences held, and what decides each participation's earliest activity (the stored row's value,
        /// all its current activities when the batch replaces a stored one, else the stored activities' minimum).
        /// </summary>
        public void PlanDerivedInputs(FactState state)
        {
            foreach (var (table, column) in new[] { (FactTable.Participations, ParticipationInsats), (FactTable.Occurrences, OccurrenceInsats) })
            {
                foreach (var row in state[table].Held())
                {
                    if (row[column] is string insats)
                    {
                        NeedInsats(state, insats);
                    }
                }
            }

            var replaced = state[FactTable.Activities].StoredCurrent().Select(row => (string)row[ActivityParticipation]!).ToHashSet(StringComparer.Ordinal);
            foreach (var participation in replaced)
            {
                NeedFilter(state[FactTable.Activities], new FactFilter(["participation_id"], [participation], null), isNew: false);
            }

            foreach (var participation in state[FactTable.Participations].StoredCurrent())
            {
                state.FirstActivityInStore((string)participation[ParticipationId]!, (DateOnly?)participation[FirstActivityOn]);
            }

            _firstActivities.UnionWith(_participations.Where(p => !replaced.Contains(p) && !state.KnowsFirstActivityInStore(p)));
            _firstActivities.ExceptWith(replaced);
            _participations.Clear();
        }

        private void NeedInsats(FactState state, string insats)
        {
            NeedKey(state[FactTable.Insatser], new FactKey(insats, null, null), isNew: false);
            NeedFilter(state[FactTable.Transfers], new FactFilter(["insats_id"], [insats], null), isNew: false);
        }

        private void NeedKey(FactTableState table, FactKey key, bool isNew)
        {
            // most changes name a key an earlier change of the batch named already
            if (table.HoldsKey(key))
            {
                return;
            }

            if (isNew)
            {
                table.LoadKey(key, null);
                return;
            }

            if (!_keys.TryGetValue(table.Table, out var keys))
            {
                keys = [];
                _keys[table.Table] = keys;
            }

            keys.Add(key);
        }

        private void NeedFilter(FactTableState table, FactFilter filter, bool isNew)
        {
            var values = filter.IsNull is null ? filter : filter with { IsNull = null };
            if (table.Holds(values))
            {
                return;
            }

            if (isNew)
            {
                table.LoadFilter(values, []);
                return;
            }

            var name = (table.Table, string.Join(',', values.Columns));
            if (!_filters.TryGetValue(name, out var filters))
            {
                filters = [];
                _filters[name] = filters;
            }

            filters.TryAdd(FactKey.Of(values.Values), values);
        }

        public async Task RunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, FactState state, CancellationToken ct)
        {
            var readers = new List<Func<NpgsqlDataReader, Task>>();
            await using var batch = new NpgsqlBatch(connection, transaction);
            foreach (var (table, keySet) in _keys)
            {
                var keys = keySet.ToList();
                var keyColumns = table.KeyColumns.Select(i => table.Columns[i]).ToList();
                var match = string.Join(" AND ", table.Key.Select(c => $"r.{c} = k.{c}"));
                var command = new NpgsqlBatchCommand($"""
                    SELECT k.i, {ColumnsOf(table, "v")}
                    FROM {Unnest(keyColumns)} WITH ORDINALITY AS k({string.Join(", ", table.Key)}, i)
                    LEFT JOIN LATERAL (
                        SELECT * FROM {table.Name} AS r WHERE {match}
                        ORDER BY r.valid_from_tx DESC, r.valid_from_pos DESC LIMIT 1) AS v ON true
                    """);
                for (var c = 0; c < keyColumns.Count; c++)
                {
                    var component = c;
                    command.Parameters.Add(ArrayOf(keyColumns[c], keys.Select(k => component switch { 0 => k.A, 1 => k.B, _ => k.C })));
                }

                batch.BatchCommands.Add(command);
                readers.Add(async reader =>
                {
                    var validFromPos = 1 + table.ValidFromPos;
                    while (await reader.ReadAsync(ct))
                    {
                        var key = keys[checked((int)reader.GetInt64(0)) - 1];
                        state[table].LoadKey(key, reader.IsDBNull(validFromPos) ? null : ReadRow(reader, table, 1));
                    }
                });
            }

            foreach (var ((table, columnList), filterSet) in _filters)
            {
                var filters = filterSet.Values.ToList();
                var names = columnList.Split(',');
                var columns = names.Select(table.Column).ToList();
                var match = string.Join(" AND ", names.Select(c => $"r.{c} = k.{c}"));
                var command = new NpgsqlBatchCommand($"""
                    SELECT k.i, {ColumnsOf(table, "r")}
                    FROM {Unnest(columns)} WITH ORDINALITY AS k({columnList}, i)
                    JOIN LATERAL (SELECT * FROM {table.Name} AS r WHERE {match} AND r.valid_to_pos IS NULL) AS r ON true
                    """);
                for (var c = 0; c < columns.Count; c++)
                {
                    var component = c;
                    command.Parameters.Add(ArrayOf(columns[c], filters.Select(f => f.Values[component])));
                }

                batch.BatchCommands.Add(command);
                readers.Add(async reader =>
                {
                    var rows = new List<object?[]>?[filters.Count];
                    while (await reader.ReadAsync(ct))
                    {
                        var i = checked((int)reader.GetInt64(0)) - 1;
                        (rows[i] ??= []).Add(ReadRow(reader, table, 1));
                    }

                    for (var i = 0; i < filters.Count; i++)
                    {
                        state[table].LoadFilter(filters[i], rows[i] ?? []);
                    }
                });
            }

            if (_firstActivities.Count > 0)
            {
                // a join grouped by participation, not min() in a subquery: PostgreSQL turns a lone min(activity_on)
                // into the first row of the activity_on index that matches the participation, a scan of every
                // current activity when it has none (a new enrolment): 38 of 43 s of server time in a rebuild's first 58,500 events
                var command = new NpgsqlBatchCommand("""
                    SELECT p.id, min(a.activity_on)
                    FROM unnest($1::text[]) AS p(id)
                    LEFT JOIN stats_activities AS a ON a.participation_id = p.id AND a.valid_to_pos IS NULL
                    GROUP BY p.id
                    """);
                command.Parameters.Add(new NpgsqlParameter { Value = _firstActivities.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
                batch.BatchCommands.Add(command);
                readers.Add(async reader =>
                {
                    while (await reader.ReadAsync(ct))
                    {
                        state.FirstActivityInStore(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetFieldValue<DateOnly>(1));
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
    }
}
