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
        services.AddSingleton(sp => new StatisticsService(
            sp.GetRequiredService<ReportDatabase>().DataSource, sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<StatisticsOptions>>()));
        return services;
    }
}
