using FinsamOutcomes.Api.Features.Gallring;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FinsamOutcomes.Api.Tests.Gallring;

/// <summary>The real service whose every clock is a <see cref="FakeTimeProvider"/>: "today" and the gallring job's schedule move only when a test moves them.</summary>
public sealed class GallringFactory : ApiFactory
{
    /// <summary>15 January 2026, noon UTC.</summary>
    public static readonly DateTimeOffset Start = new(2026, 1, 15, 12, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Clock { get; } = new(Start);

    public GallringService Gallring => Services.GetRequiredService<GallringService>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<TimeProvider>(Clock));
    }

    /// <summary>Waits (real time, bounded) until the scheduled job has finished a run after the first <paramref name="after"/> runs that <paramref name="matches"/>.</summary>
    public async Task<GallringRun> WaitForRunAsync(long after, Func<GallringRun, bool>? matches = null)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            if (Gallring.CompletedRuns > after && Gallring.LastRun is { } run && (matches?.Invoke(run) ?? true))
            {
                return run;
            }

            Assert.True(DateTime.UtcNow < deadline, $"the gallring job finished no expected run after run {after} (finished {Gallring.CompletedRuns})");
            await Task.Delay(20);
        }
    }

    /// <summary>Moves the fake clock to noon of a day and waits for the run that the schedule then starts.</summary>
    public Task<GallringRun> RunScheduledOnAsync(DateOnly day) =>
        RunScheduledAtAsync(new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero));

    /// <summary>Moves the fake clock forward to a time and waits for the run that the schedule then starts.</summary>
    public async Task<GallringRun> RunScheduledAtAsync(DateTimeOffset at)
    {
        var runs = await WaitUntilStartedAsync();
        Clock.SetUtcNow(at);
        var run = await WaitForRunAsync(runs, r => r.StartedAt >= at);
        Assert.True(run.Ran);
        return run;
    }

    /// <summary>Waits for the start-up run, after which the job waits on the clock; returns the number of finished runs.</summary>
    public async Task<long> WaitUntilStartedAsync()
    {
        await WaitForRunAsync(0);
        return Gallring.CompletedRuns;
    }
}
