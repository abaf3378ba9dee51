using System.Collections.Immutable;
using static FinsamOutcomes.Domain.Common.Rules;

namespace FinsamOutcomes.Domain.Surveys;

public abstract record SurveyRoundCommand(string RoundId);

/// <param name="Questions">The survey's current question versions (the caller takes them from the catalogue).</param>
public sealed record OpenSurveyRound(
    string RoundId, string ForbundId, string? InsatsId, string SurveyId, RespondentGroup RespondentGroup,
    DateOnly PeriodFrom, DateOnly PeriodTo, int Sent, IReadOnlyList<RoundQuestion> Questions) : SurveyRoundCommand(RoundId);

public sealed record CorrectSent(string RoundId, int Sent) : SurveyRoundCommand(RoundId);

public sealed record RecordAnswerCounts(string RoundId, string BatchId, int Respondents, IReadOnlyList<OptionCount> Counts) : SurveyRoundCommand(RoundId);

public sealed record RecordResponses(string RoundId, string Source, IReadOnlyList<SurveyResponse> Responses) : SurveyRoundCommand(RoundId);

/// <summary>A round: how it was opened, its aggregate batches and its individual responses by id.</summary>
public sealed record SurveyRoundState(
    SurveyRoundOpened? Opened,
    int Sent,
    ImmutableDictionary<string, SurveyAnswerCountsRecorded> Batches,
    ImmutableDictionary<string, SurveyResponse> Responses)
{
    public int Respondents => Batches.Values.Sum(b => b.Respondents) + Responses.Count;
}

/// <summary>
/// Survey rounds. Answers are recorded one way per round: as aggregate counts (batches) or as individual anonymous
/// responses, never both, so no answer is counted twice. The same batch or response again adds nothing.
/// </summary>
public static class SurveyRound
{
    public const int MaxSent = 1_000_000;

    public static SurveyRoundState Initial { get; } = new(null, 0, ImmutableDictionary<string, SurveyAnswerCountsRecorded>.Empty, ImmutableDictionary<string, SurveyResponse>.Empty);

    public static SurveyRoundState Evolve(SurveyRoundState state, object @event) => @event switch
    {
        SurveyRoundOpened e => state with { Opened = e, Sent = e.Sent },
        SurveyRoundSentCorrected e => state with { Sent = e.Sent },
        SurveyAnswerCountsRecorded e => state with { Batches = state.Batches.SetItem(e.BatchId, e) },
        SurveyResponsesRecorded e => state with { Responses = state.Responses.SetItems(e.Responses.Select(r => KeyValuePair.Create(r.ResponseId, r))) },
        _ => state,
    };

    public static IReadOnlyList<object> Decide(SurveyRoundCommand command, SurveyRoundState state, DateOnly today) => command switch
    {
        OpenSurveyRound c => Handle(c, state, today),
        CorrectSent c => Handle(c, Opened(state), state),
        RecordAnswerCounts c => Handle(c, Opened(state), state),
        RecordResponses c => Handle(c, Opened(state), state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown survey round command."),
    };

    /// <summary>Why one response cannot be recorded in the round (null when it can): shared by the API and the CSV import's row check.</summary>
    public static (string Code, string Title)? ProblemOf(SurveyResponse response, SurveyRoundOpened round)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var answer in response.Answers)
        {
            var question = round.Questions.FirstOrDefault(q => q.QuestionId == answer.QuestionId);
            if (question is null)
            {
                return ("unknown_question", "The round has no such question.");
            }

            if (!question.OptionCodes.Contains(answer.OptionCode, StringComparer.Ordinal))
            {
                return ("unknown_option", $"Question {answer.QuestionId} has no such answer option.");
            }

            if (!seen.Add(answer.QuestionId))
            {
                return ("question_answered_twice", $"Question {answer.QuestionId} is answered twice in one response.");
            }
        }

