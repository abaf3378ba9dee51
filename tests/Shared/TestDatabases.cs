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

        var folder = Path.Combine(Path.GetTempPath(), $"finsam-test-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..48]);
        _server = await LocalPostgres.StartAsync(folder);
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
}
