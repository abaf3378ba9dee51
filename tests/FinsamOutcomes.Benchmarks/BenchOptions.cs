using System.Globalization;

namespace FinsamOutcomes.Benchmarks;

/// <summary>The command line: <c>[append|feed|all|generate|rebuild|daemon] [--events N] [--rounds R] [--connection CS] [--npgsql SETTINGS] [--seed S] [--writers W]</c>.</summary>
internal sealed record BenchOptions(string Scenario, int? Events, int Rounds, string? Connection, string? NpgsqlSettings)
{
    /// <summary>For reports: an existing database on the server that holds a generated, projected national log.</summary>
    public string? Database { get; init; }

    public const int DefaultSeed = 20160101;

    public const int DefaultGenerateEvents = 100_000;

    public const int DefaultGenerateWriters = 4;

    public const int DefaultRebuildEvents = 100_000;

    public const int DefaultDaemonEvents = 100_000;

    /// <summary>Events in each log of the runner-against-daemon comparison (part of rebuild).</summary>
    public int DaemonEvents { get; init; } = DefaultDaemonEvents;

    /// <summary>reports: writers recording activities (and the statistics projection running) while the reports are measured.</summary>
    public int ReportWriters { get; init; }

    /// <summary>rebuild without the runner-against-daemon comparison.</summary>
    public bool SkipDaemon { get; init; }

    /// <summary>The national generator's seed.</summary>
    public int Seed { get; init; } = DefaultSeed;

    /// <summary>Concurrent writers of the national generator's people (one stream stays on one writer).</summary>
    public int Writers { get; init; } = DefaultGenerateWriters;

    public const string ConnectionVariable = "FINSAM_BENCH_CONNECTION";

    public const int DefaultAppendEvents = 5000;

    public const int DefaultFeedEvents = 50000;

    public const int DefaultRounds = 3;

    public const int DefaultHttpRequests = 4000;

    public static string Usage { get; } = string.Join('\n',
        "usage: FinsamOutcomes.Benchmarks [append|feed|http|all] [--events N] [--rounds R] [--connection CS] [--npgsql SETTINGS]",
        "       FinsamOutcomes.Benchmarks generate --connection CS [--events N] [--seed S] [--writers W]",
        "       FinsamOutcomes.Benchmarks rebuild [--database NAME] [--events N] [--rounds R] [--connection CS] [--daemon-events M] [--no-daemon]",
        FormattableString.Invariant($"  rebuild            the statistics projection's rebuild of a national log (generated: about N events, default"),
        FormattableString.Invariant($"                     {DefaultRebuildEvents}, or the log of database NAME on the server, left as it was) against"),
        "                     a set-based INSERT ... SELECT of the fact tables that are a plain function of their events;",
        "                     then the store's projection runner against Marten's async daemon, the same upsert per event",
        FormattableString.Invariant($"                     over the same M events on each side (default {DefaultDaemonEvents}); --no-daemon skips that half"),
        "       FinsamOutcomes.Benchmarks daemon [--daemon-events M] [--rounds R] [--connection CS]",
        "  daemon             only the runner against Marten's async daemon (catch-up from nothing and rebuild)",
        "       FinsamOutcomes.Benchmarks reports [--database NAME] [--events N] [--rounds R] [--connection CS] [--report-writers W]",
        "  reports            warm p50/p99 of 2024's reports (insats, kommun, förbund with and without predecessors, country",
        "                     with disclosure control, as of an earlier position, a frozen comparison) against plain SQL, over",
        "                     the generated log in database NAME of the server, or over N generated events (default",
        FormattableString.Invariant($"                     {DefaultGenerateEvents}) in a fresh database; 10×R measured rounds; with W writers recording"),
        "                     activities into the log (and the statistics projection running) meanwhile, and the projection's lag",
        FormattableString.Invariant($"  generate           writes about N events (default {DefaultGenerateEvents}) of a national log (80 förbund, 2016–2025) from seed S"),
        FormattableString.Invariant($"                     (default {DefaultSeed}) into the database of CS through the store with W writers (default"),
        FormattableString.Invariant($"                     {DefaultGenerateWriters}; 1 gives the same log order every time), then projects its statistics"),
        FormattableString.Invariant($"  --events N         events per measured append run (default {DefaultAppendEvents}) and in the feed's log"),
        FormattableString.Invariant($"                     (default {DefaultFeedEvents}), or requests per http round (default {DefaultHttpRequests})"),
        FormattableString.Invariant($"  --rounds R         measured rounds per scenario; the median is reported (default {DefaultRounds})"),
        $"  --connection CS    an existing server (or env {ConnectionVariable}); a fresh database is created on",
        "                     it and dropped afterwards. Without it a throwaway local cluster is started.",
        "  --npgsql SETTINGS  extra Npgsql connection string settings for the benchmark database, applied to",
        "                     the store and the baselines alike, e.g. \"Max Auto Prepare=20\"");

