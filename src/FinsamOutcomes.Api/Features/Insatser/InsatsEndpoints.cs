using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.Domain.Insatser;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.EventStore;
using FluentValidation;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Insatser;

public sealed record RegisterInsatsRequest(
    string ForbundId,
    string Name,
    string Description,
    InsatsKind Kind,
    IReadOnlyList<string> Kommuner,
    DateOnly StartDate,
    TargetGroup TargetGroup,
    FollowUpMode FollowUp,
    DateOnly? EndDate = null,
    int? PlannedParticipantsPerYear = null);

public sealed record GoalRequest(GoalMetric Metric, GoalComparison Comparison, decimal Threshold, GoalPeriod Period, string Description);

public sealed record CloseInsatsRequest(DateOnly ClosedOn);

public sealed record OccurrenceRequest(DateOnly On, string Title, int Women, int Men, int NonBinary, int NotStated, string? OccurrenceId = null);

public sealed record GoalView(string GoalId, GoalMetric Metric, GoalComparison Comparison, decimal Threshold, GoalPeriod Period, string Description);

public sealed record InsatsView(
    string InsatsId, string ForbundId, string Name, string Description, InsatsKind Kind, IReadOnlyList<string> Kommuner,
    DateOnly StartDate, DateOnly? EndDate, TargetGroup TargetGroup, FollowUpMode FollowUp, int? PlannedParticipantsPerYear,
    DateOnly? ClosedOn, IReadOnlyList<GoalView> Goals, int Occurrences, IReadOnlyList<IntakePause> IntakePauses, long Version);

public sealed record InsatsIntakePauseRequest(DateOnly On, IntakePauseReason Reason);

public sealed record InsatsIntakeResumeRequest(DateOnly On);

/// <summary>An insats's owning förbund (now) and the facts participation rules need.</summary>
public sealed record InsatsRef(string ForbundId, InsatsFacts Facts);

public sealed record InsatsSummary(string InsatsId, string ForbundId, string Name, InsatsKind Kind, FollowUpMode FollowUp, DateOnly StartDate, DateOnly? EndDate, DateOnly? ClosedOn);

/// <summary>
/// POST   /api/insatser                              register an insats (förbund administrator)
/// GET    /api/insatser?forbundId=                   the förbund's insatser
/// GET    /api/insatser/{id}                         one insats with its goals
/// PUT    /api/insatser/{id}/goals/{goalId}          set a measurable goal (administrator, insats manager)
/// DELETE /api/insatser/{id}/goals/{goalId}          remove a goal
/// POST   /api/insatser/{id}/close                   close the insats to new enrolments
/// POST   /api/insatser/{id}/intake-pause            stop intake (anvisningar, inskrivningar) from a date (administrator, insats manager)
/// POST   /api/insatser/{id}/intake-resume           take in again from a date
/// POST   /api/insatser/{id}/occurrences             a head-count occurrence with attendees by gender (case worker, insats manager)
/// </summary>
public static class InsatsEndpoints
{
    public static void MapInsatser(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/insatser").WithTags("Insatser");
        group.MapPost("/", Register).Validated<RegisterInsatsRequest>();
        group.MapGet("/", List);
        group.MapGet("/{insatsId}", Get);
        group.MapPut("/{insatsId}/goals/{goalId}", SetGoal).Validated<GoalRequest>();
        group.MapDelete("/{insatsId}/goals/{goalId}", RemoveGoal);
        group.MapPost("/{insatsId}/close", Close);
        group.MapPost("/{insatsId}/occurrences", RecordOccurrence).Validated<OccurrenceRequest>();
        group.MapPost("/{insatsId}/intake-pause", (string insatsId, InsatsIntakePauseRequest r, HttpContext http, StreamCommands s, NpgsqlDataSource db, TimeProvider t, CancellationToken ct) =>
            Intake(insatsId, http, s, db, t, new PauseInsatsIntake(insatsId, r.On, r.Reason), ct)).Validated<InsatsIntakePauseRequest>();
        group.MapPost("/{insatsId}/intake-resume", (string insatsId, InsatsIntakeResumeRequest r, HttpContext http, StreamCommands s, NpgsqlDataSource db, TimeProvider t, CancellationToken ct) =>
            Intake(insatsId, http, s, db, t, new ResumeInsatsIntake(insatsId, r.On), ct));
    }

    public static async Task<IResult> Intake(string insatsId, HttpContext http, StreamCommands streams, NpgsqlDataSource db, TimeProvider time, InsatsCommand command, CancellationToken ct)
    {
        var insats = await RequireManagerAsync(http, db, insatsId, ct);
        var outcome = await Write(http, streams, insatsId, insats.ForbundId, time, command, ct);
        return Endpoints.Written(outcome, insatsId);
    }

