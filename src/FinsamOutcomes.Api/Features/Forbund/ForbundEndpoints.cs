using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.Domain.Insatser;
using FluentValidation;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Forbund;

public sealed record RegisterForbundRequest(string Name, DateOnly RegisteredOn, string? ForbundId = null);

public sealed record AddMemberRequest(string MemberId, MemberKind Kind, string Name, DateOnly From);

public sealed record RemoveMemberRequest(DateOnly To);

public sealed record ExitReasonsRequest(IReadOnlyList<ExitReasonDefinition> Reasons);

/// <summary>The förbund's gallring rule: identities are erased this many months after the end of a person's last participation or referral.</summary>
public sealed record RetentionRequest(int MonthsAfterEnd, string Reason);

public sealed record RetentionView(int MonthsAfterEnd, string Reason);

public sealed record MergerRequest(string Name, IReadOnlyList<string> PredecessorIds, DateOnly On, string? SuccessorId = null);

public sealed record MemberView(string MemberId, MemberKind Kind, string Name, DateOnly From, DateOnly? To);

public sealed record ForbundView(
    string ForbundId, string Name, DateOnly RegisteredOn, IReadOnlyList<MemberView> Members, IReadOnlyList<ExitReasonDefinition> ExitReasons,
    IReadOnlyList<string> PredecessorIds, string? SuccessorId, DateOnly? MergedOn, RetentionView? Retention, long Version);

/// <summary>
/// POST /api/forbund                               register a förbund (national administrator)
/// GET  /api/forbund/{id}                          the förbund, its members and exit reasons
/// POST /api/forbund/{id}/members                  a member part joins
/// POST /api/forbund/{id}/members/{memberId}/leave a member part leaves
/// PUT  /api/forbund/{id}/exit-reasons             the förbund's exit reasons and which are positive
/// PUT  /api/forbund/{id}/retention                the förbund's gallring rule (months after the end of a person's last participation)
/// POST /api/forbund/mergers                       several förbund become one; their insatser move with them
/// </summary>
public static class ForbundEndpoints
{
    public static void MapForbund(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/forbund").WithTags("Forbund");
        group.MapPost("/", Register).Validated<RegisterForbundRequest>();
        group.MapGet("/{forbundId}", Get);
        group.MapPost("/{forbundId}/members", AddMember).Validated<AddMemberRequest>();
        group.MapPost("/{forbundId}/members/{memberId}/leave", RemoveMember);
        group.MapPut("/{forbundId}/exit-reasons", SetExitReasons).Validated<ExitReasonsRequest>();
        group.MapPut("/{forbundId}/retention", SetRetention).Validated<RetentionRequest>();
        group.MapPost("/mergers", Merge).Validated<MergerRequest>();
    }

    public static string Stream(string forbundId) => EventCatalogue.StreamOf("forbund", forbundId);

