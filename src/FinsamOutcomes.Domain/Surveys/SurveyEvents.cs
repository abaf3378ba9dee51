using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Domain.Surveys;

// Streams: survey-{SurveyId} (the catalogue entry, förbund "*"), survey_round-{RoundId}, survey_goals-{ForbundId}.
// Survey answers are anonymous: no event here carries a participant id, a person or a personnummer.

/// <summary>Who answers a survey. Participant and referrer surveys are per insats; board and manager surveys per förbund.</summary>
public enum RespondentGroup
{
    /// <summary>Deltagare, during the insats.</summary>
    ParticipantDuring,

    /// <summary>Deltagare, at exit.</summary>
    ParticipantAtExit,

    /// <summary>Insatspersonal.</summary>
    InsatsStaff,

    /// <summary>Styrelse.</summary>
    Board,

    /// <summary>Chefer i samverkan (managers in the member organisations).</summary>
    Managers,

    /// <summary>Remittenter (referrers).</summary>
    Referrers,
}

/// <summary>One answer option of a question version: a stable code, the label shown, and whether it counts as a positive answer.</summary>
public sealed record AnswerOption(string Code, string Label, bool Positive);

/// <summary>survey.defined.v1: a survey of the catalogue for one respondent group.</summary>
public sealed record SurveyDefined(string SurveyId, RespondentGroup RespondentGroup, string Name);

/// <summary>
/// survey.question_version_published.v1: one version of one question with its answer scale. Publishing the same
/// version again with other text or options replaces it only while no round has used it; a used version is fixed,
/// and a new wording is a new version.
/// </summary>
public sealed record SurveyQuestionVersionPublished(
    string SurveyId, string QuestionId, int Version, int Order, string Text, string Scale, IReadOnlyList<AnswerOption> Options);

/// <summary>A question version as used by a round, with its option codes and which of them are positive.</summary>
public sealed record RoundQuestion(string QuestionId, int Version, IReadOnlyList<string> OptionCodes, IReadOnlyList<string> PositiveCodes);

/// <summary>survey.round_opened.v1: the survey went out to Sent people for a period, per insats or (InsatsId null) per förbund.</summary>
public sealed record SurveyRoundOpened(
    string RoundId,
    string ForbundId,
    string? InsatsId,
    string SurveyId,
    RespondentGroup RespondentGroup,
    DateOnly PeriodFrom,
    DateOnly PeriodTo,
    int Sent,
    IReadOnlyList<RoundQuestion> Questions);

/// <summary>survey.round_sent_corrected.v1: the number the survey went out to, corrected.</summary>
public sealed record SurveyRoundSentCorrected(string RoundId, int Sent);

/// <summary>How many chose one option of one question.</summary>
public sealed record OptionCount(string QuestionId, string OptionCode, int Count);

/// <summary>survey.answer_counts_recorded.v1: anonymous aggregate answers, as the survey tool summarised them: respondents and counts per option.</summary>
public sealed record SurveyAnswerCountsRecorded(string RoundId, string BatchId, int Respondents, IReadOnlyList<OptionCount> Counts);

/// <summary>One answer of an anonymous response.</summary>
public sealed record ResponseAnswer(string QuestionId, string OptionCode);

/// <summary>An anonymous response: the survey tool's response id (never a person's id) and the options chosen; a question left blank is absent.</summary>
public sealed record SurveyResponse(string ResponseId, IReadOnlyList<ResponseAnswer> Answers);

/// <summary>survey.responses_recorded.v1: anonymous individual responses, over the API or from a CSV import (Source names which).</summary>
public sealed record SurveyResponsesRecorded(string RoundId, string Source, IReadOnlyList<SurveyResponse> Responses);

/// <summary>
/// survey.goal_set.v1: an indicator goal ("minst 70 % anger ja på fråga 1") of an insats or (InsatsId null) of the förbund:
/// the share of answers to one question version in the given options (null: its positive options) compared with a percentage,
/// not measurable below MinAnswers answers.
/// </summary>
public sealed record SurveyGoalSet(
    string ForbundId,
    string GoalId,
    string? InsatsId,
    string SurveyId,
    string QuestionId,
    int Version,
    GoalComparison Comparison,
    decimal Threshold,
    IReadOnlyList<string>? OptionCodes,
    int MinAnswers,
    string Description);

/// <summary>survey.goal_removed.v1.</summary>
public sealed record SurveyGoalRemoved(string ForbundId, string GoalId);

/// <summary>The survey events' stored names, spread into <see cref="EventCatalogue"/>.</summary>
public static class SurveyEventNames
{
    public static IReadOnlyList<(Type Type, string Name)> All { get; } =
    [
        (typeof(SurveyDefined), "survey.defined.v1"),
        (typeof(SurveyQuestionVersionPublished), "survey.question_version_published.v1"),
        (typeof(SurveyRoundOpened), "survey.round_opened.v1"),
        (typeof(SurveyRoundSentCorrected), "survey.round_sent_corrected.v1"),
        (typeof(SurveyAnswerCountsRecorded), "survey.answer_counts_recorded.v1"),
        (typeof(SurveyResponsesRecorded), "survey.responses_recorded.v1"),
        (typeof(SurveyGoalSet), "survey.goal_set.v1"),
        (typeof(SurveyGoalRemoved), "survey.goal_removed.v1"),
    ];
}
