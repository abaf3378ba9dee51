using System.Diagnostics;
using System.Globalization;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Infrastructure;
using Npgsql;

namespace FinsamOutcomes.Benchmarks.National;

/// <summary>
/// One report's warm timings and its baseline's. A report the service answers 503 report_timeout (a statement past
/// Statistics:ReportTimeout) counts with the time it took, which is what its reader waited, and in <see cref="Timeouts"/>.
/// </summary>
internal sealed record ReportTiming(string Report, IReadOnlyList<double> ReportMs, IReadOnlyList<double> BaselineMs, string Headline, int Timeouts = 0)
{
    public double P50 => Percentile(ReportMs, 0.50);

    public double P99 => Percentile(ReportMs, 0.99);

    public double BaselineP50 => Percentile(BaselineMs, 0.50);

    public double BaselineP99 => Percentile(BaselineMs, 0.99);

    /// <summary>Nearest rank: with fewer than 100 samples the 99th percentile is the slowest.</summary>
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>
/// <c>reports</c>: warm p50/p99 of the service's reports over a generated national log, in process through
/// <see cref="StatisticsService"/> on the service's own data source (its Max Auto Prepare and report settings), each
/// against the plainest SQL that gives the report's headline figure (participants active in the period), which
/// must agree with it. The reports are 2024's: an insats, a kommun, the largest förbund, a förbund formed by a
/// merger with its predecessors, the country with disclosure control (as a national reader gets it), the largest
/// förbund as of an earlier log position, and that as-of report frozen and compared with the current one.
/// </summary>
internal sealed class ReportsBenchmark(NpgsqlDataSource dataSource, int samples, TextWriter log)
{
    private static readonly StatisticsPeriod Year = StatisticsPeriod.Year(2024);

