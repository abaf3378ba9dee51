using System.Net;
using FinsamOutcomes.Api.Features.Demo;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace FinsamOutcomes.Api.Tests.Workspace;

/// <summary>
/// The workspace with <c>Auth:Oidc</c> configured, on real Kestrel, signing in through <see cref="FakeIdentityProvider"/>
/// in chromium: code flow with PKCE, the provider's claims under configured (non-default) names mapped to role, förbund,
/// insatser and subject, and no development sign-in page.
/// </summary>
public sealed class OidcWorkspaceFactory : WorkspaceFactory
{
    public const string ClientId = "finsam-workspace";
    public const string ClientSecret = "client-secret-for-the-test";

    public FakeIdentityProvider Provider { get; } = new(ClientId, ClientSecret);

    public override async Task InitializeAsync()
    {
        await Provider.StartAsync();
        await base.InitializeAsync();
        Provider.RedirectUri = $"{BaseAddress.TrimEnd('/')}/logga-in/oidc";
    }

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        await Provider.DisposeAsync();
    }

    protected override void ConfigureSettings(IWebHostBuilder builder)
    {
        builder.UseSetting("Auth:Oidc:Authority", Provider.Authority);
        builder.UseSetting("Auth:Oidc:ClientId", ClientId);
        builder.UseSetting("Auth:Oidc:ClientSecret", ClientSecret);
        builder.UseSetting("Auth:Oidc:Scopes:0", "openid");
        builder.UseSetting("Auth:Oidc:Scopes:1", "finsam");
        builder.UseSetting("Auth:Oidc:SubjectClaim", "anvandarnamn");
        builder.UseSetting("Auth:Oidc:RoleClaim", "finsam_roll");
        builder.UseSetting("Auth:Oidc:ForbundClaim", "samordningsforbund");
        builder.UseSetting("Auth:Oidc:InsatsClaim", "insatser");
        builder.UseSetting("Auth:Oidc:BeredningsgruppClaim", "grupper");
    }
}

[Collection(BrowserCollection.Name)]
public sealed class OidcSignInTests(OidcWorkspaceFactory factory) : IClassFixture<OidcWorkspaceFactory>
{
    private const string Forbund = DemoData.ForbundId;

    /// <summary>A predecessor förbund of the demo: another förbund than the analyst's.</summary>
    private const string OtherForbund = "norrdalen";

    private FakeIdentityProvider Provider => factory.Provider;

