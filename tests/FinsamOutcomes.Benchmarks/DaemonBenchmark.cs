using System.Diagnostics;
using System.Globalization;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using JasperFx.Events;
using JasperFx.Events.Daemon;
using JasperFx.Events.Projections;
using Marten;
using Npgsql;

namespace FinsamOutcomes.Benchmarks;

/// <summary>
/// The store's <see cref="ProjectionRunner"/> against Marten 9.59's async daemon on the same per-event SQL (ADR 0004).
/// The same N events are appended to our store and to Marten (quick append) before anything is timed; each side then
/// projects its log from nothing to its head with one upsert statement per event into a read table of its own (same
/// shape, same index), sent as one batch of statements per page in the page's transaction. Timed from start until the
/// side has committed the head; rounds alternate which side goes first; after every run both tables must hold the same
/// rows. The ratio is our events/s over Marten's.
/// </summary>
internal sealed class DaemonBenchmark(BenchDatabase database, BenchOptions options, TextWriter log)
{
    public const string OursTable = "bench_daemon_ours";

    public const string MartenTable = "bench_daemon_marten";

    /// <summary>Events per stream; the streams' appends interleave in the log.</summary>
    public const int EventsPerStream = 50;

    /// <summary>Events per append while filling the logs (untimed).</summary>
    private const int EventsPerAppend = 10;

    private const int FillWriters = 8;

    /// <summary>No progress for this long means a side has stopped short of its head.</summary>
    private static readonly TimeSpan StallLimit = TimeSpan.FromSeconds(30);

    /// <summary>Set while the warm-up pass counts the commands a side sends.</summary>
    private SentCommands? _sent;
    private int _runs;

    /// <summary>What the table does not show: memory per side and the settings each ran with.</summary>
    public string? Summary { get; private set; }

    /// <summary>The upsert both sides run per event; <paramref name="parameter"/> writes the n-th placeholder (1-based).</summary>
    public static string UpsertSql(string table, Func<int, string> parameter) =>
        $"""
        INSERT INTO {table} AS r (stream, events, last_version, last_week, total_amount)
        VALUES ({parameter(1)}, 1, {parameter(2)}, {parameter(3)}, {parameter(4)})
        ON CONFLICT (stream) DO UPDATE SET events = r.events + 1, last_version = excluded.last_version,
            last_week = excluded.last_week, total_amount = r.total_amount + excluded.total_amount
        """;

