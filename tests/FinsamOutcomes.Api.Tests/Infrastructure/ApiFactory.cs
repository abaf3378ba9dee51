using System.Collections.Concurrent;
using FinsamOutcomes.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FinsamOutcomes.Api.Tests.Infrastructure;

/// <summary>
/// The real service over in-process HTTP, on its own freshly created PostgreSQL database, with every
/// log entry captured so tests can look for personal data in it. Subclasses may add settings or host
/// the service on a database of their own.
/// </summary>
public class ApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    public string ConnectionString { get; protected set; } = null!;

    public CapturedLogs Logs { get; } = new();

    public virtual async Task InitializeAsync()
    {
        ConnectionString = await TestDatabases.CreateAsync("api");
    }

    /// <summary>Fails the test class if any request of it ended in an unexpected 500: there must be none.</summary>
    public new virtual async Task DisposeAsync()
    {
        try
        {
            await base.DisposeAsync();
        }
        catch (Exception ex)
        {
            // xUnit prints only the first line of a fixture's cleanup failure ("Test Class Cleanup Failure (…)
            // System.AggregateException"); the whole of it goes where .ci/run prints it, then the class fails as before
            File.AppendAllText(
                Path.Combine(Path.GetTempPath(), "finsam-test-cleanup.txt"),
                $"{GetType().Name} over {ConnectionString}: the host's shutdown threw{Environment.NewLine}{ex}{Environment.NewLine}" +
                $"its last warnings and errors:{Environment.NewLine}{string.Join(Environment.NewLine, LastProblems(40))}{Environment.NewLine}");
            throw;
        }

        var unhandled = Logs.Entries.Where(e => e.Contains("Unhandled ", StringComparison.Ordinal) && e.Contains("ProblemMapping", StringComparison.Ordinal)).ToArray();
        if (unhandled.Length > 0)
        {
            throw new InvalidOperationException($"{unhandled.Length} request(s) ended in an unexpected 500:\n{string.Join("\n", unhandled)}");
        }
    }

    /// <summary>The newest warning, error and critical entries of the captured log, oldest first.</summary>
    private IEnumerable<string> LastProblems(int count) => Logs.Entries
        .Where(e => e.Contains(" Warning: ", StringComparison.Ordinal) || e.Contains(" Error: ", StringComparison.Ordinal) || e.Contains(" Critical: ", StringComparison.Ordinal))
        .TakeLast(count);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // appsettings.Testing.json: quieter console, faster projection polling
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Finsam", ConnectionString);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs).SetMinimumLevel(LogLevel.Debug));
        ConfigureSettings(builder);
    }

    /// <summary>Further settings of a subclass (UseSetting), applied after the ones above.</summary>
    protected virtual void ConfigureSettings(IWebHostBuilder builder)
    {
    }
}

/// <summary>Every log entry's rendered message and structured values, from every category.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _entries = new();

    public IReadOnlyCollection<string> Entries => _entries;

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturedLogs owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull
        {
            owner._entries.Enqueue($"{category} scope: {Describe(state)}");
            return null;
        }

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            owner._entries.Enqueue($"{category} {logLevel}: {formatter(state, exception)} | {Describe(state)} | {exception}");
        }

        private static string Describe(object? state) => state is IEnumerable<KeyValuePair<string, object?>> pairs
            ? string.Join("; ", pairs.Select(p => $"{p.Key}={p.Value}"))
            : state?.ToString() ?? "";
    }
}
