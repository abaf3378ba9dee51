using FinsamOutcomes.Api.Features.Demo;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.Testing;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace FinsamOutcomes.Api.Tests.Demo;

/// <summary>
/// The demo loads through the service's own HTTP API (README: <c>dotnet run … -- --demo</c>). Stopped while it loads
/// (Ctrl+C in the first minute), the web server stops first and the loader's requests are refused: that is the
/// service stopping, a warning, not a failed background service (which logged an error and a fatal "stopping the
/// host"). A load that fails while the service runs still fails.
/// </summary>
public sealed class DemoDataShutdownTests : IAsyncLifetime
{
    private NpgsqlDataSource _db = null!;

    public async Task InitializeAsync()
    {
        _db = NpgsqlDataSource.Create(await TestDatabases.CreateAsync("demo"));
        await SchemaMigrator.MigrateAsync(_db, Database.Migrations);
    }

    public async Task DisposeAsync() => await _db.DisposeAsync();

    /// <summary>Runs the demo loader against a server address nothing listens on, the application started and maybe stopping.</summary>
    private async Task<(Task Loading, CapturedLogs Logs)> LoadAgainstAStoppedServerAsync(bool stopping)
    {
        var logs = new CapturedLogs();
        var lifetime = new Lifetime();
        var auth = new AuthSettings("finsam-test", "finsam-test", null, [new SymmetricSecurityKey(new byte[32])]);
        // port 9 (discard) on loopback: nothing listens, the connection is refused at once
        var demo = new DemoData(new StoppedServer("http://127.0.0.1:9"), auth, _db, lifetime, new LoggerFactory([logs]).CreateLogger<DemoData>());
        await demo.StartAsync(CancellationToken.None);
        if (stopping)
        {
            lifetime.Stopping.Cancel();
        }

        lifetime.Started.Cancel();
        return (demo.ExecuteTask!, logs);
    }

    [Fact]
    public async Task demo_loading_cut_off_by_the_service_stopping_ends_with_a_warning()
    {
        var (loading, logs) = await LoadAgainstAStoppedServerAsync(stopping: true);

        await loading;

        Assert.Contains(logs.Entries, e => e.Contains("Demo data loading stopped with the service (HttpRequestException)", StringComparison.Ordinal));
        Assert.DoesNotContain(logs.Entries, e => e.Contains(" Error: ", StringComparison.Ordinal) || e.Contains(" Critical: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task demo_loading_that_fails_while_the_service_runs_still_fails()
    {
        var (loading, _) = await LoadAgainstAStoppedServerAsync(stopping: false);

        await Assert.ThrowsAsync<HttpRequestException>(() => loading);
    }

    private sealed class StoppedServer(string address) : IServer
    {
        public IFeatureCollection Features { get; } = Addresses(address);

        private static FeatureCollection Addresses(string address)
        {
            var addresses = new ServerAddressesFeature();
            addresses.Addresses.Add(address);
            var features = new FeatureCollection();
            features.Set<IServerAddressesFeature>(addresses);
            return features;
        }

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public void Dispose()
        {
        }
    }

    private sealed class Lifetime : IHostApplicationLifetime
    {
        public CancellationTokenSource Started { get; } = new();

        public CancellationTokenSource Stopping { get; } = new();

        public CancellationToken ApplicationStarted => Started.Token;

        public CancellationToken ApplicationStopping => Stopping.Token;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication() => Stopping.Cancel();
    }
}
