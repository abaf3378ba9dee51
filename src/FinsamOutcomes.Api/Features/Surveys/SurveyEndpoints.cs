using System.Text.Json;
using FinsamOutcomes.Api.Features.Insatser;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Surveys;
using FinsamOutcomes.EventStore;
using FluentValidation;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Surveys;

public sealed record DefineSurveyRequest(RespondentGroup RespondentGroup, string Name);

public sealed record QuestionVersionRequest(int Order, string Text, string Scale, IReadOnlyList<AnswerOption> Options);

public sealed record OpenRoundRequest(string SurveyId, string ForbundId, DateOnly PeriodFrom, DateOnly PeriodTo, int Sent, string? InsatsId = null, string? RoundId = null);

public sealed record CorrectSentRequest(int Sent);

public sealed record AnswerCountsRequest(int Respondents, IReadOnlyList<OptionCount> Counts, string? BatchId = null);

public sealed record ResponsesRequest(IReadOnlyList<SurveyResponse> Responses);

public sealed record SurveyGoalRequest(
    string SurveyId, string QuestionId, int Version, GoalComparison Comparison, decimal Threshold, string Description,
    string? InsatsId = null, IReadOnlyList<string>? OptionCodes = null, int MinAnswers = SurveyEndpoints.DefaultMinAnswers);

public sealed record QuestionView(string QuestionId, int Version, int Order, string Text, string Scale, IReadOnlyList<AnswerOption> Options, bool Current, bool Used);

public sealed record SurveyView(string SurveyId, RespondentGroup RespondentGroup, string Name, IReadOnlyList<QuestionView> Questions, long Version);

public sealed record RoundView(
    string RoundId, string ForbundId, string? InsatsId, string SurveyId, RespondentGroup RespondentGroup, DateOnly PeriodFrom, DateOnly PeriodTo,
    int Sent, int Answered, string AnswerMode, IReadOnlyList<RoundQuestion> Questions, long Version);

public sealed record SurveyGoalView(
    string GoalId, string ForbundId, string? InsatsId, string SurveyId, string QuestionId, int Version, GoalComparison Comparison, decimal Threshold,
    IReadOnlyList<string>? OptionCodes, int MinAnswers, string Description);

/// <summary>
/// GET    /api/surveys                                            the survey catalogue: every survey, every question version (any role)
/// GET    /api/surveys/{surveyId}                                 one survey
/// PUT    /api/surveys/{surveyId}                                 define a survey (national administrator)
/// PUT    /api/surveys/{surveyId}/questions/{questionId}/versions/{version}   publish a question version (national administrator; fixed once used)
/// POST   /api/surveys/rounds                                     open a round (förbund administrator; case worker or insats manager of the insats)
/// GET    /api/surveys/rounds?forbundId=&amp;insatsId=                 the förbund's rounds
/// GET    /api/surveys/rounds/{roundId}                           one round
/// PUT    /api/surveys/rounds/{roundId}/sent                      correct the number sent
/// POST   /api/surveys/rounds/{roundId}/counts                    anonymous aggregate answers (respondents, count per option)
/// POST   /api/surveys/rounds/{roundId}/responses                 anonymous individual responses
/// POST   /api/surveys/rounds/{roundId}/import?dryRun=            the survey tool's CSV export (text/csv), one row per response
/// GET    /api/surveys/goals?forbundId=                           the förbund's indicator goals
/// PUT    /api/surveys/goals/{forbundId}/{goalId}                 set an indicator goal (förbund administrator; insats manager for an insats goal)
/// DELETE /api/surveys/goals/{forbundId}/{goalId}                 remove it
/// GET    /api/surveys/report?scope=&amp;forbundId=&amp;insatsId=&amp;period=&amp;format=json|csv   figures and goal fulfilment
/// </summary>
public static class SurveyEndpoints
{
    public const int DefaultMinAnswers = 5;
    public const string CatalogueForbund = "*";

    private static readonly HashSet<string> ReservedIds = new(StringComparer.OrdinalIgnoreCase) { "rounds", "goals", "report" };

