using System.Globalization;
using System.Text;
using System.Text.Json;
using FinsamOutcomes.Api.Features.Insatser;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Surveys;
using FinsamOutcomes.EventStore;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Surveys;

// The survey report's shapes. Definitions with worked examples: docs/surveys.md. Every count is nullable only
// because national output suppresses small counts (null, ".." in CSV); a förbund's own report is exact.

/// <summary>A share in percent, one decimal half away from zero; null value when the denominator is 0 or the share is suppressed.</summary>
public sealed record SurveyShare(int? Numerator, int? Denominator, decimal? Value)
{
    public static SurveyShare Of(int numerator, int denominator) =>
        new(numerator, denominator, denominator == 0 ? null : Math.Round(100m * numerator / denominator, 1, MidpointRounding.AwayFromZero));
}

public sealed record SurveyReportBasis(
    string ScopeKind, string? ForbundId, string? InsatsId, StatisticsPeriod Period, StatisticsPeriod PreviousPeriod,
    long Position, int? DisclosureThreshold, DateTimeOffset ProducedAt);

public sealed record OptionFigures(string Code, string Label, bool Positive, int? Count, SurveyShare Share);

public sealed record PreviousQuestionFigures(int? Answered, SurveyShare PositiveShare);

/// <param name="Answered">Answers to this question (respondents who left it blank are not counted).</param>
/// <param name="PositiveShare">Answers in the positive options of the scale, of Answered (null when the scale has none).</param>
/// <param name="ChangeInPoints">PositiveShare minus the previous period's, in percentage points (null when either is missing).</param>
public sealed record QuestionFigures(
    string QuestionId, int Version, string Text, string Scale, int? Answered, IReadOnlyList<OptionFigures> Options,
    SurveyShare? PositiveShare, PreviousQuestionFigures Previous, decimal? ChangeInPoints, string? Summary);

public sealed record PreviousSurveyFigures(int Rounds, int? Sent, int? Answered, SurveyShare ResponseRate);

public sealed record SurveyFigures(
    string SurveyId, string Name, RespondentGroup RespondentGroup, int Rounds, int? Sent, int? Answered, SurveyShare ResponseRate,
    PreviousSurveyFigures Previous, IReadOnlyList<QuestionFigures> Questions, string? Summary);

public sealed record RoundFigures(string RoundId, string ForbundId, string? InsatsId, string SurveyId, DateOnly PeriodFrom, DateOnly PeriodTo, int? Sent, int? Answered, SurveyShare ResponseRate);

/// <param name="Options">The option codes the goal counts (the question's positive options unless the goal names others).</param>
/// <param name="Status">met, not_met or not_measurable.</param>
/// <param name="Reason">no_survey_round_in_period or too_few_answers when not measurable.</param>
public sealed record SurveyGoalResult(
    string GoalId, string ForbundId, string? InsatsId, string SurveyId, string QuestionId, int Version, string Description,
    GoalComparison Comparison, decimal Threshold, int MinAnswers, IReadOnlyList<string> Options, SurveyShare Share, string Status, string? Reason, string? Summary);

public sealed record SurveyReport(SurveyReportBasis Basis, IReadOnlyList<SurveyFigures> Surveys, IReadOnlyList<RoundFigures> Rounds, IReadOnlyList<SurveyGoalResult> Goals);

public static class SurveyReportEndpoint
{
    public const string NoRound = "no_survey_round_in_period";
    public const string TooFewAnswers = "too_few_answers";

    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    private static readonly JsonSerializerOptions Json = CreateJson();

