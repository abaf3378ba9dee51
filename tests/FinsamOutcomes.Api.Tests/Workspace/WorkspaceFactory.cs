using System.Net.Http.Headers;
using System.Text.Json;
using FinsamOutcomes.Api.Features.Demo;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Npgsql;

namespace FinsamOutcomes.Api.Tests.Workspace;

/// <summary>
/// The service on a real loopback port (Kestrel), so Debian's chromium can reach it, with the demo förbund loaded
/// through the service's own API, and one headless chromium driven by Playwright for the whole class.
/// </summary>
public class WorkspaceFactory : ApiFactory
{
    public string BaseAddress { get; private set; } = "";

    public IPlaywright Playwright { get; private set; } = null!;

    public IBrowser Browser { get; private set; } = null!;

    /// <summary>Where screenshots go: test-screenshots/ at the repository root (git-ignored).</summary>
    public static string ScreenshotFolder { get; } = FindScreenshotFolder();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseKestrel(0);
        StartServer();
        BaseAddress = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses
            .First().Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal);

        using (var http = new HttpClient { BaseAddress = new Uri(BaseAddress), Timeout = TimeSpan.FromSeconds(100) })
        {
            await DemoData.LoadThroughAsync(http, Services.GetRequiredService<AuthSettings>(), CancellationToken.None);
        }

        await WaitForStatisticsAsync();
        Playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = "/usr/bin/chromium",
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"],
        });
    }

    public override async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        Playwright?.Dispose();
        await base.DisposeAsync();
    }

    /// <summary>An HTTP client with a bearer token for a role, on the real port.</summary>
    public HttpClient Api(string role, string forbund, params string[] insatser) => Api(role, forbund, insatser, []);

    public HttpClient Api(string role, string forbund, string[] insatser, string[] beredningsgrupper)
    {
        var token = Auth.MintToken(Services.GetRequiredService<AuthSettings>(), "browser-test", role, forbund, insatser, beredningsgrupper, TimeSpan.FromHours(1));
        var http = new HttpClient { BaseAddress = new Uri(BaseAddress) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http;
    }

    /// <summary>A new browser context signed in through the development sign-in page as a role, förbund and insatser.</summary>
    public Task<IPage> SignInAsync(string role, string forbund, params string[] insatser) => SignInAsync(role, forbund, insatser, []);

    /// <summary>A new browser context signed in as a role, förbund, insatser and beredningsgrupper.</summary>
    public async Task<IPage> SignInAsync(string role, string forbund, string[] insatser, string[] beredningsgrupper)
    {
        var context = await Browser.NewContextAsync(new() { BaseURL = BaseAddress, Locale = "sv-SE", ViewportSize = new() { Width = 1280, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await page.GotoAsync("/logga-in");
        await page.Locator("#role").SelectOptionAsync(role);
        await page.Locator("#forbund").SelectOptionAsync(forbund);
        if (insatser.Length > 0)
        {
            await page.Locator("#insatser").SelectOptionAsync(insatser);
        }

        if (beredningsgrupper.Length > 0)
        {
            await page.Locator("#beredningsgrupper").SelectOptionAsync(beredningsgrupper);
        }

        await page.Locator("#actor").FillAsync($"test-{role}");
        await page.GetByRole(AriaRole.Button, new() { Name = "Logga in" }).ClickAsync();
        await page.WaitForURLAsync(url => !url.Contains("/logga-in", StringComparison.Ordinal));
        return page;
    }

    /// <summary>The förbund's (one) beredningsgrupp.</summary>
    public async Task<string> BeredningsgruppAsync(string forbundId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT beredningsgrupp_id FROM rm_beredningsgrupper WHERE forbund_id = $1", connection);
        cmd.Parameters.AddWithValue(forbundId);
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public async Task<IReadOnlyList<string>> IndividualInsatserAsync(string forbundId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("SELECT insats_id FROM rm_insatser WHERE forbund_id = $1 AND kind = 'individual' ORDER BY insats_id", connection);
        cmd.Parameters.AddWithValue(forbundId);
        var list = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    /// <summary>Waits (bounded, by the API's own waitForPosition) until the statistics reflect every loaded event.</summary>
    private async Task WaitForStatisticsAsync()
    {
        long head;
        await using (var connection = new NpgsqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand("SELECT max(position) FROM es_events", connection);
            head = (long)(await cmd.ExecuteScalarAsync())!;
        }

        using var http = Api(Roles.ForbundAnalyst, DemoData.ForbundId);
        for (var attempt = 0; attempt < 12; attempt++)
        {
            using var response = await http.GetAsync(new Uri($"/api/statistics/report?scope=forbund&forbundId={DemoData.ForbundId}&period=2025&waitForPosition={head}", UriKind.Relative));
            if (response.IsSuccessStatusCode)
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                if (body.RootElement.GetProperty("basis").GetProperty("position").GetInt64() >= head)
                {
                    return;
                }
            }
        }

        throw new InvalidOperationException($"The statistics did not reach log position {head}.");
    }

    private static string FindScreenshotFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FinsamOutcomes.sln")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir?.FullName ?? Path.GetTempPath(), "test-screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
