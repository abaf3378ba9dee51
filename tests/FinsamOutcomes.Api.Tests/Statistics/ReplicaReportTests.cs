using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using FinsamOutcomes.EventStore;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>
/// The service on a primary with its reports read from a real PostgreSQL streaming replica of it
/// (pg_basebackup -R from the installed binaries), and replay on the replica paused and resumed by the test.
/// </summary>
public sealed class ReplicaFactory : ApiFactory
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), $"finsam-replica-{Guid.NewGuid():N}"[..40]);
    private LocalPostgres? _primary;
    private LocalPostgres? _replica;

    public string ReplicaConnectionString { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        var fast = new LocalPostgresOptions { Durable = false };
        _primary = await LocalPostgres.StartAsync(Path.Combine(_root, "primary"), fast);
        await using (var admin = new NpgsqlConnection(_primary.ConnectionString()))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE DATABASE finsam", admin);
            await create.ExecuteNonQueryAsync();
        }

        var replicaFolder = Path.Combine(_root, "replica");
        await BaseBackupAsync(_primary.Port, replicaFolder);
        _replica = await LocalPostgres.StartAsync(replicaFolder, fast);
        ConnectionString = _primary.ConnectionString("finsam");
        ReplicaConnectionString = _replica.ConnectionString("finsam");
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        if (_replica is not null)
        {
            await _replica.StopAsync();
        }

        if (_primary is not null)
        {
            await _primary.StopAsync();
        }

        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>Pauses or resumes WAL replay on the replica (the replica then serves what it had replayed).</summary>
    public async Task SetReplayAsync(bool running)
    {
        await using var connection = new NpgsqlConnection(_replica!.ConnectionString());
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(running ? "SELECT pg_wal_replay_resume()" : "SELECT pg_wal_replay_pause()", connection);
        await cmd.ExecuteNonQueryAsync();
    }

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:FinsamReports", ReplicaConnectionString);
        builder.UseSetting("Statistics:MaxWait", "00:00:02");
        // any lag of the replica's statistics makes the service not ready (the primary's projections catch up at once)
        builder.UseSetting("Health:MaxProjectionLagEvents", "0");
    }

    private static async Task BaseBackupAsync(int port, string folder)
    {
        Directory.CreateDirectory(folder);
        // the folder of the real initdb: PATH may hold only links to initdb and pg_ctl
        var initdb = new FileInfo(Path.Combine(LocalPostgres.FindBinaries()!, "initdb"));
        var binaries = Path.GetDirectoryName(initdb.ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? initdb.FullName)!;
        var asPostgres = Environment.UserName == "root";
        var start = new ProcessStartInfo(asPostgres ? "runuser" : Path.Combine(binaries, "pg_basebackup"))
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        if (asPostgres)
        {
            await RunAsync(new ProcessStartInfo("chown", ["-R", "postgres:postgres", Path.GetDirectoryName(folder)!]));
            foreach (var arg in new[] { "-u", "postgres", "--", Path.Combine(binaries, "pg_basebackup") })
            {
                start.ArgumentList.Add(arg);
            }
        }

        foreach (var arg in new[] { "-h", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-U", "postgres", "-D", folder, "-R", "-X", "stream", "-c", "fast" })
        {
            start.ArgumentList.Add(arg);
        }

        await RunAsync(start);
    }

    private static async Task RunAsync(ProcessStartInfo start)
    {
        start.RedirectStandardError = true;
        start.RedirectStandardOutput = true;
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{start.FileName} failed ({process.ExitCode}): {error}");
        }
    }
}

