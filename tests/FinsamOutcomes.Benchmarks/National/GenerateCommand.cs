using Npgsql;

namespace FinsamOutcomes.Benchmarks.National;

/// <summary><c>generate</c>: fills the database of the given connection (created when missing) with a national log.</summary>
internal static class GenerateCommand
{
    public static async Task<int> RunAsync(BenchOptions options, TextWriter log, CancellationToken ct)
    {
        var builder = new NpgsqlConnectionStringBuilder(options.Connection);
        if (options.NpgsqlSettings is not null)
        {
            builder.ConnectionString += ";" + options.NpgsqlSettings;
        }

        await EnsureDatabaseAsync(builder, ct);
        await using var dataSource = FinsamOutcomes.Api.Infrastructure.Database.CreateDataSource(builder.ConnectionString);
        try
        {
            var written = await NationalLog.GenerateAsync(dataSource, options.GenerateEvents, options.Seed, options.Writers, log, ct);
            Console.WriteLine($"generated {NationalLog.Describe(written)} events into {builder.Database}");
            return 0;
        }
        catch (BenchmarkFailedException ex)
        {
            log.WriteLine($"generate: FAILED: {ex.Message}");
            return 1;
        }
    }

    private static async Task EnsureDatabaseAsync(NpgsqlConnectionStringBuilder target, CancellationToken ct)
    {
        var admin = new NpgsqlConnectionStringBuilder(target.ConnectionString) { Database = "postgres", Pooling = false };
        await using var connection = new NpgsqlConnection(admin.ConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = target.Database });
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{target.Database}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }
}
