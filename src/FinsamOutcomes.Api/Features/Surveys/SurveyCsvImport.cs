using System.Text;
using System.Text.RegularExpressions;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.People;
using FinsamOutcomes.Domain.Surveys;

namespace FinsamOutcomes.Api.Features.Surveys;

/// <param name="Rows">Data rows in the file.</param>
/// <param name="Recorded">Responses recorded now (in a dry run: that would be recorded).</param>
/// <param name="AlreadyPresent">Rows whose response is already recorded with the same answers: they add nothing.</param>
/// <param name="Refused">Rows refused, each listed in Problems.</param>
public sealed record ImportOutcome(bool DryRun, int Rows, int Recorded, int AlreadyPresent, int Refused, IReadOnlyList<ImportProblem> Problems, long Version, long? LogPosition);

/// <summary>
/// The survey tool's CSV export, one row per anonymous response: a response-id column (default <c>svar_id</c>) and one
/// column per question of the round, headed by the question id (<c>q1</c>), holding the option's code or label (blank: not
/// answered). Semicolon or comma separated, UTF-8 with or without BOM, quotes as in RFC 4180. A dry run checks every row
/// and records nothing; an import records the good rows and lists the refused ones; importing the same file again adds
/// nothing, since each response is recorded once by its id. A problem with the heading refuses the whole file.
/// </summary>
public static partial class SurveyCsvImport
{
    public const int MaxRows = 20_000;

    public static async Task<IResult> Import(
        string roundId, bool? dryRun, string? idColumn, HttpContext http, StreamCommands streams, TimeProvider time, CancellationToken ct)
    {
        var round = await SurveyEndpoints.RequireRoundRecorderAsync(http, streams, roundId, ct);
        var (state, version, _) = await streams.LoadAsync(SurveyEndpoints.RoundStream(roundId), SurveyRound.Initial, SurveyRound.Evolve, ct);
        string text;
        using (var reader = new StreamReader(http.Request.Body, new UTF8Encoding(false, throwOnInvalidBytes: true), detectEncodingFromByteOrderMarks: true))
        {
            try
            {
                text = await reader.ReadToEndAsync(ct);
            }
            catch (DecoderFallbackException)
            {
                return Outcome(dryRun, 0, 0, 0, [new ImportProblem(1, null, "not_utf8", "The file is not UTF-8 text.")], version, null);
            }
        }

        var (survey, _, _) = await streams.LoadAsync(SurveyEndpoints.SurveyStream(round.SurveyId), Survey.Initial, Survey.Evolve, ct);
        var (rows, good, present, problems) = Check(text, idColumn ?? "svar_id", round, state, survey);
        if (problems.Any(p => p.Row == 1) || dryRun == true || good.Count == 0)
        {
            var fileRefused = problems.Any(p => p.Row == 1);
            return Outcome(dryRun, rows, fileRefused ? 0 : good.Count, fileRefused ? 0 : present, problems, version, null);
        }

        var outcome = await SurveyEndpoints.WriteRound(http, streams, round, new RecordResponses(roundId, "csv", good), time, ct);
        return Results.Ok(new ImportOutcome(false, rows, good.Count, present, problems.Select(p => p.Row).Distinct().Count(), problems, outcome.Version, outcome.LogPosition));
    }

    private static IResult Outcome(bool? dryRun, int rows, int recorded, int present, IReadOnlyList<ImportProblem> problems, long version, long? position) =>
        Results.Ok(new ImportOutcome(dryRun == true, rows, dryRun == true ? recorded : 0, present, problems.Where(p => p.Row > 1).Select(p => p.Row).Distinct().Count(), problems, version, position));

