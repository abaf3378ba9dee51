using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>
/// Reports kept by question and log cursor (ReportCache): asked again before the projection moves, the kept report is
/// answered, and it is the report the database gives (compared with a service without a cache); a new event is counted
/// at once; reports of another question or cursor are kept apart; a reset of the projection forgets them all.
/// </summary>
public sealed class ReportCacheTests : StatisticsTestBase, IDisposable
{
    private readonly ReportCache _cache = new(4 * 1024 * 1024);

    protected override StatisticsProjection NewProjection() => new(_cache);

    public void Dispose() => _cache.Dispose();

    private StatisticsService Cached(ReportCache? cache = null) => new(DataSource, new FixedClock(Now), null, cache ?? _cache);

    private static StatisticsQuery Query(string scope = "f1", string period = "2024") =>
        new(scope == "country" ? StatisticsScope.Country() : StatisticsScope.Forbund(scope), StatisticsPeriod.Parse(period));

    private async Task TwoParticipationsAsync()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        await Given.EnrolAsync("a", "i1", D("2024-02-01"), Gender.Woman, 30);
        await Given.EnrolAsync("b", "i1", D("2024-03-01"), Gender.Man, 40);
        await Given.ActivityAsync("a", D("2024-02-10"));
        await ProjectedAsync();
    }

    [Fact]
    public async Task a_report_asked_again_at_the_same_cursor_is_the_kept_one_and_the_one_the_database_gives()
    {
        await TwoParticipationsAsync();
        var service = Cached();

        var first = await service.GetReportAsync(Query());
        var again = await service.GetReportAsync(Query());

        Assert.Equal((1L, 1L), (_cache.Hits, _cache.Misses));
        Assert.Equal(2, again.Participants.Active.Total);
        Assert.Equal(Json(first), Json(again));
        Assert.Equal(Json(await Service.GetReportAsync(Query())), Json(again));
    }

    [Fact]
    public async Task a_new_event_is_counted_in_the_next_report_at_the_head()
    {
        await TwoParticipationsAsync();
        var service = Cached();
        var before = await service.GetReportAsync(Query());

        await Given.EnrolAsync("c", "i1", D("2024-04-01"), Gender.NonBinary, 50);
        await Given.ExitAsync("a", D("2024-05-01"), "arbete");
        await ProjectedAsync();
        var after = await service.GetReportAsync(Query());

        Assert.Equal((0L, 2L), (_cache.Hits, _cache.Misses));
        Assert.Equal((2, 0), (before.Participants.Active.Total, before.Exits.Total.Total));
        Assert.Equal((3, 1, 1), (after.Participants.Active.Total, after.Participants.Exited.Total, after.Exits.Total.Total));
        Assert.True(after.Basis.Position > before.Basis.Position);
        Assert.Equal(Json(await Service.GetReportAsync(Query())), Json(after));
    }

    [Fact]
    public async Task an_as_of_report_is_kept_by_its_cursor_while_the_head_moves_on()
    {
        await TwoParticipationsAsync();
        var position = await Store.HeadPositionAsync();
        await Given.EnrolAsync("c", "i1", D("2024-04-01"));
        await ProjectedAsync();
        var service = Cached();
        var asOf = Query() with { AsOfPosition = position };

        var first = await service.GetReportAsync(asOf);
        await Given.EnrolAsync("d", "i1", D("2024-05-01"));
        await ProjectedAsync();
        var again = await service.GetReportAsync(asOf);
        var latest = await service.GetReportAsync(Query());

        Assert.Equal((1L, 2L), (_cache.Hits, _cache.Misses));
        Assert.Equal((2, 2, 4), (first.Participants.Active.Total, again.Participants.Active.Total, latest.Participants.Active.Total));
        Assert.True(again.Basis.AsOf);
        Assert.False(latest.Basis.AsOf);
        Assert.Equal(Json(await Service.GetReportAsync(asOf)), Json(again));
    }

    [Fact]
    public async Task reports_of_another_scope_period_or_today_are_kept_apart()
    {
        await TwoParticipationsAsync();
        var service = Cached();

        var year = await service.GetReportAsync(Query());
        var firstMonths = await service.GetReportAsync(Query(period: "2024-02-01..2024-02-29"));
        var country = await service.GetReportAsync(Query("country"));
        // "today" a week after the first enrolment: its 30 days have not passed, so the 30-day share counts none
        var early = await service.GetReportAsync(Query() with { Today = D("2024-02-08") });
        var earlyAgain = await service.GetReportAsync(Query() with { Today = D("2024-02-08") });

        Assert.Equal((1L, 4L), (_cache.Hits, _cache.Misses));
        Assert.Equal((2, 1, 2), (year.Participants.Active.Total, firstMonths.Participants.Active.Total, country.Participants.Active.Total));
        Assert.Equal((1, 2), (year.Time.FirstActivity.Within30Days.Numerator, year.Time.FirstActivity.Within30Days.Denominator));
        Assert.Equal((0, 0), (early.Time.FirstActivity.Within30Days.Numerator, early.Time.FirstActivity.Within30Days.Denominator));
        Assert.Equal(Json(early), Json(earlyAgain));
    }

    [Fact]
    public async Task the_oldest_list_is_kept_by_its_length()
    {
        await TwoParticipationsAsync();
        var service = Cached();

        var one = await service.GetOldestListAsync(Query(), 1);
        var two = await service.GetOldestListAsync(Query(), 2);
        var oneAgain = await service.GetOldestListAsync(Query(), 1);

        Assert.Equal((1L, 2L), (_cache.Hits, _cache.Misses));
        Assert.Equal(["a"], one.Entries.Select(e => e.ParticipationId));
        Assert.Equal(["a", "b"], two.Entries.Select(e => e.ParticipationId));
        Assert.Equal(Json(one), Json(oneAgain));
    }

    [Fact]
    public async Task a_reset_of_the_projection_forgets_the_kept_reports()
    {
        await TwoParticipationsAsync();
        var service = Cached();
        var before = await service.GetReportAsync(Query());

        await RebuildAsync();
        var after = await service.GetReportAsync(Query());

        Assert.Equal((0L, 2L), (_cache.Hits, _cache.Misses));
        Assert.Equal(before.Basis.Position, after.Basis.Position);
        Assert.Equal(Json(before), Json(after));
    }

    [Fact]
    public async Task a_cache_of_size_zero_keeps_nothing()
    {
        await TwoParticipationsAsync();
        using var none = new ReportCache(0);
        var service = Cached(none);

        await service.GetReportAsync(Query());
        var again = await service.GetReportAsync(Query());

        Assert.Equal((0L, 2L), (none.Hits, none.Misses));
        Assert.Equal(2, again.Participants.Active.Total);
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReportCache(-1));
    }
}
