using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Demo;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.Playwright;

namespace FinsamOutcomes.Api.Tests.Workspace;

/// <summary>
/// The workspace in a real browser (Debian's chromium through Playwright) against the demo förbund: sign-in through
/// the development page, every page for the roles that may see it, refusals for those that may not, and every number
/// a page shows (tables and chart labels, marked with data-figure) compared with the report JSON the API answers.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class WorkspaceBrowserTests(WorkspaceFactory factory) : IClassFixture<WorkspaceFactory>
{
    private const string Forbund = DemoData.ForbundId;

    [Fact]
    public async Task an_analyst_gets_the_half_year_standardrapport_whose_every_number_equals_the_report_json()
    {
        var page = await SignInAsync(Roles.ForbundAnalyst, Forbund);

        // Start: current tertial, half year and year
        Assert.EndsWith("/arbetsyta", page.Url, StringComparison.Ordinal);
        Assert.Equal(3, await page.Locator("section.card").CountAsync());
        Assert.True(await CheckFiguresAsync(page, Roles.ForbundAnalyst) >= 3 * 9);
        await AccessibleAsync(page);
        await ShotAsync(page, "start-forbundsanalytiker");

        // Standardrapport, 2025 half year 1 with the merged förbund, chosen through the form
        await page.GetByRole(AriaRole.Link, new() { Name = "Standardrapport", Exact = true }).ClickAsync();
        await page.Locator("#period").FillAsync("2025-H1");
        await page.Locator("#includePredecessors").CheckAsync();
        await page.GetByRole(AriaRole.Button, new() { Name = "Visa rapport" }).ClickAsync();
        await page.WaitForURLAsync("**/arbetsyta/standardrapport?**");
        Assert.Contains("period=2025-H1", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("halvår 1");
        var perInsats = page.Locator("#perinsats + table tbody tr");
        Assert.Equal((await factory.IndividualInsatserAsync(Forbund)).Count, await perInsats.CountAsync());
        Assert.Equal(5, await page.Locator("svg.chart").CountAsync());
        var figures = await CheckFiguresAsync(page, Roles.ForbundAnalyst);
        Assert.True(figures > 300, $"only {figures} figures on the standardrapport");
        await AccessibleAsync(page);
        await ShotAsync(page, "standardrapport-2025-H1");

        // the per-insats table's first row is that insats's own report, gender split adding up
        var row = await page.Locator("#perinsats + table tbody tr").First.EvaluateAsync<string[]>("r => [...r.querySelectorAll('td')].map(c => c.textContent.trim())");
        Assert.Equal(int.Parse(row[0], CultureInfo.InvariantCulture), row[1..5].Sum(c => int.Parse(c, CultureInfo.InvariantCulture)));

        // downloads: the links name the API's formats; the CSV downloads with the page's own sign-in
        const string query = "scope=forbund&forbundId=alvdalen&includePredecessors=true&period=2025-H1";
        Assert.Equal($"/api/statistics/report?{query}&format=xlsx", await page.GetByRole(AriaRole.Link, new() { Name = "Ladda ner Excel (xlsx)" }).GetAttributeAsync("href"));
        var csvHref = await page.GetByRole(AriaRole.Link, new() { Name = "Ladda ner CSV" }).GetAttributeAsync("href");
        Assert.Equal($"/api/statistics/report?{query}&format=csv", csvHref);
        var csv = await page.Context.APIRequest.GetAsync(csvHref!);
        Assert.Equal(200, csv.Status);
        Assert.StartsWith("text/csv", csv.Headers["content-type"], StringComparison.Ordinal);
        Assert.Contains("Andel till arbete/studier", await csv.TextAsync(), StringComparison.Ordinal);

        // print: the controls go, the report stays, and it lays out on A4
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.False(await page.Locator("form.filters").IsVisibleAsync());
        Assert.True(await page.Locator("#perinsats + table").IsVisibleAsync());
        var pdf = await page.PdfAsync(new() { Format = "A4", Path = Path.Combine(WorkspaceFactory.ScreenshotFolder, "standardrapport-2025-H1.pdf") });
        Assert.True(pdf.Length > 10_000);
        await page.EmulateMediaAsync(new() { Media = Media.Screen });

        // kommun and insats scopes
        await page.GotoAsync("/arbetsyta/standardrapport?scope=kommun&kommun=Norrby&period=2025");
        Assert.True(await CheckFiguresAsync(page, Roles.ForbundAnalyst) > 100);
        var insats = (await factory.IndividualInsatserAsync(Forbund))[0];
        await page.GotoAsync($"/arbetsyta/standardrapport?scope=insats&insatsId={insats}&period=2025-01-01..2025-10-31");
        Assert.True(await CheckFiguresAsync(page, Roles.ForbundAnalyst) > 100);

        // Måluppfyllelse
        await page.GotoAsync("/arbetsyta/maluppfyllelse?period=2025");
        Assert.True(await page.Locator("tbody tr").CountAsync() > 0);
        Assert.True(await CheckFiguresAsync(page, Roles.ForbundAnalyst) > 0);
        await AccessibleAsync(page);
        await ShotAsync(page, "maluppfyllelse-2025");

        // Beredningsgrupp (no äldstalista for an analyst)
        await page.GotoAsync("/arbetsyta/beredningsgrupp?period=2025");
        Assert.True(await CheckFiguresAsync(page, Roles.ForbundAnalyst) > 20);
        Assert.Equal(0, await page.GetByRole(AriaRole.Heading, new() { Name = "Äldstalista" }).CountAsync());
        await AccessibleAsync(page);
        await ShotAsync(page, "beredningsgrupp-2025");

        // Frozen: freeze through the page's form, then compare with today
        await page.GotoAsync("/arbetsyta/frysta");
        await page.Locator("#name").FillAsync("Styrelsemöte september");
        await page.Locator("#period").FillAsync("2025-H1");
        await page.GetByRole(AriaRole.Button, new() { Name = "Frys rapporten" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Status)).ToContainTextAsync("Styrelsemöte september");
        await page.GetByRole(AriaRole.Link, new() { Name = "Jämför med i dag" }).First.ClickAsync();
        await Assertions.Expect(page.Locator("#jamforelse")).ToContainTextAsync("Styrelsemöte september");
        await Assertions.Expect(page.GetByText("Inga siffror har ändrats")).ToBeVisibleAsync();

        // a participant enrolled afterwards in the frozen half year: the comparison shows the change and the event behind it
        var team = (await factory.IndividualInsatserAsync(Forbund))[0];
        using (var caseWorker = factory.Api(Roles.CaseWorker, Forbund, team))
        {
            using var enrol = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/participations", UriKind.Relative))
            {
                Content = System.Net.Http.Json.JsonContent.Create(new
                {
                    insatsId = team, referralId = (string?)null, enrolledOn = "2025-03-03", gender = "man",
                    person = new { personnummer = (string?)null, birthYear = 2000, protectedIdentity = false }, consent = false,
                    baseline = new { meansOfSupport = "social_assistance", occupation = "none", education = "upper_secondary", homeKommun = "Norrby", monthsOnSupportBefore = 12, hasSgi = false },
                    ageOverrideReason = (string?)null,
                }),
            };
            enrol.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            using var enrolled = await caseWorker.SendAsync(enrol);
            Assert.True(enrolled.IsSuccessStatusCode, await enrolled.Content.ReadAsStringAsync());
            var position = enrolled.Headers.GetValues("X-Log-Position").Single();
            using var analystApi = factory.Api(Roles.ForbundAnalyst, Forbund);
            using var caughtUp = await analystApi.GetAsync(new Uri($"/api/statistics/report?scope=forbund&forbundId={Forbund}&period=2025-H1&waitForPosition={position}", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, caughtUp.StatusCode);
        }

        await page.ReloadAsync();
        var changed = page.Locator("table[data-comparison] tbody tr", new() { HasText = "participants.active.total" });
        await Assertions.Expect(changed).ToHaveCountAsync(1);
        Assert.Equal("1", (await changed.Locator("td").Nth(2).TextContentAsync())!.Trim());
        Assert.True(await page.Locator("#orsak + table tbody tr").CountAsync() >= 1);
        await AccessibleAsync(page);
        await ShotAsync(page, "frysta-rapporter");

        // the cookie opens GETs under /api/statistics only, never a write
        var write = await page.Context.APIRequest.PostAsync("/api/statistics/frozen", new()
        {
            DataObject = new { name = "x", scope = "forbund", period = "2025", forbundId = Forbund },
            Headers = new Dictionary<string, string> { ["Idempotency-Key"] = Guid.NewGuid().ToString() },
        });
        Assert.Equal(401, write.Status);
        Assert.Equal(401, (await page.Context.APIRequest.GetAsync($"/api/forbund/{Forbund}")).Status);
    }

    [Fact]
    public async Task each_role_sees_its_own_pages_and_is_refused_the_others()
    {
        // a national reader: the national view, small counts marked as suppressed
        var national = await SignInAsync(Roles.NationalReader, "*");
        Assert.EndsWith("/arbetsyta/nationell", national.Url, StringComparison.Ordinal);
        Assert.True(await CheckFiguresAsync(national, Roles.NationalReader, "*") > 200);
        Assert.True(await national.Locator(".suppressed[data-figure]").CountAsync() > 0, "no suppressed cell is marked");
        await AccessibleAsync(national);
        await ShotAsync(national, "nationell-vy");
        await national.GotoAsync($"/arbetsyta/nationell?forbundId={Forbund}&period=2025");
        Assert.True(await CheckFiguresAsync(national, Roles.NationalReader, "*") > 200);
        Assert.Equal(403, (await national.GotoAsync("/arbetsyta/frysta"))!.Status);
        Assert.Equal(0, await national.GetByRole(AriaRole.Link, new() { Name = "Frysta rapporter" }).CountAsync());

        // an analyst may not open the national view
        var analyst = await SignInAsync(Roles.ForbundAnalyst, Forbund);
        var refused = await analyst.GotoAsync("/arbetsyta/nationell");
        Assert.Equal(403, refused!.Status);
        await Assertions.Expect(analyst.GetByRole(AriaRole.Alert)).ToContainTextAsync("får inte se den nationella vyn");
        Assert.Equal(0, await analyst.GetByRole(AriaRole.Link, new() { Name = "Nationell vy" }).CountAsync());

        // a case worker: the äldstalista of its own insats only, no förbund statistics
        var insatser = await factory.IndividualInsatserAsync(Forbund);
        var caseWorker = await SignInAsync(Roles.CaseWorker, Forbund, insatser[0]);
        Assert.EndsWith("/arbetsyta/beredningsgrupp", caseWorker.Url, StringComparison.Ordinal);
        Assert.Equal(1, await caseWorker.GetByRole(AriaRole.Heading, new() { NameRegex = new System.Text.RegularExpressions.Regex("^Äldstalista") }).CountAsync());
        Assert.True(await caseWorker.Locator("table tbody tr").CountAsync() > 0);
        Assert.DoesNotMatch(@"\d{6,8}[-+]?\d{4}", await caseWorker.Locator("main").InnerTextAsync());
        await ShotAsync(caseWorker, "aldstalista-handlaggare");
        Assert.Equal(403, (await caseWorker.GotoAsync("/arbetsyta/standardrapport"))!.Status);

        // an insats manager: its insats's report, not the förbund's
        var manager = await SignInAsync(Roles.InsatsManager, Forbund, insatser[1]);
        Assert.True(await CheckFiguresAsync(manager, Roles.InsatsManager, Forbund, insatser[1]) > 20);
        await manager.GotoAsync("/arbetsyta/standardrapport?scope=forbund&period=2025");
        Assert.Equal(1, await manager.GetByRole(AriaRole.Alert).CountAsync());

        // a beredningsgrupp member has no report the API would give it
        var member = await SignInAsync(Roles.AssessmentGroupMember, Forbund);
        Assert.Equal(403, (await member.ReloadAsync())!.Status);
    }

    [Fact]
    public async Task the_root_leads_a_browser_to_sign_in_and_back_to_the_page_it_asked_for()
    {
        await using var context = await factory.Browser.NewContextAsync(new() { BaseURL = factory.BaseAddress, Locale = "sv-SE" });
        var page = await context.NewPageAsync();
        await page.GotoAsync("/");
        Assert.Contains("/logga-in", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Logga in i arbetsytan");
        await AccessibleAsync(page);
        await ShotAsync(page, "logga-in");

        // keyboard only: the first Tab reaches the skip link, visibly focused
        await page.Keyboard.PressAsync("Tab");
        Assert.Equal("Hoppa till innehållet", await page.EvaluateAsync<string>("() => document.activeElement.textContent.trim()"));
        Assert.NotEqual("none", await page.EvaluateAsync<string>("() => getComputedStyle(document.activeElement).outlineStyle"));

        await page.GotoAsync("/arbetsyta/maluppfyllelse?period=2025");
        Assert.Contains("ReturnUrl=", page.Url, StringComparison.Ordinal);
        await page.Locator("#role").SelectOptionAsync(Roles.ForbundAnalyst);
        await page.Locator("#forbund").SelectOptionAsync(Forbund);
        await page.Locator("#actor").FillAsync("198112189876");
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        Assert.DoesNotContain("/arbetsyta/maluppfyllelse", page.Url, StringComparison.Ordinal);

        await page.GotoAsync("/arbetsyta/maluppfyllelse?period=2025");
        await page.Locator("#role").SelectOptionAsync(Roles.ForbundAnalyst);
        await page.Locator("#forbund").SelectOptionAsync(Forbund);
        await page.Locator("#actor").FillAsync("anna.analytiker");
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForURLAsync("**/arbetsyta/maluppfyllelse?period=2025");
        var cookie = (await context.CookiesAsync()).Single(c => c.Name == "finsam.arbetsyta");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
    }

    [Fact]
    public async Task report_parameters_name_themselves_and_an_unknown_kommun_or_forbund_is_not_a_report_of_zeros()
    {
        using var analyst = factory.Api(Roles.ForbundAnalyst, Forbund);
        using var national = factory.Api(Roles.NationalReader, "*");

        async Task<JsonElement> ProblemAsync(HttpClient http, string url, HttpStatusCode status)
        {
            using var response = await http.GetAsync(new Uri(url, UriKind.Relative));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(status == response.StatusCode, $"{url}: {(int)response.StatusCode} {text}");
            return JsonDocument.Parse(text).RootElement.Clone();
        }

        var missing = await ProblemAsync(analyst, $"/api/statistics/report?scope=forbund&forbundId={Forbund}", HttpStatusCode.BadRequest);
        Assert.True(missing.GetProperty("errors").TryGetProperty("period", out _), missing.ToString());
        var noScope = await ProblemAsync(analyst, $"/api/statistics/report?forbundId={Forbund}&period=2025", HttpStatusCode.BadRequest);
        Assert.True(noScope.GetProperty("errors").TryGetProperty("scope", out _), noScope.ToString());
        var badBool = await ProblemAsync(analyst, $"/api/statistics/report?scope=forbund&forbundId={Forbund}&period=2025&includePredecessors=kanske", HttpStatusCode.BadRequest);
        Assert.Equal("Must be true or false.", badBool.GetProperty("errors").GetProperty("includePredecessors")[0].GetString());
        var badPeriod = await ProblemAsync(analyst, $"/api/statistics/report?scope=forbund&forbundId={Forbund}&period=2025-H3", HttpStatusCode.BadRequest);
        Assert.Contains("2024-H1", badPeriod.GetProperty("errors").GetProperty("period")[0].GetString(), StringComparison.Ordinal);

        var kommun = await ProblemAsync(analyst, $"/api/statistics/report?scope=kommun&forbundId={Forbund}&kommun=Atlantis&period=2025", HttpStatusCode.BadRequest);
        Assert.True(kommun.GetProperty("errors").TryGetProperty("kommun", out _), kommun.ToString());
        await ProblemAsync(analyst, $"/api/statistics/report?scope=kommun&forbundId={Forbund}&kommun=Norrby&period=2025", HttpStatusCode.OK);
        await ProblemAsync(national, "/api/statistics/report?scope=forbund&forbundId=finnsinte&period=2025", HttpStatusCode.NotFound);
        await ProblemAsync(analyst, "/api/statistics/report?scope=insats&insatsId=finnsinte&period=2025", HttpStatusCode.NotFound);

        // the OpenAPI document describes the report's parameters: allowed values, the period syntax, examples
        using var anonymous = new HttpClient { BaseAddress = new Uri(factory.BaseAddress) };
        var document = JsonNode.Parse(await anonymous.GetStringAsync(new Uri("/openapi/v1.json", UriKind.Relative)))!;
        var parameters = document["paths"]!["/api/statistics/report"]!["get"]!["parameters"]!.AsArray();
        JsonNode Parameter(string name) => parameters.Single(p => p!["name"]!.GetValue<string>() == name)!;
        Assert.Equal(["insats", "kommun", "forbund", "country"], Parameter("scope")["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Contains("2025-03-01..2025-06-30", Parameter("period")["description"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal("2025-H1", Parameter("period")["example"]!.GetValue<string>());
    }

    private Task<IPage> SignInAsync(string role, string forbund, params string[] insatser) => factory.SignInAsync(role, forbund, insatser);

    /// <summary>
    /// Every element with data-figure on the page, compared with the figure at that path in the report JSON the API
    /// answers the same role for the query in the nearest data-report. Returns how many figures were compared.
    /// </summary>
    private async Task<int> CheckFiguresAsync(IPage page, string role, string forbund = Forbund, params string[] insatser)
    {
        var cells = await page.EvaluateAsync<JsonElement>(
            "() => [...document.querySelectorAll('[data-figure]')].map(e => ({ path: e.getAttribute('data-figure'), report: e.closest('[data-report]')?.getAttribute('data-report') ?? '', text: e.textContent.trim() }))");
        using var api = factory.Api(role, forbund, insatser);
        var reports = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        var count = 0;
        foreach (var cell in cells.EnumerateArray())
        {
            var query = cell.GetProperty("report").GetString()!;
            var path = cell.GetProperty("path").GetString()!;
            var text = cell.GetProperty("text").GetString()!;
            Assert.False(string.IsNullOrEmpty(query), $"figure {path} has no report");
            if (!reports.TryGetValue(query, out var report))
            {
                using var response = await api.GetAsync(new Uri($"/api/statistics/report?{query}", UriKind.Relative));
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                reports[query] = report = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
            }

            var expected = Resolve(report, path);
            if (expected is null)
            {
                Assert.True(text is ".." or "–", $"{query} {path}: the JSON has null, the page shows '{text}'");
            }
            else
            {
                var shown = decimal.Parse(text.Replace('\u00a0', ' ').Replace(" ", "", StringComparison.Ordinal).Replace(',', '.'), CultureInfo.InvariantCulture);
                Assert.True(expected.GetValue<decimal>() == shown, $"{query} {path}: the JSON has {expected.ToJsonString()}, the page shows '{text}'");
            }

            count++;
        }

        return count;
    }

    /// <summary>A dotted path into the JSON: object properties, array items by index or by their key/code/goalId/atStart/insatsId.</summary>
    private static JsonValue? Resolve(JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (var part in path.Split('.'))
        {
            current = current switch
            {
                JsonObject o => o.TryGetPropertyValue(part, out var child) ? child : throw new InvalidOperationException($"{path}: no '{part}' in the report"),
                JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var i) => a[i],
                JsonArray a => a.Single(item => new[] { "key", "code", "goalId", "atStart", "insatsId" }.Any(k => item?[k]?.GetValueKind() == JsonValueKind.String && item[k]!.GetValue<string>() == part)),
                _ => throw new InvalidOperationException($"{path}: '{part}' is below a value"),
            };
        }

        return current as JsonValue;
    }

    /// <summary>Basic accessibility: one h1, every control labelled, text contrast at least 4.5:1 against its background.</summary>
    internal static async Task AccessibleAsync(IPage page)
    {
        var problems = await page.EvaluateAsync<string[]>(
            """
            () => {
              const problems = [];
              if (document.querySelectorAll('h1').length !== 1) problems.push('h1 count ' + document.querySelectorAll('h1').length);
              if (!document.documentElement.lang) problems.push('no lang');
              for (const el of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
                if (!(el.labels && el.labels.length) && !el.getAttribute('aria-label')) problems.push('unlabelled ' + (el.id || el.name));
              }
              const rgb = s => (s.match(/[\d.]+/g) || []).map(Number);
              const lum = ([r, g, b]) => { const f = c => { c /= 255; return c <= 0.03928 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
              const background = el => { for (; el; el = el.parentElement) { const s = getComputedStyle(el); if (s.backgroundImage !== 'none') return null; const c = rgb(s.backgroundColor); if (c.length < 4 || c[3] > 0) return c; } return [255, 255, 255]; };
              for (const el of document.querySelectorAll('h1, h2, h3, th, td, p, a, label, button, svg text')) {
                if (!el.textContent.trim() || el.offsetParent === null && el.tagName !== 'text') continue;
                const bg = background(el); if (!bg) continue;
                const fg = rgb(el.tagName === 'text' ? getComputedStyle(el).fill : getComputedStyle(el).color);
                const [l1, l2] = [lum(fg), lum(bg)];
                const ratio = (Math.max(l1, l2) + 0.05) / (Math.min(l1, l2) + 0.05);
                if (ratio < 4.5) problems.push('contrast ' + ratio.toFixed(2) + ' ' + el.tagName + ' ' + el.textContent.trim().slice(0, 30));
              }
              return problems.slice(0, 10);
            }
            """);
        Assert.True(problems.Length == 0, $"{page.Url}: {string.Join("; ", problems)}");
    }

    internal static Task ShotAsync(IPage page, string name) =>
        page.ScreenshotAsync(new() { Path = Path.Combine(WorkspaceFactory.ScreenshotFolder, $"{name}.png"), FullPage = true });
}

/// <summary>
/// The browser tests run on their own, after the parallel classes: chromium and the demo load take both cores of a small
/// machine, and other classes' bounded waits (the request log, the projections) should not compete with them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class BrowserCollection
{
    public const string Name = "Browser";
}