    /// <summary>The insats's pauses of intake, from its stream (none for an unknown insats).</summary>
    public static async Task<IReadOnlyList<IntakePause>> IntakePausesAsync(StreamCommands streams, string insatsId, CancellationToken ct)
    {
        var (state, _, _) = await streams.LoadAsync(Stream(insatsId), Insats.Initial, Insats.Evolve, ct);
        return state switch
        {
            InsatsState.Open o => o.Insats.IntakePauses,
            InsatsState.Closed c => c.Insats.IntakePauses,
            _ => [],
        };
    }

    public static string Stream(string insatsId) => EventCatalogue.StreamOf("insats", insatsId);

    public static async Task<IResult> Register(RegisterInsatsRequest r, HttpContext http, StreamCommands streams, TimeProvider time, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator) && caller.InForbund(r.ForbundId), "insatser of this förbund");
        var (forbund, _, _) = await streams.LoadAsync(Forbund.ForbundEndpoints.Stream(r.ForbundId), ForbundAggregate.Initial, ForbundAggregate.Evolve, ct);
        if (forbund is not ForbundState.Registered)
        {
            throw new RuleViolationException("forbund_not_active", "The förbund does not exist or has merged into another.");
        }

        var id = http.NewId("insats");
        var outcome = await Write(http, streams, id, r.ForbundId, time, new RegisterInsats(
            id, r.ForbundId, r.Name, r.Description, r.Kind, r.Kommuner, r.StartDate, r.EndDate, r.TargetGroup, r.FollowUp, r.PlannedParticipantsPerYear), ct);
        return Endpoints.Created($"/api/insatser/{id}", outcome, id);
    }

    public static async Task<IResult> List(string forbundId, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.InForbund(forbundId) && !caller.Is(Roles.NationalReader), "this förbund");
        await using var cmd = Sql.Command(db,
            "SELECT insats_id, forbund_id, name, kind, follow_up, start_date, end_date, closed_on FROM rm_insatser WHERE forbund_id = $1 ORDER BY start_date, insats_id",
            forbundId);
        var list = new List<InsatsSummary>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new InsatsSummary(
                reader.GetString(0), reader.GetString(1), reader.GetString(2), Parse<InsatsKind>(reader.GetString(3)), Parse<FollowUpMode>(reader.GetString(4)),
                reader.GetFieldValue<DateOnly>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateOnly>(7)));
        }

        return Results.Ok(list);
    }

    public static async Task<IResult> Get(string insatsId, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        var (state, version, _) = await streams.LoadAsync(Stream(insatsId), Insats.Initial, Insats.Evolve, ct);
        var (details, closedOn) = state switch
        {
            InsatsState.Open o => (o.Insats, (DateOnly?)null),
            InsatsState.Closed c => (c.Insats, c.ClosedOn),
            _ => throw new NotFoundException("The insats"),
        };
        var caller = http.Caller();
        caller.Require(caller.InForbund(details.ForbundId) && !caller.Is(Roles.NationalReader), "this insats");
        var r = details.Registration;
        StreamCommands.SetVersionHeaders(http, version);
        return Results.Ok(new InsatsView(
            insatsId, details.ForbundId, r.Name, r.Description, r.Kind, r.Kommuner, r.StartDate, r.EndDate, r.TargetGroup, r.FollowUp, r.PlannedParticipantsPerYear,
            closedOn,
            details.Goals.Values.OrderBy(g => g.GoalId, StringComparer.Ordinal).Select(g => new GoalView(g.GoalId, g.Metric, g.Comparison, g.Threshold, g.Period, g.Description)).ToArray(),
            details.Occurrences.Count, details.IntakePauses, version));
    }

    public static async Task<IResult> SetGoal(string insatsId, string goalId, GoalRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var insats = await RequireManagerAsync(http, db, insatsId, ct);
        var outcome = await Write(http, streams, insatsId, insats.ForbundId, time,
            new Domain.Insatser.SetGoal(insatsId, goalId, r.Metric, r.Comparison, r.Threshold, r.Period, r.Description), ct);
        return Endpoints.Written(outcome, insatsId);
    }

    public static async Task<IResult> RemoveGoal(string insatsId, string goalId, HttpContext http, StreamCommands streams, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var insats = await RequireManagerAsync(http, db, insatsId, ct);
        var outcome = await Write(http, streams, insatsId, insats.ForbundId, time, new Domain.Insatser.RemoveGoal(insatsId, goalId), ct);
        return Endpoints.Written(outcome, insatsId);
    }

    public static async Task<IResult> Close(string insatsId, CloseInsatsRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var insats = await RequireManagerAsync(http, db, insatsId, ct);
        var outcome = await Write(http, streams, insatsId, insats.ForbundId, time, new CloseInsats(insatsId, r.ClosedOn), ct);
        return Endpoints.Written(outcome, insatsId);
    }

    public static async Task<IResult> RecordOccurrence(string insatsId, OccurrenceRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var insats = await FactsAsync(db, insatsId, ct);
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.CaseWorker, Roles.InsatsManager) && caller.ForbundId == insats.ForbundId && caller.Insatser.Contains(insatsId), "this insats");
        var occurrenceId = r.OccurrenceId ?? http.NewId("occurrence");
        var outcome = await Write(http, streams, insatsId, insats.ForbundId, time,
            new Domain.Insatser.RecordOccurrence(insatsId, occurrenceId, r.On, r.Title, r.Women, r.Men, r.NonBinary, r.NotStated), ct);
        return Endpoints.Created($"/api/insatser/{insatsId}", outcome, occurrenceId);
    }

    /// <summary>What participation rules need of an insats and its förbund, from the inline read models (404 when unknown).</summary>
    public static async Task<InsatsRef> FactsAsync(NpgsqlDataSource db, string insatsId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            """
            SELECT i.forbund_id, i.kind, i.follow_up, i.start_date, i.end_date, i.closed_on, i.target_min_age, i.target_max_age, f.exit_reasons::text
            FROM rm_insatser i JOIN rm_forbund f ON f.forbund_id = i.forbund_id
            WHERE i.insats_id = $1
            """, insatsId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new NotFoundException("The insats");
        }

        return new InsatsRef(reader.GetString(0), new InsatsFacts(
            insatsId, Parse<InsatsKind>(reader.GetString(1)), Parse<FollowUpMode>(reader.GetString(2)),
            reader.GetFieldValue<DateOnly>(3), reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateOnly>(5),
            new TargetGroup(reader.GetInt32(6), reader.GetInt32(7), ""),
            JsonSerializer.Deserialize<ExitReasonDefinition[]>(reader.GetString(8), EventTypeRegistry.DefaultJsonOptions) ?? []));
    }

    public static TEnum Parse<TEnum>(string stored) where TEnum : struct, Enum =>
        Enum.Parse<TEnum>(stored.Replace("_", "", StringComparison.Ordinal), ignoreCase: true);

    private static async Task<InsatsRef> RequireManagerAsync(HttpContext http, NpgsqlDataSource db, string insatsId, CancellationToken ct)
    {
        var insats = await FactsAsync(db, insatsId, ct);
        var caller = http.Caller();
        caller.Require(
            (caller.Is(Roles.Administrator) && caller.InForbund(insats.ForbundId))
            || (caller.Is(Roles.InsatsManager) && caller.ForbundId == insats.ForbundId && caller.Insatser.Contains(insatsId)),
            "this insats");
        return insats;
    }

    private static Task<WriteOutcome> Write(HttpContext http, StreamCommands streams, string insatsId, string forbundId, TimeProvider time, InsatsCommand command, CancellationToken ct) =>
        streams.ExecuteAsync(http, "insats", Stream(insatsId), forbundId, Insats.Initial, Insats.Evolve,
            state => Insats.Decide(command, state, time.Today()), ct: ct);

    private sealed class RegisterValidator : AbstractValidator<RegisterInsatsRequest>
    {
        public RegisterValidator()
        {
            RuleFor(r => r.ForbundId).NotEmpty();
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200).NoPersonnummer();
            RuleFor(r => r.Description).NotNull().MaximumLength(4000).NoPersonnummer();
            RuleFor(r => r.Kommuner).NotEmpty();
            RuleForEach(r => r.Kommuner).NotEmpty().MaximumLength(100);
            RuleFor(r => r.TargetGroup).NotNull();
            RuleFor(r => r.TargetGroup.MinAge).InclusiveBetween(0, 120).When(r => r.TargetGroup is not null);
            RuleFor(r => r.TargetGroup.MaxAge).InclusiveBetween(0, 120).When(r => r.TargetGroup is not null);
            RuleFor(r => r.PlannedParticipantsPerYear).GreaterThanOrEqualTo(0).When(r => r.PlannedParticipantsPerYear is not null);
        }
    }

    private sealed class GoalValidator : AbstractValidator<GoalRequest>
    {
        public GoalValidator() => RuleFor(r => r.Description).NotNull().MaximumLength(500).NoPersonnummer();
    }

    private sealed class OccurrenceValidator : AbstractValidator<OccurrenceRequest>
    {
        public OccurrenceValidator()
        {
            RuleFor(r => r.Title).NotEmpty().MaximumLength(200).NoPersonnummer();
            RuleFor(r => r.Women).GreaterThanOrEqualTo(0);
            RuleFor(r => r.Men).GreaterThanOrEqualTo(0);
            RuleFor(r => r.NonBinary).GreaterThanOrEqualTo(0);
            RuleFor(r => r.NotStated).GreaterThanOrEqualTo(0);
        }
    }

    private sealed class IntakePauseValidator : AbstractValidator<InsatsIntakePauseRequest>
    {
        public IntakePauseValidator() => RuleFor(r => r.Reason).IsInEnum();
    }
}
