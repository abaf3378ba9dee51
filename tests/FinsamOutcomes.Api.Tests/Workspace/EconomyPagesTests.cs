using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Demo;
using FinsamOutcomes.Api.Features.Economy;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.Playwright;

namespace FinsamOutcomes.Api.Tests.Workspace;

/// <summary>
/// The economy and survey pages in a real browser against the demo förbund (whose loader records Älvdalen's economic years 2025,
/// closed, and 2026, open, and its indicator survey rounds through the API): sign-in as each role, refusals, and every number
/// shown compared with the API's JSON for the same förbund, year and round (<see cref="ApiFigures"/>). This file: Ekonomi.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed partial class EvidencePagesTests(WorkspaceFactory factory) : IClassFixture<WorkspaceFactory>
{
    private const string Forbund = DemoData.ForbundId;

    [Fact]
    public async Task an_economist_gets_the_economy_of_each_year_whose_every_number_equals_the_economy_report_json()
    {
        var page = await factory.SignInAsync(Roles.Economist, Forbund);
        Assert.EndsWith("/arbetsyta/ekonomi", page.Url, StringComparison.Ordinal);
        Assert.Equal(1, await page.GetByRole(AriaRole.Link, new() { Name = "Ekonomi", Exact = true }).CountAsync());
        Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Standardrapport" }).CountAsync());

        // the current year, 2026: not closed, so result and closing eget kapital are preliminary
        await page.GotoAsync("/arbetsyta/ekonomi?ar=2026");
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Ekonomi Samordningsförbundet Älvdalen 2026");
        await Assertions.Expect(page.GetByText("Året är inte bokslutat")).ToBeVisibleAsync();
        var open = await ApiFigures.CheckAsync(factory, page, Roles.Economist, Forbund);
        Assert.True(open.Count > 150, $"only {open.Count} figures for 2026");
        Assert.Equal(4_120_000m, open.Answers.Single().Value["financing"]!["contributions"]!.GetValue<decimal>());
        await WorkspaceBrowserTests.AccessibleAsync(page);

        // 2025 through the form: closed, with the figures the demo recorded (docs/economy.md defines each)
        await page.Locator("#ar").FillAsync("2025");
        await page.GetByRole(AriaRole.Button, new() { Name = "Visa" }).ClickAsync();
        await page.WaitForURLAsync("**/arbetsyta/ekonomi?ar=2025**");
        await Assertions.Expect(page.GetByText("Året är bokslutat 2026-02-20.")).ToBeVisibleAsync();
        var closed = await ApiFigures.CheckAsync(factory, page, Roles.Economist, Forbund);
        Assert.True(closed.Count > 150, $"only {closed.Count} figures for 2025");
        var (api, report) = closed.Answers.Single();
        Assert.Equal($"/api/economy/{Forbund}/2025/report?period=2025", api);
        var eq = report["egetKapital"]!;
        // costs: administration 644 760 + team 2 421 906,90 + Unga vuxna 1 043 100 + Utbildningsdagar 138 000 = 4 247 766,90;
        // income 4 250 000; result 2 233,10; closing 1 450 000 + 2 233,10; ceiling 20 % of 4 000 000 = 800 000
        Assert.Equal((1_450_000m, 4_247_766.90m, 2_233.10m, 1_452_233.10m, 800_000m, 652_233.10m, 36.3m),
            (eq["openingEquity"]!.GetValue<decimal>(), eq["costs"]!.GetValue<decimal>(), eq["result"]!.GetValue<decimal>(), eq["closingEquity"]!.GetValue<decimal>(),
             eq["ceiling"]!["total"]!.GetValue<decimal>(), eq["aboveCeiling"]!.GetValue<decimal>(), eq["equityToContributions"]!["percent"]!.GetValue<decimal>()));
        Assert.Equal(644_760m, report["insatsVsAdministration"]!["administration"]!["totalOutcome"]!.GetValue<decimal>());
        var above = page.Locator("tr", new() { Has = page.GetByRole(AriaRole.Rowheader, new() { Name = "Över taket", Exact = true }) });
        await Assertions.Expect(above.Locator("td")).ToHaveTextAsync("652 tkr");
        Assert.Equal("652 233,10 kr", (await above.Locator("[data-unit=tkr]").GetAttributeAsync("title"))!.Replace('\u00a0', ' '));
        var team = report["costPerParticipant"]!["insatser"]!.AsArray().Single(i => i!["name"]!.GetValue<string>() == "Samverkansteamet")!;
        Assert.True(team["participants"]!.GetValue<int>() > 0 && team["positiveOutcomes"]!.GetValue<int>() > 0 && team["costPerPositiveOutcome"] is JsonValue);
        Assert.Equal(3, await page.Locator("table caption", new() { HasTextRegex = new System.Text.RegularExpressions.Regex("^Tertial") }).CountAsync());
        await WorkspaceBrowserTests.AccessibleAsync(page);
        await WorkspaceBrowserTests.ShotAsync(page, "ekonomi-2025-ekonom");

        // cost per participant for one tertial, chosen in the form
        await page.Locator("#period").SelectOptionAsync("2025-T2");
        await page.GetByRole(AriaRole.Button, new() { Name = "Visa" }).ClickAsync();
        await page.WaitForURLAsync("**period=2025-T2**");
        var tertial = await ApiFigures.CheckAsync(factory, page, Roles.Economist, Forbund);
        Assert.Equal("2025-T2", tertial.Answers.Single().Value["costPerParticipant"]!["period"]!.GetValue<string>());
        await Assertions.Expect(page.Locator("#kostnad")).ToContainTextAsync("2025 tertial 2");

        // the downloads are the API's files, fetched with the page's own sign-in
        var csv = await page.Context.APIRequest.GetAsync((await page.GetByRole(AriaRole.Link, new() { Name = "Ladda ner ekonomirapporten (CSV)" }).GetAttributeAsync("href"))!);
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("text/csv", csv.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("Över taket;above_ceiling;;652233,1", await csv.TextAsync(), StringComparison.Ordinal);
        var xlsx = await page.Context.APIRequest.GetAsync((await page.GetByRole(AriaRole.Link, new() { Name = "Ladda ner ekonomirapporten (xlsx)" }).GetAttributeAsync("href"))!);
        Assert.Equal(200, xlsx.Status);
        Assert.Equal("652233.1", XlsxReader.Read(await xlsx.BodyAsync()).Single(r => r.Length > 2 && r[2] == "above_ceiling")[4]);
        var finsam = await page.Context.APIRequest.GetAsync((await page.GetByRole(AriaRole.Link, new() { Name = "Uppföljning Finsam (CSV)" }).GetAttributeAsync("href"))!);
        Assert.Equal(200, finsam.Status);
        Assert.Contains("Tilldelade medel;;Samordningsförbundet Älvdalen;;;;;;4000000", await finsam.TextAsync(), StringComparison.Ordinal);
        Assert.Equal(200, (await page.Context.APIRequest.GetAsync((await page.GetByRole(AriaRole.Link, new() { Name = "Uppföljning Finsam (xlsx)" }).GetAttributeAsync("href"))!)).Status);
        // the cookie reads; it never writes
        var write = await page.Context.APIRequest.PostAsync($"/api/economy/{Forbund}/2026/outcomes", new()
        {
            DataObject = new { month = 11, type = "administration", account = "6420", description = "x", amount = 1m },
            Headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() },
        });
        Assert.Equal(401, write.Status);
    }

    [Fact]
    public async Task a_frozen_economy_report_compared_with_today_names_the_outcome_recorded_since()
    {
        var page = await factory.SignInAsync(Roles.Administrator, Forbund);
        await page.GotoAsync("/arbetsyta/ekonomi?ar=2026");
        await page.Locator("#name").FillAsync("Styrelsemöte november");
        await page.GetByRole(AriaRole.Button, new() { Name = "Frys ekonomirapporten" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Styrelsemöte november");
        var row = page.Locator("#frysta + table tbody tr", new() { HasText = "Styrelsemöte november" });
        await row.GetByRole(AriaRole.Link, new() { Name = "Jämför med i dag" }).ClickAsync();
        await Assertions.Expect(page.Locator("#jamforelse")).ToContainTextAsync("Styrelsemöte november");
        await Assertions.Expect(page.GetByText("Inga belopp har ändrats")).ToBeVisibleAsync();

        // an administration outcome for November, recorded over the API after the freeze
        using (var economist = factory.Api(Roles.Economist, Forbund))
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri($"/api/economy/{Forbund}/2026/outcomes", UriKind.Relative))
            {
                Content = JsonContent.Create(new { month = 11, type = "administration", account = "6420", description = "Kansli november", amount = 12_345.67m }),
            };
            request.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var response = await economist.SendAsync(request);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
        }

        await page.ReloadAsync();
        var changes = page.Locator("table[data-economy-comparison] tbody tr");
        var administration = changes.Filter(new() { HasText = "insatsVsAdministration.administration.totalOutcome" });
        await Assertions.Expect(administration).ToHaveCountAsync(1);
        var cells = await administration.Locator("td").AllTextContentsAsync();
        Assert.Equal(12_345.67m, ApiFigures.Parse(cells[1]) - ApiFigures.Parse(cells[0]));
        Assert.Equal(12_345.67m, ApiFigures.Parse(cells[2]));
        Assert.True(await changes.CountAsync() > 3, "a cost changes the driftredovisning, the split and the eget kapital");
        await Assertions.Expect(page.Locator("#orsaker + table tbody tr").Filter(new() { HasText = "economy." })).ToHaveCountAsync(1);
        await WorkspaceBrowserTests.AccessibleAsync(page);
        await WorkspaceBrowserTests.ShotAsync(page, "ekonomi-jamforelse");
    }

    [Fact]
    public async Task national_readers_get_the_compilation_and_roles_without_the_economy_are_refused()
    {
        var national = await factory.SignInAsync(Roles.NationalReader, "*");
        await national.GotoAsync("/arbetsyta/ekonomi?ar=2025");
        await Assertions.Expect(national.Locator("h1")).ToHaveTextAsync("Ekonomi alla förbund 2025");
        var compiled = await ApiFigures.CheckAsync(factory, national, Roles.NationalReader, "*");
        Assert.Equal("/api/economy/compilation/2025", compiled.Answers.Single().Key);
        var rows = compiled.Answers.Single().Value["forbund"]!.AsArray();
        Assert.Equal(rows.Count, await national.Locator("#sammanstallning + div tbody tr").CountAsync());
        Assert.True(rows.Count >= 1 && compiled.Count == rows.Count * 11, $"{rows.Count} rows, {compiled.Count} figures");
        var alvdalen = national.Locator("#sammanstallning + div tbody tr", new() { HasText = "Samordningsförbundet Älvdalen" });
        Assert.Equal("652", (await alvdalen.Locator("td").Nth(9).TextContentAsync())!.Trim());
        Assert.Equal("36,3 % (1 452 av 4 000 tkr)", (await alvdalen.Locator("td").Nth(7).InnerTextAsync()).Replace('\u00a0', ' ').Trim());
        Assert.Equal(200, (await national.Context.APIRequest.GetAsync("/api/economy/compilation/2025?format=xlsx")).Status);
        await WorkspaceBrowserTests.AccessibleAsync(national);
        await WorkspaceBrowserTests.ShotAsync(national, "ekonomi-sammanstallning-2025");

        // 2024: the two förbund that merged into Älvdalen, one row each, one of them above the recommendation's ceiling
        await national.GotoAsync("/arbetsyta/ekonomi?ar=2024");
        var before = await ApiFigures.CheckAsync(factory, national, Roles.NationalReader, "*");
        var rows2024 = before.Answers.Single().Value["forbund"]!.AsArray();
        var predecessors = rows2024.Where(r => r!["forbundId"]!.GetValue<string>() is "norrdalen" or "sodermo").ToDictionary(r => r!["forbundId"]!.GetValue<string>(), r => r!);
        Assert.Equal(11 * rows2024.Count, before.Count);
        // Norrdalen: 1 800 000 in contributions, ceiling 360 000; closing 300 000 + 68 998,50 = 368 998,50, so 8 998,50 above it
        Assert.Equal((368_998.50m, 360_000m, 8_998.50m, false), (predecessors["norrdalen"]["closingEquity"]!.GetValue<decimal>(), predecessors["norrdalen"]["ceiling"]!.GetValue<decimal>(),
            predecessors["norrdalen"]["aboveCeiling"]!.GetValue<decimal>(), predecessors["norrdalen"]["withinRecommendation"]!.GetValue<bool>()));
        Assert.True(predecessors["sodermo"]["withinRecommendation"]!.GetValue<bool>());
        Assert.Equal("9", (await national.Locator("#sammanstallning + div tbody tr", new() { HasText = "Norrdalen" }).Locator("td").Nth(9).TextContentAsync())!.Trim());
        await WorkspaceBrowserTests.ShotAsync(national, "ekonomi-sammanstallning-2024");

        // an analyst reads the förbund's economy as the economist does
        var analyst = await factory.SignInAsync(Roles.ForbundAnalyst, Forbund);
        await analyst.GotoAsync("/arbetsyta/ekonomi?ar=2025");
        Assert.True((await ApiFigures.CheckAsync(factory, analyst, Roles.ForbundAnalyst, Forbund)).Count > 150);

        var insatser = await factory.IndividualInsatserAsync(Forbund);
        foreach (var (role, scope) in new[] { (Roles.CaseWorker, insatser[0]), (Roles.InsatsManager, insatser[0]), (Roles.AssessmentGroupMember, (string?)null) })
        {
            var page = await factory.SignInAsync(role, Forbund, scope is null ? [] : [scope]);
            var refused = await page.GotoAsync("/arbetsyta/ekonomi?ar=2025");
            Assert.Equal(403, refused!.Status);
            await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToContainTextAsync("får inte se förbundets ekonomi");
            Assert.Equal(0, await page.Locator("[data-figure]").CountAsync());
            Assert.Equal(0, await page.GetByRole(AriaRole.Link, new() { Name = "Ekonomi", Exact = true }).CountAsync());
        }
    }
}