    public bool RunsAppend => Scenario is "append" or "all";

    public bool RunsFeed => Scenario is "feed" or "all";

    public bool RunsRebuild => Scenario is "rebuild";

    public bool RunsDaemon => Scenario is "daemon" || (Scenario is "rebuild" && !SkipDaemon);

    public int RebuildEvents => Events ?? DefaultRebuildEvents;

    public bool RunsReports => Scenario is "reports";

    /// <summary>Measured rounds of the reports scenario: ten per round asked for.</summary>
    public int ReportRounds => Rounds * 10;

    public bool RunsHttp => Scenario is "http" or "all";

    /// <summary>Requests per measured http round, over all 16 clients.</summary>
    public int HttpRequests => Events ?? DefaultHttpRequests;

    public int AppendEvents => Events ?? DefaultAppendEvents;

    public int FeedEvents => Events ?? DefaultFeedEvents;

    public int GenerateEvents => Events ?? DefaultGenerateEvents;

    /// <summary>Parses the arguments; null with an error message when they are not valid.</summary>
    public static (BenchOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var scenario = "all";
        int? events = null;
        var rounds = DefaultRounds;
        var connection = Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } fromEnv ? fromEnv : null;
        string? npgsql = null;
        var seed = DefaultSeed;
        var writers = DefaultGenerateWriters;
        string? database = null;
        var daemonEvents = DefaultDaemonEvents;
        var skipDaemon = false;
        var reportWriters = 0;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "append" or "feed" or "http" or "all" or "generate" or "reports" or "rebuild" or "daemon":
                    scenario = arg;
                    break;
                case "--events" or "--rounds" or "--connection" or "--npgsql" or "--seed" or "--writers" or "--database" or "--daemon-events" or "--report-writers" when i + 1 >= args.Count:
                    return (null, $"{arg} needs a value");
                case "--events":
                    if (!TryPositive(args[++i], out var count))
                    {
                        return (null, "--events needs a positive whole number");
                    }

                    events = count;
                    break;
                case "--rounds":
                    if (!TryPositive(args[++i], out rounds))
                    {
                        return (null, "--rounds needs a positive whole number");
                    }

                    break;
                case "--seed":
                    if (!int.TryParse(args[++i], NumberStyles.None, CultureInfo.InvariantCulture, out seed))
                    {
                        return (null, "--seed needs a whole number");
                    }

                    break;
                case "--writers":
                    if (!TryPositive(args[++i], out writers))
                    {
                        return (null, "--writers needs a positive whole number");
                    }

                    break;
                case "--daemon-events":
                    if (!TryPositive(args[++i], out daemonEvents))
                    {
                        return (null, "--daemon-events needs a positive whole number");
                    }

                    break;
                case "--report-writers":
                    if (!TryPositive(args[++i], out reportWriters))
                    {
                        return (null, "--report-writers needs a positive whole number");
                    }

                    break;
                case "--no-daemon":
                    skipDaemon = true;
                    break;
                case "--database":
                    database = args[++i];
                    break;
                case "--connection":
                    connection = args[++i];
                    break;
                case "--npgsql":
                    npgsql = args[++i];
                    break;
                default:
                    return (null, $"unknown argument '{arg}'");
            }
        }

        if (scenario == "generate" && connection is null)
        {
            return (null, $"generate needs --connection (or {ConnectionVariable}) naming the database to fill");
        }

        return (new BenchOptions(scenario, events, rounds, connection, npgsql) { Seed = seed, Writers = writers, Database = database, DaemonEvents = daemonEvents, SkipDaemon = skipDaemon, ReportWriters = reportWriters }, null);
    }

    private static bool TryPositive(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}
