using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using Npgsql;

namespace FinsamOutcomes.Benchmarks;

/// <summary>A trivial read model: one row per event, written with one INSERT per batch.</summary>
internal static class FeedReadModel
{
    public const string ProjectedTable = "bench_feed_projected";

    public const string BaselineTable = "bench_feed_baseline";

    public static string CreateTableSql(string table) =>
        $"""
        CREATE TABLE {table} (
            position   bigint PRIMARY KEY,
            event_id   uuid   NOT NULL,
            stream_id  text   NOT NULL,
            event_type text   NOT NULL
        )
        """;

    public static async Task InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, string table,
        long[] positions, Guid[] eventIds, string[] streamIds, string[] eventTypes, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            $"INSERT INTO {table} (position, event_id, stream_id, event_type) SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], $4::text[])",
            connection, transaction);
        cmd.Parameters.Add(new NpgsqlParameter { Value = positions });
        cmd.Parameters.Add(new NpgsqlParameter { Value = eventIds });
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamIds });
        cmd.Parameters.Add(new NpgsqlParameter { Value = eventTypes });
        await cmd.ExecuteNonQueryAsync(ct);
    }
}

/// <summary>The projection the runner drives: copies each event's identity into <see cref="FeedReadModel.ProjectedTable"/>.</summary>
internal sealed class FeedProjection(string name) : IProjection
{
    public string Name => name;

    public Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken) =>
        FeedReadModel.InsertAsync(
            context.Connection, context.Transaction, FeedReadModel.ProjectedTable,
            events.Select(e => e.Position).ToArray(),
            events.Select(e => e.EventId).ToArray(),
            events.Select(e => e.StreamId).ToArray(),
            events.Select(e => e.EventType).ToArray(),
            cancellationToken);

    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var cmd = context.Command($"TRUNCATE {FeedReadModel.ProjectedTable}");
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }
}
