using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Benchmarks;

/// <summary>
/// The server the benchmark runs on: a given one, or a throwaway local cluster in a temp folder that
/// is stopped and deleted on dispose. Hands out fresh, migrated databases.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly string _adminConnection;
    private readonly string? _npgsqlSettings;
    private readonly LocalPostgres? _local;
    private readonly string? _folder;

    private BenchServer(string adminConnection, string? npgsqlSettings, LocalPostgres? local, string? folder)
    {
        _adminConnection = adminConnection;
        _npgsqlSettings = npgsqlSettings;
        _local = local;
        _folder = folder;
    }

    public bool IsLocal => _local is not null;

    public static async Task<BenchServer> StartAsync(string? connection, string? npgsqlSettings, CancellationToken ct)
    {
        if (connection is not null)
        {
            return new BenchServer(connection, npgsqlSettings, null, null);
        }

        var folder = Path.Combine(Path.GetTempPath(), $"finsam-bench-{Guid.NewGuid():N}");
        try
        {
            // fsync off, as docs/benchmarks.md describes: the numbers measure the store, not the disk
            var local = await LocalPostgres.StartAsync(folder, new LocalPostgresOptions { Durable = false }, cancellationToken: ct);
            return new BenchServer(local.ConnectionString(), npgsqlSettings, local, folder);
        }
        catch
        {
            DeleteFolder(folder);
            throw;
        }
    }

    /// <summary>
    /// Creates an empty database, applies the event store schema and opens a data source on it with
    /// the extra Npgsql settings, if any.
    /// </summary>
    public async Task<BenchDatabase> CreateDatabaseAsync(string purpose, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(_adminConnection);
        if (_npgsqlSettings is not null)
        {
            builder.ConnectionString += ";" + _npgsqlSettings;
        }

        var name = $"finsam_bench_{purpose}_{Guid.NewGuid():N}"[..40];
        builder.Database = name;
        await ExecuteAdminAsync($"CREATE DATABASE \"{name}\"", ct);
        // the service's own data-source settings (auto-prepared statements), so the numbers are the service's
        var dataSource = FinsamOutcomes.Api.Infrastructure.Database.CreateDataSource(builder.ConnectionString);
        var database = new BenchDatabase(this, name, dataSource, builder.ConnectionString);
        try
        {
            await SchemaMigrator.MigrateAsync(dataSource, Migration.EventStore, cancellationToken: ct);
        }
        catch
        {
            await database.DisposeAsync();
            throw;
        }

        return database;
    }

    /// <summary>The connection string of an existing database of the server, with the extra Npgsql settings.</summary>
    public string ConnectionString(string database)
    {
        var builder = new NpgsqlConnectionStringBuilder(_adminConnection) { Database = database };
        if (_npgsqlSettings is not null)
        {
            builder.ConnectionString += ";" + _npgsqlSettings;
        }

        return builder.ConnectionString;
    }

    /// <summary>The server's version and the settings that decide what a commit costs.</summary>
    public async Task<string> DescribeAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_adminConnection);
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(
            "SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'), current_setting('full_page_writes')",
            connection);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return $"PostgreSQL {reader.GetString(0)} ({(IsLocal ? "throwaway local cluster" : "given server")}): " +
               $"fsync={reader.GetString(1)}, synchronous_commit={reader.GetString(2)}, full_page_writes={reader.GetString(3)}; " +
               $"extra Npgsql settings: {_npgsqlSettings ?? "none"}";
    }

    /// <summary>A data source with the service's settings on an existing database of the server (not dropped).</summary>
    public NpgsqlDataSource OpenExisting(string name)
    {
        var builder = new NpgsqlConnectionStringBuilder(_adminConnection) { Database = name };
        if (_npgsqlSettings is not null)
        {
            builder.ConnectionString += ";" + _npgsqlSettings;
        }

        return FinsamOutcomes.Api.Infrastructure.Database.CreateDataSource(builder.ConnectionString);
    }

    internal Task DropDatabaseAsync(string name) =>
        ExecuteAdminAsync($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        if (_local is null)
        {
            return;
        }

        NpgsqlConnection.ClearAllPools();
        await _local.StopAsync();
        DeleteFolder(_folder!);
    }

    private async Task ExecuteAdminAsync(string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(_adminConnection);
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void DeleteFolder(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"could not remove {folder}: {ex.Message}");
        }
        catch (UnauthorizedAccessException ex)
        {
            Console.Error.WriteLine($"could not remove {folder}: {ex.Message}");
        }
    }
}

/// <summary>A fresh database for one scenario; dropped on dispose.</summary>
internal sealed class BenchDatabase(BenchServer server, string name, NpgsqlDataSource dataSource, string connectionString) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource => dataSource;

    /// <summary>The database's connection string with the extra Npgsql settings, for a service or data source of another kind.</summary>
    public string ConnectionString => connectionString;

    public async Task ExecuteAsync(string sql, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    public async Task<long> ScalarAsync(string sql, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await dataSource.DisposeAsync();
        await server.DropDatabaseAsync(name);
    }
}
