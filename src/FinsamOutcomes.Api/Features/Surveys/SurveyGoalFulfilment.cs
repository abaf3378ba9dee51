using System.Text.Json;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Insatser;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Infrastructure;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Surveys;

/// <summary>
/// The survey indicator goals in the statistics report's goal fulfilment: a <c>surveyGoals</c> section beside <c>goals</c>, filled
/// from the survey evaluation (<see cref="SurveyReportEndpoint.GoalResultsAsync"/>), so a goal such as "minst 70 % anger ja på
/// fråga 1" is met, not met or not measurable in the same report, the same frozen report and the same comparison as the
/// participant goals. An insats report carries the insats's survey goals; a förbund report every survey goal of the förbund;
/// kommun and country reports none (surveys are not per kommun, and goals belong to a förbund). A report asked as of an earlier
/// log position or time has <c>surveyGoals: null</c>: survey answers are read as they stand now, not as of then.
/// </summary>
public static class SurveyGoalFulfilment
{
    public const string Section = "surveyGoals";

    private static readonly JsonSerializerOptions Json = CreateJson();

    public static async Task AddAsync(JsonNode report, NpgsqlDataSource db, StatisticsQuery query, int? suppressBelow, DateTimeOffset now, CancellationToken ct)
    {
        if (query.AsOfPosition is not null || query.AsOfTime is not null)
        {
            report[Section] = null;
            return;
        }

        var scope = query.Scope;
        (string Forbund, string? Insats)? owner = scope.Kind switch
        {
            ScopeKind.Insats => ((await InsatsEndpoints.FactsAsync(db, scope.InsatsId!, ct)).ForbundId, scope.InsatsId),
            ScopeKind.Forbund => (scope.ForbundId!, null),
            _ => null,
        };
        var goals = owner is { } o ? await SurveyReportEndpoint.GoalResultsAsync(db, o.Forbund, o.Insats, query.Period, suppressBelow, now, ct) : [];
        report[Section] = JsonSerializer.SerializeToNode(goals, Json);
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ProblemsSetup.ConfigureJson(options);
        return options;
    }
}
