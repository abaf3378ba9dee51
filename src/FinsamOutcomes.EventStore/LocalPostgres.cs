using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FinsamOutcomes.EventStore;

/// <summary>
/// A PostgreSQL server started from the installed binaries, for development and tests when no
/// connection string is configured. Runs as the <c>postgres</c> OS user when this process is root
/// (PostgreSQL refuses root), listens on 127.0.0.1 on a free port, trusts local connections only.
/// </summary>
public sealed class LocalPostgres : IAsyncDisposable
{
    public const string MissingBinariesMessage =
        "No PostgreSQL server binaries were found (initdb, pg_ctl). Install them, for example with " +
        "'apt-get install postgresql' (Debian/Ubuntu) or 'brew install postgresql@15' (macOS), or set " +
        "ConnectionStrings:Finsam to an existing database.";

    private readonly string _binDir;
    private readonly ILogger _logger;
    private readonly bool _asPostgresUser;
    private bool _stopped;

    private LocalPostgres(string binDir, string dataDir, int port, bool asPostgresUser, ILogger logger)
    {
        _binDir = binDir;
        DataDirectory = dataDir;
        Port = port;
        _asPostgresUser = asPostgresUser;
        _logger = logger;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database};Include Error Detail=false";

    /// <summary>Initialises the data folder if new and starts the server on a free port.</summary>
    public static async Task<LocalPostgres> StartAsync(string dataDirectory, ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        logger ??= NullLogger.Instance;
        var binDir = FindBinaries() ?? throw new InvalidOperationException(MissingBinariesMessage);
        var asPostgres = Environment.UserName == "root" || IsRoot();
        dataDirectory = Path.GetFullPath(dataDirectory);
        Directory.CreateDirectory(dataDirectory);
        if (asPostgres)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", dataDirectory], null, cancellationToken);
            await RunAsync("chmod", ["700", dataDirectory], null, cancellationToken);
        }

        var port = FreePort();
        var server = new LocalPostgres(binDir, dataDirectory, port, asPostgres, logger);
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            logger.LogInformation("Initialising a local PostgreSQL cluster in {DataDirectory}", dataDirectory);
            await server.PgAsync("initdb", ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync"], cancellationToken);
        }

        // A server left running by a process that was killed: stop it so this one owns the folder.
        if (File.Exists(Path.Combine(dataDirectory, "postmaster.pid")))
        {
            try
            {
                await server.PgAsync("pg_ctl", ["-D", dataDirectory, "-m", "immediate", "-w", "stop"], cancellationToken);
            }
            catch (InvalidOperationException)
            {
                // stale pid file: pg_ctl start cleans it up
            }
        }

        var options = string.Join(' ',
            $"-p {port.ToString(CultureInfo.InvariantCulture)}",
            "-c listen_addresses=127.0.0.1",
            "-c unix_socket_directories=''",
            "-c max_connections=200",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c idle_in_transaction_session_timeout=60000",
            "-c max_wal_size=128MB",
            "-c min_wal_size=32MB");
        await server.PgAsync("pg_ctl", ["-D", dataDirectory, "-l", Path.Combine(dataDirectory, "server.log"), "-o", options, "-w", "-t", "60", "start"], cancellationToken);
        logger.LogInformation("Local PostgreSQL listening on 127.0.0.1:{Port}", port);
        return server;
    }

    public async Task StopAsync()
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        try
        {
            await PgAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None);
        }
        catch (InvalidOperationException ex)
        {
            _logger.LogWarning("Stopping local PostgreSQL failed: {Error}", ex.Message);
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>The folder holding initdb and pg_ctl: PG_BIN, then PATH, then /usr/lib/postgresql/*/bin (newest first).</summary>
    public static string? FindBinaries()
    {
        var candidates = new List<string>();
        if (Environment.GetEnvironmentVariable("PG_BIN") is { Length: > 0 } fromEnv)
        {
            candidates.Add(fromEnv);
        }

        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        foreach (var root in new[] { "/usr/lib/postgresql", "/usr/local/pgsql", "/opt/homebrew/opt" })
        {
            if (Directory.Exists(root))
            {
                candidates.AddRange(Directory.GetDirectories(root)
                    .OrderByDescending(d => d, StringComparer.Ordinal)
                    .Select(d => Path.Combine(d, "bin")));
            }
        }

        return candidates.FirstOrDefault(dir =>
            File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")));
    }

    private Task PgAsync(string tool, IReadOnlyList<string> args, CancellationToken ct)
    {
        var exe = Path.Combine(_binDir, tool);
        return _asPostgresUser
            ? RunAsync("runuser", ["-u", "postgres", "--", exe, .. args], Path.GetTempPath(), ct)
            : RunAsync(exe, args, null, ct);
    }

    private static async Task RunAsync(string fileName, IReadOnlyList<string> args, string? workingDirectory, CancellationToken ct)
    {
        var psi = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var arg in args)
        {
            psi.ArgumentList.Add(arg);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(fileName)} {string.Join(' ', args.Take(3))} exited with {process.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static bool IsRoot()
    {
        try
        {
            return File.ReadAllText("/proc/self/status").Split('\n')
                .FirstOrDefault(l => l.StartsWith("Uid:", StringComparison.Ordinal))?
                .Split('\t', StringSplitOptions.RemoveEmptyEntries).ElementAtOrDefault(1) == "0";
        }
        catch (IOException)
        {
            return false;
        }
    }
}
