using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FinsamOutcomes.Api.Features.Participations;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using FinsamOutcomes.Api.Tests.Recording;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace FinsamOutcomes.Api.Tests.Durability;

/// <summary>
/// The hostile trial, as a test: 8 case workers record enrolments and exits over HTTP while the service's
/// own durable local PostgreSQL is killed with SIGKILL. The service must notice, restart the server by
/// itself, answer 503 (never 500) meanwhile, and afterwards every write it acknowledged must be there,
/// none twice, and no identity may be left in the vault without a participation.
/// </summary>
public sealed class CrashRecoveryTests(CrashApiFactory factory, ITestOutputHelper output) : IClassFixture<CrashApiFactory>
{
    private const int Writers = 8;
    private const int WritesBeforeKill = 80;
    private const int WritesAfterReady = 80;
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PhaseDeadline = TimeSpan.FromSeconds(30);

    private static readonly object ExitBody = new { exitedOn = "2024-05-30", reasonCode = "flyttat", meansOfSupportAtExit = "other", occupationAtExit = "none" };

    private readonly ConcurrentDictionary<string, Written> _acknowledged = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _refusals = new(StringComparer.Ordinal);
    private int _acknowledgedWrites;

    private sealed record Written(string Personnummer, bool Exited);

    [Fact]
    public async Task killing_the_local_postgres_during_writes_loses_no_acknowledged_write_and_the_service_recovers_by_itself()
    {
        var s = await Scenario.CreateAsync(factory);
        var db = factory.Services.GetRequiredService<NpgsqlDataSource>();
        foreach (var (setting, expected) in new[] { ("fsync", "on"), ("synchronous_commit", "on"), ("full_page_writes", "on"), ("data_checksums", "on") })
        {
            Assert.Equal(expected, await ShowAsync(db, setting));
        }

        var health = factory.CreateClient();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(1, Writers)
            .Select(w => Task.Run(() => WriteAsync(ApiClient.As(factory, Roles.CaseWorker, s.ForbundId, [s.InsatsId], actor: $"handlaggare-{w}"), s.InsatsId, stop.Token)))
            .ToArray();

        Assert.True(await UntilAsync(() => Volatile.Read(ref _acknowledgedWrites) >= WritesBeforeKill, PhaseDeadline), "writers made too little progress before the kill");

        var postmaster = LocalPostgres.PostmasterPid(factory.DataDirectory)!.Value;
        var sinceKill = Stopwatch.StartNew();
        using (var process = Process.GetProcessById(postmaster))
        {
            process.Kill();
        }

        var acknowledgedAtKill = Volatile.Read(ref _acknowledgedWrites);
        var notReadyAnswers = 0;
        var recoveringAnswers = 0;
        var ready = false;
        while (!ready && sinceKill.Elapsed < ReadyDeadline)
        {
            var response = await health.GetAsync(new Uri("/health/ready", UriKind.Relative));
            // ready again only counts from a new postmaster: the test never starts one itself
            ready = response.StatusCode == HttpStatusCode.OK && LocalPostgres.PostmasterPid(factory.DataDirectory) is { } now && now != postmaster;
            if (response.StatusCode != HttpStatusCode.OK)
            {
                notReadyAnswers++;
                var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
                Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
                Assert.Equal("not_ready", body.GetProperty("status").GetString());
                if (body.TryGetProperty("database", out var database) && database.GetString() == "recovering")
                {
                    recoveringAnswers++;
                }
            }

            if (!ready)
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100));
            }
        }

        var timeToReady = sinceKill.Elapsed;
        Assert.True(ready, $"/health/ready did not answer 200 from a restarted server within {ReadyDeadline.TotalSeconds} s of the kill");
        // asked right after the kill, before the watchdog can have restarted anything: the server is reported as recovering
        Assert.True(recoveringAnswers > 0, "/health/ready never said the database was recovering");
        var acknowledgedAtReady = Volatile.Read(ref _acknowledgedWrites);
        Assert.True(await UntilAsync(() => Volatile.Read(ref _acknowledgedWrites) >= acknowledgedAtReady + WritesAfterReady, PhaseDeadline),
            "writers made too little progress after the restart");
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var enrolments = _acknowledged.Keys.ToArray();
        var exits = _acknowledged.Where(a => a.Value.Exited).Select(a => a.Key).ToArray();
        var refusals = string.Join(", ", _refusals.OrderBy(r => r.Key, StringComparer.Ordinal).Select(r => $"{r.Key} x{r.Value}"));
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"acknowledged writes: {_acknowledgedWrites} ({enrolments.Length} enrolments, {exits.Length} exits); {acknowledgedAtKill} before the kill; ready again {timeToReady.TotalSeconds:0.0} s after the kill ({notReadyAnswers} not-ready answers, {recoveringAnswers} of them recovering); refusals: {refusals}"));

        // never a 500: the outage is a 503 (or a broken connection), nothing else
        Assert.DoesNotContain(_refusals.Keys, k => k.StartsWith("500", StringComparison.Ordinal));
        Assert.Contains(_refusals.Keys, k => k == "503 database_unavailable");
        Assert.Equal(1, factory.Services.GetRequiredService<LocalPostgresWatchdog>().Server.Restarts);

        // every acknowledged write is there, over HTTP
        var reader = ApiClient.As(factory, Roles.CaseWorker, s.ForbundId, [s.InsatsId], actor: "reader");
        var lost = new List<string>();
        foreach (var (id, written) in _acknowledged)
        {
            var response = await reader.GetAsync($"/api/participations/{id}");
            if (!response.IsSuccessStatusCode)
            {
                lost.Add($"{id}: {(int)response.StatusCode}");
                continue;
            }

            var view = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            if (written.Exited && view.GetProperty("status").GetString() != "exited")
            {
                lost.Add($"{id}: exit missing");
            }
        }

        Assert.Empty(lost);

        // ... and in the log, exactly once
        var streams = enrolments.Select(ParticipationEndpoints.Stream).ToArray();
        Assert.Equal(enrolments.Length, await CountAsync(db, "SELECT count(*) FROM es_events WHERE stream_id = ANY($1) AND event_type = 'participation.enrolled.v2'", (object)streams));
        Assert.Equal(exits.Length, await CountAsync(db, "SELECT count(*) FROM es_events WHERE stream_id = ANY($1) AND event_type = 'participation.exited.v1'",
            (object)exits.Select(ParticipationEndpoints.Stream).ToArray()));
        Assert.Equal(0, await CountAsync(db, "SELECT count(*) - count(DISTINCT event_id) FROM es_events"));
        Assert.Equal(0, await CountAsync(db,
            """
            SELECT count(*) FROM (
                SELECT stream_id FROM es_events WHERE event_type IN ('participation.enrolled.v2', 'participation.exited.v1')
                GROUP BY stream_id, event_type HAVING count(*) > 1) twice
            """));
        // one participation per person: a retried enrolment never made a second one
        Assert.Equal(0, await CountAsync(db, "SELECT count(*) FROM (SELECT participant_id FROM rm_participations GROUP BY participant_id HAVING count(*) > 1) twice"));

        // no identity in the vault without a participation or referral of the person
        var orphans = await CountAsync(db,
            """
            SELECT count(*) FROM identity_vault v
            WHERE v.erased_at IS NULL
              AND NOT EXISTS (SELECT 1 FROM rm_participations p WHERE p.participant_id = v.participant_id)
              AND NOT EXISTS (SELECT 1 FROM rm_referrals r WHERE r.participant_id = v.participant_id)
            """);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"orphan identities: {orphans}"));
        Assert.Equal(0, orphans);

        // the projection runner came through the restart: it reaches the head and its facts match the write side
        var monitor = factory.Services.GetRequiredService<ProjectionMonitor>();
        var head = (await monitor.GetLogStatusAsync()).HeadPosition;
        Assert.True(await monitor.WaitForAsync(head, PhaseDeadline), "the statistics projection did not catch up after the restart");
        Assert.All(await monitor.GetStatusAsync(), p => Assert.True(p.Healthy, $"{p.Name}: {p.Problem}"));
        Assert.Equal(
            await CountAsync(db, "SELECT count(*) FROM rm_participations WHERE status = 'exited'"),
            await CountAsync(db, "SELECT count(*) FROM stats_participations WHERE valid_to_pos IS NULL AND exited_on IS NOT NULL"));
    }

    /// <summary>Enrols a new person, then exits the participation; each write retried with its own Idempotency-Key until acknowledged.</summary>
    private async Task WriteAsync(ApiClient client, string insatsId, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var personnummer = Recorded.NewPersonnummer();
            var enrolment = new
            {
                insatsId,
                referralId = (string?)null,
                enrolledOn = "2024-02-01",
                gender = "woman",
                person = new { personnummer, birthYear = (int?)null, protectedIdentity = false },
                consent = true,
                baseline = Scenario.Baseline(),
                ageOverrideReason = (string?)null,
            };
            if (await AcknowledgedAsync(client, "/api/participations", enrolment, stop) is not { } enrolled)
            {
                continue;
            }

            var id = enrolled.GetProperty("id").GetString()!;
            _acknowledged[id] = new Written(personnummer, Exited: false);
            Interlocked.Increment(ref _acknowledgedWrites);
            if (await AcknowledgedAsync(client, $"/api/participations/{id}/exit", ExitBody, stop) is not null)
            {
                _acknowledged[id] = new Written(personnummer, Exited: true);
                Interlocked.Increment(ref _acknowledgedWrites);
            }
        }
    }

    /// <summary>
    /// POSTs with one Idempotency-Key until a 2xx (returned) or a refusal that a retry cannot change (a 4xx:
    /// for example 409 when an earlier attempt was recorded but its answer was lost); stops retrying once told to stop.
    /// </summary>
    private async Task<JsonElement?> AcknowledgedAsync(ApiClient client, string url, object body, CancellationToken stop)
    {
        var key = Guid.NewGuid().ToString();
        while (true)
        {
            string refusal;
            try
            {
                var response = await client.PostAsync(url, body, key);
                var text = await response.Content.ReadAsStringAsync(CancellationToken.None);
                if (response.IsSuccessStatusCode)
                {
                    return JsonDocument.Parse(text).RootElement.Clone();
                }

                var code = response.Content.Headers.ContentType?.MediaType == "application/problem+json"
                    ? JsonDocument.Parse(text).RootElement.GetProperty("code").GetString()
                    : "no problem body";
                refusal = $"{(int)response.StatusCode} {code}";
                if ((int)response.StatusCode is >= 400 and < 500)
                {
                    _refusals.AddOrUpdate(refusal, 1, (_, n) => n + 1);
                    return null;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException)
            {
                refusal = $"connection error {ex.GetType().Name}";
            }

            _refusals.AddOrUpdate(refusal, 1, (_, n) => n + 1);
            if (stop.IsCancellationRequested)
            {
                return null;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100), CancellationToken.None);
        }
    }

    private static async Task<bool> UntilAsync(Func<bool> condition, TimeSpan deadline)
    {
        var watch = Stopwatch.StartNew();
        while (!condition())
        {
            if (watch.Elapsed > deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50));
        }

        return true;
    }

    private static async Task<string> ShowAsync(NpgsqlDataSource db, string setting)
    {
        await using var cmd = db.CreateCommand($"SHOW {setting}");
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<long> CountAsync(NpgsqlDataSource db, string sql, params object[] values)
    {
        await using var cmd = db.CreateCommand(sql);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