    /// <summary>Every row checked against the round: the new good responses, how many are already recorded, and every problem.</summary>
    public static (int Rows, List<SurveyResponse> Good, int AlreadyPresent, List<ImportProblem> Problems) Check(
        string text, string idColumn, SurveyRoundOpened round, SurveyRoundState state, SurveyState survey)
    {
        var problems = new List<ImportProblem>();
        var good = new List<SurveyResponse>();
        var records = TabularFile.ParseCsv(text);
        if (records.Count == 0)
        {
            problems.Add(new ImportProblem(1, null, "empty_file", "The file has no heading."));
            return (0, good, 0, problems);
        }

        var heading = records[0].Select(h => h.Trim()).ToArray();
        var idIndex = Array.FindIndex(heading, h => string.Equals(h, idColumn, StringComparison.OrdinalIgnoreCase));
        if (idIndex < 0)
        {
            problems.Add(new ImportProblem(1, idColumn, "missing_id_column", $"The heading has no response-id column '{idColumn}'."));
        }

        var columns = new RoundQuestion?[heading.Length];
        var options = new Dictionary<string, IReadOnlyDictionary<string, string>>(StringComparer.Ordinal);
        for (var i = 0; i < heading.Length; i++)
        {
            if (i == idIndex)
            {
                continue;
            }

            if (PersonnummerText.AppearsIn(heading[i]))
            {
                problems.Add(new ImportProblem(1, $"column {i + 1}", "personnummer_refused", "A heading is shaped like a personnummer; personal data does not belong in survey answers."));
                continue;
            }

            columns[i] = round.Questions.FirstOrDefault(q => string.Equals(q.QuestionId, heading[i], StringComparison.OrdinalIgnoreCase));
            if (columns[i] is null)
            {
                problems.Add(new ImportProblem(1, Safe(heading[i]), "unknown_column", "The round has no question with this id."));
            }
            else if (Array.FindIndex(heading, h => string.Equals(h, heading[i], StringComparison.OrdinalIgnoreCase)) != i)
            {
                problems.Add(new ImportProblem(1, Safe(heading[i]), "column_twice", "The question has two columns."));
            }
        }

        if (state.Batches.Count > 0)
        {
            problems.Add(new ImportProblem(1, null, "answer_mode_mixed", "This round's answers are recorded as aggregate counts; responses would count them twice."));
        }

        if (records.Count - 1 > MaxRows)
        {
            problems.Add(new ImportProblem(1, null, "too_many_rows", $"A file holds at most {MaxRows} responses."));
        }

        if (problems.Count > 0)
        {
            return (records.Count - 1, good, 0, problems);
        }

        var labels = OptionLabelsOf(round, survey);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var present = 0;
        for (var r = 1; r < records.Count; r++)
        {
            var row = r + 1;
            var cells = records[r];
            if (cells.Count != heading.Length)
            {
                problems.Add(new ImportProblem(row, null, "wrong_number_of_fields", $"The row has {cells.Count} fields; the heading has {heading.Length}."));
                continue;
            }

            if (cells.Any(PersonnummerText.AppearsIn))
            {
                problems.Add(new ImportProblem(row, null, "personnummer_refused", "The row holds something shaped like a personnummer; survey answers are anonymous."));
                continue;
            }

            var id = cells[idIndex].Trim();
            if (!Identifier().IsMatch(id))
            {
                problems.Add(new ImportProblem(row, heading[idIndex], "invalid_response_id", PersonnummerGate.IdentifierRule));
                continue;
            }

            if (!seen.Add(id))
            {
                problems.Add(new ImportProblem(row, heading[idIndex], "duplicate_response", "The response id occurs on an earlier row of the file."));
                continue;
            }

            var answers = new List<ResponseAnswer>();
            var bad = false;
            for (var i = 0; i < cells.Count; i++)
            {
                if (columns[i] is not { } question || cells[i].Trim().Length == 0)
                {
                    continue;
                }

                var cell = cells[i].Trim();
                var code = question.OptionCodes.FirstOrDefault(c => string.Equals(c, cell, StringComparison.OrdinalIgnoreCase))
                    ?? labels[question.QuestionId].GetValueOrDefault(cell);
                if (code is null)
                {
                    problems.Add(new ImportProblem(row, question.QuestionId, "unknown_option", $"Not an answer option of {question.QuestionId}: use its code or label."));
                    bad = true;
                    continue;
                }

                answers.Add(new ResponseAnswer(question.QuestionId, code));
            }

            if (bad)
            {
                continue;
            }

            var response = new SurveyResponse(id, answers.OrderBy(a => round.Questions.ToList().FindIndex(q => q.QuestionId == a.QuestionId)).ToArray());
            if (SurveyRound.ConflictsWithRecorded(response, state))
            {
                problems.Add(new ImportProblem(row, heading[idIndex], "response_already_recorded", "A response with this id is already recorded with other answers."));
            }
            else if (state.Responses.ContainsKey(id))
            {
                present++;
            }
            else
            {
                good.Add(response);
            }
        }

        if (state.Respondents + good.Count > state.Sent)
        {
            problems.Add(new ImportProblem(1, null, "more_answers_than_sent",
                $"The round went out to {state.Sent}; {state.Respondents} answers are recorded and the file adds {good.Count}."));
        }

        return (records.Count - 1, good, present, problems);
    }

    /// <summary>Option labels (case-insensitive) to codes, per question of the round, from the catalogue's question versions.</summary>
    private static Dictionary<string, Dictionary<string, string>> OptionLabelsOf(SurveyRoundOpened round, SurveyState survey)
    {
        var labels = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        foreach (var q in round.Questions)
        {
            var map = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var option in survey.Questions.GetValueOrDefault((q.QuestionId, q.Version))?.Options ?? [])
            {
                map.TryAdd(option.Label.Trim(), option.Code);
            }

            labels[q.QuestionId] = map;
        }

        return labels;
    }

    private static string Safe(string heading) => heading.Length <= 60 ? heading : heading[..60];

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$")]
    private static partial Regex Identifier();
}