    public async Task<IReadOnlyList<ReportTiming>> RunAsync(CancellationToken ct)
    {
        var statistics = new StatisticsService(dataSource, TimeProvider.System);
        // the service keeps reports by question and cursor (ReportCache); the rows above measure the report computed, these
        // the same report asked again before the projection moves (the quiet log here never moves it)
        using var cache = new ReportCache(new StatisticsOptions().ReportCacheBytes);
        var kept = new StatisticsService(dataSource, TimeProvider.System, null, cache);
        var forbund = await ScalarAsync<string>(
            """
            SELECT forbund_id FROM stats_participations WHERE valid_to_pos IS NULL AND enrolled_on BETWEEN '2024-01-01' AND '2024-12-31'
            GROUP BY forbund_id ORDER BY count(*) DESC, forbund_id LIMIT 1
            """, ct);
        var kommun = await ScalarAsync<string>(
            "SELECT kommun FROM stats_participations WHERE valid_to_pos IS NULL AND forbund_id = $1 GROUP BY kommun ORDER BY count(*) DESC, kommun LIMIT 1", ct, forbund);
        var insats = await ScalarAsync<string>(
            "SELECT insats_id FROM stats_participations WHERE valid_to_pos IS NULL AND forbund_id = $1 GROUP BY insats_id ORDER BY count(*) DESC, insats_id LIMIT 1", ct, forbund);
        var merged = await ScalarAsync<string>("SELECT successor_id FROM stats_forbund_mergers WHERE valid_to_pos IS NULL ORDER BY merged_on DESC, successor_id LIMIT 1", ct);
        var head = await ScalarAsync<long>("SELECT position FROM es_projection_checkpoints WHERE projection = $1", ct, "statistics");
        var asOf = head * 9 / 10;
        var family = await ScalarAsync<string[]>(
            "SELECT array_agg(forbund_id ORDER BY forbund_id) FROM (SELECT $1::text AS forbund_id UNION SELECT predecessor_id FROM stats_forbund_mergers WHERE successor_id = $1 AND valid_to_pos IS NULL) f",
            ct, merged);
        log.WriteLine($"reports: 2024 of insats {insats}, kommun {kommun} and förbund {forbund}, förbund {merged} with predecessors, the country; as of position {asOf:N0} of {head:N0}");

        var forbundQuery = Query(StatisticsScope.Forbund(forbund));
        var frozenReport = await statistics.GetReportAsync(forbundQuery with { AsOfPosition = asOf }, ct);
        var frozen = new FrozenReport("bench", "Benchmark", frozenReport.Basis.Position, DateTimeOffset.UtcNow, "benchmark", StatisticsEndpoints.ToJson(frozenReport, null));

        var current = (Tx: "0", Pos: long.MaxValue);
        var atAsOf = await CursorAsync(asOf, ct);
        var scenarios = new (string Name, Func<Task<int>> Report, Func<Task<int>> Baseline)[]
        {
            ("insats-year", Headline(statistics, Query(StatisticsScope.Insats(insats))), Plain("x.insats_id = $3", current, ct, insats)),
            ("kommun-year", Headline(statistics, Query(StatisticsScope.KommunIn(forbund, kommun))), Plain("x.forbund_id = $3 AND x.kommun = $4", current, ct, forbund, kommun)),
            ("forbund-year", Headline(statistics, forbundQuery), Plain("x.forbund_id = $3", current, ct, forbund)),
            ("forbund-year-predecessors", Headline(statistics, Query(StatisticsScope.Forbund(merged, includePredecessors: true))), Plain("x.forbund_id = ANY ($3)", current, ct, (object)family)),
            ("country-year-disclosure", async () =>
            {
                // as a national reader gets it: the JSON with small counts suppressed
                var report = await statistics.GetReportAsync(Query(StatisticsScope.Country()), ct);
                _ = StatisticsEndpoints.ToJson(report, Disclosure.DefaultThreshold);
                return report.Participants.Active.Total;
            }, Plain("true", current, ct)),
            ("forbund-year-as-of", Headline(statistics, forbundQuery with { AsOfPosition = asOf }), Plain("x.forbund_id = $3", atAsOf, ct, forbund)),
            ("frozen-comparison", async () =>
            {
                var (_, now) = await StatisticsEndpoints.CompareAsync(frozen, forbundQuery, [forbund], null, statistics, dataSource, ct);
                return now.Participants.Active.Total;
            }, Plain("x.forbund_id = $3", current, ct, forbund)),
            ("forbund-year-kept", Headline(kept, forbundQuery), Plain("x.forbund_id = $3", current, ct, forbund)),
            ("country-year-kept", async () =>
            {
                var report = await kept.GetReportAsync(Query(StatisticsScope.Country()), ct);
                _ = StatisticsEndpoints.ToJson(report, Disclosure.DefaultThreshold);
                return report.Participants.Active.Total;
            }, Plain("true", current, ct)),
        };

        var timings = scenarios.Select(_ => (Report: new List<double>(), Baseline: new List<double>(), Headline: "", Timeouts: 0)).ToArray();
        // two warm-up rounds, then the measured ones; every round runs each scenario once, so drift hits all alike
        for (var round = -2; round < samples; round++)
        {
            for (var i = 0; i < scenarios.Length; i++)
            {
                var (reportMs, figure) = await TimeAsync(scenarios[i].Report);
                var (baselineMs, plain) = await TimeAsync(scenarios[i].Baseline);
                if (figure is { } counted && counted != plain)
                {
                    throw new BenchmarkFailedException($"{scenarios[i].Name}: the report counts {counted} active participants, the plain SQL {plain}");
                }

                if (figure is null)
                {
                    log.WriteLine(FormattableString.Invariant($"reports: {scenarios[i].Name} answered 503 report_timeout after {reportMs:F0} ms"));
                }

                if (round >= 0)
                {
                    timings[i].Report.Add(reportMs);
                    timings[i].Baseline.Add(baselineMs);
                    timings[i].Timeouts += figure is null ? 1 : 0;
                    timings[i].Headline = figure?.ToString("N0", CultureInfo.InvariantCulture) ?? timings[i].Headline;
                }
            }

            if (round >= 0 && (round + 1) % 10 == 0)
            {
                log.WriteLine($"reports: {round + 1} of {samples} rounds");
            }
        }

        // the reports run in this process through the service's own StatisticsService: its memory is the service's for reports
        log.WriteLine($"reports: kept reports answered {cache.Hits:N0} times, computed {cache.Misses:N0} times");
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        log.WriteLine(
            $"reports: process memory after the runs: working set {process.WorkingSet64 / 1048576.0:N0} MB, peak {process.PeakWorkingSet64 / 1048576.0:N0} MB, " +
            $"GC heap {GC.GetTotalMemory(forceFullCollection: false) / 1048576.0:N0} MB");
        return [.. scenarios.Select((s, i) => new ReportTiming(s.Name, timings[i].Report, timings[i].Baseline, timings[i].Headline, timings[i].Timeouts))];
    }