    public async Task<IReadOnlyList<ScenarioResult>> RunAsync(CancellationToken ct)
    {
        var events = options.DaemonEvents;
        var streams = Math.Max(1, events / EventsPerStream);
        foreach (var table in new[] { OursTable, MartenTable })
        {
            await database.ExecuteAsync($"""
                CREATE TABLE {table} (
                    stream       text    PRIMARY KEY,
                    events       integer NOT NULL,
                    last_version bigint  NOT NULL,
                    last_week    integer NOT NULL,
                    total_amount numeric NOT NULL
                )
                """, ct);
        }

        await using var marten = new MartenDaemonPeer(database.DataSource);
        await marten.PrepareAsync(ct);
        var store = new PostgresEventStore(database.DataSource, OutcomeRecorded.Registry());

        log.WriteLine(FormattableString.Invariant(
            $"daemon: appending the same {events:N0} events in {streams:N0} streams ({EventsPerAppend} per append, {FillWriters} writers) to the store and to Marten"));
        var fill = Stopwatch.StartNew();
        await FillAsync(events, streams, (stream, first, sequences) => AppendOursAsync(store, stream, first, sequences, ct));
        var oursFill = fill.Elapsed.TotalSeconds;
        fill.Restart();
        await FillAsync(events, streams, (stream, first, sequences) => marten.AppendAsync(stream, first, sequences, ct));
        log.WriteLine(FormattableString.Invariant($"daemon: filled in {oursFill:F1} s (store) and {fill.Elapsed.TotalSeconds:F1} s (Marten), untimed"));

        var oursCount = await database.ScalarAsync("SELECT count(*) FROM es_events", ct);
        var martenCount = await database.ScalarAsync($"SELECT count(*) FROM {MartenPeer.Schema}.mt_events", ct);
        if (oursCount != events || martenCount != events)
        {
            throw new BenchmarkFailedException($"after filling, the store holds {oursCount} events and Marten {martenCount}, not {events}");
        }

        await database.ExecuteAsync($"VACUUM (ANALYZE) es_events, es_streams, {MartenPeer.Schema}.mt_events, {MartenPeer.Schema}.mt_streams", ct);
        var martenHead = await database.ScalarAsync($"SELECT max(seq_id) FROM {MartenPeer.Schema}.mt_events", ct);

        log.WriteLine("daemon: warm-up, one pass of each side and kind, counting the commands each sends");
        var sides = new Side[]
        {
            new("runner, catch-up", () => CatchUpOursAsync(store, events, ct)),
            new("daemon, catch-up", () => CatchUpMartenAsync(marten, martenHead, ct)),
            new("runner, rebuild", () => RebuildOursAsync(store, events, ct)),
            new("daemon, rebuild", () => RebuildMartenAsync(marten, ct)),
        };
        using (var sent = new SentCommands())
        {
            for (var i = 0; i < sides.Length; i++)
            {
                _sent = sent;
                await sides[i].Run();
                _sent = null;
                log.WriteLine($"daemon: {sides[i].Name}: commands sent from start to head: {sent.TakeSummary()}");
                if (i % 2 == 1)
                {
                    // from here on each table holds the final rows; every later run must leave its own equal to the other's
                    await CompareAsync(streams, events, ct);
                }
            }
        }

        for (var round = 1; round <= options.Rounds; round++)
        {
            // each kind as a pair, ours first in odd rounds and Marten's first in even ones
            foreach (var pair in new[] { (sides[0], sides[1]), (sides[2], sides[3]) })
            {
                var (first, second) = round % 2 == 1 ? pair : (pair.Item2, pair.Item1);
                await MeasureAsync(first);
                await CompareAsync(streams, events, ct);
                await MeasureAsync(second);
                await CompareAsync(streams, events, ct);
            }

            log.WriteLine($"daemon: round {round}/{options.Rounds}: " +
                          string.Join(", ", sides.Select(s => FormattableString.Invariant($"{s.Name} {events / s.Seconds[^1]:N0} events/s ({s.Seconds[^1]:F2} s)"))) +
                          "; rows equal after every run");
        }

        Summary = "daemon: allocated per event (whole process, median of the measured runs): " +
                  string.Join(", ", sides.Select(s => FormattableString.Invariant($"{s.Name} {ScenarioResult.Median(s.Allocated) / events:N0} B"))) +
                  FormattableString.Invariant($"; page size: runner {new ProjectionRunnerOptions().BatchSize}, Marten {marten.BatchSize}; ") +
                  FormattableString.Invariant($"{events:N0} events in {streams:N0} streams; both read tables held the same rows after every run.");
        return
        [
            new ScenarioResult(ScenarioFamily.Daemon, "runner vs daemon, catch-up", 1, events, sides[0].Seconds, sides[1].Seconds),
            new ScenarioResult(ScenarioFamily.Daemon, "runner vs daemon, rebuild", 1, events, sides[2].Seconds, sides[3].Seconds),
        ];

        async Task MeasureAsync(Side side)
        {
            var (seconds, allocated) = await side.Run();
            side.Seconds.Add(seconds);
            side.Allocated.Add(allocated);
        }
    }

    /// <summary>One side of one kind: how to run it (returns its timed window) and what its runs measured.</summary>
    private sealed record Side(string Name, Func<Task<Measured>> Run)
    {
        public List<double> Seconds { get; } = [];

        public List<double> Allocated { get; } = [];
    }

    /// <summary>Writers take streams in turn; each appends EventsPerAppend events to each of its streams in turn, so streams interleave.</summary>
    private static Task FillAsync(int events, int streams, Func<string, bool, long[], Task> append) =>
        Task.WhenAll(Enumerable.Range(0, FillWriters).Select(w => Task.Run(async () =>
        {
            var mine = Enumerable.Range(0, streams).Where(s => s % FillWriters == w).ToArray();
            var written = new int[mine.Length];
            for (var done = false; !done;)
            {
                done = true;
                for (var i = 0; i < mine.Length; i++)
                {
                    var size = StreamSize(mine[i], events, streams);
                    if (written[i] >= size)
                    {
                        continue;
                    }

                    done = false;
                    var count = Math.Min(EventsPerAppend, size - written[i]);
                    var sequences = Enumerable.Range(written[i], count).Select(j => (long)mine[i] * EventsPerStream + j).ToArray();
                    await append(StreamKey(mine[i]), written[i] == 0, sequences);
                    written[i] += count;
                }
            }
        })));

