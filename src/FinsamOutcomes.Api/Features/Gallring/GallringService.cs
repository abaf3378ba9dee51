using Microsoft.Extensions.Options;

namespace FinsamOutcomes.Api.Features.Gallring;

/// <summary>Configuration section "Gallring".</summary>
public sealed class GallringOptions
{
    public const string SectionName = "Gallring";

    /// <summary>Whether the service runs gallring at all (default true).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Time between the starts of two runs (default one hour). The first run is at start-up.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromHours(1);
}

/// <summary>
/// Runs <see cref="GallringJob"/> at start-up and then every <see cref="GallringOptions.Interval"/>, measured on the
/// injected <see cref="TimeProvider"/> (so a fake clock in the tests drives it). A failed run is logged by error type and
/// retried at the next interval.
/// </summary>
public sealed class GallringService(GallringJob job, IOptions<GallringOptions> options, TimeProvider time, ILogger<GallringService> logger) : BackgroundService
{
    private long _completedRuns;

    /// <summary>Runs finished (also failed or skipped ones) since start.</summary>
    public long CompletedRuns => Interlocked.Read(ref _completedRuns);

    /// <summary>The last run that finished without an error.</summary>
    public GallringRun? LastRun { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.Interval;
        if (!options.Value.Enabled || interval <= TimeSpan.Zero)
        {
            logger.LogInformation("Gallring is switched off");
            return;
        }

        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var started = time.GetUtcNow();
                try
                {
                    LastRun = await job.RunAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // the type only: a database error's text may quote data
                    logger.LogError("Gallring run failed: {Error}", ex.GetType().Name);
                }

                Interlocked.Increment(ref _completedRuns);
                // measured from the run's start; a clock that moved past the next start runs again at once
                var wait = started + interval - time.GetUtcNow();
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