    public static async Task<IResult> Report(
        HttpContext http, NpgsqlDataSource db, IOptions<StatisticsOptions> options, TimeProvider time,
        string scope, string period, string? forbundId, string? insatsId, string? format, CancellationToken ct)
    {
        var caller = http.Caller();
        if (!StatisticsPeriod.TryParse(period, out var p))
        {
            throw Invalid("period", "Use 2024, 2024-T1..T3, 2024-H1/H2, 2024-D or 2024-01-01..2024-06-30.");
        }

        var (owner, scopeInsats, scopeForbund) = scope switch
        {
            "insats" => ((await InsatsEndpoints.FactsAsync(db, Required(insatsId, "insatsId"), ct)).ForbundId, insatsId, (string?)null),
            "forbund" => (Required(forbundId, "forbundId"), null, forbundId),
            "country" => ((string?)null, (string?)null, (string?)null),
            _ => throw Invalid("scope", "Use insats, forbund or country."),
        };
        var own = owner is not null && caller.ForbundId == owner
            && (caller.Is(Roles.Administrator, Roles.ForbundAnalyst) || (caller.Is(Roles.InsatsManager) && scope == "insats" && caller.Insatser.Contains(insatsId!)));
        var national = caller.IsNational && caller.Is(Roles.NationalReader, Roles.Administrator);
        caller.Require(own || national, "survey figures of this scope");
        int? threshold = own ? null : options.Value.SuppressionThreshold;

        var previous = p.IsWhole(GoalPeriod.Year) ? StatisticsPeriod.Year(p.From.Year - 1) : StatisticsPeriod.Range(p.From.AddYears(-1), p.To.AddYears(-1));
        var report = await BuildAsync(db, scope, scopeForbund ?? (scope == "insats" ? owner : null), scopeInsats, p, previous, threshold, time.GetUtcNow(), ct);
        if (string.Equals(format, "csv", StringComparison.OrdinalIgnoreCase))
        {
            return Results.File(Csv(report), "text/csv; charset=utf-8", $"finsam-enkater-{scope}-{p.Name.Replace("..", "_", StringComparison.Ordinal)}.csv");
        }

        return Results.Content(JsonSerializer.Serialize(report, Json), "application/json; charset=utf-8");
    }

    /// <summary>
    /// The survey indicator goals of a förbund (every goal, <paramref name="insatsId"/> null) or of one insats, evaluated over the
    /// period exactly as <c>GET /api/surveys/report</c> evaluates them, small counts suppressed below <paramref name="suppressBelow"/>.
    /// </summary>
    public static async Task<IReadOnlyList<SurveyGoalResult>> GoalResultsAsync(
        NpgsqlDataSource db, string forbundId, string? insatsId, StatisticsPeriod period, int? suppressBelow, DateTimeOffset now, CancellationToken ct) =>
        (await BuildAsync(db, insatsId is null ? "forbund" : "insats", forbundId, insatsId, period, period, suppressBelow, now, ct)).Goals;

    private sealed record Round(string RoundId, string ForbundId, string? InsatsId, string SurveyId, DateOnly From, DateOnly To, int Sent, int Answered);

    private sealed record Question(string SurveyId, string QuestionId, int Version, int Order, string Text, string Scale, AnswerOption[] Options);

    private sealed record Data(
        IReadOnlyList<Round> Rounds,
        IReadOnlyDictionary<string, (string QuestionId, int Version)[]> Asked,
        IReadOnlyDictionary<(string Round, string Question, string Option), int> Counts);

