using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain;
using FinsamOutcomes.Domain.Beredningsgrupper;
using FinsamOutcomes.Domain.Common;
using FluentValidation;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Beredningsgrupper;

/// <param name="WeeklyIntakeCap">The cap per window: per week, or per two weeks when CapWindowWeeks is 2.</param>
/// <param name="CapWindowAnchor">For two-week windows, a Monday one window starts on; by default the Monday of the current week.</param>
public sealed record RegisterBeredningsgruppRequest(
    string ForbundId, string Name, IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap, int CapWindowWeeks = 1, DateOnly? CapWindowAnchor = null);

public sealed record ChangeBeredningsgruppRequest(IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap, int CapWindowWeeks = 1, DateOnly? CapWindowAnchor = null);

public sealed record IntakePauseRequest(DateOnly On, IntakePauseReason Reason);

public sealed record IntakeResumeRequest(DateOnly On);

public sealed record BeredningsgruppView(
    string BeredningsgruppId, string ForbundId, string Name, IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap, int CapWindowWeeks,
    DateOnly? CapWindowAnchor, IReadOnlyList<IntakePause> IntakePauses, long Version);

/// <summary>
/// POST /api/beredningsgrupper        register an assessment group, its insatser and weekly intake cap (förbund administrator)
/// GET  /api/beredningsgrupper/{id}   the group
/// PUT  /api/beredningsgrupper/{id}   change its insatser and intake cap
/// POST /api/beredningsgrupper/{id}/intake-pause    stop intake from a date (administrator or member of the group)
/// POST /api/beredningsgrupper/{id}/intake-resume   take in again from a date
/// </summary>
public static class BeredningsgruppEndpoints
{
    public static void MapBeredningsgrupper(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/beredningsgrupper").WithTags("Beredningsgrupper");
        group.MapPost("/", Register).Validated<RegisterBeredningsgruppRequest>();
        group.MapGet("/{beredningsgruppId}", Get);
        group.MapPut("/{beredningsgruppId}", Change).Validated<ChangeBeredningsgruppRequest>();
        group.MapPost("/{beredningsgruppId}/intake-pause", (string beredningsgruppId, IntakePauseRequest r, HttpContext http, StreamCommands s, TimeProvider t, CancellationToken ct) =>
            Intake(beredningsgruppId, http, s, t, new PauseBeredningsgruppIntake(beredningsgruppId, r.On, r.Reason), ct))
            .Validated<IntakePauseRequest>();
        group.MapPost("/{beredningsgruppId}/intake-resume", (string beredningsgruppId, IntakeResumeRequest r, HttpContext http, StreamCommands s, TimeProvider t, CancellationToken ct) =>
            Intake(beredningsgruppId, http, s, t, new ResumeBeredningsgruppIntake(beredningsgruppId, r.On), ct));
    }

    public static async Task<IResult> Intake(string beredningsgruppId, HttpContext http, StreamCommands streams, TimeProvider time, BeredningsgruppCommand command, CancellationToken ct)
    {
        var (state, _, _) = await streams.LoadAsync(Stream(beredningsgruppId), Beredningsgrupp.Initial, Beredningsgrupp.Evolve, ct);
        var group = state as BeredningsgruppState.Registered ?? throw new NotFoundException("The beredningsgrupp");
        var forbundId = group.Registration.ForbundId;
        var caller = http.Caller();
        caller.Require(
            (caller.Is(Roles.Administrator) && caller.InForbund(forbundId))
            || (caller.Is(Roles.AssessmentGroupMember) && caller.ForbundId == forbundId && caller.Beredningsgrupper.Contains(beredningsgruppId)),
            "this beredningsgrupp");
        var outcome = await streams.ExecuteAsync(http, "beredningsgrupp", Stream(beredningsgruppId), forbundId, Beredningsgrupp.Initial, Beredningsgrupp.Evolve,
            s => Beredningsgrupp.Decide(command, s, time.Today()), ct: ct);
        return Endpoints.Written(outcome, beredningsgruppId);
    }

