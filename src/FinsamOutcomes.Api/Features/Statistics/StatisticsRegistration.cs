using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Api.Infrastructure;

namespace FinsamOutcomes.Api.Features.Statistics;

public static class StatisticsRegistration
{
    /// <summary>The statistics projection with its runner, and <see cref="StatisticsService"/>. Needs a TimeProvider and the database (AddFinsamDatabaseAsync).</summary>
    public static IServiceCollection AddStatistics(this IServiceCollection services)
    {
        services.AddProjection<StatisticsProjection>();
        services.AddSingleton<StatisticsService>();
        return services;
    }
}
