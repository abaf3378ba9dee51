using System.Diagnostics;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.EventStore.Projections;
using Npgsql;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>
/// Reports read the fact tables while a rebuild's reset drops their report-only indexes and empties them. Before both
/// took their locks in one order (FactTable.LockOrder), 12-15 of about 100 reports here were ended by PostgreSQL as a
/// deadlock's victim (40P01, a 500 over HTTP); now every report is answered, some of them during a rebuild.
/// </summary>
public sealed class ReportDuringResetTests : StatisticsTestBase
{
    [Fact]
    public async Task reports_asked_while_the_projection_is_reset_again_and_again_are_answered()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        await Given.BeredningsgruppAsync("g1", "f1", ["i1"], 5);
        for (var i = 0; i < 30; i++)
        {
            await Given.EnrolAsync($"p{i:D2}", "i1", D("2024-01-10").AddDays(i * 5), (Gender)(i % 4), 20 + i);
            await Given.ActivityAsync($"p{i:D2}", D("2024-01-12").AddDays(i * 5));
        }

        await ProjectedAsync();
        var head = await Store.HeadPositionAsync();
        var midRebuild = 0;
        var monitor = new ProjectionMonitor(DataSource, []);
        var failures = new List<string>();
        var answered = 0;
        var until = Stopwatch.StartNew();
        async Task ReportLoopAsync(StatisticsScope scope)
        {
            while (until.Elapsed < TimeSpan.FromSeconds(8))
            {
                try
                {
                    var report = await Service.GetReportAsync(new StatisticsQuery(scope, StatisticsPeriod.Parse("2024")));
                    Interlocked.Increment(ref answered);
                    if (report.Basis.Position < head)
                    {
                        Interlocked.Increment(ref midRebuild);
                    }
                }
                catch (Exception ex)
                {
                    lock (failures)
                    {
                        failures.Add($"{ex.GetType().Name} {(ex as PostgresException)?.SqlState} {ex.Message}");
                    }
                }
            }
        }

        async Task ResetLoopAsync()
        {
            while (until.Elapsed < TimeSpan.FromSeconds(8))
            {
                await monitor.RequestRebuildAsync(StatisticsProjection.ProjectionName);
                await Task.Delay(150);
            }
        }

        await Task.WhenAll(ReportLoopAsync(StatisticsScope.Forbund("f1")), ReportLoopAsync(StatisticsScope.Insats("i1")), ReportLoopAsync(StatisticsScope.Country()), ResetLoopAsync());
        await WaitUntilProjectedAsync();

        Assert.True(failures.Count == 0, $"{failures.Count} of {failures.Count + answered} reports failed: {string.Join("; ", failures.Distinct().Take(5))}");
        // the reports really ran while the tables were being emptied and filled again
        Assert.True(midRebuild > 0, $"none of {answered} reports was answered during a rebuild");
        ReportAssert.AddsUp(await ReportAsync(StatisticsScope.Forbund("f1"), "2024"));
        Assert.Equal(30, (await ReportAsync(StatisticsScope.Forbund("f1"), "2024")).Participants.Active.Total);
    }
}
