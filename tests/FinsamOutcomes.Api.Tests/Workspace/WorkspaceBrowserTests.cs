using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Demo;
using FinsamOutcomes.Api.Features.Statistics.Export;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Statistics;
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
        Assert.Equal(11, await page.Locator("svg.chart").CountAsync());
        var figures = await CheckFiguresAsync(page, Roles.ForbundAnalyst);
        Assert.True(figures > 600, $"only {figures} figures on the standardrapport");
        await RecordedFiguresShownAsync(page, withIntakePause: true);
        await AccessibleAsync(page);
        await ShotAsync(page, "standardrapport-2025-H1");
        foreach (var (section, name) in new[] { ("#sysselsattning-slut", "standardrapport-sysselsattning"), ("#utbildning", "standardrapport-bakgrund"), ("#sus", "standardrapport-sus-intagsstopp") })
        {
            await page.Locator(section).ScrollIntoViewIfNeededAsync();
            await page.EvaluateAsync($"() => document.querySelector('{section}').scrollIntoView()");
            await page.ScreenshotAsync(new() { Path = Path.Combine(WorkspaceFactory.ScreenshotFolder, $"{name}.png") });
        }

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

        // the xlsx downloads from the page, and its Per insats sheet has the page's per-insats table, cell for cell
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByRole(AriaRole.Link, new() { Name = "Ladda ner Excel (xlsx)" }).ClickAsync());
        Assert.Equal("statistik-forbund-alvdalen-med-foregangare-2025-H1.xlsx", download.SuggestedFilename);
        var saved = Path.Combine(WorkspaceFactory.ScreenshotFolder, download.SuggestedFilename);
        await download.SaveAsAsync(saved);
        await PerInsatsSheetEqualsThePageAsync(page, Workbook.Open(await File.ReadAllBytesAsync(saved)));

        // print: the controls go, the report stays, and it lays out on A4
        await page.EmulateMediaAsync(new() { Media = Media.Print });
        Assert.False(await page.Locator("form.filters").IsVisibleAsync());
        Assert.True(await page.Locator("#perinsats + table").IsVisibleAsync());
        var pdf = await page.PdfAsync(new() { Format = "A4", Path = Path.Combine(WorkspaceFactory.ScreenshotFolder, "standardrapport-2025-H1.pdf") });
        Assert.True(pdf.Length > 10_000);
        await page.EmulateMediaAsync(new() { Media = Media.Screen });

        // kommun and insats scopes
        await page.GotoAsync("/arbetsyta/standardrapport?scope=kommun&kommun=Norrby&period=2025");
        Assert.True(await CheckFiguresAsync(page, Roles.ForbundAnalyst) > 300);
        await RecordedFiguresShownAsync(page, withIntakePause: true);
        // every insats, over a period that reaches back into 2024 (the merged förbund's insatser recorded their activities then);
        // an insats that no beredningsgrupp serves has no referrals; the youth insats paused its intake and the beredningsgrupp serving both
        // Älvdalen insatser paused its own
        using (var analystApi = factory.Api(Roles.ForbundAnalyst, Forbund))
        {
            var served = 0;
            var paused = 0;
            foreach (var insats in await factory.IndividualInsatserAsync(Forbund))
            {
                const string period = "2024-03-01..2025-10-31";
                await page.GotoAsync($"/arbetsyta/standardrapport?scope=insats&insatsId={insats}&period={period}");
                Assert.True(await CheckFiguresAsync(page, Roles.ForbundAnalyst) > 300);
                var json = JsonNode.Parse(await analystApi.GetStringAsync(new Uri($"/api/statistics/report?scope=insats&insatsId={insats}&period={period}", UriKind.Relative)))!;
                var hasGroup = json["referrals"]!["beredningsgruppIds"]!.AsArray().Count > 0;
                var hasPause = json["intakePauses"]!["rows"]!.AsArray().Any(r => r!["daysPaused"]!.GetValue<int>() > 0);
                served += hasGroup ? 1 : 0;
                paused += hasPause ? 1 : 0;
                await RecordedFiguresShownAsync(page, withIntakePause: hasPause, withReferrals: hasGroup);
            }

            Assert.Equal(2, served);
            Assert.Equal(2, paused);
        }

        await ShotAsync(page, "standardrapport-insats");

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

        // a beredningsgrupp member without a group has nothing to see; with one: its group's cap, insatser and intake pauses
        // as GET /api/beredningsgrupper/{id} gives them, and no statistics (the API gives it no report)
        var stranger = await SignInAsync(Roles.AssessmentGroupMember, Forbund);
        Assert.Equal(403, (await stranger.ReloadAsync())!.Status);
        var groupId = await factory.BeredningsgruppAsync(Forbund);
        var member = await SignInAsync(Roles.AssessmentGroupMember, Forbund, [], [groupId]);
        Assert.EndsWith("/arbetsyta/beredningsgrupp", member.Url, StringComparison.Ordinal);
        using (var memberApi = factory.Api(Roles.AssessmentGroupMember, Forbund, [], [groupId]))
        {
            var group = JsonNode.Parse(await memberApi.GetStringAsync(new Uri($"/api/beredningsgrupper/{groupId}", UriKind.Relative)))!;
            await Assertions.Expect(member.GetByRole(AriaRole.Heading, new() { Name = group["name"]!.GetValue<string>() })).ToBeVisibleAsync();
            var own = member.Locator($"table[data-beredningsgrupp='{groupId}']");
            Assert.Equal(group["weeklyIntakeCap"]!.GetValue<int>().ToString(CultureInfo.InvariantCulture), (await own.Locator("[data-field=weeklyIntakeCap]").TextContentAsync())!.Trim());
            var pauses = group["intakePauses"]!.AsArray();
            Assert.Equal("2025-07-01", Assert.Single(pauses)!["pausedOn"]!.GetValue<string>());
            Assert.Equal(
                pauses.Select(p => $"{p!["pausedOn"]!.GetValue<string>()}\t{p["resumedOn"]?.GetValue<string>() ?? "ännu inte"}"),
                await member.Locator($"table[aria-labelledby='stopp-{groupId}'] tbody tr").AllInnerTextsAsync());
        }

        Assert.Equal(0, await member.Locator("[data-figure]").CountAsync());
        Assert.Equal(1, await member.GetByRole(AriaRole.Link, new() { Name = "Beredningsgrupp", Exact = true }).CountAsync());
        await AccessibleAsync(member);
        await ShotAsync(member, "beredningsgrupp-ledamot");
        Assert.Equal(403, (await member.GotoAsync("/arbetsyta/standardrapport"))!.Status);
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
        // the refusal is the answer to the post: wait for it before reading the URL or going on,
        // so the next navigation never races the post's own
        await Assertions.Expect(page.GetByRole(AriaRole.Alert)).ToBeVisibleAsync();
        Assert.DoesNotContain("198112189876", await page.ContentAsync(), StringComparison.Ordinal);
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
        Assert.Equal(["json", "csv", "csv-wide", "xlsx"], Parameter("format")["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));

        // response schemas: the report, the frozen report and the comparison as JSON (and their files), refusals as problem details
        var schemas = document["components"]!["schemas"]!;
        JsonNode Schema(JsonNode? node) => node!["$ref"] is { } reference ? schemas[reference.GetValue<string>().Split('/')[^1]]! : node;
        foreach (var (path, schema, properties) in new[]
        {
            ("/api/statistics/report", "StatisticsReport", new[] { "basis", "participants", "exits", "occupationAtEnd", "activities", "background", "susGroups", "intakePauses" }),
            ("/api/statistics/frozen/{frozenId}", "FrozenReport", new[] { "frozenId", "name", "position", "report" }),
            ("/api/statistics/frozen/{frozenId}/comparison", "ReportComparison", new[] { "changes", "causes", "frozenPosition", "currentPosition" }),
        })
        {
            var get = document["paths"]![path]!["get"]!;
            var ok = get["responses"]!["200"]!["content"]!;
            Assert.Equal($"#/components/schemas/{schema}", ok["application/json"]!["schema"]!["$ref"]!.GetValue<string>());
            Assert.Superset(properties.ToHashSet(), Schema(ok["application/json"]!["schema"])["properties"]!.AsObject().Select(p => p.Key).ToHashSet());
            Assert.Equal("binary", ok[XlsxExport.ContentType]!["schema"]!["format"]!.GetValue<string>());
            Assert.Equal("binary", ok["text/csv"]!["schema"]!["format"]!.GetValue<string>());
            Assert.Equal(["json", "csv", "csv-wide", "xlsx"], get["parameters"]!.AsArray().Single(p => p!["name"]!.GetValue<string>() == "format")!["schema"]!["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
            foreach (var status in new[] { "400", "403", "404" })
            {
                Assert.NotNull(get["responses"]![status]!["content"]!["application/problem+json"]);
            }
        }

        var change = Schema(Schema(schemas["ReportComparison"]!["properties"]!["changes"]!)["items"])["properties"]!.AsObject();
        Assert.Superset(new HashSet<string> { "figure", "label", "frozen", "current", "difference" }, change.Select(p => p.Key).ToHashSet());
    }

    private Task<IPage> SignInAsync(string role, string forbund, params string[] insatser) => factory.SignInAsync(role, forbund, insatser);

    /// <summary>
    /// The workbook's "Per insats" sheet against the page's per-insats table: the same insatser in the same order, and in each
    /// row the same counts and shares (n, N and %; "." where the page shows "–" for a share without denominator) and goals met.
    /// </summary>
    private static async Task PerInsatsSheetEqualsThePageAsync(IPage page, Workbook book)
    {
        var sheet = book.Table(PerInsatsTable.Title);
        Assert.Equal(
            ["Insats", "Deltagare totalt", "Kvinnor", "Män", "Icke-binära", "Ej angivet", "Nya", "Avslutade", "Aktiva vid periodens slut",
             "Till arbete/studier: antal (n)", "Till arbete/studier: av (N)", "Till arbete/studier: andel (%)",
             "Positiv lösning: antal (n)", "Positiv lösning: av (N)", "Positiv lösning: andel (%)", "Mål uppfyllda", "Mål"],
            sheet.Headings);
        var rows = await page.Locator("#perinsats + table tbody tr").EvaluateAllAsync<JsonElement>(
            """
            rows => rows.map(r => ({
              name: r.querySelector('th').textContent.trim(),
              figures: Object.fromEntries([...r.querySelectorAll('[data-figure]')].map(e => [e.getAttribute('data-figure'), e.textContent.trim()])),
              goals: r.querySelector('td:last-child').textContent.trim(),
            }))
            """);
        Assert.Equal(rows.GetArrayLength(), sheet.Rows.Count);
        var columns = new (string Heading, string Path)[]
        {
            ("Deltagare totalt", "participants.active.total"), ("Kvinnor", "participants.active.byGender.woman"), ("Män", "participants.active.byGender.man"),
            ("Icke-binära", "participants.active.byGender.nonBinary"), ("Ej angivet", "participants.active.byGender.notStated"),
            ("Nya", "participants.new.total"), ("Avslutade", "participants.exited.total"), ("Aktiva vid periodens slut", "participants.activeAtEnd.total"),
            ("Till arbete/studier: antal (n)", "exits.workOrStudies.total.numerator"), ("Till arbete/studier: av (N)", "exits.workOrStudies.total.denominator"),
            ("Till arbete/studier: andel (%)", "exits.workOrStudies.total.value"), ("Positiv lösning: antal (n)", "exits.positiveOutcome.total.numerator"),
            ("Positiv lösning: av (N)", "exits.positiveOutcome.total.denominator"), ("Positiv lösning: andel (%)", "exits.positiveOutcome.total.value"),
        };
        var compared = 0;
        foreach (var (row, i) in rows.EnumerateArray().Select((r, i) => (r, i)))
        {
            var cells = sheet.Rows[i];
            Assert.Equal(row.GetProperty("name").GetString(), cells[0]);
            foreach (var (heading, path) in columns)
            {
                var shown = row.GetProperty("figures").GetProperty(path).GetString()!;
                Assert.True((shown == "–" ? "." : shown) == cells[sheet.Column(heading)], $"{cells[0]} {heading}: the page shows '{shown}', the sheet has '{cells[sheet.Column(heading)]}'");
                compared++;
            }

            Assert.Equal(row.GetProperty("goals").GetString(), $"{cells[sheet.Column("Mål uppfyllda")]} av {cells[sheet.Column("Mål")]}");
        }

        Assert.True(compared >= 2 * columns.Length);
        Assert.Contains(sheet.Rows, r => r[sheet.Column("Avslutade")] != "0" && r[sheet.Column("Till arbete/studier: andel (%)")] != ".");
    }

    /// <summary>
    /// The tables of what participants do and who they are (issue 9) are on the page, with recorded numbers in them: each table
    /// has a count above zero, and the gender tables have women and men in them. (That each number equals the JSON is checked,
    /// with every other figure, by <see cref="CheckFiguresAsync"/>.)
    /// </summary>
    private static async Task RecordedFiguresShownAsync(IPage page, bool withIntakePause, bool withReferrals = true)
    {
        string[] genderTables = ["sysselsattning-slut", "aktiviteter", "aktivitet-deltagare", "utbildning", "alder", "forsorjningstid", "remittent", "sus-efter"];
        string[] otherTables = ["sysselsattning-andel", "sus", "sus-overgang", "sus-andel"];
        foreach (var id in genderTables.Concat(otherTables).Concat(withIntakePause ? ["intagsstopp"] : []).Concat(withReferrals ? ["aktualiseringar-kon"] : []))
        {
            var table = page.Locator($"table[aria-labelledby='{id}']");
            Assert.Equal(1, await table.CountAsync());
            var numbers = await table.Locator("[data-figure]").EvaluateAllAsync<string[]>("cells => cells.map(c => c.getAttribute('data-figure') + '=' + c.textContent.trim())");
            Assert.True(
                numbers.Any(n => !n.StartsWith("intakePauses.daysInPeriod=", StringComparison.Ordinal) && n.Split('=')[1] is { Length: > 0 } text && text != "0" && char.IsDigit(text[0])),
                $"{page.Url} {id}: {string.Join(", ", numbers)}");
            if (genderTables.Contains(id))
            {
                foreach (var gender in new[] { "woman", "man" })
                {
                    Assert.True(numbers.Any(n => n.Contains($".byGender.{gender}=", StringComparison.Ordinal) && !n.EndsWith("=0", StringComparison.Ordinal)), $"{page.Url} {id} {gender}: {string.Join(", ", numbers)}");
                }
            }
        }

        // the referring part of direct enrolments is recorded (not only referrals' parts), and paid work is among the occupations at the end
        var parties = await page.Locator("table[aria-labelledby='remittent'] tbody tr").AllInnerTextsAsync();
        Assert.Contains(parties, p => p.StartsWith("Kommunens arbetsmarknadsenhet", StringComparison.Ordinal) && !p.Contains("\t0\t0\t0\t0\t0", StringComparison.Ordinal));
    }

    private Task<IPage> SignInAsync(string role, string forbund, string[] insatser, string[] beredningsgrupper) =>
        factory.SignInAsync(role, forbund, insatser, beredningsgrupper);

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