    public static async Task<IResult> Register(RegisterForbundRequest request, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator) && caller.IsNational, "förbund registration");
        var id = request.ForbundId ?? http.NewId("forbund");
        var outcome = await Write(http, streams, id, new RegisterForbund(id, request.Name, request.RegisteredOn), ct);
        return Endpoints.Created($"/api/forbund/{id}", outcome, id);
    }

    public static async Task<IResult> Get(string forbundId, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.InForbund(forbundId), "this förbund");
        var (state, version, _) = await streams.LoadAsync(Stream(forbundId), ForbundAggregate.Initial, ForbundAggregate.Evolve, ct);
        var (details, merged) = state switch
        {
            ForbundState.Registered r => (r.Forbund, null),
            ForbundState.Merged m => (m.Forbund, m.MergedInto),
            _ => throw new NotFoundException("The förbund"),
        };
        StreamCommands.SetVersionHeaders(http, version);
        return Results.Ok(new ForbundView(
            forbundId, details.Registration.Name, details.Registration.RegisteredOn,
            details.Members.Values.Select(m => new MemberView(m.Joined.MemberId, m.Joined.Kind, m.Joined.Name, m.Joined.From, m.LeftOn)).OrderBy(m => m.MemberId, StringComparer.Ordinal).ToArray(),
            details.ExitReasons, details.FormedBy?.PredecessorIds ?? [], merged?.SuccessorId, merged?.On,
            details.Retention is { } rule ? new RetentionView(rule.MonthsAfterEnd, rule.Reason) : null, version));
    }

    public static async Task<IResult> AddMember(string forbundId, AddMemberRequest request, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        RequireAdministrator(http, forbundId);
        var outcome = await Write(http, streams, forbundId, new Domain.Forbund.AddMember(forbundId, request.MemberId, request.Kind, request.Name, request.From), ct);
        return Endpoints.Written(outcome, forbundId);
    }

    public static async Task<IResult> RemoveMember(string forbundId, string memberId, RemoveMemberRequest request, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        RequireAdministrator(http, forbundId);
        var outcome = await Write(http, streams, forbundId, new Domain.Forbund.RemoveMember(forbundId, memberId, request.To), ct);
        return Endpoints.Written(outcome, forbundId);
    }

    public static async Task<IResult> SetExitReasons(string forbundId, ExitReasonsRequest request, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        RequireAdministrator(http, forbundId);
        var outcome = await Write(http, streams, forbundId, new Domain.Forbund.SetExitReasons(forbundId, request.Reasons), ct);
        return Endpoints.Written(outcome, forbundId);
    }

    public static async Task<IResult> SetRetention(string forbundId, RetentionRequest request, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        RequireAdministrator(http, forbundId);
        var outcome = await Write(http, streams, forbundId, new SetRetentionRule(forbundId, request.MonthsAfterEnd, request.Reason), ct);
        return Endpoints.Written(outcome, forbundId);
    }

    /// <summary>
    /// Forms the successor, marks each predecessor as merged into it and moves every insats of the
    /// predecessors to the successor from the merger date. Each step is idempotent (event ids come
    /// from the Idempotency-Key), so a merger interrupted half way is completed by retrying it.
    /// </summary>
    public static async Task<IResult> Merge(MergerRequest request, HttpContext http, StreamCommands streams, NpgsqlDataSource dataSource, TimeProvider time, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator) && caller.IsNational, "förbund mergers");
        var successorId = request.SuccessorId ?? http.NewId("forbund");
        foreach (var predecessor in request.PredecessorIds)
        {
            var (state, _, _) = await streams.LoadAsync(Stream(predecessor), ForbundAggregate.Initial, ForbundAggregate.Evolve, ct);
            if (state is ForbundState.NotRegistered)
            {
                throw new NotFoundException("A predecessor förbund");
            }
        }

        var formed = await Write(http, streams, successorId, new FormByMerger(successorId, request.Name, request.PredecessorIds, request.On), ct);
        var last = formed;
        foreach (var predecessor in request.PredecessorIds)
        {
            last = await Write(http, streams, predecessor, new MergeInto(predecessor, successorId, request.On), ct);
            await using var cmd = Sql.Command(dataSource, "SELECT insats_id FROM rm_insatser WHERE forbund_id = $1 ORDER BY insats_id", predecessor);
            var insatser = new List<string>();
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    insatser.Add(reader.GetString(0));
                }
            }

            foreach (var insatsId in insatser)
            {
                last = await streams.ExecuteAsync(http, "insats", EventCatalogue.StreamOf("insats", insatsId), successorId, Insats.Initial, Insats.Evolve,
                    state => Insats.Decide(new TransferInsats(insatsId, successorId, request.On), state, time.Today()), ct: ct);
            }
        }

        StreamCommands.SetVersionHeaders(http, formed.Version, Math.Max(formed.LogPosition, last.LogPosition));
        return Endpoints.Created($"/api/forbund/{successorId}", formed with { LogPosition = Math.Max(formed.LogPosition, last.LogPosition) }, successorId);
    }

    private static void RequireAdministrator(HttpContext http, string forbundId)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator) && caller.InForbund(forbundId), "this förbund");
    }

    private static Task<WriteOutcome> Write(HttpContext http, StreamCommands streams, string forbundId, ForbundCommand command, CancellationToken ct) =>
        streams.ExecuteAsync(http, "forbund", Stream(forbundId), forbundId, ForbundAggregate.Initial, ForbundAggregate.Evolve,
            state => ForbundAggregate.Decide(command, state), ct: ct);

    private sealed class RegisterValidator : AbstractValidator<RegisterForbundRequest>
    {
        public RegisterValidator()
        {
            RuleFor(r => r.ForbundId).Matches("^[a-z0-9][a-z0-9-]{1,62}$").When(r => r.ForbundId is not null)
                .WithMessage("Use 2 to 63 lower-case letters, digits and dashes.");
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200).NoPersonnummer();
        }
    }

    private sealed class AddMemberValidator : AbstractValidator<AddMemberRequest>
    {
        public AddMemberValidator()
        {
            RuleFor(r => r.MemberId).NotEmpty().MaximumLength(64);
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200).NoPersonnummer();
            RuleFor(r => r.Kind).IsInEnum();
        }
    }

    private sealed class ExitReasonsValidator : AbstractValidator<ExitReasonsRequest>
    {
        public ExitReasonsValidator()
        {
            RuleFor(r => r.Reasons).NotEmpty();
            RuleForEach(r => r.Reasons).NotNull().ChildRules(reason =>
            {
                reason.RuleFor(x => x.Code).NotEmpty().Matches("^[a-z0-9_]{1,64}$").WithMessage("Codes are 1 to 64 lower-case letters, digits and underscores.");
                reason.RuleFor(x => x.Label).NotEmpty().MaximumLength(200).NoPersonnummer();
                reason.RuleFor(x => x.Category).IsInEnum();
            });
        }
    }

    private sealed class RetentionValidator : AbstractValidator<RetentionRequest>
    {
        public RetentionValidator()
        {
            RuleFor(r => r.MonthsAfterEnd).InclusiveBetween(1, ForbundAggregate.MaxRetentionMonths);
            RuleFor(r => r.Reason).NotEmpty().MaximumLength(500).NoPersonnummer();
        }
    }

    private sealed class MergerValidator : AbstractValidator<MergerRequest>
    {
        public MergerValidator()
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200).NoPersonnummer();
            RuleFor(r => r.PredecessorIds).NotEmpty().Must(ids => ids.Distinct(StringComparer.Ordinal).Count() == ids.Count)
                .WithMessage("List each predecessor once.");
            RuleForEach(r => r.PredecessorIds).NotEmpty().MaximumLength(64);
            RuleFor(r => r.SuccessorId).Matches("^[a-z0-9][a-z0-9-]{1,62}$").When(r => r.SuccessorId is not null);
        }
    }
}
