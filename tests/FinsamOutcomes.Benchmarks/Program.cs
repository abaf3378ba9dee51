using FinsamOutcomes.Benchmarks;
using FinsamOutcomes.Benchmarks.National;

var (options, error) = BenchOptions.Parse(args);
if (options is null)
{
    Console.Error.WriteLine(error);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var ct = cancel.Token;
var log = Console.Error;

try
{
    if (options.Scenario == "generate")
    {
        return await GenerateCommand.RunAsync(options, log, ct);
    }

    await using var server = await BenchServer.StartAsync(options.Connection, options.NpgsqlSettings, ct);
    var environment = $"{Environment.ProcessorCount} logical cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    var loadBefore = LoadAverage();
    var serverDescription = await server.DescribeAsync(ct);
    log.WriteLine(environment);
    log.WriteLine(serverDescription);

    var results = new List<ScenarioResult>();
    var failures = new List<ScenarioFailure>();
    if (options.RunsAppend)
    {
        await using var database = await server.CreateDatabaseAsync("append", ct);
        await using var append = new AppendBenchmark(database, options, log);
        await RunScenarioAsync(ScenarioFamily.Append, () => append.RunAsync(ct));
    }

    if (options.RunsFeed)
    {
        await using var database = await server.CreateDatabaseAsync("feed", ct);
        await RunScenarioAsync(ScenarioFamily.Feed, () => new FeedBenchmark(database, options, log).RunAsync(ct));
    }

    if (options.RunsRebuild)
    {
        await RunScenarioAsync(ScenarioFamily.Rebuild, () => new RebuildBenchmark(server, options, log).RunAsync(ct));
    }

    string? daemonSummary = null;
    if (options.RunsDaemon)
    {
        await using var database = await server.CreateDatabaseAsync("daemon", ct);
        var daemon = new DaemonBenchmark(database, options, log);
        await RunScenarioAsync(ScenarioFamily.Daemon, () => daemon.RunAsync(ct));
        daemonSummary = daemon.Summary;
    }

    var reports = options.RunsReports ? await ReportsCommand.RunAsync(server, options, log, failures, ct) : [];
    string? httpSummary = null;
    if (options.RunsHttp)
    {
        await using var database = await server.CreateDatabaseAsync("http", ct);
        var http = new HttpBenchmark(database, options, log);
        await RunScenarioAsync(ScenarioFamily.Http, () => http.RunAsync(ct));
        httpSummary = http.Summary;
    }

    Console.WriteLine();
    Console.WriteLine(environment);
    Console.WriteLine(serverDescription);
    Console.WriteLine(FormattableString.Invariant($"{options.Rounds} measured rounds per scenario after a warm-up; medians shown."));
    Console.WriteLine($"load average (1, 5, 15 min) before: {loadBefore}; after: {LoadAverage()}");
    Console.WriteLine();
    ResultTable.Print(Console.Out, results, failures);
    if (reports.Count > 0)
    {
        Console.WriteLine();
        ReportsBenchmark.Print(Console.Out, reports);
    }

    foreach (var summary in new[] { daemonSummary, httpSummary }.OfType<string>())
    {
        Console.WriteLine(summary);
    }

    Console.WriteLine();
    Console.WriteLine(ResultTable.ResultLine(results, failures, reports));
    return failures.Count == 0 ? 0 : 1;

    async Task RunScenarioAsync(ScenarioFamily family, Func<Task<IReadOnlyList<ScenarioResult>>> run)
    {
        try
        {
            results.AddRange(await run());
        }
        catch (BenchmarkFailedException ex)
        {
            log.WriteLine($"{family.ToString().ToLowerInvariant()}: FAILED: {ex.Message}");
            failures.Add(new ScenarioFailure(family, ex.Message));
        }
    }
}
catch (OperationCanceledException) when (ct.IsCancellationRequested)
{
    log.WriteLine("cancelled");
    return 130;
}

// Other work on the machine skews every number; the load average shows whether there was any.
static string LoadAverage() =>
    File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";
