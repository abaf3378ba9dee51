using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace FinsamOutcomes.Benchmarks;

/// <summary>
/// Recording through the real service over real HTTP (Kestrel on loopback, Production settings, a signing key as in
/// production, the service's own data source) with 16 clients, each recording activities of its own participation
/// with an Idempotency-Key — against a minimal Kestrel endpoint in the same process that only inserts the same JSON
/// body as one row. Reports requests/s and p99 latency for both; the ratio is service / baseline throughput.
/// </summary>
internal sealed class HttpBenchmark(BenchDatabase database, BenchOptions options, TextWriter log)
{
    public const int Clients = 16;

    private const string PlainTable = "bench_http_plain";

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken ct)
    {
        await database.ExecuteAsync($"CREATE TABLE {PlainTable} (id bigserial PRIMARY KEY, body jsonb NOT NULL, recorded_at timestamptz NOT NULL DEFAULT now())", ct);
        await using var service = new ServiceHost(database.ConnectionString);
        service.UseKestrel(0);
        service.StartServer();
        await using var baseline = await PlainEndpoint.StartAsync(database.ConnectionString, ct);

        var participations = await SetUpAsync(service, ct);
        var requests = options.HttpRequests;
        var serviceClients = participations.Select(p => service.Client(p.Token)).ToArray();
        using var plainClient = new HttpClient { BaseAddress = baseline.Address };
        var plainClients = Enumerable.Repeat(plainClient, Clients).ToArray();

        log.WriteLine($"http: warm-up, {Math.Max(100, requests / 10)} requests per side");
        await MeasureServiceAsync(serviceClients, participations, Math.Max(100, requests / 10), ct);
        await MeasurePlainAsync(plainClients, Math.Max(100, requests / 10), ct);

        var serviceSeconds = new List<double>();
        var plainSeconds = new List<double>();
        var serviceP99 = new List<double>();
        var plainP99 = new List<double>();
        for (var round = 1; round <= options.Rounds; round++)
        {
            var first = round % 2 == 1;
            for (var side = 0; side < 2; side++)
            {
                await database.ExecuteAsync($"VACUUM (ANALYZE) es_events, es_streams, {PlainTable}", ct);
                var (seconds, p99) = (side == 0) == first
                    ? await MeasureServiceAsync(serviceClients, participations, requests, ct)
                    : await MeasurePlainAsync(plainClients, requests, ct);
                var isService = (side == 0) == first;
                (isService ? serviceSeconds : plainSeconds).Add(seconds);
                (isService ? serviceP99 : plainP99).Add(p99);
                log.WriteLine(FormattableString.Invariant(
                    $"http: round {round}/{options.Rounds}, {Clients} clients, {(isService ? "service activity" : "plain insert"),-16} {requests / seconds,8:N0} requests/s, p99 {p99,6:F1} ms"));
            }
        }

        await VerifyAsync(ct);
        Summary = FormattableString.Invariant(
            $"http: p99 ms service {ScenarioResult.Median(serviceP99):F1}, plain insert {ScenarioResult.Median(plainP99):F1} (medians of {options.Rounds} rounds)");
        log.WriteLine(Summary);
        return [new ScenarioResult(ScenarioFamily.Http, "http, record activity", Clients, requests, serviceSeconds, plainSeconds)];
    }

    public string? Summary { get; private set; }

    private int _serviceRequests;
    private int _plainRequests;

    private async Task<(double Seconds, double P99)> MeasureServiceAsync(HttpClient[] clients, IReadOnlyList<Enrolled> participations, int requests, CancellationToken ct)
    {
        _serviceRequests += requests;
        return await MeasureAsync(requests, async (client, n) =>
        {
            using var message = new HttpRequestMessage(HttpMethod.Post, $"/api/participations/{participations[client].Id}/activities")
            {
                Content = JsonContent.Create(new { kind = (n % 3) switch { 0 => "individual_meeting", 1 => "phone_contact", _ => "group_activity" }, on = "2024-05-02", durationMinutes = 30 + n % 60 }),
            };
            message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
            return await clients[client].SendAsync(message, ct);
        });
    }

    private async Task<(double Seconds, double P99)> MeasurePlainAsync(HttpClient[] clients, int requests, CancellationToken ct)
    {
        _plainRequests += requests;
        return await MeasureAsync(requests, (client, n) => clients[client].PostAsJsonAsync(
            "/insert", new { kind = (n % 3) switch { 0 => "individual_meeting", 1 => "phone_contact", _ => "group_activity" }, on = "2024-05-02", durationMinutes = 30 + n % 60 }, ct));
    }

    /// <summary>Requests split over the clients, each client one request at a time; every answer must be 2xx.</summary>
    private static async Task<(double Seconds, double P99)> MeasureAsync(int requests, Func<int, int, Task<HttpResponseMessage>> send)
    {
        var latencies = new double[requests];
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < requests)
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await send(client, n);
                latencies[n] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    throw new BenchmarkFailedException($"a request answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
            }
        })));
        var seconds = watch.Elapsed.TotalSeconds;
        Array.Sort(latencies);
        return (seconds, latencies[Math.Min(requests - 1, (int)Math.Ceiling(requests * 0.99) - 1)]);
    }

    private sealed record Enrolled(string Id, string Token);

    /// <summary>A förbund, an insats and one participation per client, over HTTP as administrators and case workers would.</summary>
    private static async Task<IReadOnlyList<Enrolled>> SetUpAsync(ServiceHost service, CancellationToken ct)
    {
        using var national = service.Client(service.Token("bench-national", Roles.Administrator, "*", []));
        await PostAsync(national, "/api/forbund", new { forbundId = "bench", name = "Samordningsförbundet Bench", registeredOn = "2020-01-01" }, ct);
        using var admin = service.Client(service.Token("bench-admin", Roles.Administrator, "bench", []));
        var insats = await PostAsync(admin, "/api/insatser", new
        {
            forbundId = "bench", name = "Samverkansteamet", description = "Benchmark", kind = "individual", kommuner = new[] { "Lulea" },
            startDate = "2024-01-01", endDate = (string?)null, targetGroup = new { minAge = 16, maxAge = 64, description = "16–64 år" },
            followUp = "per_person_identified", plannedParticipantsPerYear = 160,
        }, ct);
        var insatsId = insats.GetProperty("id").GetString()!;
        var enrolled = new List<Enrolled>();
        for (var i = 0; i < Clients; i++)
        {
            var token = service.Token($"bench-handlaggare-{i}", Roles.CaseWorker, "bench", [insatsId]);
            using var caseWorker = service.Client(token);
            var participation = await PostAsync(caseWorker, "/api/participations", new
            {
                insatsId, referralId = (string?)null, enrolledOn = "2024-02-01", gender = i % 2 == 0 ? "woman" : "man",
                person = new { personnummer = (string?)null, birthYear = 1980 + i, protectedIdentity = false }, consent = true,
                baseline = new { meansOfSupport = "social_assistance", occupation = "none", education = "upper_secondary", homeKommun = "Lulea", monthsOnSupportBefore = 30, hasSgi = false },
                ageOverrideReason = (string?)null,
            }, ct);
            enrolled.Add(new Enrolled(participation.GetProperty("id").GetString()!, token));
        }

        return enrolled;
    }

    private static async Task<System.Text.Json.JsonElement> PostAsync(HttpClient client, string url, object body, CancellationToken ct)
    {
        using var message = new HttpRequestMessage(HttpMethod.Post, url) { Content = JsonContent.Create(body) };
        message.Headers.Add("Idempotency-Key", Guid.NewGuid().ToString());
        using var response = await client.SendAsync(message, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        if (!response.IsSuccessStatusCode)
        {
            throw new BenchmarkFailedException($"set-up {url} answered {(int)response.StatusCode}: {text}");
        }

        return System.Text.Json.JsonDocument.Parse(text).RootElement.Clone();
    }

    private async Task VerifyAsync(CancellationToken ct)
    {
        var activities = await database.ScalarAsync("SELECT count(*) FROM es_events WHERE event_type LIKE 'participation.activity_recorded%'", ct);
        var plain = await database.ScalarAsync($"SELECT count(*) FROM {PlainTable}", ct);
        if (activities != _serviceRequests || plain != _plainRequests)
        {
            throw new BenchmarkFailedException(
                $"Stored rows do not match the answered requests: {activities} activities for {_serviceRequests} requests, {plain} rows for {_plainRequests}.");
        }
    }

    /// <summary>
    /// The service as it runs in production (environment Production, a configured signing key), on Kestrel. Any type of
    /// the service's assembly names it: its Program is hidden by this project's own.
    /// </summary>
    private sealed class ServiceHost(string connectionString) : WebApplicationFactory<AuthSettings>
    {
        private readonly string _signingKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

        static ServiceHost()
        {
            // the service's content root (appsettings.json), which the factory would otherwise look for beside this project
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !Directory.Exists(Path.Combine(folder.FullName, "src", "FinsamOutcomes.Api")))
            {
                folder = folder.Parent;
            }

            if (folder is not null)
            {
                Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_FINSAMOUTCOMES_API", Path.Combine(folder.FullName, "src", "FinsamOutcomes.Api"));
            }
        }

        public string Token(string actor, string role, string forbund, IEnumerable<string> insatser) =>
            Auth.MintToken(Services.GetRequiredService<AuthSettings>(), actor, role, forbund, insatser, [], TimeSpan.FromHours(2));

        public HttpClient Client(string token)
        {
            var client = CreateClient();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
            return client;
        }

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            builder.UseEnvironment("Production");
            builder.UseSetting("ConnectionStrings:Finsam", connectionString);
            builder.UseSetting("Auth:SigningKeys:0", _signingKey);
            builder.UseSetting("Vault:MasterKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            builder.UseSetting("Vault:LookupKey", Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            // the request log at Information would print every request to this console; warnings still show
            builder.UseSetting("Serilog:MinimumLevel:Default", "Warning");
            builder.UseSetting("Serilog:MinimumLevel:Override:Microsoft.Hosting.Lifetime", "Warning");
            builder.ConfigureLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        }
    }

    /// <summary>The baseline: one Kestrel endpoint that inserts the request body as one row, with the service's data-source settings.</summary>
    private sealed class PlainEndpoint : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly NpgsqlDataSource _dataSource;

        private PlainEndpoint(WebApplication app, NpgsqlDataSource dataSource, Uri address)
        {
            _app = app;
            _dataSource = dataSource;
            Address = address;
        }

        public Uri Address { get; }

        public static async Task<PlainEndpoint> StartAsync(string connectionString, CancellationToken ct)
        {
            var dataSource = Database.CreateDataSource(connectionString, "finsam-bench-plain");
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls("http://127.0.0.1:0");
            builder.Logging.SetMinimumLevel(LogLevel.Warning);
            var app = builder.Build();
            app.MapPost("/insert", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                var body = await reader.ReadToEndAsync();
                await using var cmd = dataSource.CreateCommand($"INSERT INTO {PlainTable} (body) VALUES ($1::jsonb) RETURNING id");
                cmd.Parameters.Add(new NpgsqlParameter { Value = body });
                var id = (long)(await cmd.ExecuteScalarAsync())!;
                return Results.Created($"/insert/{id.ToString(CultureInfo.InvariantCulture)}", new { id });
            });
            await app.StartAsync(ct);
            var address = app.Urls.First();
            return new PlainEndpoint(app, dataSource, new Uri(address));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            await _dataSource.DisposeAsync();
        }
    }
}
