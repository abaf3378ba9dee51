using System.Globalization;

namespace FinsamOutcomes.Benchmarks;

/// <summary>The group a scenario's ratio is reported under in the RESULT line.</summary>
internal enum ScenarioFamily
{
    Append,
    Feed,
    Rebuild,
    Reports,
    Http,

    /// <summary>The store against Marten's quick append: a ratio above 1 means the store is faster.</summary>
    Marten,

    /// <summary>The store's projection runner against Marten's async daemon on the same per-event SQL: above 1, ours is faster.</summary>
    Daemon,
}

/// <summary>The seconds of each measured round of one scenario, for the store and for its baseline.</summary>
internal sealed record ScenarioResult(
    ScenarioFamily Family, string Scenario, int Writers, int Events, IReadOnlyList<double> StoreSeconds, IReadOnlyList<double> BaselineSeconds)
{
    public double StoreMedianSeconds => Median(StoreSeconds);

    public double StoreRate => Events / StoreMedianSeconds;

    /// <summary>The events the baseline's work stands for, when it is not all of <see cref="Events"/> (a baseline of part of the work).</summary>
    public int? BaselineEvents { get; init; }

    public double BaselineRate => (BaselineEvents ?? Events) / Median(BaselineSeconds);

    public double Ratio => StoreRate / BaselineRate;

    internal static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }
}

/// <summary>A scenario whose store run gave a wrong result or never finished: it has no rate.</summary>
internal sealed record ScenarioFailure(ScenarioFamily Family, string Reason);

/// <summary>Thrown when the store does not do what the scenario checks, so no number may be reported for it.</summary>
internal sealed class BenchmarkFailedException(string message) : Exception(message);

internal static class ResultTable
{
    private static readonly int[] Widths = [26, 7, 7, 7, 8, 17, 5];

    public static void Print(TextWriter output, IReadOnlyList<ScenarioResult> results, IReadOnlyList<ScenarioFailure> failures)
    {
        if (results.Count == 0 && failures.Count == 0)
        {
            return;
        }

        output.WriteLine(Row("scenario", "writers", "events", "seconds", "events/s", "baseline events/s", "ratio"));
        output.WriteLine(Row(Widths.Select((w, i) => i == 0 ? new string('-', w) : new string('-', w - 1) + ":").ToArray()));
        foreach (var r in results)
        {
            output.WriteLine(Row(
                r.Scenario,
                Format(r.Writers),
                Format(r.Events),
                r.StoreMedianSeconds.ToString("F2", CultureInfo.InvariantCulture),
                Format(r.StoreRate),
                Format(r.BaselineRate),
                r.Ratio.ToString("F2", CultureInfo.InvariantCulture)));
        }

        foreach (var failure in failures)
        {
            output.WriteLine();
            output.WriteLine($"FAILED {failure.Family.ToString().ToLowerInvariant()}: {failure.Reason}");
        }
    }

    /// <summary>
    /// The closing line. An append ratio is the lower of the new-stream and existing-stream ratios at
    /// that writer count. A scenario that was not run shows n/a, one that failed shows failed.
    /// </summary>
    public static string ResultLine(IReadOnlyList<ScenarioResult> results, IReadOnlyList<ScenarioFailure> failures, IReadOnlyList<National.ReportTiming> reports)
    {
        string ReportP99(string report) =>
            failures.Any(f => f.Family == ScenarioFamily.Reports) ? "failed"
            : reports.FirstOrDefault(r => r.Report == report) is { } timing ? timing.P99.ToString("F0", CultureInfo.InvariantCulture) : "n/a";

        string Ratio(ScenarioFamily family, int? writers)
        {
            // the Marten comparison is measured inside the append run
            if (failures.Any(f => f.Family == family || (family == ScenarioFamily.Marten && f.Family == ScenarioFamily.Append)))
            {
                return "failed";
            }

            var matching = results.Where(r => r.Family == family && (writers is null || r.Writers == writers)).ToArray();
            return matching.Length == 0 ? "n/a" : matching.Min(r => r.Ratio).ToString("F2", CultureInfo.InvariantCulture);
        }

        return $"RESULT append_ratio_1={Ratio(ScenarioFamily.Append, 1)} " +
               $"append_ratio_16={Ratio(ScenarioFamily.Append, 16)} " +
               $"marten_append_ratio_1={Ratio(ScenarioFamily.Marten, 1)} " +
               $"marten_append_ratio_16={Ratio(ScenarioFamily.Marten, 16)} " +
               $"feed_ratio={Ratio(ScenarioFamily.Feed, null)} " +
               $"http_ratio={Ratio(ScenarioFamily.Http, null)} " +
               $"rebuild_events_per_s={Rate(ScenarioFamily.Rebuild)} " +
               $"rebuild_ratio={Ratio(ScenarioFamily.Rebuild, null)} " +
               $"daemon_ratio={Ratio(ScenarioFamily.Daemon, null)} " +
               $"report_p99_ms_forbund={ReportP99("forbund-year")} " +
               $"report_p99_ms_country={ReportP99("country-year-disclosure")}";

        string Rate(ScenarioFamily family)
        {
            if (failures.Any(f => f.Family == family))
            {
                return "failed";
            }

            var matching = results.Where(r => r.Family == family).ToArray();
            return matching.Length == 0 ? "n/a" : matching.Min(r => r.StoreRate).ToString("F0", CultureInfo.InvariantCulture);
        }
    }

    private static string Format(double value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static string Row(params string[] cells) =>
        "| " + string.Join(" | ", cells.Select((c, i) => i == 0 ? c.PadRight(Widths[i]) : c.PadLeft(Widths[i]))) + " |";
}