    [Fact]
    public async Task an_analyst_signs_in_through_the_provider_with_pkce_and_sees_the_standardrapport_of_their_forbund_only()
    {
        // decoys under the default claim names: were those read, this user would be a national reader of every förbund
        Provider.Subject = "idp-0001";
        Provider.User = [("finsam_roll", Roles.ForbundAnalyst), ("samordningsforbund", Forbund), ("anvandarnamn", "anna.analytiker"), ("role", Roles.NationalReader), ("forbund", "*")];
        var authorizations = Provider.Authorizations.Count;
        var exchanges = Provider.Exchanges.Count;
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();

        await page.GotoAsync("/arbetsyta");
        Assert.Contains("/logga-in", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.GetByText("Du loggar in med din organisations inloggning.")).ToBeVisibleAsync();
        Assert.Equal(0, await page.Locator("#role, #forbund, #actor").CountAsync());

        // the development sign-in is not there either when posted to directly (with a valid anti-forgery token)
        var devPost = await page.EvaluateAsync<int>("""
            async () => {
                const body = new URLSearchParams({ role: 'administrator', forbund: '*', actor: 'x',
                    __RequestVerificationToken: document.querySelector('input[name=__RequestVerificationToken]').value });
                return (await fetch('/logga-in', { method: 'POST', body })).status;
            }
            """);
        Assert.Equal(404, devPost);

        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/arbetsyta", StringComparison.Ordinal));
        await Assertions.Expect(page.Locator("header .who")).ToHaveTextAsync($"Förbundsanalytiker, {Forbund} (anna.analytiker)");

        // PKCE: one authorization request with an S256 challenge, one token exchange whose verifier hashes to it
        var authorize = Assert.Single(Provider.Authorizations.Skip(authorizations));
        Assert.Equal((OidcWorkspaceFactory.ClientId, "code", "S256"), (authorize.ClientId, authorize.ResponseType, authorize.CodeChallengeMethod));
        Assert.Equal(43, authorize.CodeChallenge!.Length);
        Assert.False(string.IsNullOrEmpty(authorize.Nonce));
        Assert.Equal(["openid", "finsam"], authorize.Scope!.Split(' '));
        var exchange = Assert.Single(Provider.Exchanges.Skip(exchanges));
        Assert.True(exchange.ClientAuthenticated && exchange.CodeKnown && exchange.VerifierMatched);
        Assert.Equal(authorize.CodeChallenge, FakeIdentityProvider.S256(exchange.Verifier!));

        // the förbund's Standardrapport
        await page.GetByRole(AriaRole.Link, new() { Name = "Standardrapport", Exact = true }).ClickAsync();
        await page.WaitForURLAsync("**/arbetsyta/standardrapport**");
        await Assertions.Expect(page.Locator("h1")).ToContainTextAsync("Standardrapport: ");
        Assert.True(await page.Locator("[data-figure]").CountAsync() > 100);
        Assert.Equal(0, await page.GetByRole(AriaRole.Alert).CountAsync());

        // the analyst is a förbund analyst, not the national reader of the decoy claims
        Assert.Equal(403, (await page.GotoAsync("/arbetsyta/nationell"))!.Status);

        // the cookie downloads its own förbund's report and is refused another förbund's
        Assert.Equal(200, (await page.GotoAsync($"/api/statistics/report?scope=forbund&forbundId={Forbund}&period=2025"))!.Status);
        Assert.Equal(403, (await page.GotoAsync($"/api/statistics/report?scope=forbund&forbundId={OtherForbund}&period=2025"))!.Status);
    }

    [Fact]
    public async Task a_case_worker_gets_the_insatser_of_the_configured_insats_claim()
    {
        var insatser = await factory.IndividualInsatserAsync(Forbund);
        Provider.Subject = "idp-0002";
        Provider.User = [("finsam_roll", Roles.CaseWorker), ("samordningsforbund", Forbund), ("anvandarnamn", "hanna.handlaggare"), ("insatser", insatser[0])];
        var page = await SignInAsync();

        Assert.EndsWith("/arbetsyta/beredningsgrupp", page.Url, StringComparison.Ordinal);
        await Assertions.Expect(page.Locator("header .who")).ToHaveTextAsync($"Handläggare, {Forbund} (hanna.handlaggare)");
        Assert.True(await page.Locator("table tbody tr").CountAsync() > 0);
        Assert.Equal(403, (await page.GotoAsync("/arbetsyta/standardrapport"))!.Status);
        await page.Context.CloseAsync();
    }

    [Fact]
    public async Task a_beredningsgrupp_member_gets_the_groups_of_the_configured_group_claim()
    {
        var groupId = await factory.BeredningsgruppAsync(Forbund);
        Provider.Subject = "idp-0003";
        // the default claim name carries a decoy group: only the configured "grupper" may count
        Provider.User = [("finsam_roll", Roles.AssessmentGroupMember), ("samordningsforbund", Forbund), ("anvandarnamn", "berit.beredning"),
            ("grupper", groupId), ("beredningsgrupp", "bg-decoy")];
        var page = await SignInAsync();

        Assert.EndsWith("/arbetsyta/beredningsgrupp", page.Url, StringComparison.Ordinal);
        Assert.Equal(1, await page.Locator($"table[data-beredningsgrupp='{groupId}']").CountAsync());
        Assert.Equal(0, await page.Locator("table[data-beredningsgrupp='bg-decoy']").CountAsync());
        Assert.Equal(0, await page.Locator("[data-figure]").CountAsync());
        Assert.Equal(403, (await page.GotoAsync("/arbetsyta/standardrapport"))!.Status);
        await page.Context.CloseAsync();
    }

