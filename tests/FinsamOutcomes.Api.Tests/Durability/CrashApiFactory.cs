using System.Diagnostics;
using FinsamOutcomes.Api.Tests.Infrastructure;
using FinsamOutcomes.EventStore;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FinsamOutcomes.Api.Tests.Durability;

/// <summary>
/// The service with no connection string, so it starts its own local PostgreSQL exactly as
/// <c>dotnet run</c> does (durable settings, data checksums) in a temp folder of its own, apart from
/// the shared fast test cluster, so a test may kill that server. The host stops the server; the folder
/// is removed afterwards (its name lets TestDatabases sweep it up if a run was ended early).
/// </summary>
public sealed class CrashApiFactory : ApiFactory
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), $"finsam-test-pg-crash-{Guid.NewGuid():N}");

    public override Task InitializeAsync()
    {
        ConnectionString = "";
        return Task.CompletedTask;
    }

    protected override void ConfigureSettings(IWebHostBuilder builder) =>
        builder.UseSetting("LocalPostgres:DataDirectory", DataDirectory);

    public override async Task DisposeAsync()
    {
        LocalPostgres? server = null;
        try
        {
            server = Services.GetService<LocalPostgres>();
            await base.DisposeAsync();
        }
        finally
        {
            // the host's stop may still be under way when the factory's dispose returns: wait for it
            if (server is not null)
            {
                await server.StopAsync();
            }

            EndLeftoverServer();
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>A server this factory's host started but did not stop (the host failed to build or start): SIGKILL, as a crash would.</summary>
    private void EndLeftoverServer()
    {
        if (LocalPostgres.PostmasterPid(DataDirectory) is not { } pid)
        {
            return;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            if (!process.HasExited && process.ProcessName == "postgres")
            {
                process.Kill();
                process.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
        {
            // already gone
        }
    }
}