    /// <summary>The stream's share of the events: all streams get events / streams, the first ones one more for the remainder.</summary>
    private static int StreamSize(int stream, int events, int streams) => events / streams + (stream < events % streams ? 1 : 0);

    private static string StreamKey(int stream) => $"daemon-{stream.ToString(CultureInfo.InvariantCulture)}";

    private static async Task AppendOursAsync(PostgresEventStore store, string stream, bool first, long[] sequences, CancellationToken ct)
    {
        var expected = first ? ExpectedVersion.NoStream : ExpectedVersion.Any;
        await store.AppendAsync(stream, OutcomeRecorded.StreamType, OutcomeRecorded.ForbundId, expected,
            sequences.Select(OutcomeRecorded.ToAppend).ToArray(), ct);
    }

    /// <summary>The timed window of a run: its seconds and the bytes the process allocated meanwhile.</summary>
    private readonly record struct Measured(double Seconds, long Allocated);

    /// <summary>Opens the timed window (and the command count of the warm-up pass, when it runs).</summary>
    private Window StartWindow()
    {
        _sent?.Begin();
        return new Window(Stopwatch.StartNew(), GC.GetTotalAllocatedBytes(), _sent);
    }

    private sealed record Window(Stopwatch Clock, long AllocatedAtStart, SentCommands? Sent)
    {
        public Measured Stop()
        {
            var measured = new Measured(Clock.Elapsed.TotalSeconds, GC.GetTotalAllocatedBytes() - AllocatedAtStart);
            Sent?.End();
            return measured;
        }
    }

    /// <summary>A new projection name per run, so it starts from an empty checkpoint, over an emptied table; the service's runner options.</summary>
    private async Task<Measured> CatchUpOursAsync(PostgresEventStore store, int events, CancellationToken ct)
    {
        await database.ExecuteAsync($"TRUNCATE {OursTable}", ct);
        await database.ExecuteAsync($"VACUUM (ANALYZE) {OursTable}, es_projection_checkpoints", ct);
        return await RunOursAsync(store, $"bench_daemon_{++_runs}", events, ct);
    }

    /// <summary>
    /// The service's rebuild: the flag set on the checkpoint of a projection that has run before, over the rows it
    /// wrote; the runner resets (truncates) and replays from the start of the log.
    /// </summary>
    private async Task<Measured> RebuildOursAsync(PostgresEventStore store, int events, CancellationToken ct)
    {
        const string name = "bench_daemon_rebuild";
        await database.ExecuteAsync(
            $"INSERT INTO es_projection_checkpoints (projection, rebuild_requested) VALUES ('{name}', true) ON CONFLICT (projection) DO UPDATE SET rebuild_requested = true", ct);
        await database.ExecuteAsync($"VACUUM (ANALYZE) {OursTable}, es_projection_checkpoints", ct);
        return await RunOursAsync(store, name, events, ct);
    }

    /// <summary>From the runner's start until it has committed every event of the log.</summary>
    private async Task<Measured> RunOursAsync(PostgresEventStore store, string name, int events, CancellationToken ct)
    {
        await using var runner = new ProjectionRunner(store, new RunnerUpsertProjection(name), new ProjectionRunnerOptions());
        var window = StartWindow();
        runner.Start();
        await WaitAsync("the projection runner", window.Clock, () => runner.EventsApplied, events,
            () => runner.State is ProjectionRunnerState.Retrying or ProjectionRunnerState.Dead ? $"{runner.State}: {runner.LastError}" : null, ct);
        var measured = window.Stop();
        await runner.StopAsync();
        return measured;
    }

    /// <summary>A new daemon over an emptied table and a deleted progression row, so it starts from nothing; from StartAllAsync until its shard is at the head.</summary>
    private async Task<Measured> CatchUpMartenAsync(MartenDaemonPeer marten, long head, CancellationToken ct)
    {
        await database.ExecuteAsync($"TRUNCATE {MartenTable}", ct);
        await database.ExecuteAsync($"DELETE FROM {MartenPeer.Schema}.mt_event_progression WHERE name = '{MartenDaemonPeer.ShardName}'", ct);
        await database.ExecuteAsync($"VACUUM (ANALYZE) {MartenTable}, {MartenPeer.Schema}.mt_event_progression", ct);
        using var daemon = await marten.BuildDaemonAsync();
        var window = StartWindow();
        await daemon.StartAllAsync();
        await WaitAsync("Marten's daemon", window.Clock,
            () => daemon.Tracker.TryGetCurrentState(MartenDaemonPeer.ShardName, out var state) ? state.Sequence : 0, head,
            () => daemon.HasAnyPaused() ? "a shard is paused" : null, ct);
        var measured = window.Stop();
        await daemon.StopAllAsync();
        return measured;
    }

