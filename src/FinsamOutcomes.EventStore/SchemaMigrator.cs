using System.Reflection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FinsamOutcomes.EventStore;

/// <summary>One versioned SQL script. Ids sort in the order they must run (e.g. "0001_event_store").</summary>
public sealed record Migration(string Module, string Id, string Sql)
{
    public string Key => $"{Module}/{Id}";

    /// <summary>Loads embedded resources ending in .sql from an assembly, ordered by file name.</summary>
    public static IReadOnlyList<Migration> FromAssembly(Assembly assembly, string module)
    {
        var list = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            var parts = resource.Split('.');
            var id = parts[^2];
            list.Add(new Migration(module, id, reader.ReadToEnd()));
        }

        return list.OrderBy(m => m.Id, StringComparer.Ordinal).ToArray();
    }

    public static IReadOnlyList<Migration> EventStore { get; } = FromAssembly(typeof(Migration).Assembly, "eventstore");
}

/// <summary>
/// Applies ordered SQL migrations once each, recording them in <c>es_schema_migrations</c>.
/// A transaction-scoped advisory lock serialises processes that start at the same time.
/// </summary>
public static class SchemaMigrator
{
    private const long LockKey = 0x46494E53414D; // "FINSAM"

    /// <summary>
    /// Takes the migrations' lock for the rest of the transaction: work that changes the schema outside a migration
    /// (a rebuild dropping and building indexes) does not interleave with a migration.
    /// </summary>
    public static async Task LockAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken cancellationToken = default)
    {
        await using var cmd = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({LockKey})", connection, transaction);
        await cmd.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <param name="beforeMigrations">
    /// Runs under the lock, in the migrations' transaction, before the first migration: puts the schema back as the
    /// migrations left it (indexes a rebuild had dropped and a crash left dropped), so a migration that changes them finds them.
    /// </param>
    public static async Task<IReadOnlyList<string>> MigrateAsync(
        NpgsqlDataSource dataSource, IEnumerable<Migration> migrations, ILogger? logger = null, CancellationToken cancellationToken = default,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task>? beforeMigrations = null)
    {
        var applied = new List<string>();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var tx = await connection.BeginTransactionAsync(cancellationToken);
        await using (var cmd = new NpgsqlCommand(
            $"""
            SELECT pg_advisory_xact_lock({LockKey});
            CREATE TABLE IF NOT EXISTS es_schema_migrations (
                key text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            );
            """, connection, tx))
        {
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }

        if (beforeMigrations is not null)
        {
            await beforeMigrations(connection, tx, cancellationToken);
        }

        var done = new HashSet<string>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT key FROM es_schema_migrations", connection, tx))
        await using (var reader = await cmd.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                done.Add(reader.GetString(0));
            }
        }

        foreach (var migration in migrations)
        {
            if (done.Contains(migration.Key))
            {
                continue;
            }

            await using (var cmd = new NpgsqlCommand(migration.Sql, connection, tx))
            {
                await cmd.ExecuteNonQueryAsync(cancellationToken);
            }

            await using (var cmd = new NpgsqlCommand("INSERT INTO es_schema_migrations (key) VALUES ($1)", connection, tx))
            {
                cmd.Parameters.Add(new NpgsqlParameter { Value = migration.Key });
                await cmd.ExecuteNonQueryAsync(cancellationToken);
            }

            logger?.LogInformation("Applied migration {Migration}", migration.Key);
            applied.Add(migration.Key);
            done.Add(migration.Key);
        }

        await tx.CommitAsync(cancellationToken);
        return applied;
    }

    /// <summary>True when every given migration is recorded as applied.</summary>
    public static async Task<bool> IsUpToDateAsync(NpgsqlDataSource dataSource, IEnumerable<Migration> migrations, CancellationToken cancellationToken = default)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT key FROM es_schema_migrations");
        var done = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            await using var reader = await cmd.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                done.Add(reader.GetString(0));
            }
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UndefinedTable)
        {
            return false;
        }

        return migrations.All(m => done.Contains(m.Key));
    }
}
