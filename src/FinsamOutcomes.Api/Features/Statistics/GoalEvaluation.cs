using FinsamOutcomes.Domain.Common;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>
/// Måluppfyllelse. A share goal is a rate, so it is evaluated over whatever period is asked for (a tertial
/// shows whether a yearly rate is on track); a count goal ("160 new participants a year") only over exactly
/// one whole period of its kind (calendar year, half year or tertial), and otherwise its value is shown as
/// not measurable. Shares are compared exactly, not as their rounded percentage.
/// </summary>
internal static class GoalEvaluation
{
    /// <summary>A goal as stored, with the counts of its insats in the report's period.</summary>
    internal sealed record GoalCounts(
        string InsatsId,
        string InsatsName,
        string GoalId,
        string Description,
        string Metric,
        string Comparison,
        decimal Threshold,
        string GoalPeriod,
        int Exits,
        int ExitsToWorkOrStudies,
        int PositiveExits,
        int New,
        int Active,
        int EnrolmentsDue30,
        int WithActivityWithin30);

    /// <summary>Reads a row of <see cref="ReportSql.Goals"/>.</summary>
    public static GoalCounts ReadCounts(ReportRow r) => new(
        r.GetString(0), r.GetString(1), r.GetString(2), r.GetString(3), r.GetString(4), r.GetString(5), r.GetDecimal(6), r.GetString(7),
        r.GetInt32(8), r.GetInt32(9), r.GetInt32(10), r.GetInt32(11), r.GetInt32(12), r.GetInt32(13), r.GetInt32(14));

    public static GoalResult Evaluate(GoalCounts goal, StatisticsPeriod period)
    {
        var metric = Parse<GoalMetric>(goal.Metric);
        var atLeast = Parse<GoalComparison>(goal.Comparison) == GoalComparison.AtLeast;
        var (share, emptyReason) = metric switch
        {
            GoalMetric.ShareExitsToWorkOrStudies => (Share.Of(goal.ExitsToWorkOrStudies, goal.Exits), GoalReason.NoExits),
            GoalMetric.SharePositiveOutcome => (Share.Of(goal.PositiveExits, goal.Exits), GoalReason.NoExits),
            GoalMetric.ShareFirstActivityWithin30Days => (Share.Of(goal.WithActivityWithin30, goal.EnrolmentsDue30), GoalReason.NoEnrolmentsDue),
            _ => ((Share?)null, (string?)null),
        };

        if (share is not null)
        {
            if (share.Denominator == 0)
            {
                return Result(goal, null, share, GoalStatus.NotMeasurable, emptyReason);
            }

            // numerator / denominator against threshold %, without rounding
            var percentTimesDenominator = 100m * share.Numerator;
            var bound = goal.Threshold * share.Denominator;
            return Result(goal, share.Value, share, Status(atLeast ? percentTimesDenominator >= bound : percentTimesDenominator <= bound), null);
        }

        var count = metric switch
        {
            GoalMetric.NewParticipants => goal.New,
            GoalMetric.ActiveParticipants => goal.Active,
            _ => throw new InvalidOperationException($"Goal metric '{goal.Metric}' has no evaluation."),
        };
        return period.IsWhole(Parse<GoalPeriod>(goal.GoalPeriod))
            ? Result(goal, count, null, Status(atLeast ? count >= goal.Threshold : count <= goal.Threshold), null)
            : Result(goal, count, null, GoalStatus.NotMeasurable, GoalReason.NotAWholeGoalPeriod);
    }

    private static string Status(bool met) => met ? GoalStatus.Met : GoalStatus.NotMet;

    private static GoalResult Result(GoalCounts goal, decimal? value, Share? share, string status, string? reason) => new(
        goal.InsatsId, goal.InsatsName, goal.GoalId, goal.Description, goal.Metric, goal.Comparison, goal.Threshold, goal.GoalPeriod,
        value, share, status, reason);

    private static T Parse<T>(string code)
        where T : struct, Enum => Enum.GetValues<T>().Single(v => Codes.Of(v) == code);
}