    /// <summary>Marten's rebuild of the projection over the rows it wrote: teardown (the table is emptied) and replay to the high-water mark.</summary>
    private async Task<Measured> RebuildMartenAsync(MartenDaemonPeer marten, CancellationToken ct)
    {
        await database.ExecuteAsync($"VACUUM (ANALYZE) {MartenTable}, {MartenPeer.Schema}.mt_event_progression", ct);
        using var daemon = await marten.BuildDaemonAsync();
        var window = StartWindow();
        await daemon.RebuildProjectionAsync(MartenDaemonPeer.ProjectionName, TimeSpan.FromMinutes(10), ct);
        return window.Stop();
    }

    /// <summary>Polls a side's progress every millisecond until it reaches the target; fails when it reports a failure or stalls.</summary>
    private static async Task WaitAsync(string side, Stopwatch clock, Func<long> progress, long target, Func<string?> failure, CancellationToken ct)
    {
        var last = 0L;
        var lastProgress = TimeSpan.Zero;
        while (progress() is var now && now < target)
        {
            if (failure() is { } reason)
            {
                throw new BenchmarkFailedException(FormattableString.Invariant($"{side} failed at {now:N0} of {target:N0}: {reason}"));
            }

            if (now != last)
            {
                (last, lastProgress) = (now, clock.Elapsed);
            }
            else if (clock.Elapsed - lastProgress > StallLimit)
            {
                throw new BenchmarkFailedException(FormattableString.Invariant($"{side} made no progress for {StallLimit.TotalSeconds:F0} s at {now:N0} of {target:N0}"));
            }

            await Task.Delay(1, ct);
        }
    }

    /// <summary>Both read tables hold the same rows (EXCEPT ALL both ways), one per stream, and count every event.</summary>
    private async Task CompareAsync(int streams, int events, CancellationToken ct)
    {
        var differences = await database.ScalarAsync($"""
            SELECT (SELECT count(*) FROM (SELECT * FROM {OursTable} EXCEPT ALL SELECT * FROM {MartenTable}) AS a)
                 + (SELECT count(*) FROM (SELECT * FROM {MartenTable} EXCEPT ALL SELECT * FROM {OursTable}) AS b)
            """, ct);
        var rows = await database.ScalarAsync($"SELECT count(*) FROM {OursTable}", ct);
        var counted = await database.ScalarAsync($"SELECT coalesce(sum(events), 0) FROM {OursTable}", ct);
        if (differences != 0 || rows != streams || counted != events)
        {
            throw new BenchmarkFailedException(FormattableString.Invariant(
                $"the read tables differ in {differences} rows; ours has {rows} rows for {streams} streams and counts {counted} of {events} events"));
        }
    }

    /// <summary>
    /// Npgsql's tracing activities (one per command or batch it sends) while a pass runs, by name: what each side sends
    /// to the server besides the upserts. Only around the warm-up pass, so the listener costs the measured runs nothing.
    /// </summary>
    private sealed class SentCommands : IDisposable
    {
        private readonly ActivityListener _listener;
        private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _byName = new();

        public SentCommands()
        {
            _listener = new ActivityListener
            {
                ShouldListenTo = source => source.Name == "Npgsql",
                Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
                ActivityStopped = activity =>
                {
                    if (Volatile.Read(ref _counting))
                    {
                        _byName.AddOrUpdate(Describe(activity), 1, (_, n) => n + 1);
                    }
                },
            };
            ActivitySource.AddActivityListener(_listener);
        }

        private bool _counting;

        /// <summary>Counts from now on (from the moment the side is started)...</summary>
        public void Begin() => Volatile.Write(ref _counting, true);

        /// <summary>...until the side has reached its head, before it is stopped.</summary>
        public void End() => Volatile.Write(ref _counting, false);

        /// <summary>The statement's first words: enough to tell a feed read from a checkpoint update or a batch of upserts.</summary>
        private static string Describe(Activity activity)
        {
            var text = (activity.GetTagItem("db.query.text") ?? activity.GetTagItem("db.statement")) as string ?? activity.DisplayName;
            var words = text.Split((char[]?)null, 4, StringSplitOptions.RemoveEmptyEntries).Take(3);
            return string.Join(' ', words).TrimEnd(',');
        }

