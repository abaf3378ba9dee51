using System.Collections.Immutable;
using static FinsamOutcomes.Domain.Common.Rules;

namespace FinsamOutcomes.Domain.Surveys;

public abstract record SurveyCommand(string SurveyId);

public sealed record DefineSurvey(string SurveyId, RespondentGroup RespondentGroup, string Name) : SurveyCommand(SurveyId);

/// <param name="Used">True when some round already uses this question version (the caller looks it up): a used version cannot change.</param>
public sealed record PublishQuestionVersion(
    string SurveyId, string QuestionId, int Version, int Order, string Text, string Scale, IReadOnlyList<AnswerOption> Options, bool Used)
    : SurveyCommand(SurveyId);

/// <summary>A survey of the catalogue with every version of every question.</summary>
public sealed record SurveyState(SurveyDefined? Definition, ImmutableDictionary<(string QuestionId, int Version), SurveyQuestionVersionPublished> Questions)
{
    /// <summary>The latest version of each question, in the survey's order: what a new round uses.</summary>
    public IReadOnlyList<SurveyQuestionVersionPublished> Current =>
        Questions.Values.GroupBy(q => q.QuestionId, StringComparer.Ordinal)
            .Select(g => g.MaxBy(q => q.Version)!)
            .OrderBy(q => q.Order).ThenBy(q => q.QuestionId, StringComparer.Ordinal)
            .ToArray();
}

/// <summary>The survey catalogue: surveys, their versioned questions and answer scales. Wording is fixed once used.</summary>
public static class Survey
{
    public const int MaxOptions = 20;

    public static SurveyState Initial { get; } = new(null, ImmutableDictionary<(string, int), SurveyQuestionVersionPublished>.Empty);

    public static SurveyState Evolve(SurveyState state, object @event) => @event switch
    {
        SurveyDefined e => state with { Definition = e },
        SurveyQuestionVersionPublished e => state with { Questions = state.Questions.SetItem((e.QuestionId, e.Version), e) },
        _ => state,
    };

    public static IReadOnlyList<object> Decide(SurveyCommand command, SurveyState state) => command switch
    {
        DefineSurvey c => Handle(c, state),
        PublishQuestionVersion c => Handle(c, state),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown survey command."),
    };

    private static IReadOnlyList<object> Handle(DefineSurvey c, SurveyState state)
    {
        var defined = new SurveyDefined(c.SurveyId, c.RespondentGroup, c.Name);
        if (state.Definition is { } existing)
        {
            return existing == defined ? Nothing : throw Refused("survey_already_defined", "The survey is already defined otherwise; its respondent group and name are fixed.");
        }

        RequireName(c.Name);
        return [defined];
    }

    private static IReadOnlyList<object> Handle(PublishQuestionVersion c, SurveyState state)
    {
        Require(state.Definition is not null, "survey_not_defined", "The survey is not defined.");
        var published = new SurveyQuestionVersionPublished(c.SurveyId, c.QuestionId, c.Version, c.Order, c.Text, c.Scale, c.Options);
        if (state.Questions.TryGetValue((c.QuestionId, c.Version), out var existing))
        {
            if (Same(existing, published))
            {
                return Nothing;
            }

            Require(!c.Used, "question_version_in_use",
                "This question version has been used in a survey round and can never be reworded; publish the new wording as a new version.");
        }

        Require(c.Version >= 1, "invalid_question_version", "Question versions are numbered from 1.");
        Require(!string.IsNullOrWhiteSpace(c.Text) && c.Text.Length <= MaxTextLength, "question_text_required", $"A question needs a text of at most {MaxTextLength} characters.");
        Require(c.Options.Count is >= 2 and <= MaxOptions, "invalid_answer_scale", $"A question needs 2 to {MaxOptions} answer options.");
        Require(
            c.Options.Select(o => o.Code).Distinct(StringComparer.OrdinalIgnoreCase).Count() == c.Options.Count
            && c.Options.Select(o => o.Label.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() == c.Options.Count
            && c.Options.All(o => !string.IsNullOrWhiteSpace(o.Code) && !string.IsNullOrWhiteSpace(o.Label)),
            "invalid_answer_scale",
            "Each answer option needs its own code and its own label.");
        return [published];
    }

    private static bool Same(SurveyQuestionVersionPublished a, SurveyQuestionVersionPublished b) =>
        a with { Options = [] } == b with { Options = [] } && a.Options.SequenceEqual(b.Options);
}