    private static async Task<SurveyReport> BuildAsync(
        NpgsqlDataSource db, string scope, string? forbundId, string? insatsId, StatisticsPeriod period, StatisticsPeriod previous, int? t,
        DateTimeOffset now, CancellationToken ct)
    {
        await using var conn = await db.OpenConnectionAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        var position = Convert.ToInt64(await Scalar(conn, tx, "SELECT coalesce(max(position), 0) FROM es_events", ct), CultureInfo.InvariantCulture);
        var current = await LoadAsync(conn, tx, forbundId, insatsId, period, ct);
        var before = await LoadAsync(conn, tx, forbundId, insatsId, previous, ct);
        var questions = await QuestionsAsync(conn, tx, ct);
        var surveys = await SurveysAsync(conn, tx, ct);
        var goals = scope == "country" ? [] : await GoalsAsync(conn, tx, forbundId!, insatsId, ct);
        await tx.CommitAsync(ct);

        var surveyIds = current.Rounds.Select(r => r.SurveyId).Concat(goals.Select(g => g.SurveyId)).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var surveyFigures = new List<SurveyFigures>();
        foreach (var surveyId in surveyIds)
        {
            if (!surveys.TryGetValue(surveyId, out var survey))
            {
                continue;
            }

            var rounds = current.Rounds.Where(r => r.SurveyId == surveyId).ToArray();
            if (rounds.Length == 0)
            {
                continue;
            }

            var previousRounds = before.Rounds.Where(r => r.SurveyId == surveyId).ToArray();
            var asked = rounds.SelectMany(r => current.Asked.GetValueOrDefault(r.RoundId, [])).Distinct()
                .Select(k => questions.GetValueOrDefault((surveyId, k.QuestionId, k.Version)))
                .OfType<Question>()
                .OrderBy(q => q.Order).ThenBy(q => q.QuestionId, StringComparer.Ordinal).ThenBy(q => q.Version)
                .ToArray();
            var questionFigures = asked.Select(q => QuestionOf(q, rounds, current, previousRounds, before, t)).ToArray();
            int sent = rounds.Sum(r => r.Sent), answered = rounds.Sum(r => r.Answered);
            var rate = Suppress(SurveyShare.Of(answered, sent), t);
            var previousSurvey = new PreviousSurveyFigures(
                previousRounds.Length, Count(previousRounds.Sum(r => r.Sent), t), Count(previousRounds.Sum(r => r.Answered), t),
                Suppress(SurveyShare.Of(previousRounds.Sum(r => r.Answered), previousRounds.Sum(r => r.Sent)), t));
            var summary = rate.Value is { } v && rate.Numerator is not null
                ? $"Enkäten gick ut till {sent}, {answered} svarade ({Percent(v)})."
                : null;
            surveyFigures.Add(new SurveyFigures(surveyId, survey.Name, survey.Group, rounds.Length, Count(sent, t), Count(answered, t), rate, previousSurvey, questionFigures, summary));
        }

        var roundFigures = current.Rounds
            .Select(r => new RoundFigures(r.RoundId, r.ForbundId, r.InsatsId, r.SurveyId, r.From, r.To, Count(r.Sent, t), Count(r.Answered, t), Suppress(SurveyShare.Of(r.Answered, r.Sent), t)))
            .ToArray();
        var goalResults = goals.Select(g => Evaluate(g, current, questions, t)).ToArray();
        return new SurveyReport(new SurveyReportBasis(scope, forbundId, insatsId, period, previous, position, t, now), surveyFigures, roundFigures, goalResults);
    }

    private static QuestionFigures QuestionOf(Question q, Round[] rounds, Data data, Round[] previousRounds, Data previousData, int? t)
    {
        var counts = q.Options.Select(o => Sum(data, rounds, q, o.Code)).ToArray();
        var answered = counts.Sum();
        var positive = q.Options.Any(o => o.Positive) ? SurveyShare.Of(q.Options.Where(o => o.Positive).Sum(o => Sum(data, rounds, q, o.Code)), answered) : null;
        var previousAnswered = q.Options.Sum(o => Sum(previousData, previousRounds, q, o.Code));
        var previousPositive = SurveyShare.Of(q.Options.Where(o => o.Positive).Sum(o => Sum(previousData, previousRounds, q, o.Code)), previousAnswered);

        // disclosure control of the option group: small counts hidden, and one more when exactly one would be hidden
        var shown = counts.Select(c => (int?)c).ToArray();
        int? answeredShown = answered;
        if (t is { } threshold)
        {
            if (IsSmall(answered, threshold))
            {
                answeredShown = null;
                shown = shown.Select(_ => (int?)null).ToArray();
            }
            else
            {
                var hidden = 0;
                for (var i = 0; i < shown.Length; i++)
                {
                    if (IsSmall(counts[i], threshold))
                    {
                        shown[i] = null;
                        hidden++;
                    }
                }

                if (hidden == 1)
                {
                    var next = Enumerable.Range(0, shown.Length).Where(i => shown[i] is > 0).OrderBy(i => shown[i]).Cast<int?>().FirstOrDefault();
                    if (next is { } n)
                    {
                        shown[n] = null;
                    }
                }
            }
        }

        var options = q.Options.Select((o, i) => new OptionFigures(
            o.Code, o.Label, o.Positive, shown[i],
            shown[i] is null && t is not null ? new SurveyShare(null, answeredShown, null) : Suppress(SurveyShare.Of(counts[i], answered), t))).ToArray();
        // a positive share built from a hidden option would reveal it: hide it when any option is hidden
        var anyHidden = shown.Any(s => s is null);
        var positiveShown = positive is null ? null : anyHidden && t is not null ? new SurveyShare(null, answeredShown, null) : Suppress(positive, t);
        var previousShown = Suppress(previousPositive, t);
        var change = positiveShown?.Value is { } now && previousShown.Value is { } then ? now - then : (decimal?)null;
        string? summary = null;
        if (!anyHidden && answered > 0)
        {
            var parts = string.Join(", ", q.Options.Select((o, i) => $"{o.Label} {counts[i]}"));
            var positives = q.Options.Where(o => o.Positive).Select(o => o.Label.ToLower(Swedish)).ToArray();
            summary = positive?.Value is { } pv
                ? $"{q.QuestionId}: {parts} — {Percent(pv)} anger {string.Join(" eller ", positives)} ({positive.Numerator} av {answered})"
                : $"{q.QuestionId}: {parts} ({answered} svar)";
        }

        return new QuestionFigures(
            q.QuestionId, q.Version, q.Text, q.Scale, answeredShown, options, positiveShown,
            new PreviousQuestionFigures(Count(previousAnswered, t), previousShown), change, summary);
    }

