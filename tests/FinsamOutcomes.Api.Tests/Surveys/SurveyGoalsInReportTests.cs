using System.Net;
using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Surveys.SurveyTests;

namespace FinsamOutcomes.Api.Tests.Surveys;

/// <summary>
/// Survey indicator goals in the statistics report's goal fulfilment (<c>surveyGoals</c>, docs/statistics.md): the same evaluation
/// as the survey report for an insats and a förbund, none for a kommun or the country, null as of an earlier position, suppressed
/// for national readers, kept in a frozen report and named by its comparison when answers are added.
/// </summary>
public sealed class SurveyGoalsInReportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task survey_goals_stand_beside_the_participant_goals_in_the_statistics_report_frozen_report_and_comparison()
    {
        var s = await Scenario.CreateAsync(factory);
        var round = await OpenRoundAsync(s.Admin, s.ForbundId, s.InsatsId, During, "2025-01-01", "2025-12-31", 20);
        await s.Admin.PostOkAsync($"/api/surveys/rounds/{round}/counts", new
        {
            respondents = 16, batchId = "forsta",
            counts = Example.Select(e => new { questionId = e.Question, optionCode = e.Option, count = e.Count }).ToArray(),
        });
        await Goal(s.Admin, s, "ja-fraga-1", new { surveyId = During, questionId = "q1", version = 1, comparison = "at_least", threshold = 70, description = "Minst 70 % anger ja på fråga 1", insatsId = s.InsatsId });
        await Goal(s.Admin, s, "samverkan", new { surveyId = During, questionId = "q2", version = 1, comparison = "at_least", threshold = 80, description = "Minst 80 % instämmer i fråga 2", insatsId = s.InsatsId });
        await Goal(s.Admin, s, "for-fa-svar", new { surveyId = During, questionId = "q3", version = 1, comparison = "at_least", threshold = 50, description = "Minst hälften anger ja eller delvis", insatsId = s.InsatsId, optionCodes = new[] { "ja", "delvis" }, minAnswers = 20 });
        await Goal(s.Admin, s, "avslut", new { surveyId = "deltagare-avslut", questionId = "q1", version = 1, comparison = "at_least", threshold = 60, description = "Minst 60 % vid avslut" });

        // förbund scope: all four, exactly as the survey report evaluates them
        var report = await s.Admin.GetOkAsync($"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2025");
        var goals = report.GetProperty("surveyGoals").EnumerateArray().ToDictionary(g => g.GetProperty("goalId").GetString()!);
        Assert.Equal(["avslut", "for-fa-svar", "ja-fraga-1", "samverkan"], goals.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(("met", (12, 16, 75.0m)), (goals["ja-fraga-1"].GetProperty("status").GetString()!, ShareOf(goals["ja-fraga-1"].GetProperty("share"))));
        Assert.Equal(("not_met", (11, 15, 73.3m)), (goals["samverkan"].GetProperty("status").GetString()!, ShareOf(goals["samverkan"].GetProperty("share"))));
        Assert.Equal(("not_measurable", "too_few_answers", (14, 16, 87.5m)),
            (goals["for-fa-svar"].GetProperty("status").GetString()!, goals["for-fa-svar"].GetProperty("reason").GetString(), ShareOf(goals["for-fa-svar"].GetProperty("share"))));
        Assert.Equal(("not_measurable", "no_survey_round_in_period", JsonValueKind.Null),
            (goals["avslut"].GetProperty("status").GetString()!, goals["avslut"].GetProperty("reason").GetString(), goals["avslut"].GetProperty("insatsId").ValueKind));
        Assert.Equal(["ja", "delvis"], goals["for-fa-svar"].GetProperty("options").EnumerateArray().Select(o => o.GetString()!));
        var surveyReport = await s.Admin.GetOkAsync($"/api/surveys/report?scope=forbund&forbundId={s.ForbundId}&period=2025");
        Assert.True(Same(surveyReport.GetProperty("goals"), report.GetProperty("surveyGoals")));
        // the participant goals are still there, apart
        Assert.Equal(JsonValueKind.Array, report.GetProperty("goals").ValueKind);

        // insats scope: the insats's three; kommun and country: none; as of an earlier position: null (answers are read as they stand now)
        var insats = await s.Admin.GetOkAsync($"/api/statistics/report?scope=insats&insatsId={s.InsatsId}&period=2025");
        Assert.Equal(["for-fa-svar", "ja-fraga-1", "samverkan"], insats.GetProperty("surveyGoals").EnumerateArray().Select(g => g.GetProperty("goalId").GetString()!));
        Assert.Equal(0, (await s.Admin.GetOkAsync($"/api/statistics/report?scope=kommun&forbundId={s.ForbundId}&kommun=Lulea&period=2025")).GetProperty("surveyGoals").GetArrayLength());
        Assert.Equal(0, (await s.National.GetOkAsync("/api/statistics/report?scope=country&period=2025")).GetProperty("surveyGoals").GetArrayLength());
        var position = report.GetProperty("basis").GetProperty("position").GetInt64();
        Assert.Equal(JsonValueKind.Null, (await s.Admin.GetOkAsync($"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2025&asOfPosition={position}"))
            .GetProperty("surveyGoals").ValueKind);

        // a national reader: the share of 14 of 16 (2 left over) is suppressed, 12 of 16 is not, as in the survey report
        var reader = ApiClient.As(factory, Roles.NationalReader, "*");
        var national = (await reader.GetOkAsync($"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2025"))
            .GetProperty("surveyGoals").EnumerateArray().ToDictionary(g => g.GetProperty("goalId").GetString()!);
        Assert.Equal((JsonValueKind.Null, JsonValueKind.Null, 16), (national["for-fa-svar"].GetProperty("share").GetProperty("numerator").ValueKind,
            national["for-fa-svar"].GetProperty("share").GetProperty("value").ValueKind, national["for-fa-svar"].GetProperty("share").GetProperty("denominator").GetInt32()));
        Assert.Equal((12, 16, 75.0m), ShareOf(national["ja-fraga-1"].GetProperty("share")));
        Assert.True(Same(
            (await reader.GetOkAsync($"/api/surveys/report?scope=forbund&forbundId={s.ForbundId}&period=2025")).GetProperty("goals"),
            (await reader.GetOkAsync($"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2025")).GetProperty("surveyGoals")));

        // frozen with the goals; four more answers ("ja" to question 1) change the goal's counts, and the comparison names them
        var frozen = await s.Admin.PostOkAsync("/api/statistics/frozen", new { name = "Styrelsen", scope = "forbund", period = "2025", forbundId = s.ForbundId });
        var frozenId = frozen.GetProperty("frozenId").GetString()!;
        Assert.Equal(4, frozen.GetProperty("report").GetProperty("surveyGoals").GetArrayLength());
        await s.Admin.PostOkAsync($"/api/surveys/rounds/{round}/counts", new { respondents = 4, batchId = "andra", counts = new[] { new { questionId = "q1", optionCode = "ja", count = 4 } } });
        var comparison = await s.Admin.GetOkAsync($"/api/statistics/frozen/{frozenId}/comparison");
        var changes = comparison.GetProperty("changes").EnumerateArray().ToDictionary(c => c.GetProperty("figure").GetString()!);
        var prefix = $"surveyGoals[{s.InsatsId}/ja-fraga-1].share";
        Assert.Equal((12m, 16m, 4m), (changes[$"{prefix}.numerator"].GetProperty("frozen").GetDecimal(), changes[$"{prefix}.numerator"].GetProperty("current").GetDecimal(),
            changes[$"{prefix}.numerator"].GetProperty("difference").GetDecimal()));
        Assert.Equal((16m, 20m), (changes[$"{prefix}.denominator"].GetProperty("frozen").GetDecimal(), changes[$"{prefix}.denominator"].GetProperty("current").GetDecimal()));
        Assert.Equal((75.0m, 80.0m), (changes[$"{prefix}.value"].GetProperty("frozen").GetDecimal(), changes[$"{prefix}.value"].GetProperty("current").GetDecimal()));
        Assert.DoesNotContain(changes.Keys, k => k.Contains("samverkan", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await s.Admin.GetAsync($"/api/statistics/frozen/{frozenId}/comparison?format=xlsx")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await s.Admin.GetAsync($"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2025&format=xlsx")).StatusCode);
    }

    private static bool Same(JsonElement a, JsonElement b) =>
        System.Text.Json.Nodes.JsonNode.DeepEquals(System.Text.Json.Nodes.JsonNode.Parse(a.GetRawText()), System.Text.Json.Nodes.JsonNode.Parse(b.GetRawText()));
}