    [Theory]
    [InlineData("superuser", Forbund)]
    [InlineData(Roles.Administrator, null)]
    public async Task a_provider_answer_without_a_known_role_and_a_forbund_signs_in_to_nothing(string role, string? forbund)
    {
        Provider.Subject = "idp-0003";
        Provider.User = forbund is null
            ? [("finsam_roll", role), ("anvandarnamn", "okand.person"), ("forbund", "*")]
            : [("finsam_roll", role), ("samordningsforbund", forbund), ("anvandarnamn", "okand.person"), ("role", Roles.Administrator)];
        var exchanges = Provider.Exchanges.Count;
        await using var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        await page.GotoAsync("/logga-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/ej-behorig", StringComparison.Ordinal));

        // the provider did answer (a valid, signed id_token), and the service refused it: no workspace cookie
        Assert.True(Assert.Single(Provider.Exchanges.Skip(exchanges)).VerifierMatched);
        Assert.DoesNotContain(await context.CookiesAsync(), c => c.Name == "finsam.arbetsyta");
        var home = await page.GotoAsync("/arbetsyta");
        Assert.Contains("/logga-in", page.Url, StringComparison.Ordinal);
        Assert.Equal(200, home!.Status);
        Assert.Equal(401, (await page.GotoAsync($"/api/statistics/report?scope=forbund&forbundId={Forbund}&period=2025"))!.Status);
    }

    [Fact]
    public async Task the_provider_refuses_a_wrong_verifier_a_wrong_secret_and_an_authorization_without_a_challenge()
    {
        using var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = new Uri(Provider.Authority) };
        const string verifier = "a-verifier-of-at-least-forty-three-characters-0123456789";
        string Authorize(string? challenge) =>
            $"/authorize?client_id={OidcWorkspaceFactory.ClientId}&redirect_uri={Uri.EscapeDataString(Provider.RedirectUri)}&response_type=code&scope=openid"
            + $"&state=s1&nonce=n1{(challenge is null ? "" : $"&code_challenge={challenge}&code_challenge_method=S256")}";

        Assert.Equal(HttpStatusCode.BadRequest, (await http.GetAsync(new Uri(Authorize(null), UriKind.Relative))).StatusCode);
        using var authorized = await http.GetAsync(new Uri(Authorize(FakeIdentityProvider.S256(verifier)), UriKind.Relative));
        Assert.Equal(HttpStatusCode.Redirect, authorized.StatusCode);
        var code = System.Web.HttpUtility.ParseQueryString(authorized.Headers.Location!.Query)["code"]!;

        Task<HttpResponseMessage> Token(string secret, string codeVerifier) => http.PostAsync(new Uri("/token", UriKind.Relative), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code", ["code"] = code, ["redirect_uri"] = Provider.RedirectUri,
            ["client_id"] = OidcWorkspaceFactory.ClientId, ["client_secret"] = secret, ["code_verifier"] = codeVerifier,
        }));
        Assert.Equal(HttpStatusCode.BadRequest, (await Token(OidcWorkspaceFactory.ClientSecret, verifier.Replace('a', 'b'))).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await Token("wrong-secret", verifier)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await Token(OidcWorkspaceFactory.ClientSecret, verifier)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Token(OidcWorkspaceFactory.ClientSecret, verifier)).StatusCode); // a code is used once
    }

    private Task<IBrowserContext> NewContextAsync() =>
        factory.Browser.NewContextAsync(new() { BaseURL = factory.BaseAddress, Locale = "sv-SE", ViewportSize = new() { Width = 1280, Height = 900 } });

    private async Task<IPage> SignInAsync()
    {
        var context = await NewContextAsync();
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("/logga-in");
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/arbetsyta", StringComparison.Ordinal));
        return page;
    }
}