        /// <summary>The counts since the last call, the most frequent first, and starts counting afresh.</summary>
        public string TakeSummary()
        {
            var counts = _byName.ToArray();
            _byName.Clear();
            return $"{counts.Sum(c => c.Value)} in all (" +
                   string.Join(" | ", counts.OrderByDescending(c => c.Value).Take(6).Select(c => FormattableString.Invariant($"{c.Value}× {c.Key}"))) + ")";
        }

        public void Dispose() => _listener.Dispose();
    }

    /// <summary>Our side: the upsert per event, sent as one batch of statements in the runner's transaction.</summary>
    private sealed class RunnerUpsertProjection(string name) : IProjection
    {
        private static readonly string Sql = UpsertSql(OursTable, n => $"${n.ToString(CultureInfo.InvariantCulture)}");

        public string Name => name;

        public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
        {
            await using var batch = new NpgsqlBatch(context.Connection, context.Transaction);
            foreach (var e in events)
            {
                var data = (OutcomeRecorded)e.Data;
                var command = new NpgsqlBatchCommand(Sql);
                command.Parameters.Add(new NpgsqlParameter { Value = e.StreamId });
                command.Parameters.Add(new NpgsqlParameter { Value = e.Version });
                command.Parameters.Add(new NpgsqlParameter { Value = data.Week });
                command.Parameters.Add(new NpgsqlParameter { Value = data.Amount });
                batch.BatchCommands.Add(command);
            }

            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
        {
            await using var cmd = context.Command($"TRUNCATE {OursTable}");
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

/// <summary>Marten with the harness's event store settings (<see cref="MartenPeer.Configure"/>) and the upsert registered as an async projection.</summary>
internal sealed class MartenDaemonPeer : IAsyncDisposable
{
    public const string ProjectionName = "DaemonUpsert";

    public const string ShardName = ProjectionName + ":All";

    private readonly DocumentStore _store;

    public MartenDaemonPeer(NpgsqlDataSource dataSource)
    {
        var batchSize = 0;
        _store = DocumentStore.For(options =>
        {
            MartenPeer.Configure(options, dataSource);
            // the harness builds and drives the daemon itself (BuildProjectionDaemonAsync); no hosted coordinator
            options.Projections.AsyncMode = DaemonMode.ExternallyManaged;
            options.Projections.Add(new DaemonUpsertProjection(), ProjectionLifecycle.Async, ProjectionName, async =>
            {
                // a rebuild empties the table first, as our runner's reset does
                async.DeleteDataInTableOnTeardown($"public.{DaemonBenchmark.MartenTable}");
                batchSize = async.BatchSize;
            });
        });
        BatchSize = batchSize;
    }

    /// <summary>Marten's default page size for the projection, as its async options report it.</summary>
    public int BatchSize { get; }

    public Task PrepareAsync(CancellationToken ct) => _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

    /// <summary>One session and SaveChanges: a new stream with these events, or them appended to it.</summary>
    public async Task AppendAsync(string stream, bool first, long[] sequences, CancellationToken ct)
    {
        await using var session = _store.LightweightSession();
        var data = sequences.Select(s => (object)OutcomeRecorded.Create(s)).ToArray();
        if (first)
        {
            session.Events.StartStream(stream, data);
        }
        else
        {
            session.Events.Append(stream, data);
        }

        await session.SaveChangesAsync(ct);
    }

    public ValueTask<IProjectionDaemon> BuildDaemonAsync() => _store.BuildProjectionDaemonAsync();

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    /// <summary>Marten's side: the same upsert per event, queued on the daemon's session for its page.</summary>
    private sealed class DaemonUpsertProjection : Marten.Events.Projections.IProjection
    {
        private static readonly string Sql = DaemonBenchmark.UpsertSql(DaemonBenchmark.MartenTable, _ => "?");

        public Task ApplyAsync(IDocumentOperations operations, IReadOnlyList<IEvent> events, CancellationToken cancellation)
        {
            foreach (var e in events)
            {
                var data = (OutcomeRecorded)e.Data;
                operations.QueueSqlCommand(Sql, e.StreamKey!, e.Version, data.Week, data.Amount);
            }

            return Task.CompletedTask;
        }
    }
}
