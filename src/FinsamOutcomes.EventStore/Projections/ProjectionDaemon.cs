using Microsoft.Extensions.Hosting;

namespace FinsamOutcomes.EventStore.Projections;

/// <summary>Starts every projection runner with the host and stops them with it.</summary>
public sealed class ProjectionDaemon(IEnumerable<ProjectionRunner> runners) : IHostedService
{
    private readonly ProjectionRunner[] _runners = runners.ToArray();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var runner in _runners)
        {
            runner.Start();
        }

        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_runners.Select(r => r.StopAsync()));
    }
}
