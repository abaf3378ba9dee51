using System.Globalization;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace FinsamOutcomes.EventStore.Projections;

/// <summary>
/// Follows the ordered feed for one projection. The read-model writes and the checkpoint commit in
/// one transaction, so a crash never applies an event twice. One runner per projection is active
/// across processes (session advisory lock); others wait on standby. A failing batch is replayed one
/// event at a time; an event that keeps failing is parked with its error and the rest flows on.
/// While it is behind (the last batch was full) it reads the next batch on a second connection while it
/// applies the current one, and uses it only if the checkpoint is then exactly where that read began.
/// </summary>
public sealed class ProjectionRunner : IAsyncDisposable
{
    private const int LockNamespace = 0x4653; // "FS"

    private readonly PostgresEventStore _store;
    private readonly IProjection _projection;
    private readonly ProjectionRunnerOptions _options;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private CancellationTokenSource? _cts;
    private Task? _loop;
    private readonly Lock _stopGate = new();
    private Task? _stopping;

    public ProjectionRunner(PostgresEventStore store, IProjection projection, ProjectionRunnerOptions? options = null, ILogger? logger = null, TimeProvider? time = null)
    {
        _store = store;
        _projection = projection;
        _options = options ?? new ProjectionRunnerOptions();
        _logger = logger ?? NullLogger.Instance;
        _time = time ?? TimeProvider.System;
    }

    public string Name => _projection.Name;

    public ProjectionRunnerOptions Options => _options;

    public ProjectionRunnerState State { get; private set; } = ProjectionRunnerState.Starting;

    public string? LastError { get; private set; }

    public DateTimeOffset? LastProgressAt { get; private set; }

    /// <summary>When the current run of failures began; null once the runner makes progress again.</summary>
    public DateTimeOffset? FailingSince { get; private set; }

    public DateTimeOffset LastLoopAt { get; private set; }

    /// <summary>Events applied by this runner since it started (a process-local diagnostic, not a statistic).</summary>
    public long EventsApplied => Interlocked.Read(ref _eventsApplied);

    private long _eventsApplied;

    /// <summary>Batches this runner read ahead on a second connection and applied (a process-local diagnostic).</summary>
    public long BatchesPrefetched => Interlocked.Read(ref _batchesPrefetched);

    /// <summary>Batches read ahead and not used: the checkpoint moved elsewhere (a reset, a parked event) or the read failed.</summary>
    public long PrefetchesDiscarded => Interlocked.Read(ref _prefetchesDiscarded);

    private long _batchesPrefetched;
    private long _prefetchesDiscarded;

