using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.Playwright;

namespace FinsamOutcomes.Api.Tests.Workspace;

/// <summary>This file: Enkäter — the demo's survey rounds (Samverkansteamet 2024 and 2025, Unga vuxna 2025, the board 2025) and goals.</summary>
public sealed partial class EvidencePagesTests
{
    [Fact]
    public async Task an_analyst_gets_the_surveys_of_the_forbund_and_of_an_insats_whose_every_number_equals_the_survey_report_json()
    {
        var page = await factory.SignInAsync(Roles.ForbundAnalyst, Forbund);
        await page.GetByRole(AriaRole.Link, new() { Name = "Enkäter", Exact = true }).ClickAsync();
        await page.Locator("#period").FillAsync("2025");
        await page.GetByRole(AriaRole.Button, new() { Name = "Visa" }).ClickAsync();
        await page.WaitForURLAsync("**/arbetsyta/enkater?**period=2025**");
        var forbund = await ApiFigures.CheckAsync(factory, page, Roles.ForbundAnalyst, Forbund);
        Assert.True(forbund.Count > 100, $"only {forbund.Count} figures");
        Assert.Equal(0, forbund.Suppressed);
        var (api, report) = forbund.Answers.Single();
        Assert.Equal($"/api/surveys/report?scope=forbund&forbundId={Forbund}&period=2025", api);

        // the participant survey: two rounds (11 + 43 of 14 + 52), the year before one round (31 of 40); q1 "ja" 37 of 54
        var during = report["surveys"]!.AsArray().Single(s => s!["surveyId"]!.GetValue<string>() == "deltagare-under")!;
        Assert.Equal((2, 66, 54, 81.8m), (during["rounds"]!.GetValue<int>(), during["sent"]!.GetValue<int>(), during["answered"]!.GetValue<int>(), during["responseRate"]!["value"]!.GetValue<decimal>()));
        Assert.Equal((1, 77.5m), (during["previous"]!["rounds"]!.GetValue<int>(), during["previous"]!["responseRate"]!["value"]!.GetValue<decimal>()));
        var q1 = during["questions"]![0]!;
        Assert.Equal((37, 54, 68.5m, 61.3m, 7.2m), (q1["positiveShare"]!["numerator"]!.GetValue<int>(), q1["positiveShare"]!["denominator"]!.GetValue<int>(),
            q1["positiveShare"]!["value"]!.GetValue<decimal>(), q1["previous"]!["positiveShare"]!["value"]!.GetValue<decimal>(), q1["changeInPoints"]!.GetValue<decimal>()));
        var overview = page.Locator("#oversikt + table tbody tr", new() { HasText = "Deltagarenkät under insatsen" });
        await Assertions.Expect(overview.Locator("td").Nth(4)).ToHaveTextAsync("81,8 % (54 av 66)");
        Assert.Equal(3, await page.Locator("#omgangar + table tbody tr").CountAsync());

        // the indicator goals: Samverkansteamet's 31 of 43 against 70 % is met; the förbund's 39 of 53 against 80 % is not
        var goals = report["goals"]!.AsArray().ToDictionary(g => g!["goalId"]!.GetValue<string>(), g => g!);
        Assert.Equal(("met", 31, 43), (goals["stod-ja-70"]["status"]!.GetValue<string>(), goals["stod-ja-70"]["share"]!["numerator"]!.GetValue<int>(), goals["stod-ja-70"]["share"]!["denominator"]!.GetValue<int>()));
        Assert.Equal(("not_met", 39, 53), (goals["samverkan-80"]["status"]!.GetValue<string>(), goals["samverkan-80"]["share"]!["numerator"]!.GetValue<int>(), goals["samverkan-80"]["share"]!["denominator"]!.GetValue<int>()));
        await Assertions.Expect(page.Locator("#mal + table tbody tr", new() { HasText = "Samverkansteamet anger ja" }).Locator("td.met")).ToHaveTextAsync("Uppfyllt");
        await WorkspaceBrowserTests.AccessibleAsync(page);
        await WorkspaceBrowserTests.ShotAsync(page, "enkater-2025-forbund");

        // Måluppfyllelse lists the survey goals beside the participant goals, as the statistics report's surveyGoals
        await page.GotoAsync("/arbetsyta/maluppfyllelse?period=2025");
        JsonNode statistics;
        using (var analystApi = factory.Api(Roles.ForbundAnalyst, Forbund))
        {
            statistics = JsonNode.Parse(await analystApi.GetStringAsync(new Uri($"/api/statistics/report?scope=forbund&forbundId={Forbund}&period=2025", UriKind.Relative)))!;
        }

        var surveyGoals = statistics["surveyGoals"]!.AsArray();
        Assert.Equal(2, surveyGoals.Count);
        Assert.True(JsonNode.DeepEquals(report["goals"], surveyGoals), "the statistics report's surveyGoals are the survey report's goals");
        Assert.True(await page.Locator("tbody tr:not([data-survey-goal])").CountAsync() > 0, "the participant goals are there too");
        foreach (var goal in surveyGoals)
        {
            var row = page.Locator($"tr[data-survey-goal='{goal!["goalId"]}']");
            var share = goal["share"]!;
            await Assertions.Expect(row.Locator("td.n")).ToHaveTextAsync(
                $"{share["value"]!.GetValue<decimal>().ToString("0.0", System.Globalization.CultureInfo.GetCultureInfo("sv-SE"))} % ({share["numerator"]} av {share["denominator"]})");
            await Assertions.Expect(row.Locator($"td.{goal["status"]}")).ToHaveCountAsync(1);
        }

        await Assertions.Expect(page.Locator("tr[data-survey-goal='stod-ja-70'] td.met")).ToHaveTextAsync("Uppfyllt");
        await Assertions.Expect(page.Locator("tr[data-survey-goal='samverkan-80'] td.not_met")).ToHaveTextAsync("Ej uppfyllt");
        await WorkspaceBrowserTests.AccessibleAsync(page);
        await WorkspaceBrowserTests.ShotAsync(page, "maluppfyllelse-med-enkatmal-2025");
        await page.GotoAsync("/arbetsyta/maluppfyllelse?period=2026");
        await Assertions.Expect(page.Locator("tr[data-survey-goal] td.not_measurable")).ToHaveCountAsync(2);
        await Assertions.Expect(page.Locator("tr[data-survey-goal='stod-ja-70'] td.not_measurable")).ToHaveTextAsync("Går inte att mäta: ingen enkätomgång under perioden");
        await page.GotoAsync("/arbetsyta/enkater?period=2025");

        // one insats, chosen in the form
        var youth = report["rounds"]!.AsArray().Single(r => r!["roundId"]!.GetValue<string>() == "demo-unga-2025")!["insatsId"]!.GetValue<string>();
        await page.Locator("#insatsId").SelectOptionAsync(youth);
        await page.GetByRole(AriaRole.Button, new() { Name = "Visa" }).ClickAsync();
        await page.WaitForURLAsync($"**insatsId={youth}**");
        var insats = await ApiFigures.CheckAsync(factory, page, Roles.ForbundAnalyst, Forbund);
        var youthReport = insats.Answers.Single().Value;
        Assert.Equal(("insats", 14, 11), (youthReport["basis"]!["scopeKind"]!.GetValue<string>(), youthReport["surveys"]![0]!["sent"]!.GetValue<int>(), youthReport["surveys"]![0]!["answered"]!.GetValue<int>()));
        Assert.True(insats.Count > 40);

        // the CSV download is the API's file
        var csv = await page.Context.APIRequest.GetAsync((await page.GetByRole(AriaRole.Link, new() { Name = "Ladda ner enkätresultaten (CSV)" }).GetAttributeAsync("href"))!);
        Assert.Equal(200, csv.Status);
        Assert.Contains("Deltagarenkät under insatsen (deltagare-under);Skickade;;14", await csv.TextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task national_readers_see_small_survey_counts_suppressed_as_the_api_suppresses_them_and_others_are_refused()
    {
        var national = await factory.SignInAsync(Roles.NationalReader, "*");
        await national.GotoAsync($"/arbetsyta/enkater?forbundId={Forbund}&period=2025");
        var checkedForbund = await ApiFigures.CheckAsync(factory, national, Roles.NationalReader, "*");
        var report = checkedForbund.Answers.Single().Value;
        Assert.True(report["basis"]!["disclosureThreshold"] is JsonValue);
        // the board answered "stämmer ganska dåligt" once: hidden, with one more option so it cannot be worked out
        var board = report["surveys"]!.AsArray().Single(s => s!["surveyId"]!.GetValue<string>() == "styrelse")!["questions"]![0]!["options"]!.AsArray();
        Assert.Equal(2, board.Count(o => o!["count"] is null));
        Assert.True(checkedForbund.Suppressed >= 4, $"{checkedForbund.Suppressed} suppressed cells shown");
        Assert.True(await national.Locator(".suppressed[data-figure]").CountAsync() == checkedForbund.Suppressed);
        await WorkspaceBrowserTests.AccessibleAsync(national);
        await WorkspaceBrowserTests.ShotAsync(national, "enkater-nationell");
        await national.GotoAsync("/arbetsyta/enkater?period=2025");
        Assert.True((await ApiFigures.CheckAsync(factory, national, Roles.NationalReader, "*")).Count > 50);

        // an insats manager sees the insats's own rounds, and is refused another insats's
        // the two insatser with rounds: Samverkansteamet and Unga vuxna, as the API lists the förbund's rounds
        JsonArray rounds;
        using (var admin = factory.Api(Roles.Administrator, Forbund))
        {
            rounds = JsonNode.Parse(await admin.GetStringAsync(new Uri($"/api/surveys/rounds?forbundId={Forbund}", UriKind.Relative)))!.AsArray();
        }

        string InsatsOf(string roundId) => rounds.Single(r => r!["roundId"]!.GetValue<string>() == roundId)!["insatsId"]!.GetValue<string>();
        string[] insatser = [InsatsOf("demo-team-2025"), InsatsOf("demo-unga-2025")];
        var manager = await factory.SignInAsync(Roles.InsatsManager, Forbund, insatser[0]);
        await manager.GotoAsync("/arbetsyta/enkater?period=2025");
        var own = await ApiFigures.CheckAsync(factory, manager, Roles.InsatsManager, Forbund, insatser[0]);
        Assert.Equal($"/api/surveys/report?scope=insats&insatsId={insatser[0]}&period=2025", own.Answers.Single().Key);
        Assert.True(own.Count > 40);
        Assert.Equal(403, (await manager.GotoAsync($"/arbetsyta/enkater?period=2025&insatsId={insatser[1]}"))!.Status);
        await Assertions.Expect(manager.GetByRole(AriaRole.Alert)).ToContainTextAsync("får inte se detta urval");

        foreach (var (role, scope) in new[] { (Roles.Economist, (string?)null), (Roles.CaseWorker, insatser[0]), (Roles.AssessmentGroupMember, (string?)null) })
        {
            var page = await factory.SignInAsync(role, Forbund, scope is null ? [] : [scope]);
            Assert.Equal(403, (await page.GotoAsync("/arbetsyta/enkater?period=2025"))!.Status);
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("får inte se enkätresultaten");
            Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Enkäter", Exact = true }).CountAsync());
        }
    }
}
