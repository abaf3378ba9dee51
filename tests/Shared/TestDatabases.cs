using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Testing;

/// <summary>
/// One throwaway PostgreSQL cluster per test run (started from the installed binaries), or the server
/// named by FINSAM_TEST_CONNECTION. Every test class asks for its own database with a random name.
/// Databases are left behind after the run so a failure leaves data to look at; the throwaway
/// cluster itself is removed when the test process exits.
/// </summary>
public static class TestDatabases
{
    public const string ConnectionVariable = "FINSAM_TEST_CONNECTION";

    private const string FolderPrefix = "finsam-test-pg-";

    private static readonly Lazy<Task<string>> AdminConnection = new(StartAsync);
    private static LocalPostgres? _server;

    public static async Task<string> CreateAsync(string prefix)
    {
        var admin = await AdminConnection.Value;
        var name = $"{prefix.ToLowerInvariant()}_{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 33)];
        await using (var connection = new NpgsqlConnection(admin))
        {
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await cmd.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    private static async Task<string> StartAsync()
    {
        if (Environment.GetEnvironmentVariable(ConnectionVariable) is { Length: > 0 } given)
        {
            return given;
        }

        RemoveStaleClusters();
        var folder = Path.Combine(Path.GetTempPath(), $"{FolderPrefix}{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        // a throwaway cluster: fast, not durable (the crash test starts its own durable server)
        _server = await LocalPostgres.StartAsync(folder, new LocalPostgresOptions { Durable = false });
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            _server.StopAsync().GetAwaiter().GetResult();
            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        };
        return _server.ConnectionString();
    }

    /// <summary>
    /// Throwaway clusters of earlier runs whose server is gone (a test host may be ended before its exit
    /// handler has deleted a gigabyte of data). Folders younger than ten minutes are left alone: another
    /// test process may be creating its cluster right now.
    /// </summary>
    private static void RemoveStaleClusters()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            if (DateTime.UtcNow - Directory.GetLastWriteTimeUtc(folder) < TimeSpan.FromMinutes(10) || ServerRunsIn(folder))
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }
        }
    }

    private static bool ServerRunsIn(string folder)
    {
        var pidFile = Path.Combine(folder, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return false;
        }

        try
        {
            var pid = int.Parse(File.ReadLines(pidFile).First(), System.Globalization.CultureInfo.InvariantCulture);
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or FormatException or InvalidOperationException or IOException)
        {
            return false;
        }
    }
}
