using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using FinsamOutcomes.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace FinsamOutcomes.Api.Features.Statistics.Projection;

/// <summary>
/// Writes the fact-table changes one event causes, as versions: a change never updates a row in place
/// but ends the current version at the event's cursor and inserts the next version from it. Values are
/// passed as JSON objects whose snake_case keys are the column names (C# property names converted), and
/// turned into typed rows by <c>jsonb_populate_record</c> against the table's own row type.
/// Every statement only touches versions older than the event, so applying an event twice changes nothing.
/// </summary>
internal sealed class FactWriter
{
    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    private readonly NpgsqlBatch _batch;
    private readonly RecordedEvent _event;
    private readonly string _version;

    public FactWriter(NpgsqlBatch batch, RecordedEvent recorded)
    {
        _batch = batch;
        _event = recorded;
        _version = JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["valid_from_tx"] = recorded.TxId.ToString(CultureInfo.InvariantCulture),
            ["valid_from_pos"] = recorded.Position,
            ["valid_from_at"] = recorded.RecordedAt.ToUniversalTime(),
            ["valid_to_tx"] = null,
            ["valid_to_pos"] = null,
        });
    }

    /// <summary>The rows of a table whose columns equal the given values (an anonymous object), and optionally a condition over the row <c>r</c>.</summary>
    public static Filter Where(object equal, string? condition = null) => new(equal, condition);

    /// <summary>Puts a whole row (every non-derived column): it becomes the current version of its key.</summary>
    public void Put(FactTable table, object row)
    {
        var values = JsonSerializer.SerializeToNode(row, Json)!.AsObject();
        var key = new Dictionary<string, object?>();
        foreach (var column in table.Key)
        {
            key[column] = values[column]?.DeepClone();
        }

        var command = Command();
        var keyParameter = command.Add(JsonSerializer.Serialize(key), NpgsqlDbType.Jsonb);
        var rowParameter = command.Add(values.ToJsonString(), NpgsqlDbType.Jsonb);
        var matchesKey = string.Join(" AND ", table.Key.Select(c => $"r.{c} = k.{c}"));
        command.Sql = $"""
            WITH ended AS (
                UPDATE {table.Name} AS r SET valid_to_tx = $1::text::xid8, valid_to_pos = $2
                FROM jsonb_populate_record(NULL::{table.Name}, {keyParameter}) AS k
                WHERE {matchesKey} AND r.valid_to_pos IS NULL AND {OlderThanEvent}),
            r AS (
                SELECT (jsonb_populate_record(NULL::{table.Name}, {rowParameter} || $3::jsonb)).*
                WHERE NOT EXISTS (
                    SELECT 1 FROM {table.Name} AS r, jsonb_populate_record(NULL::{table.Name}, {keyParameter}) AS k
                    WHERE {matchesKey} AND NOT {OlderThanEvent}))
            {InsertWithDerived(table)}
            """;
        command.AddTo(_batch);
    }

    /// <summary>Revises the current version of every matching row: the next version has the changes and freshly derived columns.</summary>
    public void Revise(FactTable table, Filter filter, object changes) =>
        Revise(table, filter.Condition, filter.Equal, JsonSerializer.Serialize(changes, Json));

    /// <summary>Recomputes the derived columns of the matching rows; a new version only where a derived value changed.</summary>
    public void Rederive(FactTable table, Filter filter)
    {
        var stale = string.Join(" OR ", table.Derived.Select(d => $"r.{d.Column} IS DISTINCT FROM ({d.Expression})"));
        var condition = filter.Condition is null ? $"({stale})" : $"({filter.Condition}) AND ({stale})";
        Revise(table, condition, filter.Equal, "{}");
    }

    /// <summary>Ends the current version of every matching row without a successor: the fact no longer holds.</summary>
    public void End(FactTable table, Filter filter)
    {
        var command = Command();
        var where = command.Where(filter.Equal, filter.Condition);
        command.Sql = $"""
            UPDATE {table.Name} AS r SET valid_to_tx = $1::text::xid8, valid_to_pos = $2
            FROM jsonb_populate_record(NULL::{table.Name}, {where.Parameter}) AS k
            WHERE {where.Sql}
            """;
        command.AddTo(_batch);
    }

    private void Revise(FactTable table, string? condition, object equal, string changes)
    {
        var command = Command();
        var where = command.Where(equal, condition);
        var changesParameter = command.Add(changes, NpgsqlDbType.Jsonb);
        command.Sql = $"""
            WITH previous AS (
                UPDATE {table.Name} AS r SET valid_to_tx = $1::text::xid8, valid_to_pos = $2
                FROM jsonb_populate_record(NULL::{table.Name}, {where.Parameter}) AS k
                WHERE {where.Sql}
                RETURNING r.*),
            r AS (
                SELECT (jsonb_populate_record(NULL::{table.Name}, to_jsonb(previous) || {changesParameter} || $3::jsonb)).*
                FROM previous)
            {InsertWithDerived(table)}
            """;
        command.AddTo(_batch);
    }

    private const string OlderThanEvent = "(r.valid_from_tx, r.valid_from_pos) < ($1::text::xid8, $2)";

    private static string InsertWithDerived(FactTable table)
    {
        var derived = table.Derived.Count == 0
            ? "'{}'::jsonb"
            : $"jsonb_build_object({string.Join(", ", table.Derived.Select(d => $"'{d.Column}', ({d.Expression})"))})";
        return $"INSERT INTO {table.Name} SELECT (jsonb_populate_record(NULL::{table.Name}, to_jsonb(r) || {derived})).* FROM r";
    }

    private PendingCommand Command()
    {
        var command = new PendingCommand();
        command.Add(_event.TxId.ToString(CultureInfo.InvariantCulture), NpgsqlDbType.Text);
        command.Add(_event.Position, NpgsqlDbType.Bigint);
        command.Add(_version, NpgsqlDbType.Jsonb);
        return command;
    }

    internal sealed record Filter(object Equal, string? Condition);

    /// <summary>One statement with positional parameters: $1 the event's transaction id, $2 its position, $3 the version columns.</summary>
    private sealed class PendingCommand
    {
        private readonly NpgsqlBatchCommand _command = new();

        public string Sql { set => _command.CommandText = value; }

        public string Add(object value, NpgsqlDbType type)
        {
            _command.Parameters.Add(new NpgsqlParameter { Value = value, NpgsqlDbType = type });
            return $"${_command.Parameters.Count}";
        }

        /// <summary>The current versions, older than the event, whose columns equal the filter's values (row <c>k</c>).</summary>
        public (string Parameter, string Sql) Where(object equal, string? condition)
        {
            var values = JsonSerializer.SerializeToNode(equal, Json)!.AsObject();
            var parameter = Add(values.ToJsonString(), NpgsqlDbType.Jsonb);
            var clauses = values.Select(v => $"r.{v.Key} = k.{v.Key}")
                .Append("r.valid_to_pos IS NULL")
                .Append(OlderThanEvent);
            if (condition is not null)
            {
                clauses = clauses.Append($"({condition})");
            }

            return (parameter, string.Join(" AND ", clauses));
        }

        public void AddTo(NpgsqlBatch batch) => batch.BatchCommands.Add(_command);
    }
}
