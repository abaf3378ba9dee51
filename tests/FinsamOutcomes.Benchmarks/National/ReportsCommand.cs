using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Benchmarks.National;

/// <summary><c>reports</c>: over an existing generated database of the server, or over a freshly generated one.</summary>
internal static class ReportsCommand
{
    public static async Task<IReadOnlyList<ReportTiming>> RunAsync(BenchServer server, BenchOptions options, TextWriter log, List<ScenarioFailure> failures, CancellationToken ct)
    {
        BenchDatabase? fresh = null;
        try
        {
            string connectionString;
            if (options.Database is { } name)
            {
                connectionString = server.ConnectionString(name);
            }
            else
            {
                fresh = await server.CreateDatabaseAsync("reports", ct);
                connectionString = fresh.ConnectionString;
            }

            // the service's data source: its Max Auto Prepare and application name
            await using var dataSource = Database.CreateDataSource(connectionString);
            if (fresh is not null)
            {
                await NationalLog.GenerateAsync(dataSource, options.GenerateEvents, options.Seed, options.Writers, log, ct);
            }
            else
            {
                // an existing database gets the schema of this build, as the service would on start (new indexes, say)
                await SchemaMigrator.MigrateAsync(dataSource, Database.Migrations, cancellationToken: ct);
            }

            if (options.ReportWriters == 0)
            {
                return await new ReportsBenchmark(dataSource, options.ReportRounds, log).RunAsync(ct);
            }

            await using var writes = await ConcurrentWrites.StartAsync(dataSource, options.ReportWriters, options.Seed, log, ct);
            var timings = await new ReportsBenchmark(dataSource, options.ReportRounds, log).RunAsync(ct);
            await writes.StopAsync(ct);
            return timings;
        }
        catch (BenchmarkFailedException ex)
        {
            log.WriteLine($"reports: FAILED: {ex.Message}");
            failures.Add(new ScenarioFailure(ScenarioFamily.Reports, ex.Message));
            return [];
        }
        finally
        {
            if (fresh is not null)
            {
                await fresh.DisposeAsync();
            }
        }
    }
}