        return null;
    }

    /// <summary>True when the response id is already recorded with other answers (recording it again is refused).</summary>
    public static bool ConflictsWithRecorded(SurveyResponse response, SurveyRoundState state) =>
        state.Responses.TryGetValue(response.ResponseId, out var existing) && !existing.Answers.SequenceEqual(response.Answers);

    private static IReadOnlyList<object> Handle(OpenSurveyRound c, SurveyRoundState state, DateOnly today)
    {
        var opened = new SurveyRoundOpened(c.RoundId, c.ForbundId, c.InsatsId, c.SurveyId, c.RespondentGroup, c.PeriodFrom, c.PeriodTo, c.Sent, c.Questions);
        if (state.Opened is { } existing)
        {
            return existing with { Questions = [] } == opened with { Questions = [] }
                ? Nothing
                : throw Refused("round_already_opened", "A survey round is already opened under this id.");
        }

        Require(c.PeriodFrom <= c.PeriodTo, "end_before_start", "The round's period ends before it starts.");
        NotInFuture(c.PeriodFrom, today);
        Require(c.Sent is >= 1 and <= MaxSent, "invalid_sent", "A round goes out to at least one person.");
        Require(c.Questions.Count > 0, "survey_has_no_questions", "The survey has no questions yet.");
        var perInsats = c.RespondentGroup is RespondentGroup.ParticipantDuring or RespondentGroup.ParticipantAtExit;
        var perForbund = c.RespondentGroup is RespondentGroup.Board or RespondentGroup.Managers;
        Require(!perInsats || c.InsatsId is not null, "insats_required", "A participant survey round belongs to an insats.");
        Require(!perForbund || c.InsatsId is null, "forbund_round_only", "A board or manager survey round belongs to the förbund, not to an insats.");
        return [opened];
    }

    private static IReadOnlyList<object> Handle(CorrectSent c, SurveyRoundOpened round, SurveyRoundState state)
    {
        if (c.Sent == state.Sent)
        {
            return Nothing;
        }

        Require(c.Sent is >= 1 and <= MaxSent, "invalid_sent", "A round goes out to at least one person.");
        Require(c.Sent >= state.Respondents, "more_answers_than_sent", "More people have answered than the survey went out to.");
        return [new SurveyRoundSentCorrected(round.RoundId, c.Sent)];
    }

    private static IReadOnlyList<object> Handle(RecordAnswerCounts c, SurveyRoundOpened round, SurveyRoundState state)
    {
        var recorded = new SurveyAnswerCountsRecorded(c.RoundId, c.BatchId, c.Respondents, c.Counts);
        if (state.Batches.TryGetValue(c.BatchId, out var existing))
        {
            return existing with { Counts = [] } == recorded with { Counts = [] } && existing.Counts.SequenceEqual(recorded.Counts)
                ? Nothing
                : throw Refused("batch_already_recorded", "Other answer counts are already recorded under this batch id.");
        }

        Require(state.Responses.IsEmpty, "answer_mode_mixed", "This round's answers are recorded as individual responses; counts would count them twice.");
        Require(c.Respondents >= 1, "invalid_respondents", "A batch of answers has at least one respondent.");
        foreach (var count in c.Counts)
        {
            var question = round.Questions.FirstOrDefault(q => q.QuestionId == count.QuestionId)
                ?? throw Refused("unknown_question", "The round has no such question.");
            Require(question.OptionCodes.Contains(count.OptionCode, StringComparer.Ordinal), "unknown_option", $"Question {count.QuestionId} has no such answer option.");
            Require(count.Count >= 0, "invalid_count", "A count cannot be negative.");
        }

        Require(
            c.Counts.GroupBy(x => (x.QuestionId, x.OptionCode)).All(g => g.Count() == 1),
            "option_counted_twice",
            "An option of a question is counted twice in one batch.");
        Require(
            c.Counts.GroupBy(x => x.QuestionId).All(g => g.Sum(x => (long)x.Count) <= c.Respondents),
            "more_answers_than_respondents",
            "A question has more answers than the batch has respondents (each respondent chooses one option).");
        Require(state.Respondents + (long)c.Respondents <= state.Sent, "more_answers_than_sent", "More people would have answered than the survey went out to.");
        return [recorded];
    }

    private static IReadOnlyList<object> Handle(RecordResponses c, SurveyRoundOpened round, SurveyRoundState state)
    {
        Require(state.Batches.IsEmpty, "answer_mode_mixed", "This round's answers are recorded as aggregate counts; responses would count them twice.");
        Require(
            c.Responses.Select(r => r.ResponseId).Distinct(StringComparer.Ordinal).Count() == c.Responses.Count,
            "response_given_twice",
            "A response id occurs twice in the request.");
        var fresh = new List<SurveyResponse>();
        foreach (var response in c.Responses)
        {
            if (ProblemOf(response, round) is { } problem)
            {
                throw Refused(problem.Code, problem.Title);
            }

            if (ConflictsWithRecorded(response, state))
            {
                throw Refused("response_already_recorded", "A response with this id is already recorded with other answers.");
            }

            if (!state.Responses.ContainsKey(response.ResponseId))
            {
                fresh.Add(response);
            }
        }

        if (fresh.Count == 0)
        {
            return Nothing;
        }

        Require(state.Respondents + fresh.Count <= state.Sent, "more_answers_than_sent", "More people would have answered than the survey went out to.");
        return [new SurveyResponsesRecorded(c.RoundId, c.Source, fresh)];
    }

    private static SurveyRoundOpened Opened(SurveyRoundState state) =>
        state.Opened ?? throw Refused("round_not_opened", "The survey round does not exist.");
}