    public static void MapSurveys(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/surveys").WithTags("Surveys");
        group.MapGet("/", ListSurveys);
        group.MapGet("/rounds", ListRounds);
        group.MapGet("/goals", ListGoals);
        group.MapGet("/report", SurveyReportEndpoint.Report);
        group.MapGet("/{surveyId}", GetSurvey);
        group.MapPut("/{surveyId}", DefineSurvey).Validated<DefineSurveyRequest>();
        group.MapPut("/{surveyId}/questions/{questionId}/versions/{version:int}", PublishQuestion).Validated<QuestionVersionRequest>();
        group.MapPost("/rounds", OpenRound).Validated<OpenRoundRequest>();
        group.MapGet("/rounds/{roundId}", GetRound);
        group.MapPut("/rounds/{roundId}/sent", CorrectSent).Validated<CorrectSentRequest>();
        group.MapPost("/rounds/{roundId}/counts", RecordCounts).Validated<AnswerCountsRequest>();
        group.MapPost("/rounds/{roundId}/responses", RecordResponses).Validated<ResponsesRequest>();
        group.MapPost("/rounds/{roundId}/import", SurveyCsvImport.Import).Accepts<string>("text/csv");
        group.MapPut("/goals/{forbundId}/{goalId}", SetGoal).Validated<SurveyGoalRequest>();
        group.MapDelete("/goals/{forbundId}/{goalId}", RemoveGoal);
    }

    public static string SurveyStream(string surveyId) => EventCatalogue.StreamOf("survey", surveyId);

    public static string RoundStream(string roundId) => EventCatalogue.StreamOf("survey_round", roundId);

    public static string GoalStream(string forbundId) => EventCatalogue.StreamOf("survey_goals", forbundId);

    // ---- catalogue

    public static async Task<IResult> ListSurveys(HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        _ = http.Caller();
        var ids = new List<string>();
        await using (var cmd = Sql.Command(db, "SELECT survey_id FROM sv_surveys ORDER BY survey_id"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                ids.Add(reader.GetString(0));
            }
        }

        var list = new List<SurveyView>();
        foreach (var id in ids)
        {
            list.Add(await ViewAsync(db, id, ct));
        }

        return Results.Ok(list);
    }

    public static async Task<IResult> GetSurvey(string surveyId, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        _ = http.Caller();
        var view = await ViewAsync(db, surveyId, ct);
        StreamCommands.SetVersionHeaders(http, view.Version);
        return Results.Ok(view);
    }

    public static async Task<IResult> DefineSurvey(string surveyId, DefineSurveyRequest r, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        RequireNationalAdmin(http);
        if (ReservedIds.Contains(surveyId))
        {
            throw new ValidationException([new FluentValidation.Results.ValidationFailure("route.surveyId", "rounds, goals and report name routes, not surveys.")]);
        }

        var outcome = await streams.ExecuteAsync(http, "survey", SurveyStream(surveyId), CatalogueForbund, Survey.Initial, Survey.Evolve,
            state => Survey.Decide(new Domain.Surveys.DefineSurvey(surveyId, r.RespondentGroup, r.Name), state), ct: ct);
        return Endpoints.Written(outcome, surveyId);
    }

    public static async Task<IResult> PublishQuestion(
        string surveyId, string questionId, int version, QuestionVersionRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        RequireNationalAdmin(http);
        var used = await IsUsedAsync(db, surveyId, questionId, version, ct);
        var outcome = await streams.ExecuteAsync(http, "survey", SurveyStream(surveyId), CatalogueForbund, Survey.Initial, Survey.Evolve,
            state => Survey.Decide(new PublishQuestionVersion(surveyId, questionId, version, r.Order, r.Text, r.Scale, r.Options, used), state), ct: ct);
        return Endpoints.Written(outcome, $"{surveyId}/{questionId}/{version}");
    }

    // ---- rounds

