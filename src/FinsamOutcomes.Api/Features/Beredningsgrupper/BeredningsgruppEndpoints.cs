using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain;
using FinsamOutcomes.Domain.Beredningsgrupper;
using FluentValidation;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Beredningsgrupper;

public sealed record RegisterBeredningsgruppRequest(string ForbundId, string Name, IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap);

public sealed record ChangeBeredningsgruppRequest(IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap);

public sealed record BeredningsgruppView(string BeredningsgruppId, string ForbundId, string Name, IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap, long Version);

/// <summary>
/// POST /api/beredningsgrupper        register an assessment group, its insatser and weekly intake cap (förbund administrator)
/// GET  /api/beredningsgrupper/{id}   the group
/// PUT  /api/beredningsgrupper/{id}   change its insatser and intake cap
/// </summary>
public static class BeredningsgruppEndpoints
{
    public static void MapBeredningsgrupper(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/beredningsgrupper").WithTags("Beredningsgrupper");
        group.MapPost("/", Register).Validated<RegisterBeredningsgruppRequest>();
        group.MapGet("/{beredningsgruppId}", Get);
        group.MapPut("/{beredningsgruppId}", Change).Validated<ChangeBeredningsgruppRequest>();
    }

    public static string Stream(string id) => EventCatalogue.StreamOf("beredningsgrupp", id);

    public static async Task<IResult> Register(RegisterBeredningsgruppRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator) && caller.InForbund(r.ForbundId), "this förbund");
        await RequireInsatserOfAsync(db, r.ForbundId, r.InsatsIds, ct);
        var id = http.NewId("bg");
        var outcome = await Write(http, streams, id, r.ForbundId, new RegisterBeredningsgrupp(id, r.ForbundId, r.Name, r.InsatsIds, r.WeeklyIntakeCap), ct);
        return Endpoints.Created($"/api/beredningsgrupper/{id}", outcome, id);
    }

    public static async Task<IResult> Get(string beredningsgruppId, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        var (state, version, _) = await streams.LoadAsync(Stream(beredningsgruppId), Beredningsgrupp.Initial, Beredningsgrupp.Evolve, ct);
        var group = state as BeredningsgruppState.Registered ?? throw new NotFoundException("The beredningsgrupp");
        var caller = http.Caller();
        caller.Require(caller.InForbund(group.Registration.ForbundId) && !caller.Is(Roles.NationalReader), "this beredningsgrupp");
        StreamCommands.SetVersionHeaders(http, version);
        return Results.Ok(new BeredningsgruppView(beredningsgruppId, group.Registration.ForbundId, group.Registration.Name, group.InsatsIds, group.WeeklyIntakeCap, version));
    }

    public static async Task<IResult> Change(string beredningsgruppId, ChangeBeredningsgruppRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        var (state, _, _) = await streams.LoadAsync(Stream(beredningsgruppId), Beredningsgrupp.Initial, Beredningsgrupp.Evolve, ct);
        var group = state as BeredningsgruppState.Registered ?? throw new NotFoundException("The beredningsgrupp");
        var forbundId = group.Registration.ForbundId;
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator) && caller.InForbund(forbundId), "this beredningsgrupp");
        await RequireInsatserOfAsync(db, forbundId, r.InsatsIds, ct);
        var outcome = await Write(http, streams, beredningsgruppId, forbundId, new ChangeBeredningsgrupp(beredningsgruppId, r.InsatsIds, r.WeeklyIntakeCap), ct);
        return Endpoints.Written(outcome, beredningsgruppId);
    }

    private static async Task RequireInsatserOfAsync(NpgsqlDataSource db, string forbundId, IReadOnlyList<string> insatsIds, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db, "SELECT count(*) FROM rm_insatser WHERE forbund_id = $1 AND insats_id = ANY($2)", forbundId, insatsIds.Distinct().ToArray());
        if ((long)(await cmd.ExecuteScalarAsync(ct))! != insatsIds.Distinct().Count())
        {
            throw new Domain.Common.RuleViolationException("unknown_insats", "Every insats of a beredningsgrupp must be an insats of the same förbund.");
        }
    }

    private static Task<WriteOutcome> Write(HttpContext http, StreamCommands streams, string id, string forbundId, BeredningsgruppCommand command, CancellationToken ct) =>
        streams.ExecuteAsync(http, "beredningsgrupp", Stream(id), forbundId, Beredningsgrupp.Initial, Beredningsgrupp.Evolve,
            state => Beredningsgrupp.Decide(command, state), ct: ct);

    private sealed class RegisterValidator : AbstractValidator<RegisterBeredningsgruppRequest>
    {
        public RegisterValidator()
        {
            RuleFor(r => r.ForbundId).NotEmpty();
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200).NoPersonnummer();
            RuleFor(r => r.InsatsIds).NotEmpty();
            RuleForEach(r => r.InsatsIds).NotEmpty().MaximumLength(64);
            RuleFor(r => r.WeeklyIntakeCap).InclusiveBetween(1, 1000);
        }
    }

    private sealed class ChangeValidator : AbstractValidator<ChangeBeredningsgruppRequest>
    {
        public ChangeValidator()
        {
            RuleFor(r => r.InsatsIds).NotEmpty();
            RuleForEach(r => r.InsatsIds).NotEmpty().MaximumLength(64);
            RuleFor(r => r.WeeklyIntakeCap).InclusiveBetween(1, 1000);
        }
    }
}
