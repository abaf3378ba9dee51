using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FinsamOutcomes.EventStore;

/// <summary>
/// Watches a <see cref="LocalPostgres"/> and starts it again, on the same port and data folder, when its
/// postmaster has died (killed, crashed, out of memory). Looks at the postmaster process every
/// <see cref="CheckInterval"/>; on a death it drops pooled connections (they point at the dead server),
/// starts the server (PostgreSQL's crash recovery replays the WAL), and drops them again. While the server
/// is down or starting, <see cref="IsRecovering"/> is true, for the readiness check.
/// </summary>
public sealed class LocalPostgresWatchdog(LocalPostgres server, Action clearPools, ILogger? logger = null, TimeSpan? checkInterval = null) : BackgroundService
{
    private readonly ILogger _logger = logger ?? NullLogger.Instance;
    private volatile bool _recovering;

    public TimeSpan CheckInterval { get; } = checkInterval ?? TimeSpan.FromSeconds(1);

    /// <summary>How long one recovery may keep trying to start the server before it is logged as failed and tried again.</summary>
    public TimeSpan StartTimeout { get; init; } = TimeSpan.FromMinutes(2);

    public LocalPostgres Server => server;

    /// <summary>True while the server is known to be down or is being started again.</summary>
    public bool IsRecovering => _recovering || (!server.IsStopped && !server.IsRunning());

    /// <summary>When the last death was noticed, if ever.</summary>
    public DateTimeOffset? LastCrashAt { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(CheckInterval);
        while (await WaitAsync(timer, stoppingToken))
        {
            if (server.IsStopped)
            {
                return;
            }

            if (server.IsRunning())
            {
                continue;
            }

            _recovering = true;
            LastCrashAt = DateTimeOffset.UtcNow;
            _logger.LogError("Local PostgreSQL (port {Port}) has died; starting it again", server.Port);
            try
            {
                clearPools();
                if (await server.EnsureRunningAsync(StartTimeout, stoppingToken))
                {
                    clearPools();
                    _logger.LogWarning("Local PostgreSQL is running again after {Seconds:0.0} s", (DateTimeOffset.UtcNow - LastCrashAt.Value).TotalSeconds);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                // keep watching: the next round tries again
                _logger.LogError("Starting local PostgreSQL again failed ({Error}); trying again", ex.Message);
            }
            finally
            {
                _recovering = false;
            }
        }
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken ct)
    {
        try
        {
            return await timer.WaitForNextTickAsync(ct);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