    public static string Stream(string id) => EventCatalogue.StreamOf("beredningsgrupp", id);

    /// <summary>A two-week window's anchor: the one given, else the Monday of the current ISO week.</summary>
    private static DateOnly? Anchor(int weeks, DateOnly? given, TimeProvider time) =>
        weeks == 1 ? null : given ?? Domain.Referrals.IntakeWeek.WeekOf(time.Today()).Monday;

    public static async Task<IResult> Register(RegisterBeredningsgruppRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator) && caller.InForbund(r.ForbundId), "this förbund");
        await RequireInsatserOfAsync(db, r.ForbundId, r.InsatsIds, ct);
        var id = http.NewId("bg");
        var outcome = await Write(http, streams, id, r.ForbundId, new RegisterBeredningsgrupp(
            id, r.ForbundId, r.Name, r.InsatsIds, r.WeeklyIntakeCap, r.CapWindowWeeks, Anchor(r.CapWindowWeeks, r.CapWindowAnchor, time)), ct);
        return Endpoints.Created($"/api/beredningsgrupper/{id}", outcome, id);
    }

    public static async Task<IResult> Get(string beredningsgruppId, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        var (state, version, _) = await streams.LoadAsync(Stream(beredningsgruppId), Beredningsgrupp.Initial, Beredningsgrupp.Evolve, ct);
        var group = state as BeredningsgruppState.Registered ?? throw new NotFoundException("The beredningsgrupp");
        var caller = http.Caller();
        caller.Require(caller.InForbund(group.Registration.ForbundId) && !caller.Is(Roles.NationalReader), "this beredningsgrupp");
        StreamCommands.SetVersionHeaders(http, version);
        return Results.Ok(new BeredningsgruppView(beredningsgruppId, group.Registration.ForbundId, group.Registration.Name, group.InsatsIds, group.WeeklyIntakeCap,
            group.CapWindowWeeks, group.CapWindowAnchor, group.IntakePauses, version));
    }

    public static async Task<IResult> Change(string beredningsgruppId, ChangeBeredningsgruppRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var (state, _, _) = await streams.LoadAsync(Stream(beredningsgruppId), Beredningsgrupp.Initial, Beredningsgrupp.Evolve, ct);
        var group = state as BeredningsgruppState.Registered ?? throw new NotFoundException("The beredningsgrupp");
        var forbundId = group.Registration.ForbundId;
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator) && caller.InForbund(forbundId), "this beredningsgrupp");
        await RequireInsatserOfAsync(db, forbundId, r.InsatsIds, ct);
        var outcome = await Write(http, streams, beredningsgruppId, forbundId, new ChangeBeredningsgrupp(
            beredningsgruppId, r.InsatsIds, r.WeeklyIntakeCap, r.CapWindowWeeks,
            r.CapWindowWeeks == 1 ? null : r.CapWindowAnchor ?? (group.CapWindowWeeks == 2 ? group.CapWindowAnchor : null) ?? Anchor(2, null, time)), ct);
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
            RuleFor(r => r.CapWindowWeeks).InclusiveBetween(1, 2);
        }
    }

    private sealed class ChangeValidator : AbstractValidator<ChangeBeredningsgruppRequest>
    {
        public ChangeValidator()
        {
            RuleFor(r => r.InsatsIds).NotEmpty();
            RuleForEach(r => r.InsatsIds).NotEmpty().MaximumLength(64);
            RuleFor(r => r.WeeklyIntakeCap).InclusiveBetween(1, 1000);
            RuleFor(r => r.CapWindowWeeks).InclusiveBetween(1, 2);
        }
    }

    private sealed class IntakePauseValidator : AbstractValidator<IntakePauseRequest>
    {
        public IntakePauseValidator() => RuleFor(r => r.Reason).IsInEnum();
    }
}