    private static SurveyGoalResult Evaluate(SurveyGoalSet g, Data data, IReadOnlyDictionary<(string, string, int), Question> questions, int? t)
    {
        var rounds = data.Rounds
            .Where(r => r.ForbundId == g.ForbundId && r.SurveyId == g.SurveyId && (g.InsatsId is null || r.InsatsId == g.InsatsId))
            .Where(r => data.Asked.GetValueOrDefault(r.RoundId, []).Contains((g.QuestionId, g.Version)))
            .ToArray();
        var question = questions.GetValueOrDefault((g.SurveyId, g.QuestionId, g.Version));
        var codes = g.OptionCodes ?? question?.Options.Where(o => o.Positive).Select(o => o.Code).ToArray() ?? [];
        var answered = question?.Options.Sum(o => Sum(data, rounds, question, o.Code)) ?? 0;
        var numerator = question is null ? 0 : codes.Sum(code => Sum(data, rounds, question, code));
        var share = SurveyShare.Of(numerator, answered);
        string status, summary;
        string? reason = null;
        if (rounds.Length == 0)
        {
            (status, reason) = (GoalStatus.NotMeasurable, NoRound);
            summary = $"Indikator {Percent(g.Threshold)}: ej mätbart (ingen enkät under perioden).";
        }
        else if (answered < g.MinAnswers)
        {
            (status, reason) = (GoalStatus.NotMeasurable, TooFewAnswers);
            summary = $"Indikator {Percent(g.Threshold)}: ej mätbart ({answered} svar, minst {g.MinAnswers} behövs).";
        }
        else
        {
            // numerator / answered against threshold %, exactly, not as the rounded percentage
            var atLeast = g.Comparison == GoalComparison.AtLeast;
            var met = atLeast ? 100m * numerator >= g.Threshold * answered : 100m * numerator <= g.Threshold * answered;
            status = met ? GoalStatus.Met : GoalStatus.NotMet;
            summary = $"{Percent(share.Value!.Value)} ({numerator} av {answered}), indikator {(atLeast ? "minst" : "högst")} {Percent(g.Threshold)}: målet {(met ? "uppnått" : "inte uppnått")}.";
        }

        var shown = Suppress(share, t);
        return new SurveyGoalResult(
            g.GoalId, g.ForbundId, g.InsatsId, g.SurveyId, g.QuestionId, g.Version, g.Description, g.Comparison, g.Threshold, g.MinAnswers, codes,
            shown, status, reason, t is null ? summary : null);
    }

    private static int Sum(Data data, IEnumerable<Round> rounds, Question q, string option) =>
        rounds.Where(r => data.Asked.GetValueOrDefault(r.RoundId, []).Contains((q.QuestionId, q.Version)))
            .Sum(r => data.Counts.GetValueOrDefault((r.RoundId, q.QuestionId, option)));

    private static int? Count(int n, int? t) => t is { } threshold && IsSmall(n, threshold) ? null : n;

    private static bool IsSmall(int n, int t) => n > 0 && n < t;

    /// <summary>As Disclosure does for every share: hidden when the denominator is small, or the numerator or the rest of the denominator is.</summary>
    private static SurveyShare Suppress(SurveyShare share, int? t)
    {
        if (t is not { } threshold || share.Numerator is not { } n || share.Denominator is not { } d)
        {
            return share;
        }

        if (IsSmall(d, threshold))
        {
            return new SurveyShare(null, null, null);
        }

        return IsSmall(n, threshold) || IsSmall(d - n, threshold) ? new SurveyShare(null, d, null) : share;
    }

