using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Statistics.Projection;

/// <summary>
/// The indexes of the fact tables that only reports read (migrations 0800, 0900, 1000, 1200, 1300, 1500 and 1900, changed by 1600, 1700 and 1800): the projection's loads and
/// writes use the primary keys, the current-version indexes and the indexes of 0200. Maintaining them row by row
/// was more than half of a rebuild's inserts (ADR 0008, third round), so a reset drops them and the rebuild builds
/// them once at the end. Their definitions are read from the catalogue at the reset, so what is built again is the
/// index as the migrations left it, and kept in stats_deferred_indexes (migration 1100) in the reset's transaction
/// until it is built: when the projection reaches the head of the log, or at start-up before the migrations if a
/// crash or a stop came first. Both take the migrations' lock, so neither interleaves with a migration.
/// </summary>
internal static class ReportIndexes
{
    /// <summary>The report-only indexes, by name. One a migration no longer creates is not there to drop, and is skipped.</summary>
    public static IReadOnlyList<string> Names { get; } =
    [
        // 0800, the participations' and the groups' period indexes changed by 1700
        "stats_participations_forbund_period",
        "stats_participations_insats_period",
        "stats_participations_period",
        "stats_activities_period",
        "stats_referrals_group_period",
        // 0900, changed by 1600
        "stats_activities_participation_period",
        // 0900, changed by 1000 and 1800
        "stats_participations_referral",
        // 1000
        "stats_referrals_accepted",
        // 1200
        "stats_participations_enrolled_referral",
        // 1300, changed by 1800
        "stats_participations_forbund_period_versions",
        "stats_participations_insats_period_versions",
        "stats_referrals_group_period_versions",
        // 1500, changed by 1700
        "stats_referrals_period",
        // 1900
        "stats_occupation_changes_latest",
        "stats_referrals_referring_party",
    ];

    /// <summary>
    /// In the reset's transaction: keeps the definition of each report-only index that exists and drops it. An index
    /// already kept (a reset during a rebuild) stays kept as it was.
    /// </summary>
    public static async Task DeferAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await SchemaMigrator.LockAsync(connection, transaction, ct);
        var dropped = new List<string>();
        await using (var cmd = new NpgsqlCommand(
            """
            INSERT INTO stats_deferred_indexes (index_name, table_name, definition)
            SELECT i.indexname, i.tablename, i.indexdef FROM pg_indexes AS i
            WHERE i.schemaname = current_schema() AND i.indexname = ANY($1)
            ON CONFLICT (index_name) DO NOTHING
            RETURNING index_name
            """, connection, transaction))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = Names.ToArray() });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                dropped.Add(reader.GetString(0));
            }
        }

        if (dropped.Count > 0)
        {
            await using var drop = new NpgsqlCommand($"DROP INDEX {string.Join(", ", dropped)}", connection, transaction);
            await drop.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>
    /// Builds every kept index again and forgets its definition, in the caller's transaction, then analyses the
    /// tables of those with an expression (the planner's statistics of an expression are gathered with its table's).
    /// Nothing to do, and no lock taken, when none is kept or migration 1100 has not run yet. Returns the tables it analysed.
    /// </summary>
    public static async Task<IReadOnlyList<string>> RestoreAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        await using (var exists = new NpgsqlCommand("SELECT to_regclass('stats_deferred_indexes') IS NOT NULL", connection, transaction))
        {
            if (await exists.ExecuteScalarAsync(ct) is not true || (await KeptAsync(connection, transaction, ct)).Count == 0)
            {
                return [];
            }
        }

        await SchemaMigrator.LockAsync(connection, transaction, ct);
        // read again under the lock: another process may have built them meanwhile
        var kept = await KeptAsync(connection, transaction, ct);
        foreach (var (name, _, definition) in kept)
        {
            await using (var missing = new NpgsqlCommand("SELECT to_regclass($1) IS NULL", connection, transaction))
            {
                missing.Parameters.Add(new NpgsqlParameter { Value = name });
                if (await missing.ExecuteScalarAsync(ct) is true)
                {
                    await using var build = new NpgsqlCommand(definition, connection, transaction);
                    // an index over ten million rows takes minutes: no command timeout
                    build.CommandTimeout = 0;
                    await build.ExecuteNonQueryAsync(ct);
                }
            }

            await using var forget = new NpgsqlCommand("DELETE FROM stats_deferred_indexes WHERE index_name = $1", connection, transaction);
            forget.Parameters.Add(new NpgsqlParameter { Value = name });
            await forget.ExecuteNonQueryAsync(ct);
        }

        // the planner's statistics of an index's expressions are gathered when its table is analysed: the tables with
        // an expression index built here are (stats_participations, stats_referrals; not the large stats_activities)
        var analyse = new List<string>();
        await using (var expressions = new NpgsqlCommand(
            """
            SELECT DISTINCT t.relname FROM pg_index AS i JOIN pg_class AS t ON t.oid = i.indrelid JOIN pg_class AS x ON x.oid = i.indexrelid
            WHERE x.relname = ANY($1) AND x.relnamespace = (SELECT n.oid FROM pg_namespace AS n WHERE n.nspname = current_schema()) AND i.indexprs IS NOT NULL
            ORDER BY 1
            """, connection, transaction))
        {
            expressions.Parameters.Add(new NpgsqlParameter { Value = kept.Select(k => k.Name).ToArray() });
            await using var reader = await expressions.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                analyse.Add(reader.GetString(0));
            }
        }

        if (analyse.Count > 0)
        {
            await using var analyze = new NpgsqlCommand($"ANALYZE {string.Join(", ", analyse)}", connection, transaction);
            analyze.CommandTimeout = 0;
            await analyze.ExecuteNonQueryAsync(ct);
        }

        return analyse;
    }

    private static async Task<List<(string Name, string Table, string Definition)>> KeptAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        var kept = new List<(string, string, string)>();
        await using var cmd = new NpgsqlCommand("SELECT index_name, table_name, definition FROM stats_deferred_indexes ORDER BY index_name", connection, transaction);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            kept.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        }

        return kept;
    }
}
