using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.EventStore.Projections;

namespace FinsamOutcomes.Api.Features.Operations;

/// <summary>
/// GET  /api/operations/projections                  each projection's state, lag and parked events
/// POST /api/operations/projections/{name}/rebuild   reset the read model and replay the log, while the service runs
/// Both for a national administrator (operations staff).
/// </summary>
public static class ProjectionEndpoints
{
    public static void MapOperations(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/operations/projections").WithTags("Operations");
        group.MapGet("/", List);
        group.MapPost("/{name}/rebuild", Rebuild);
    }

    public static async Task<IResult> List(HttpContext http, ProjectionMonitor monitor, CancellationToken ct)
    {
        RequireOperator(http);
        return Results.Ok(await monitor.GetStatusAsync(ct));
    }

    public static async Task<IResult> Rebuild(string name, HttpContext http, ProjectionMonitor monitor, CancellationToken ct)
    {
        RequireOperator(http);
        if (monitor.Runners.All(r => r.Name != name))
        {
            throw new NotFoundException("The projection");
        }

        await monitor.RequestRebuildAsync(name, ct);
        return Results.Accepted($"/api/operations/projections", new { projection = name, rebuildRequested = true });
    }

    private static void RequireOperator(HttpContext http)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator) && caller.IsNational, "projections");
    }
}
