using System.Net;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>The service with a report timeout of two seconds.</summary>
public sealed class ShortReportTimeoutApiFactory : ApiFactory
{
    protected override void ConfigureSettings(IWebHostBuilder builder) => builder.UseSetting("Statistics:ReportTimeout", "00:00:02");
}

/// <summary>
/// A report that runs past the report timeout is a clear 503 report_timeout with Retry-After, never a 500. The test makes
/// the report wait deterministically: it holds an exclusive lock on the participation facts for longer than the timeout,
/// and a report shares a lock on every fact table before it reads (FactTable.LockOrder), while a report not asked before
/// (so not kept) is computed.
/// </summary>
public sealed class ReportTimeoutTests(ShortReportTimeoutApiFactory factory) : IClassFixture<ShortReportTimeoutApiFactory>
{
    [Fact]
    public async Task a_report_past_the_timeout_answers_503_report_timeout_with_retry_after_and_the_next_one_is_whole()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync(enrolledOn: "2024-02-01");
        var exit = await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit",
            new { exitedOn = "2024-03-01", reasonCode = "flyttat", meansOfSupportAtExit = "none", occupationAtExit = "none" });
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        var url = $"/api/statistics/report?scope=insats&insatsId={s.InsatsId}&period=2024";
        var before = await analyst.GetOkAsync($"{url}&waitForPosition={exit.GetProperty("logPosition").GetInt64()}");
        Assert.Equal(1, before.GetProperty("participants").GetProperty("exited").GetProperty("total").GetInt32());
        // a question not asked yet: the year's report is kept (ReportCache) and would be answered without reading the facts
        url = $"/api/statistics/report?scope=insats&insatsId={s.InsatsId}&period=2024-H1";

        await using (var blocker = new NpgsqlConnection(factory.ConnectionString))
        {
            await blocker.OpenAsync();
            await using var transaction = await blocker.BeginTransactionAsync();
            await using (var lockFacts = new NpgsqlCommand("LOCK TABLE stats_participations IN ACCESS EXCLUSIVE MODE", blocker, transaction))
            {
                await lockFacts.ExecuteNonQueryAsync();
            }

            var response = await analyst.GetAsync(url);
            var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.ServiceUnavailable, "report_timeout");
            Assert.Equal(TimeSpan.FromSeconds(ReportTimeoutException.RetryAfterSeconds), response.Headers.RetryAfter?.Delta);
            Assert.Equal(2, problem.GetProperty("timeoutSeconds").GetDouble());
            await transaction.RollbackAsync();
        }

        var after = await analyst.GetOkAsync(url);
        Assert.Equal(1, after.GetProperty("participants").GetProperty("exited").GetProperty("total").GetInt32());
        Assert.Equal(before.GetProperty("basis").GetProperty("position").GetInt64(), after.GetProperty("basis").GetProperty("position").GetInt64());
    }
}