    private static string Percent(decimal value) => $"{value.ToString("0.#", Swedish)} %";

    private static async Task<Data> LoadAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string? forbundId, string? insatsId, StatisticsPeriod period, CancellationToken ct)
    {
        var rounds = new List<Round>();
        await using (var cmd = new NpgsqlCommand(
            """
            SELECT r.round_id, r.forbund_id, r.insats_id, r.survey_id, r.period_from, r.period_to, r.sent,
                   coalesce((SELECT sum(respondents) FROM sv_respondents s WHERE s.round_id = r.round_id), 0)::int
            FROM sv_rounds r
            WHERE r.period_to BETWEEN $1 AND $2 AND ($3::text IS NULL OR r.forbund_id = $3) AND ($4::text IS NULL OR r.insats_id = $4)
            ORDER BY r.survey_id, r.period_from, r.round_id
            """, conn, tx))
        {
            Add(cmd, period.From, period.To, forbundId, insatsId);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rounds.Add(new Round(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3),
                    reader.GetFieldValue<DateOnly>(4), reader.GetFieldValue<DateOnly>(5), reader.GetInt32(6), reader.GetInt32(7)));
            }
        }

        var ids = rounds.Select(r => r.RoundId).ToArray();
        var asked = new Dictionary<string, List<(string, int)>>(StringComparer.Ordinal);
        await using (var cmd = new NpgsqlCommand("SELECT round_id, question_id, version FROM sv_round_questions WHERE round_id = ANY($1)", conn, tx))
        {
            Add(cmd, (object)ids);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var id = reader.GetString(0);
                if (!asked.TryGetValue(id, out var list))
                {
                    asked[id] = list = [];
                }

                list.Add((reader.GetString(1), reader.GetInt32(2)));
            }
        }

        var counts = new Dictionary<(string, string, string), int>();
        await using (var cmd = new NpgsqlCommand(
            "SELECT round_id, question_id, option_code, sum(count)::int FROM sv_answers WHERE round_id = ANY($1) GROUP BY round_id, question_id, option_code", conn, tx))
        {
            Add(cmd, (object)ids);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                counts[(reader.GetString(0), reader.GetString(1), reader.GetString(2))] = reader.GetInt32(3);
            }
        }

        return new Data(rounds, asked.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray(), StringComparer.Ordinal), counts);
    }

    private static async Task<IReadOnlyDictionary<(string, string, int), Question>> QuestionsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var result = new Dictionary<(string, string, int), Question>();
        await using var cmd = new NpgsqlCommand("SELECT survey_id, question_id, version, ord, text, scale, options::text FROM sv_questions", conn, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var q = new Question(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetString(4), reader.GetString(5),
                JsonSerializer.Deserialize<AnswerOption[]>(reader.GetString(6), EventTypeRegistry.DefaultJsonOptions) ?? []);
            result[(q.SurveyId, q.QuestionId, q.Version)] = q;
        }

        return result;
    }

    private static async Task<IReadOnlyDictionary<string, (string Name, RespondentGroup Group)>> SurveysAsync(NpgsqlConnection conn, NpgsqlTransaction tx, CancellationToken ct)
    {
        var result = new Dictionary<string, (string, RespondentGroup)>(StringComparer.Ordinal);
        await using var cmd = new NpgsqlCommand("SELECT survey_id, name, respondent_group FROM sv_surveys", conn, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result[reader.GetString(0)] = (reader.GetString(1), InsatsEndpoints.Parse<RespondentGroup>(reader.GetString(2)));
        }

        return result;
    }

    private static async Task<SurveyGoalSet[]> GoalsAsync(NpgsqlConnection conn, NpgsqlTransaction tx, string forbundId, string? insatsId, CancellationToken ct)
    {
        var result = new List<SurveyGoalSet>();
        await using var cmd = new NpgsqlCommand(
            """
            SELECT forbund_id, goal_id, insats_id, survey_id, question_id, version, comparison, threshold, option_codes, min_answers, description
            FROM sv_goals WHERE forbund_id = $1 AND ($2::text IS NULL OR insats_id = $2) ORDER BY goal_id
            """, conn, tx);
        Add(cmd, forbundId, insatsId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new SurveyGoalSet(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetInt32(5), InsatsEndpoints.Parse<GoalComparison>(reader.GetString(6)), reader.GetDecimal(7),
                reader.IsDBNull(8) ? null : reader.GetFieldValue<string[]>(8), reader.GetInt32(9), reader.GetString(10)));
        }

        return [.. result];
    }

    private static void Add(NpgsqlCommand cmd, params object?[] values)
    {
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value ?? DBNull.Value });
        }
    }

    private static async Task<object?> Scalar(NpgsqlConnection conn, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn, tx);
        return await cmd.ExecuteScalarAsync(ct);
    }

    /// <summary>
    /// The report as CSV for Excel with Swedish settings (UTF-8 with BOM, semicolons, decimal comma), like the statistics
    /// export: Område;Mått;Grupp;Värde, a suppressed figure written "..".
    /// </summary>
    public static byte[] Csv(SurveyReport report)
    {
        var text = new StringBuilder("Område;Mått;Grupp;Värde\r\n");
        void Row(string a, string b, string c, string d) =>
            text.Append(Quote(a)).Append(';').Append(Quote(b)).Append(';').Append(Quote(c)).Append(';').Append(Quote(d)).Append("\r\n");
        Row("Underlag", "Period", "", report.Basis.Period.Name);
        Row("Underlag", "Jämförelseperiod", "", report.Basis.PreviousPeriod.Name);
        Row("Underlag", "Loggposition", "", report.Basis.Position.ToString(CultureInfo.InvariantCulture));
        Row("Underlag", "Röjandekontroll", "", report.Basis.DisclosureThreshold is { } th ? $"antal under {th} visas som .." : "ingen");
        foreach (var s in report.Surveys)
        {
            var area = $"{s.Name} ({s.SurveyId})";
            Row(area, "Omgångar", "", s.Rounds.ToString(CultureInfo.InvariantCulture));
            Row(area, "Skickade", "", N(s.Sent));
            Row(area, "Svarade", "", N(s.Answered));
            Row(area, "Svarsfrekvens (%)", "", P(s.ResponseRate.Value));
            Row(area, "Svarsfrekvens (%)", "Föregående period", P(s.Previous.ResponseRate.Value));
            foreach (var q in s.Questions)
            {
                var measure = $"{q.QuestionId} v{q.Version.ToString(CultureInfo.InvariantCulture)}: {q.Text}";
                Row(area, measure, "Besvarade", N(q.Answered));
                foreach (var o in q.Options)
                {
                    Row(area, measure, $"{o.Label} / Antal", N(o.Count));
                    Row(area, measure, $"{o.Label} / Andel (%)", P(o.Share.Value));
                }

                if (q.PositiveShare is { } positive)
                {
                    Row(area, measure, "Positiva svar / Antal", N(positive.Numerator));
                    Row(area, measure, "Positiva svar / Andel (%)", P(positive.Value));
                    Row(area, measure, "Positiva svar / Föregående period (%)", P(q.Previous.PositiveShare.Value));
                    Row(area, measure, "Förändring (procentenheter)", P(q.ChangeInPoints));
                }
            }
        }

        foreach (var g in report.Goals)
        {
            Row("Måluppfyllelse", g.Description, "Värde (%)", P(g.Share.Value));
            Row("Måluppfyllelse", g.Description, "Svar", N(g.Share.Denominator));
            Row("Måluppfyllelse", g.Description, "Målvärde (%)", P(g.Threshold));
            Row("Måluppfyllelse", g.Description, "Status", g.Status switch
            {
                GoalStatus.Met => "uppnått",
                GoalStatus.NotMet => "inte uppnått",
                _ => "ej mätbart",
            });
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static string N(int? n) => n?.ToString(CultureInfo.InvariantCulture) ?? "..";

    private static string P(decimal? v) => v?.ToString("0.0", Swedish) ?? "..";

    private static string Quote(string field) =>
        field.IndexOfAny([';', '"', '\r', '\n']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;

    private static string Required(string? value, string field) => !string.IsNullOrWhiteSpace(value) ? value : throw Invalid(field, "Required for this scope.");

    private static ValidationException Invalid(string field, string message) => new([new ValidationFailure(field, message)]);

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ProblemsSetup.ConfigureJson(options);
        return options;
    }
}