    public static async Task<IResult> OpenRound(OpenRoundRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        // may the caller record here at all, before anything about the insats is looked up
        RequireRecorder(http, r.ForbundId, r.InsatsId);
        if (r.InsatsId is { } insatsId && (await InsatsEndpoints.FactsAsync(db, insatsId, ct)).ForbundId != r.ForbundId)
        {
            throw new RuleViolationException("insats_of_other_forbund", "The insats belongs to another förbund.");
        }

        var (survey, _, _) = await streams.LoadAsync(SurveyStream(r.SurveyId), Survey.Initial, Survey.Evolve, ct);
        var definition = survey.Definition ?? throw new NotFoundException("The survey");
        var questions = survey.Current
            .Select(q => new RoundQuestion(q.QuestionId, q.Version, q.Options.Select(o => o.Code).ToArray(), q.Options.Where(o => o.Positive).Select(o => o.Code).ToArray()))
            .ToArray();
        var roundId = r.RoundId ?? http.NewId("round");
        var outcome = await streams.ExecuteAsync(http, "survey_round", RoundStream(roundId), r.ForbundId, SurveyRound.Initial, SurveyRound.Evolve,
            state => SurveyRound.Decide(
                new OpenSurveyRound(roundId, r.ForbundId, r.InsatsId, r.SurveyId, definition.RespondentGroup, r.PeriodFrom, r.PeriodTo, r.Sent, questions),
                state, time.Today()), ct: ct);
        return Endpoints.Created($"/api/surveys/rounds/{roundId}", outcome, roundId);
    }

