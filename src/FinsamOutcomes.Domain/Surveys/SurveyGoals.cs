using System.Collections.Immutable;
using FinsamOutcomes.Domain.Common;
using static FinsamOutcomes.Domain.Common.Rules;

namespace FinsamOutcomes.Domain.Surveys;

public abstract record SurveyGoalCommand(string ForbundId);

/// <param name="Question">The question version the goal is measured on, from the catalogue (null when it does not exist).</param>
public sealed record SetSurveyGoal(
    string ForbundId, string GoalId, string? InsatsId, string SurveyId, string QuestionId, int Version,
    GoalComparison Comparison, decimal Threshold, IReadOnlyList<string>? OptionCodes, int MinAnswers, string Description,
    SurveyQuestionVersionPublished? Question) : SurveyGoalCommand(ForbundId);

public sealed record RemoveSurveyGoal(string ForbundId, string GoalId) : SurveyGoalCommand(ForbundId);

/// <summary>The indicator goals of one förbund and its insatser, by goal id.</summary>
public static class SurveyGoals
{
    public static ImmutableDictionary<string, SurveyGoalSet> Initial { get; } = ImmutableDictionary<string, SurveyGoalSet>.Empty;

    public static ImmutableDictionary<string, SurveyGoalSet> Evolve(ImmutableDictionary<string, SurveyGoalSet> state, object @event) => @event switch
    {
        SurveyGoalSet e => state.SetItem(e.GoalId, e),
        SurveyGoalRemoved e => state.Remove(e.GoalId),
        _ => state,
    };

    public static IReadOnlyList<object> Decide(SurveyGoalCommand command, ImmutableDictionary<string, SurveyGoalSet> state) => command switch
    {
        SetSurveyGoal c => Handle(c, state),
        RemoveSurveyGoal c => state.ContainsKey(c.GoalId) ? [new SurveyGoalRemoved(c.ForbundId, c.GoalId)] : Nothing,
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown survey goal command."),
    };

    private static IReadOnlyList<object> Handle(SetSurveyGoal c, ImmutableDictionary<string, SurveyGoalSet> state)
    {
        var goal = new SurveyGoalSet(c.ForbundId, c.GoalId, c.InsatsId, c.SurveyId, c.QuestionId, c.Version, c.Comparison, c.Threshold, c.OptionCodes, c.MinAnswers, c.Description);
        if (state.TryGetValue(c.GoalId, out var existing)
            && existing with { OptionCodes = null } == goal with { OptionCodes = null }
            && (existing.OptionCodes ?? []).SequenceEqual(goal.OptionCodes ?? []) && (existing.OptionCodes is null) == (goal.OptionCodes is null))
        {
            return Nothing;
        }

        var question = c.Question ?? throw Refused("unknown_question", "The survey has no such question version.");
        Require(c.Threshold is >= 0 and <= 100, "invalid_goal_threshold", "An indicator goal needs a percentage between 0 and 100.");
        Require(c.MinAnswers is >= 1 and <= 100_000, "invalid_min_answers", "The fewest answers a goal is measured on is at least 1.");
        if (c.OptionCodes is { } codes)
        {
            Require(
                codes.Count > 0 && codes.All(code => question.Options.Any(o => o.Code == code)) && codes.Distinct(StringComparer.Ordinal).Count() == codes.Count,
                "unknown_option",
                "The goal names an option the question does not have.");
        }
        else
        {
            Require(question.Options.Any(o => o.Positive), "no_positive_options", "The question has no positive options: name the options the goal counts.");
        }

        Require(!string.IsNullOrWhiteSpace(c.Description) && c.Description.Length <= MaxTextLength, "description_required", "A goal needs a description.");
        return [goal];
    }
}