    private static StatisticsQuery Query(StatisticsScope scope) => new(scope, Year) { Today = NationalLog.ReportToday };

    private static Func<Task<int>> Headline(StatisticsService statistics, StatisticsQuery query) =>
        async () => (await statistics.GetReportAsync(query)).Participants.Active.Total;

    /// <summary>
    /// The plainest SQL for the headline: participations of the scope, not registered in error, enrolled by the
    /// period's end and not exited before its start, counting the row versions current at a cursor (all current rows
    /// for the latest one).
    /// </summary>
    private Func<Task<int>> Plain(string scope, (string Tx, long Pos) at, CancellationToken ct, params object[] values) => async () =>
    {
        var visible = at.Pos == long.MaxValue
            ? "x.valid_to_pos IS NULL"
            : "(x.valid_from_tx, x.valid_from_pos) <= ($1::text::xid8, $2) AND (x.valid_to_pos IS NULL OR (x.valid_to_tx, x.valid_to_pos) > ($1::text::xid8, $2))";
        await using var cmd = dataSource.CreateCommand(
            $"SELECT count(*)::int FROM stats_participations x WHERE {visible} AND NOT x.registered_in_error AND {scope} AND x.enrolled_on <= '2024-12-31' AND (x.exited_on IS NULL OR x.exited_on >= '2024-01-01')");
        cmd.Parameters.Add(new NpgsqlParameter { Value = at.Tx });
        cmd.Parameters.Add(new NpgsqlParameter { Value = at.Pos });
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    };

    private async Task<(string Tx, long Pos)> CursorAsync(long position, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("SELECT tx_id::text, position FROM es_events WHERE position <= $1 ORDER BY position DESC LIMIT 1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = position });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.GetString(0), reader.GetInt64(1));
    }

    /// <summary>The time one run took, and its figure (null when the service would answer 503 report_timeout).</summary>
    private static async Task<(double Ms, int? Figure)> TimeAsync(Func<Task<int>> run)
    {
        var clock = Stopwatch.StartNew();
        try
        {
            var figure = await run();
            return (clock.Elapsed.TotalMilliseconds, figure);
        }
        catch (ReportTimeoutException)
        {
            return (clock.Elapsed.TotalMilliseconds, null);
        }
    }

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken ct, params object[] values)
    {
        await using var cmd = dataSource.CreateCommand(sql);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return await cmd.ExecuteScalarAsync(ct) is T result ? result : throw new BenchmarkFailedException($"no generated national log to report on ({sql.Split('\n')[0]})");
    }

    public static void Print(TextWriter output, IReadOnlyList<ReportTiming> timings)
    {
        output.WriteLine("| report | active | p50 ms | p99 ms | baseline p50 ms | baseline p99 ms | ratio p50 | 503 report_timeout |");
        output.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var t in timings)
        {
            output.WriteLine(FormattableString.Invariant(
                $"| {t.Report} | {t.Headline} | {t.P50:F1} | {t.P99:F1} | {t.BaselineP50:F1} | {t.BaselineP99:F1} | {t.P50 / t.BaselineP50:F1} | {t.Timeouts} of {t.ReportMs.Count} |"));
        }
    }
}
