using FinsamOutcomes.EventStore;
using Npgsql;
using Testcontainers.PostgreSql;

namespace FinsamOutcomes.Testing;

/// <summary>
/// One throwaway PostgreSQL server per test run, chosen in this order: the server named by
/// FINSAM_TEST_CONNECTION; a Testcontainers.PostgreSql container whenever a Docker engine answers
/// (image FINSAM_TEST_POSTGRES_IMAGE, default postgres:15); otherwise a cluster started from the installed
/// server binaries. FINSAM_TEST_DATABASE=binaries or =containers forces one of the last two (containers
/// then fails loudly when no engine answers). Which one ran is written to standard error and to
/// <c>finsam-test-database.txt</c> in the temp folder. Every test class asks for its own database with a
/// random name. Databases are left behind after the run so a failure leaves data to look at; the
/// throwaway server itself is removed when the test process exits.
/// </summary>
public static class TestDatabases
{
    public const string ConnectionVariable = "FINSAM_TEST_CONNECTION";
    public const string ChoiceVariable = "FINSAM_TEST_DATABASE";
    public const string ImageVariable = "FINSAM_TEST_POSTGRES_IMAGE";

    /// <summary>What this test process runs on, for the test output ("Testcontainers …" or "installed binaries …").</summary>
    public static string? Description { get; private set; }

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
            Announce($"the server named by {ConnectionVariable}");
            return given;
        }

        var choice = Environment.GetEnvironmentVariable(ChoiceVariable)?.Trim().ToLowerInvariant();
        if (choice is not (null or "" or "binaries" or "containers"))
        {
            throw new InvalidOperationException($"{ChoiceVariable} must be 'binaries' or 'containers', not '{choice}'.");
        }

        if (choice != "binaries")
        {
            var engine = await DockerEngine.PingAsync();
            if (engine.Answers)
            {
                return await StartContainerAsync(engine.Endpoint);
            }

            if (choice == "containers")
            {
                throw new InvalidOperationException($"{ChoiceVariable}=containers, but no Docker engine answers at {engine.Endpoint}.");
            }
        }

        return await StartInstalledAsync();
    }

    private static async Task<string> StartContainerAsync(string endpoint)
    {
        var image = Environment.GetEnvironmentVariable(ImageVariable) is { Length: > 0 } named ? named : "postgres:15";
        // The module's defaults (fsync, full_page_writes and synchronous_commit off) match the throwaway cluster's.
        var container = new PostgreSqlBuilder(image).Build();
        await container.StartAsync();
        AppDomain.CurrentDomain.ProcessExit += (_, _) => container.DisposeAsync().AsTask().GetAwaiter().GetResult();
        var connection = container.GetConnectionString();
        await using (var probe = new NpgsqlConnection(connection))
        {
            await probe.OpenAsync();
            await using var cmd = new NpgsqlCommand("SHOW server_version", probe);
            Announce($"Testcontainers.PostgreSql: image {image}, PostgreSQL {await cmd.ExecuteScalarAsync()}, container {container.Id[..12]}, engine {endpoint}");
        }

        return connection;
    }

    private static async Task<string> StartInstalledAsync()
    {
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
        Announce($"installed binaries: {LocalPostgres.FindBinaries()}, cluster in {folder}");
        return _server.ConnectionString();
    }

    private static void Announce(string what)
    {
        Description = what;
        var line = $"[test database] {AppDomain.CurrentDomain.FriendlyName}: {what}";
        Console.Error.WriteLine(line);
        try
        {
            File.AppendAllText(Path.Combine(Path.GetTempPath(), "finsam-test-database.txt"), line + Environment.NewLine);
        }
        catch (IOException)
        {
        }
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
