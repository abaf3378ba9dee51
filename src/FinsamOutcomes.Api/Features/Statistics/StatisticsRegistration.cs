using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Api.Infrastructure;

namespace FinsamOutcomes.Api.Features.Statistics;

public static class StatisticsRegistration
{
    /// <summary>The statistics projection with its runner, and <see cref="StatisticsService"/>. Needs a TimeProvider and the database (AddFinsamDatabaseAsync).</summary>
    public static IServiceCollection AddStatistics(this IServiceCollection services)
    {
        services.AddProjection<StatisticsProjection>();
        // report queries may run on a read-only streaming replica (ConnectionStrings:FinsamReports)
        services.AddSingleton(ReportDatabase.Create);
        // reports asked again before the projection moves are answered from memory; the projection empties it on reset
        services.AddSingleton(sp => new ReportCache(sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StatisticsOptions>>().Value.ReportCacheBytes));
        services.AddSingleton(sp => new StatisticsService(
            sp.GetRequiredService<ReportDatabase>().DataSource,
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StatisticsOptions>>(),
            sp.GetRequiredService<ReportCache>()));
        return services;
    }
}
