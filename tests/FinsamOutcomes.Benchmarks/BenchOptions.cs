using System.Globalization;

namespace FinsamOutcomes.Benchmarks;

/// <summary>The command line: <c>[append|feed|all] [--events N] [--rounds R] [--connection CS] [--npgsql SETTINGS]</c>.</summary>
internal sealed record BenchOptions(string Scenario, int? Events, int Rounds, string? Connection, string? NpgsqlSettings)
{
    public const string ConnectionVariable = "FINSAM_BENCH_CONNECTION";

    public const int DefaultAppendEvents = 5000;

    public const int DefaultFeedEvents = 50000;

    public const int DefaultRounds = 3;

    public static string Usage { get; } = string.Join('\n',
        "usage: FinsamOutcomes.Benchmarks [append|feed|all] [--events N] [--rounds R] [--connection CS] [--npgsql SETTINGS]",
        FormattableString.Invariant($"  --events N         events per measured append run (default {DefaultAppendEvents}) and in the feed's log"),
        FormattableString.Invariant($"                     (default {DefaultFeedEvents})"),
        FormattableString.Invariant($"  --rounds R         measured rounds per scenario; the median is reported (default {DefaultRounds})"),
        $"  --connection CS    an existing server (or env {ConnectionVariable}); a fresh database is created on",
        "                     it and dropped afterwards. Without it a throwaway local cluster is started.",
        "  --npgsql SETTINGS  extra Npgsql connection string settings for the benchmark database, applied to",
        "                     the store and the baselines alike, e.g. \"Max Auto Prepare=20\"");

    public bool RunsAppend => Scenario is "append" or "all";

    public bool RunsFeed => Scenario is "feed" or "all";

    public int AppendEvents => Events ?? DefaultAppendEvents;

    public int FeedEvents => Events ?? DefaultFeedEvents;

    /// <summary>Parses the arguments; null with an error message when they are not valid.</summary>
    public static (BenchOptions? Options, string? Error) Parse(IReadOnlyList<string> args)
    {
        var scenario = "all";
        int? events = null;
        var rounds = DefaultRounds;
        var connection = Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } fromEnv ? fromEnv : null;
        string? npgsql = null;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "append" or "feed" or "all":
                    scenario = arg;
                    break;
                case "--events" or "--rounds" or "--connection" or "--npgsql" when i + 1 >= args.Count:
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

        return (new BenchOptions(scenario, events, rounds, connection, npgsql), null);
    }

    private static bool TryPositive(string text, out int value) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value) && value > 0;
}
