using System.Net;
using System.Text.Json;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace FinsamOutcomes.Api.Tests;

/// <summary>The service with tight lag limits: 3 events, 2 seconds.</summary>
public sealed class TightLagLimitsApiFactory : ApiFactory
{
    public const int MaxEvents = 3;
    public const int MaxSeconds = 2;

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        builder.UseSetting("Health:MaxProjectionLagEvents", MaxEvents.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Health:MaxProjectionLagSeconds", MaxSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}

/// <summary>
/// /health/ready reports a projection that falls behind the log by more events or more seconds than
/// configured as not ready, naming the projection and the limit, and ready again once it caught up.
/// The statistics projection is held back for real: a transaction locks its participation fact table
/// against writes, so its runner waits while enrolments keep being recorded.
/// </summary>
public sealed class ProjectionLagHealthTests(TightLagLimitsApiFactory factory) : IClassFixture<TightLagLimitsApiFactory>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(45);

    [Fact]
    public async Task a_projection_behind_by_more_than_the_limits_is_not_ready_and_is_ready_again_once_caught_up()
    {
        var s = await Scenario.CreateAsync(factory);
        var http = factory.CreateClient();
        var (status, _) = await PollReadyAsync(http, r => r.Status == HttpStatusCode.OK);
        Assert.Equal(HttpStatusCode.OK, status);

        await using var holder = new NpgsqlConnection(factory.ConnectionString);
        await holder.OpenAsync();
        await using (var tx = await holder.BeginTransactionAsync())
        {
            await using (var lockCmd = new NpgsqlCommand("LOCK TABLE stats_participations IN EXCLUSIVE MODE", holder, tx))
            {
                await lockCmd.ExecuteNonQueryAsync();
            }

            // one enrolment: at most a few events behind, but soon older than 2 s
            await s.EnrolAsync(birthYear: 1980);
            var (ageStatus, ageBody) = await PollReadyAsync(http, r => Exceeded(r.Body).Contains("Health:MaxProjectionLagSeconds"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, ageStatus);
            Assert.Equal("not_ready", ageBody.GetProperty("status").GetString());
            var statistics = Statistics(ageBody);
            Assert.False(statistics.GetProperty("healthy").GetBoolean());
            Assert.True(statistics.GetProperty("oldestPendingSeconds").GetDouble() >= TightLagLimitsApiFactory.MaxSeconds); // rounded to 0.1 s
            Assert.Contains(ageBody.GetProperty("problems").EnumerateArray(), p =>
                p.GetString()!.Contains("projection statistics", StringComparison.Ordinal) && p.GetString()!.Contains("Health:MaxProjectionLagSeconds", StringComparison.Ordinal));
            if (statistics.GetProperty("pendingEvents").GetInt64() <= TightLagLimitsApiFactory.MaxEvents)
            {
                Assert.DoesNotContain("Health:MaxProjectionLagEvents", Exceeded(ageBody));
            }

            // more enrolments than the event limit allows
            for (var i = 0; i < TightLagLimitsApiFactory.MaxEvents + 1; i++)
            {
                await s.EnrolAsync(birthYear: 1981 + i);
            }

            var (countStatus, countBody) = await PollReadyAsync(http, r => Exceeded(r.Body).Contains("Health:MaxProjectionLagEvents"));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, countStatus);
            Assert.True(Statistics(countBody).GetProperty("pendingEvents").GetInt64() > TightLagLimitsApiFactory.MaxEvents);
            Assert.Contains(countBody.GetProperty("problems").EnumerateArray(), p =>
                p.GetString()!.Contains("projection statistics", StringComparison.Ordinal) && p.GetString()!.Contains("Health:MaxProjectionLagEvents", StringComparison.Ordinal));
            Assert.Equal(TightLagLimitsApiFactory.MaxEvents, countBody.GetProperty("limits").GetProperty("Health:MaxProjectionLagEvents").GetInt64());

            await tx.RollbackAsync();
        }

        // ready (within the limits) can come a batch before the last event is applied: wait for both
        var (caughtUp, caughtUpBody) = await PollReadyAsync(http, r => r.Status == HttpStatusCode.OK && Statistics(r.Body).GetProperty("pendingEvents").GetInt64() == 0);
        Assert.Equal(HttpStatusCode.OK, caughtUp);
        Assert.Equal("ready", caughtUpBody.GetProperty("status").GetString());
        Assert.Equal(0, Statistics(caughtUpBody).GetProperty("pendingEvents").GetInt64());
        Assert.Empty(caughtUpBody.GetProperty("problems").EnumerateArray());
    }

    private static JsonElement Statistics(JsonElement body) =>
        body.GetProperty("projections").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "statistics");

    private static string[] Exceeded(JsonElement body) =>
        body.TryGetProperty("projections", out var projections)
            ? projections.EnumerateArray().SelectMany(p => p.GetProperty("exceededLimits").EnumerateArray().Select(l => l.GetString()!)).ToArray()
            : [];

    /// <summary>Asks /health/ready until the answer satisfies the condition or the deadline passes; returns the last answer.</summary>
    private static async Task<(HttpStatusCode Status, JsonElement Body)> PollReadyAsync(HttpClient http, Func<(HttpStatusCode Status, JsonElement Body), bool> done)
    {
        var deadline = DateTimeOffset.UtcNow + Deadline;
        while (true)
        {
            var response = await http.GetAsync(new Uri("/health/ready", UriKind.Relative));
            var answer = (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
            if (done(answer) || DateTimeOffset.UtcNow > deadline)
            {
                return answer;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(100));
        }
    }
}
