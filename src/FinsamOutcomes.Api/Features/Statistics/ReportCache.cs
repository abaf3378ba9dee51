using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>
/// Reports already computed, kept by what they were computed from: the question (scope, period, "today", as of or not,
/// the äldstalista's length) and the log cursor the report read at (the statistics projection's checkpoint, or the
/// as-of event). A report is a function of the fact rows visible at its cursor, and those rows never change once the
/// projection has passed the cursor (a version visible at a cursor is ended only at a later one, and a rebuild makes the
/// same rows again: the rebuild-equality tests), so a kept report is the report the database would give again. A new
/// event that the projection applies moves the checkpoint, so the next report at the head is computed afresh; nothing
/// is invalidated by hand. Bounded by the reports' size (their JSON, a stand-in for their memory) and evicted least
/// recently used first; entries not read for ten minutes are dropped. ADR 0010, "Fifth step".
/// </summary>
public sealed class ReportCache : IDisposable
{
    private readonly MemoryCache? _cache;
    private long _hits;
    private long _misses;

    /// <param name="sizeLimitBytes">The most, in bytes of the reports' JSON, kept at once; 0 keeps nothing.</param>
    public ReportCache(long sizeLimitBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sizeLimitBytes);
        SizeLimitBytes = sizeLimitBytes;
        _cache = sizeLimitBytes == 0 ? null : new MemoryCache(new MemoryCacheOptions { SizeLimit = sizeLimitBytes, CompactionPercentage = 0.25 });
    }

    public long SizeLimitBytes { get; }

    /// <summary>Reports answered from the cache since start.</summary>
    public long Hits => Interlocked.Read(ref _hits);

    /// <summary>Reports computed (and kept when they fit) since start.</summary>
    public long Misses => Interlocked.Read(ref _misses);

    internal bool TryGet<T>(ReportKey key, out T value)
        where T : class
    {
        if (_cache is not null && _cache.TryGetValue(key, out var found) && found is T report)
        {
            Interlocked.Increment(ref _hits);
            value = report;
            return true;
        }

        Interlocked.Increment(ref _misses);
        value = null!;
        return false;
    }

    internal void Set<T>(ReportKey key, T value)
        where T : class
    {
        if (_cache is null)
        {
            return;
        }

        var size = JsonSerializer.SerializeToUtf8Bytes(value).LongLength;
        if (size > SizeLimitBytes / 4)
        {
            return; // one report may not push out most of the others
        }

        _cache.Set(key, value, new MemoryCacheEntryOptions { Size = size, SlidingExpiration = TimeSpan.FromMinutes(10) });
    }

    /// <summary>Forgets every kept report (the projection was reset in this process).</summary>
    public void Clear() => _cache?.Clear();

    public void Dispose() => _cache?.Dispose();
}

/// <summary>What a kept report was computed from (<see cref="ReportCache"/>).</summary>
internal sealed record ReportKey(
    string Report, StatisticsScope Scope, StatisticsPeriod Period, bool AsOf, DateOnly Today, int Limit, ulong TxId, long Position);
