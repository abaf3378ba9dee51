using System.Net;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>A report frozen at insats scope is readable and comparable by the förbund that froze it, and by nobody else.</summary>
public sealed class FrozenScopeTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task an_insats_report_frozen_by_the_forbund_is_read_and_compared_by_it_and_refused_to_another_forbund()
    {
        var s = await Scenario.CreateAsync(factory);
        await s.EnrolAsync(enrolledOn: "2024-02-01");
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        // a freeze takes the report as the projection has it: wait until it has the enrolment
        long head;
        await using (var db = new Npgsql.NpgsqlConnection(factory.ConnectionString))
        {
            await db.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand("SELECT max(position) FROM es_events", db);
            head = (long)(await cmd.ExecuteScalarAsync())!;
        }

        await analyst.GetOkAsync($"/api/statistics/report?scope=insats&insatsId={s.InsatsId}&period=2024&waitForPosition={head}");
        var frozen = await analyst.PostOkAsync("/api/statistics/frozen",
            new { name = "Styrelsemöte mars", scope = "insats", period = "2024", insatsId = s.InsatsId });
        var id = frozen.GetProperty("frozenId").GetString()!;

        var read = await analyst.GetOkAsync($"/api/statistics/frozen/{id}");
        Assert.Equal(1, read.GetProperty("report").GetProperty("participants").GetProperty("active").GetProperty("total").GetInt32());
        var comparison = await analyst.GetOkAsync($"/api/statistics/frozen/{id}/comparison");
        Assert.Equal(0, comparison.GetProperty("changes").GetArrayLength());

        var other = await Scenario.CreateAsync(factory);
        var stranger = ApiClient.As(factory, Roles.ForbundAnalyst, other.ForbundId);
        await ApiClient.ProblemAsync(await stranger.GetAsync($"/api/statistics/frozen/{id}"), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await stranger.GetAsync($"/api/statistics/frozen/{id}/comparison"), HttpStatusCode.Forbidden, "forbidden");
    }
}