/// <summary>
/// Reports served from a streaming replica (issue 12): they come from the replica, they name the replica's
/// position, and a report that must reflect a position the replica has not replayed waits for it or answers
/// 503 replica_behind — never figures older than asked for.
/// </summary>
public sealed class ReplicaReportTests(ReplicaFactory factory) : IClassFixture<ReplicaFactory>
{
    [Fact]
    public async Task reports_read_the_replica_wait_for_the_position_asked_for_and_refuse_a_replica_that_is_behind()
    {
        var s = await Scenario.CreateAsync(factory);
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        var first = await EnrolAsync(s, "2024-02-01");
        var url = $"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2024";

        // waitForPosition is honoured on the replica: the new participant is counted
        var report = await analyst.GetOkAsync($"{url}&waitForPosition={first}");
        Assert.Equal(1, Active(report));
        Assert.True(report.GetProperty("basis").GetProperty("position").GetInt64() >= first);

        await factory.SetReplayAsync(running: false);
        long second;
        try
        {
            second = await EnrolAsync(s, "2024-03-01");

            // the replica is where reports come from: without a position asked for, it answers what it has replayed
            var stale = await analyst.GetOkAsync(url);
            Assert.Equal(1, Active(stale));
            Assert.True(stale.GetProperty("basis").GetProperty("position").GetInt64() < second);

            // asked to reflect the second enrolment, or to report as of it, the paused replica is refused, not used
            var behind = await ApiClient.ProblemAsync(await analyst.GetAsync($"{url}&waitForPosition={second}"), HttpStatusCode.ServiceUnavailable, "replica_behind");
            Assert.Equal(second, behind.GetProperty("position").GetInt64());
            await ApiClient.ProblemAsync(await analyst.GetAsync($"{url}&asOfPosition={second}"), HttpStatusCode.ServiceUnavailable, "replica_behind");
            var now = Uri.EscapeDataString(DateTimeOffset.UtcNow.ToString("O", CultureInfo.InvariantCulture));
            await ApiClient.ProblemAsync(await analyst.GetAsync($"{url}&asOfTime={now}"), HttpStatusCode.ServiceUnavailable, "replica_behind");

            // readiness names the paused replica, how far behind the primary's statistics it is, and is not ready
            var (status, health) = await ReadinessOnceThePrimaryIsProjectedAsync(second);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
            var paused = health.GetProperty("reportReplica");
            Assert.True(paused.GetProperty("reachable").GetBoolean());
            Assert.False(paused.GetProperty("healthy").GetBoolean());
            Assert.True(paused.GetProperty("replayPaused").GetBoolean());
            Assert.True(paused.GetProperty("primaryStatisticsCheckpointPosition").GetInt64() >= second);
            Assert.True(paused.GetProperty("statisticsCheckpointPosition").GetInt64() < second);
            Assert.Equal(
                paused.GetProperty("primaryStatisticsCheckpointPosition").GetInt64() - paused.GetProperty("statisticsCheckpointPosition").GetInt64(),
                paused.GetProperty("behindEvents").GetInt64());
            Assert.Contains(health.GetProperty("problems").EnumerateArray(), p => p.GetString()!.StartsWith("report replica: ", StringComparison.Ordinal));

            // the primary has it all along (the write side reads the primary)
            await using var primary = new NpgsqlConnection(factory.ConnectionString);
            await primary.OpenAsync();
            await using var count = new NpgsqlCommand("SELECT count(*) FROM es_events WHERE position = $1", primary) { Parameters = { new() { Value = second } } };
            Assert.Equal(1L, (long)(await count.ExecuteScalarAsync())!);
        }
        finally
        {
            await factory.SetReplayAsync(running: true);
        }

        var caughtUp = await EnrolAsync(s, "2024-04-01");
        var fresh = await analyst.GetOkAsync($"{url}&waitForPosition={caughtUp}");
        Assert.Equal(3, Active(fresh));
        var asOfSecond = await analyst.GetOkAsync($"{url}&asOfPosition={second}");
        Assert.Equal(second, asOfSecond.GetProperty("basis").GetProperty("position").GetInt64());
        Assert.Equal(2, Active(asOfSecond));

        // caught up again: ready, nothing behind
        var (readyStatus, ready) = await ReadinessOnceThePrimaryIsProjectedAsync(caughtUp);
        Assert.Equal(HttpStatusCode.OK, readyStatus);
        var replica = ready.GetProperty("reportReplica");
        Assert.True(replica.GetProperty("healthy").GetBoolean());
        Assert.False(replica.GetProperty("replayPaused").GetBoolean());
        Assert.Equal(0, replica.GetProperty("behindEvents").GetInt64());
        Assert.Equal(JsonValueKind.Null, replica.GetProperty("oldestBehindSeconds").ValueKind);
    }

    /// <summary>/health/ready once every projection of the primary has reached the position (its own lag is then none).</summary>
    private async Task<(HttpStatusCode Status, JsonElement Body)> ReadinessOnceThePrimaryIsProjectedAsync(long position)
    {
        using var client = factory.CreateClient();
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var response = await client.GetAsync("/health/ready");
            var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            var projected = body.GetProperty("projections").EnumerateArray().All(p => p.GetProperty("checkpointPosition").GetInt64() >= position && p.GetProperty("healthy").GetBoolean());
            if (projected || DateTime.UtcNow > deadline)
            {
                Assert.True(projected, $"the primary's projections did not reach {position}: {body}");
                return (response.StatusCode, body);
            }

            await Task.Delay(50);
        }
    }

    private static int Active(JsonElement report) => report.GetProperty("participants").GetProperty("active").GetProperty("total").GetInt32();

    private static async Task<long> EnrolAsync(Scenario s, string enrolledOn)
    {
        var response = await s.CaseWorker.PostAsync("/api/participations", new
        {
            insatsId = s.InsatsId,
            referralId = (string?)null,
            enrolledOn,
            gender = "woman",
            person = new { personnummer = (string?)null, birthYear = 1990, protectedIdentity = false },
            consent = true,
            baseline = Scenario.Baseline(),
            ageOverrideReason = (string?)null,
        });
        Assert.True(response.IsSuccessStatusCode, $"enrolment answered {(int)response.StatusCode}");
        return long.Parse(response.Headers.GetValues("X-Log-Position").Single(), CultureInfo.InvariantCulture);
    }
}