    /// <summary>True while the loop task is alive, or it was stopped on purpose.</summary>
    public bool IsAlive => _loop is { IsCompleted: false } || State == ProjectionRunnerState.Stopped;

    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException($"Runner for '{Name}' is already started.");
        }

        _cts = new CancellationTokenSource();
        LastLoopAt = _time.GetUtcNow();
        _loop = Task.Run(() => RunAsync(_cts.Token));
    }

    /// <summary>
    /// Stops the loop once: every call, concurrent or later, awaits the same stop (nothing to do before a start). A host
    /// shut down from outside stops its hosted services from two places (WebApplicationFactory's StopAsync and the
    /// application's own RunAsync), and the application disposes its container, the runner with it, as soon as its own
    /// stop is done; the other stop, coming after that, cancelled a disposed token source (ObjectDisposedException: the
    /// host's shutdown failed, and with it a test class's cleanup).
    /// </summary>
    public Task StopAsync()
    {
        lock (_stopGate)
        {
            return _loop is null ? Task.CompletedTask : _stopping ??= StopOnceAsync();
        }
    }

    /// <summary>Cancels the loop and waits for it (called once, after <see cref="Start"/>, which set both).</summary>
    private async Task StopOnceAsync()
    {
        await _cts!.CancelAsync();
        try
        {
            await _loop!;
        }
        catch (OperationCanceledException)
        {
        }

        State = ProjectionRunnerState.Stopped;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _cts?.Dispose();
    }

    private async Task RunAsync(CancellationToken ct)
    {
        try
        {
            while (!ct.IsCancellationRequested)
            {
                try
                {
                    await RunConnectedAsync(ct);
                }
                catch (OperationCanceledException) when (ct.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception ex)
                {
                    State = ProjectionRunnerState.Retrying;
                    LastError = Describe(ex);
                    FailingSince ??= _time.GetUtcNow();
                    _logger.LogWarning("Projection {Projection} failed ({Error}); retrying after {Backoff}", Name, ex.GetType().Name, _options.ErrorBackoff);
                    try
                    {
                        await Task.Delay(_options.ErrorBackoff, _time, ct);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }
            }

            State = ProjectionRunnerState.Stopped;
        }
        catch (Exception ex)
        {
            State = ProjectionRunnerState.Dead;
            LastError = Describe(ex);
            _logger.LogError("Projection runner {Projection} died: {Error}", Name, ex.GetType().Name);
            throw;
        }
    }

    private async Task RunConnectedAsync(CancellationToken ct)
    {
        await using var connection = await _store.DataSource.OpenConnectionAsync(ct);
        LastLoopAt = _time.GetUtcNow();
        if (!await TryLockAsync(connection, ct))
        {
            State = ProjectionRunnerState.Standby;
            await Task.Delay(_options.StandbyRetry, _time, ct);
            return;
        }

        try
        {
            State = ProjectionRunnerState.Active;
            await ExecuteAsync(connection, $"LISTEN {PostgresEventStore.NotifyChannel}", ct);
            await using (var ensure = new NpgsqlCommand("INSERT INTO es_projection_checkpoints (projection) VALUES ($1) ON CONFLICT DO NOTHING", connection))
            {
                ensure.Parameters.Add(new NpgsqlParameter { Value = Name });
                await ensure.ExecuteNonQueryAsync(ct);
            }

            var lastHeartbeat = DateTimeOffset.MinValue;
            var behind = false;
            // the projection is told once it reaches the head after this connection began or a reset (IProjection.CaughtUpAsync)
            var caughtUpPending = true;
            Prefetch? prefetch = null;
            try
            {
                while (!ct.IsCancellationRequested)
                {
                    LastLoopAt = _time.GetUtcNow();
                    var (cursor, rebuild) = await ReadCheckpointAsync(connection, ct);
                    if (rebuild)
                    {
                        await DiscardAsync(prefetch);
                        prefetch = null;
                        await ResetAsync(connection, ct);
                        behind = true;
                        caughtUpPending = true;
                        continue;
                    }

                    var size = behind ? Math.Max(_options.BatchSize, _options.CatchUpBatchSize) : _options.BatchSize;
                    var batch = await TakeAsync(prefetch, cursor, size);
                    prefetch = null;
                    batch ??= await _store.ReadFeedAsync(connection, null, cursor, size, ct);
                    behind = batch.Count == size;
                    if (batch.Count == 0)
                    {
                        if (caughtUpPending)
                        {
                            await CaughtUpAsync(connection, ct);
                            caughtUpPending = false;
                        }

                        // caught up: a run of failures (a lost connection, a restarted server) is over
                        State = ProjectionRunnerState.Active;
                        LastError = null;
                        FailingSince = null;
                        if (_time.GetUtcNow() - lastHeartbeat >= _options.HeartbeatInterval)
                        {
                            await HeartbeatAsync(connection, ct);
                            lastHeartbeat = _time.GetUtcNow();
                        }

                        await connection.WaitAsync(_options.PollInterval, ct);
                        continue;
                    }

                    if (behind)
                    {
                        // far behind (a rebuild, a restart after an outage): the next batch is read on a second
                        // connection while this one is applied and committed, so the feed read and its
                        // deserialisation overlap the projection's writes instead of alternating with them
                        prefetch = StartPrefetch(batch[^1].Cursor, Math.Max(_options.BatchSize, _options.CatchUpBatchSize), ct);
                    }

                    await ProcessBatchAsync(connection, batch, ct);
                    if (!behind && caughtUpPending)
                    {
                        await CaughtUpAsync(connection, ct);
                        caughtUpPending = false;
                    }

                    State = ProjectionRunnerState.Active;
                    LastError = null;
                    FailingSince = null;
                    LastProgressAt = _time.GetUtcNow();
                    lastHeartbeat = LastProgressAt.Value;
                }
            }
            finally
            {
                await DiscardAsync(prefetch);
            }
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                try
                {
                    await ExecuteAsync(connection, "UNLISTEN *; SELECT pg_advisory_unlock_all()", CancellationToken.None);
                }
                catch (NpgsqlException)
                {
                    // the session ends with the connection, and its lock with it
                }
            }
        }
    }

    /// <summary>The next batch, being read on a second connection: the events after <see cref="After"/>, at most <see cref="Size"/>.</summary>
    private sealed record Prefetch(FeedCursor After, int Size, Task<IReadOnlyList<RecordedEvent>> Events);

    /// <summary>
    /// Reads a batch ahead on a connection of its own from the store's data source. The feed read is safe on any
    /// connection: it returns only events of transactions older than every one still running (the runner's own
    /// open transaction among them, which can only make the batch shorter), so what it returns is the same prefix
    /// of the feed the runner's connection would read. It takes no lock and writes nothing.
    /// </summary>
    private Prefetch StartPrefetch(FeedCursor after, int size, CancellationToken ct) =>
        new(after, size, Task.Run(async () =>
        {
            await using var ahead = await _store.DataSource.OpenConnectionAsync(ct);
            return await _store.ReadFeedAsync(ahead, null, after, size, ct);
        }, ct));

    /// <summary>
    /// The prefetched batch, if it is the one the runner would read now: read after exactly the checkpoint just read
    /// (so the batch before it committed whole; a parked event or a reset moves the checkpoint elsewhere) with the
    /// size the runner would ask for, and no rebuild requested (the caller checked). Null otherwise, or when the
    /// read ahead failed: the runner then reads on its own connection, as without a prefetch.
    /// </summary>
    private async Task<IReadOnlyList<RecordedEvent>?> TakeAsync(Prefetch? prefetch, FeedCursor cursor, int size)
    {
        if (prefetch is null)
        {
            return null;
        }

        if (prefetch.After != cursor || prefetch.Size != size)
        {
            await DiscardAsync(prefetch);
            return null;
        }

        try
        {
            var events = await prefetch.Events;
            Interlocked.Increment(ref _batchesPrefetched);
            return events;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _logger.LogDebug("Projection {Projection} read ahead failed ({Error}); reading on the runner's connection", Name, ex.GetType().Name);
            Interlocked.Increment(ref _prefetchesDiscarded);
            return null;
        }
    }

    /// <summary>Waits for a read ahead that will not be used, so its connection goes back to the pool, and drops its events and any failure.</summary>
    private async Task DiscardAsync(Prefetch? prefetch)
    {
        if (prefetch is null)
        {
            return;
        }

        Interlocked.Increment(ref _prefetchesDiscarded);
        try
        {
            await prefetch.Events;
        }
        catch (Exception)
        {
            // its events are not used, and neither is its failure (a cancelled or broken read ahead)
        }
    }

    private async Task ProcessBatchAsync(NpgsqlConnection connection, IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
    {
        try
        {
            await using var tx = await connection.BeginTransactionAsync(ct);
            var context = new ProjectionContext(connection, tx);
            await _projection.ApplyAsync(context, batch, ct);
            await SaveCheckpointAsync(context, batch[^1].Cursor, ct);
            await tx.CommitAsync(ct);
            Interlocked.Add(ref _eventsApplied, batch.Count);
            return;
        }
        catch (Exception ex) when (!ct.IsCancellationRequested && connection.State == System.Data.ConnectionState.Open && ex is not OperationCanceledException)
        {
            _logger.LogWarning("Projection {Projection} batch failed ({Error}); isolating the failing event", Name, ex.GetType().Name);
        }

        await ProcessOneByOneAsync(connection, batch, ct);
    }

    /// <summary>
    /// After a batch failed: applies its events one at a time up to and including the first that keeps
    /// failing (parked), commits, and leaves the rest to the next, normally batched, round.
    /// </summary>
    private async Task ProcessOneByOneAsync(NpgsqlConnection connection, IReadOnlyList<RecordedEvent> batch, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        var context = new ProjectionContext(connection, tx);
        var applied = 0;
        var last = batch[^1];
        foreach (var e in batch)
        {
            var parked = false;
            for (var attempt = 1; ; attempt++)
            {
                await tx.SaveAsync("event", ct);
                try
                {
                    await _projection.ApplyAsync(context, [e], ct);
                    await tx.ReleaseAsync("event", ct);
                    applied++;
                    break;
                }
                catch (Exception ex) when (!ct.IsCancellationRequested && connection.State == System.Data.ConnectionState.Open && ex is not OperationCanceledException)
                {
                    await tx.RollbackAsync("event", ct);
                    if (attempt >= _options.MaxAttempts)
                    {
                        await ParkAsync(context, e, attempt, ex, ct);
                        parked = true;
                        break;
                    }

                    await Task.Delay(_options.RetryDelay * attempt, _time, ct);
                }
            }

            if (parked)
            {
                last = e;
                break;
            }
        }

        await SaveCheckpointAsync(context, last.Cursor, ct);
        await tx.CommitAsync(ct);
        Interlocked.Add(ref _eventsApplied, applied);
    }

    private async Task ParkAsync(ProjectionContext context, RecordedEvent e, int attempts, Exception ex, CancellationToken ct)
    {
        LastError = Describe(ex);
        _logger.LogError("Projection {Projection} parked event at position {Position} ({EventType}) after {Attempts} attempts: {Error}",
            Name, e.Position, e.EventType, attempts, ex.GetType().Name);
        await using var cmd = context.Command(
            """
            INSERT INTO es_dead_letters (projection, position, tx_id, event_id, event_type, attempts, error)
            VALUES ($1, $2, $3::text::xid8, $4, $5, $6, $7)
            ON CONFLICT (projection, event_id) DO UPDATE SET attempts = excluded.attempts, error = excluded.error, parked_at = now()
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Name });
        cmd.Parameters.Add(new NpgsqlParameter { Value = e.Position });
        cmd.Parameters.Add(new NpgsqlParameter { Value = e.TxId.ToString(CultureInfo.InvariantCulture) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = e.EventId });
        cmd.Parameters.Add(new NpgsqlParameter { Value = e.EventType });
        cmd.Parameters.Add(new NpgsqlParameter { Value = attempts });
        cmd.Parameters.Add(new NpgsqlParameter { Value = Describe(ex) });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task SaveCheckpointAsync(ProjectionContext context, FeedCursor cursor, CancellationToken ct)
    {
        await using var cmd = context.Command(
            "UPDATE es_projection_checkpoints SET tx_id = $2::text::xid8, position = $3, updated_at = now(), heartbeat_at = now() WHERE projection = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = Name });
        cmd.Parameters.Add(new NpgsqlParameter { Value = cursor.TxId.ToString(CultureInfo.InvariantCulture) });
        cmd.Parameters.Add(new NpgsqlParameter { Value = cursor.Position });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<(FeedCursor Cursor, bool Rebuild)> ReadCheckpointAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            "SELECT tx_id::text, position, rebuild_requested FROM es_projection_checkpoints WHERE projection = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Name });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new InvalidOperationException($"Checkpoint row for projection '{Name}' is missing.");
        }

        return (new FeedCursor(ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1)), reader.GetBoolean(2));
    }

    private async Task ResetAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        _logger.LogInformation("Projection {Projection} rebuilding from the start of the log", Name);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var context = new ProjectionContext(connection, tx);
        await _projection.ResetAsync(context, ct);
        await using (var cmd = context.Command(
            """
            WITH cleared AS (DELETE FROM es_dead_letters WHERE projection = $1)
            UPDATE es_projection_checkpoints SET tx_id = '0', position = 0, rebuild_requested = false, updated_at = now(), heartbeat_at = now()
            WHERE projection = $1
            """))
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = Name });
            await cmd.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
    }

    private async Task CaughtUpAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        await _projection.CaughtUpAsync(new ProjectionContext(connection, tx), ct);
        await tx.CommitAsync(ct);
    }

    private async Task HeartbeatAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("UPDATE es_projection_checkpoints SET heartbeat_at = now() WHERE projection = $1", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Name });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<bool> TryLockAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT pg_try_advisory_lock({LockNamespace}, hashtext($1))", connection);
        cmd.Parameters.Add(new NpgsqlParameter { Value = Name });
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static string Describe(Exception ex)
    {
        var text = $"{ex.GetType().Name}: {ex.Message}";
        return text.Length > 2000 ? text[..2000] : text;
    }
}
