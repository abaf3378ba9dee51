namespace FinsamOutcomes.Api.Features;

/// <summary>Every feature folder's services and routes, in one place.</summary>
public static class Features
{
    public static IServiceCollection AddFinsamFeatures(this IServiceCollection services)
    {
        services.AddSingleton<Infrastructure.StreamCommands>();
        return services;
    }

    public static void MapFinsamFeatures(this IEndpointRouteBuilder app)
    {
        _ = app.MapGroup("/api");
    }
}