    public static async Task<IResult> ListRounds(string forbundId, string? insatsId, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.InForbund(forbundId) && !caller.Is(Roles.NationalReader, Roles.AssessmentGroupMember), "the survey rounds of this förbund");
        await using var cmd = Sql.Command(db,
            """
            SELECT r.round_id, r.insats_id, r.survey_id, r.period_from, r.period_to, r.sent,
                   coalesce((SELECT sum(respondents) FROM sv_respondents s WHERE s.round_id = r.round_id), 0)::int
            FROM sv_rounds r WHERE r.forbund_id = $1 AND ($2::text IS NULL OR r.insats_id = $2) ORDER BY r.period_from, r.round_id
            """, forbundId, insatsId);
        var list = new List<object>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new
            {
                roundId = reader.GetString(0),
                insatsId = reader.IsDBNull(1) ? null : reader.GetString(1),
                surveyId = reader.GetString(2),
                periodFrom = reader.GetFieldValue<DateOnly>(3),
                periodTo = reader.GetFieldValue<DateOnly>(4),
                sent = reader.GetInt32(5),
                answered = reader.GetInt32(6),
            });
        }

        return Results.Ok(list);
    }

    public static async Task<IResult> GetRound(string roundId, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        var (state, version, _) = await streams.LoadAsync(RoundStream(roundId), SurveyRound.Initial, SurveyRound.Evolve, ct);
        var round = state.Opened ?? throw new NotFoundException("The survey round");
        var caller = http.Caller();
        caller.Require(
            CanRecord(caller, round.ForbundId, round.InsatsId) || (caller.Is(Roles.ForbundAnalyst) && caller.InForbund(round.ForbundId) && !caller.IsNational),
            "this survey round");
        StreamCommands.SetVersionHeaders(http, version);
        return Results.Ok(View(state, version));
    }

    public static async Task<IResult> CorrectSent(string roundId, CorrectSentRequest r, HttpContext http, StreamCommands streams, TimeProvider time, CancellationToken ct)
    {
        var round = await RequireRoundRecorderAsync(http, streams, roundId, ct);
        var outcome = await WriteRound(http, streams, round, new Domain.Surveys.CorrectSent(roundId, r.Sent), time, ct);
        return Endpoints.Written(outcome, roundId);
    }

    public static async Task<IResult> RecordCounts(string roundId, AnswerCountsRequest r, HttpContext http, StreamCommands streams, TimeProvider time, CancellationToken ct)
    {
        var round = await RequireRoundRecorderAsync(http, streams, roundId, ct);
        var batchId = r.BatchId ?? http.NewId("batch");
        var outcome = await WriteRound(http, streams, round, new RecordAnswerCounts(roundId, batchId, r.Respondents, r.Counts), time, ct);
        return Endpoints.Created($"/api/surveys/rounds/{roundId}", outcome, batchId);
    }

    public static async Task<IResult> RecordResponses(string roundId, ResponsesRequest r, HttpContext http, StreamCommands streams, TimeProvider time, CancellationToken ct)
    {
        var round = await RequireRoundRecorderAsync(http, streams, roundId, ct);
        var outcome = await WriteRound(http, streams, round, new Domain.Surveys.RecordResponses(roundId, "api", r.Responses), time, ct);
        return Endpoints.Created($"/api/surveys/rounds/{roundId}", outcome, roundId);
    }

    // ---- goals

    public static async Task<IResult> ListGoals(string forbundId, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.InForbund(forbundId) && !caller.Is(Roles.NationalReader, Roles.AssessmentGroupMember), "the goals of this förbund");
        var (goals, version, _) = await streams.LoadAsync(GoalStream(forbundId), SurveyGoals.Initial, SurveyGoals.Evolve, ct);
        StreamCommands.SetVersionHeaders(http, version);
        return Results.Ok(goals.Values.OrderBy(g => g.GoalId, StringComparer.Ordinal)
            .Select(g => new SurveyGoalView(g.GoalId, g.ForbundId, g.InsatsId, g.SurveyId, g.QuestionId, g.Version, g.Comparison, g.Threshold, g.OptionCodes, g.MinAnswers, g.Description))
            .ToArray());
    }

    public static async Task<IResult> SetGoal(
        string forbundId, string goalId, SurveyGoalRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireGoalSetterAsync(http, db, forbundId, r.InsatsId, ct);
        var (survey, _, _) = await streams.LoadAsync(SurveyStream(r.SurveyId), Survey.Initial, Survey.Evolve, ct);
        var question = survey.Questions.GetValueOrDefault((r.QuestionId, r.Version));
        var outcome = await streams.ExecuteAsync(http, "survey_goals", GoalStream(forbundId), forbundId, SurveyGoals.Initial, SurveyGoals.Evolve,
            state => SurveyGoals.Decide(new SetSurveyGoal(forbundId, goalId, r.InsatsId, r.SurveyId, r.QuestionId, r.Version, r.Comparison, r.Threshold,
                r.OptionCodes, r.MinAnswers, r.Description, question), state), ct: ct);
        return Endpoints.Written(outcome, goalId);
    }

    public static async Task<IResult> RemoveGoal(string forbundId, string goalId, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        var (goals, _, _) = await streams.LoadAsync(GoalStream(forbundId), SurveyGoals.Initial, SurveyGoals.Evolve, ct);
        await RequireGoalSetterAsync(http, db, forbundId, goals.GetValueOrDefault(goalId)?.InsatsId, ct);
        var outcome = await streams.ExecuteAsync(http, "survey_goals", GoalStream(forbundId), forbundId, SurveyGoals.Initial, SurveyGoals.Evolve,
            state => SurveyGoals.Decide(new RemoveSurveyGoal(forbundId, goalId), state), ct: ct);
        return Endpoints.Written(outcome, goalId);
    }

    // ---- shared

    /// <summary>
    /// Who records rounds and answers: the förbund's administrator for any round of the förbund; a case worker or an
    /// insats manager for the rounds of an insats in their token (they hand out the participant surveys).
    /// </summary>
    public static bool CanRecord(Caller caller, string forbundId, string? insatsId) =>
        (caller.Is(Roles.Administrator) && caller.InForbund(forbundId))
        || (insatsId is not null && caller.Is(Roles.CaseWorker, Roles.InsatsManager) && caller.ForbundId == forbundId && caller.Insatser.Contains(insatsId));

    public static void RequireRecorder(HttpContext http, string forbundId, string? insatsId)
    {
        var caller = http.Caller();
        caller.Require(CanRecord(caller, forbundId, insatsId), "survey rounds here");
    }

    public static async Task<SurveyRoundOpened> RequireRoundRecorderAsync(HttpContext http, StreamCommands streams, string roundId, CancellationToken ct)
    {
        var (state, _, _) = await streams.LoadAsync(RoundStream(roundId), SurveyRound.Initial, SurveyRound.Evolve, ct);
        var round = state.Opened ?? throw new NotFoundException("The survey round");
        RequireRecorder(http, round.ForbundId, round.InsatsId);
        return round;
    }

    public static Task<WriteOutcome> WriteRound(HttpContext http, StreamCommands streams, SurveyRoundOpened round, SurveyRoundCommand command, TimeProvider time, CancellationToken ct) =>
        streams.ExecuteAsync(http, "survey_round", RoundStream(round.RoundId), round.ForbundId, SurveyRound.Initial, SurveyRound.Evolve,
            state => SurveyRound.Decide(command, state, time.Today()), ct: ct);

    public static RoundView View(SurveyRoundState state, long version)
    {
        var r = state.Opened!;
        var mode = state.Batches.Count > 0 ? "aggregate_counts" : state.Responses.Count > 0 ? "individual_responses" : "none";
        return new RoundView(r.RoundId, r.ForbundId, r.InsatsId, r.SurveyId, r.RespondentGroup, r.PeriodFrom, r.PeriodTo, state.Sent, state.Respondents, mode, r.Questions, version);
    }

    private static async Task RequireGoalSetterAsync(HttpContext http, NpgsqlDataSource db, string forbundId, string? insatsId, CancellationToken ct)
    {
        var caller = http.Caller();
        if (insatsId is not null)
        {
            var insats = await InsatsEndpoints.FactsAsync(db, insatsId, ct);
            if (insats.ForbundId != forbundId)
            {
                throw new RuleViolationException("insats_of_other_forbund", "The insats belongs to another förbund.");
            }
        }

        caller.Require(
            (caller.Is(Roles.Administrator) && caller.InForbund(forbundId))
            || (insatsId is not null && caller.Is(Roles.InsatsManager) && caller.ForbundId == forbundId && caller.Insatser.Contains(insatsId)),
            "the goals of this förbund");
    }

    private static void RequireNationalAdmin(HttpContext http)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator) && caller.IsNational, "the survey catalogue");
    }

    private static async Task<bool> IsUsedAsync(NpgsqlDataSource db, string surveyId, string questionId, int version, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            "SELECT EXISTS (SELECT 1 FROM sv_round_questions WHERE survey_id = $1 AND question_id = $2 AND version = $3)", surveyId, questionId, version);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task<SurveyView> ViewAsync(NpgsqlDataSource db, string surveyId, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        string? name = null;
        RespondentGroup group = default;
        await using (var cmd = new NpgsqlCommand("SELECT respondent_group, name FROM sv_surveys WHERE survey_id = $1", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = surveyId });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            if (await reader.ReadAsync(ct))
            {
                group = InsatsEndpoints.Parse<RespondentGroup>(reader.GetString(0));
                name = reader.GetString(1);
            }
        }

        if (name is null)
        {
            throw new NotFoundException("The survey");
        }

        var questions = new List<QuestionView>();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT q.question_id, q.version, q.ord, q.text, q.scale, q.options::text,
                   q.version = max(q.version) OVER (PARTITION BY q.question_id),
                   EXISTS (SELECT 1 FROM sv_round_questions u WHERE u.survey_id = q.survey_id AND u.question_id = q.question_id AND u.version = q.version)
            FROM sv_questions q WHERE q.survey_id = $1 ORDER BY q.ord, q.question_id, q.version
            """, conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = surveyId });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                questions.Add(new QuestionView(
                    reader.GetString(0), reader.GetInt32(1), reader.GetInt32(2), reader.GetString(3), reader.GetString(4),
                    JsonSerializer.Deserialize<AnswerOption[]>(reader.GetString(5), EventTypeRegistry.DefaultJsonOptions) ?? [],
                    reader.GetBoolean(6), reader.GetBoolean(7)));
            }
        }

        long version;
        await using (var cmd = new NpgsqlCommand("SELECT coalesce(max(version), 0) FROM es_events WHERE stream_id = $1", conn))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = SurveyStream(surveyId) });
            version = Convert.ToInt64(await cmd.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }

        return new SurveyView(surveyId, group, name, questions, version);
    }

    private sealed class DefineValidator : AbstractValidator<DefineSurveyRequest>
    {
        public DefineValidator() => RuleFor(r => r.Name).NotEmpty().MaximumLength(200).NoPersonnummer();
    }

    private sealed class QuestionValidator : AbstractValidator<QuestionVersionRequest>
    {
        public QuestionValidator()
        {
            RuleFor(r => r.Text).NotEmpty().MaximumLength(500).NoPersonnummer();
            RuleFor(r => r.Scale).NotEmpty().MaximumLength(100);
            RuleFor(r => r.Order).InclusiveBetween(0, 1000);
            RuleFor(r => r.Options).NotNull();
            RuleForEach(r => r.Options).ChildRules(o =>
            {
                o.RuleFor(x => x.Code).NotEmpty().MaximumLength(64);
                o.RuleFor(x => x.Label).NotEmpty().MaximumLength(200).NoPersonnummer();
            }).When(r => r.Options is not null);
        }
    }

    private sealed class OpenRoundValidator : AbstractValidator<OpenRoundRequest>
    {
        public OpenRoundValidator()
        {
            RuleFor(r => r.SurveyId).NotEmpty();
            RuleFor(r => r.ForbundId).NotEmpty();
            RuleFor(r => r.Sent).InclusiveBetween(1, SurveyRound.MaxSent);
        }
    }

    private sealed class CorrectSentValidator : AbstractValidator<CorrectSentRequest>
    {
        public CorrectSentValidator() => RuleFor(r => r.Sent).InclusiveBetween(1, SurveyRound.MaxSent);
    }

    private sealed class CountsValidator : AbstractValidator<AnswerCountsRequest>
    {
        public CountsValidator()
        {
            RuleFor(r => r.Respondents).InclusiveBetween(1, SurveyRound.MaxSent);
            RuleFor(r => r.Counts).NotNull();
            RuleForEach(r => r.Counts).ChildRules(c =>
            {
                c.RuleFor(x => x.QuestionId).NotEmpty();
                c.RuleFor(x => x.OptionCode).NotEmpty();
                c.RuleFor(x => x.Count).InclusiveBetween(0, SurveyRound.MaxSent);
            }).When(r => r.Counts is not null);
        }
    }

    private sealed class ResponsesValidator : AbstractValidator<ResponsesRequest>
    {
        public ResponsesValidator()
        {
            RuleFor(r => r.Responses).NotNull().Must(r => r is null || r.Count is >= 1 and <= 10_000).WithMessage("From 1 to 10000 responses per request.");
            RuleForEach(r => r.Responses).ChildRules(x =>
            {
                x.RuleFor(y => y.ResponseId).NotEmpty();
                x.RuleFor(y => y.Answers).NotNull();
                x.RuleForEach(y => y.Answers).ChildRules(a =>
                {
                    a.RuleFor(z => z.QuestionId).NotEmpty();
                    a.RuleFor(z => z.OptionCode).NotEmpty();
                }).When(y => y.Answers is not null);
            }).When(r => r.Responses is not null);
        }
    }

    private sealed class GoalValidator : AbstractValidator<SurveyGoalRequest>
    {
        public GoalValidator()
        {
            RuleFor(r => r.SurveyId).NotEmpty();
            RuleFor(r => r.QuestionId).NotEmpty();
            RuleFor(r => r.Version).GreaterThanOrEqualTo(1);
            RuleFor(r => r.Threshold).InclusiveBetween(0, 100);
            RuleFor(r => r.MinAnswers).InclusiveBetween(1, 100_000);
            RuleFor(r => r.Description).NotEmpty().MaximumLength(500).NoPersonnummer();
        }
    }
}
