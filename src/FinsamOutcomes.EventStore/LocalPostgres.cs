using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace FinsamOutcomes.EventStore;

/// <summary>How a <see cref="LocalPostgres"/> trades safety for speed.</summary>
public sealed class LocalPostgresOptions
{
    /// <summary>
    /// True (the default): PostgreSQL's durable settings (fsync, synchronous_commit, full_page_writes on),
    /// a cluster initialised with data checksums and synced to disk. False is for throwaway test clusters
    /// only: no fsync, asynchronous commit, no full-page writes, initdb --no-sync, so a crash of the
    /// machine or of the server may lose acknowledged commits or corrupt the folder.
    /// </summary>
    public bool Durable { get; init; } = true;

    public static LocalPostgresOptions Default { get; } = new();
}

/// <summary>
/// A PostgreSQL server started from the installed binaries, for development and tests when no
/// connection string is configured. Runs as the <c>postgres</c> OS user when this process is root
/// (PostgreSQL refuses root), listens on 127.0.0.1 on a free port, trusts local connections only.
/// Durable by default (<see cref="LocalPostgresOptions"/>). <see cref="EnsureRunningAsync"/> starts
/// it again on the same port and folder after it died (crash recovery replays the WAL).
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
    private readonly SemaphoreSlim _startLock = new(1, 1);
    private volatile bool _stopped;

    private LocalPostgres(string binDir, string dataDir, int port, bool asPostgresUser, LocalPostgresOptions options, ILogger logger)
    {
        _binDir = binDir;
        DataDirectory = dataDir;
        Port = port;
        _asPostgresUser = asPostgresUser;
        Options = options;
        _logger = logger;
    }

    public string DataDirectory { get; }

    public int Port { get; }

    public LocalPostgresOptions Options { get; }

    /// <summary>How many times the server was found dead and started again.</summary>
    public int Restarts => _restarts;

    private int _restarts;

    /// <summary>True once <see cref="StopAsync"/> was called: a stopped server is not started again.</summary>
    public bool IsStopped => _stopped;

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port.ToString(CultureInfo.InvariantCulture)};Username=postgres;Database={database};Include Error Detail=false";

    /// <summary>Initialises the data folder if new and starts the server on a free port.</summary>
    public static Task<LocalPostgres> StartAsync(string dataDirectory, ILogger? logger = null, CancellationToken cancellationToken = default) =>
        StartAsync(dataDirectory, LocalPostgresOptions.Default, logger, cancellationToken);

    /// <summary>Initialises the data folder if new and starts the server on a free port, durable unless told otherwise.</summary>
    public static async Task<LocalPostgres> StartAsync(string dataDirectory, LocalPostgresOptions options, ILogger? logger = null, CancellationToken cancellationToken = default)
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
        var server = new LocalPostgres(binDir, dataDirectory, port, asPostgres, options, logger);
        if (!File.Exists(Path.Combine(dataDirectory, "PG_VERSION")))
        {
            logger.LogInformation("Initialising a local PostgreSQL cluster in {DataDirectory} ({Mode})", dataDirectory, options.Durable ? "durable, data checksums" : "fast, not durable");
            string[] initdb = ["-D", dataDirectory, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C.UTF-8"];
            await server.PgAsync("initdb", options.Durable ? [.. initdb, "--data-checksums"] : [.. initdb, "--no-sync"], cancellationToken);
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

        await server.PgCtlStartAsync(cancellationToken);
        logger.LogInformation("Local PostgreSQL listening on 127.0.0.1:{Port} ({Mode})", port, options.Durable ? "durable" : "fast, not durable");
        if (options.Durable && !await server.HasDataChecksumsAsync(cancellationToken))
        {
            // a folder initialised before the local server became durable: checksums can only be turned on offline
            logger.LogWarning("The local PostgreSQL cluster in {DataDirectory} has no data checksums; stop the service and run " +
                "'pg_checksums --enable -D {DataDirectory}' (as the postgres user) to turn them on", dataDirectory, dataDirectory);
        }
        return server;
    }

    /// <summary>
    /// True while the postmaster named in the folder's postmaster.pid is alive (not gone, not a zombie).
    /// Reads /proc only: cheap enough to ask every second.
    /// </summary>
    public bool IsRunning()
    {
        var pid = PostmasterPid(DataDirectory);
        return pid is not null && ProcessIsAlive(pid.Value);
    }

    /// <summary>The postmaster's process id from the first line of postmaster.pid, if the file is there.</summary>
    public static int? PostmasterPid(string dataDirectory)
    {
        try
        {
            var first = File.ReadLines(Path.Combine(dataDirectory, "postmaster.pid")).FirstOrDefault();
            return int.TryParse(first, NumberStyles.Integer, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>
    /// Starts the server again on the same port and data folder if it is not running (after a crash or a
    /// kill). PostgreSQL's crash recovery replays the WAL, so every commit it acknowledged is there. While
    /// processes of the dead server still hold its shared memory, PostgreSQL refuses to start; this retries
    /// until <paramref name="timeout"/>. Returns true when it had to start the server.
    /// </summary>
    public async Task<bool> EnsureRunningAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        await _startLock.WaitAsync(cancellationToken);
        try
        {
            if (_stopped || IsRunning())
            {
                return false;
            }

            _logger.LogWarning("Local PostgreSQL in {DataDirectory} is not running; starting it again on port {Port}", DataDirectory, Port);
            var deadline = DateTimeOffset.UtcNow + timeout;
            while (true)
            {
                try
                {
                    RemoveZombieLockFile();
                    await PgCtlStartAsync(cancellationToken);
                    Interlocked.Increment(ref _restarts);
                    _logger.LogWarning("Local PostgreSQL started again on port {Port} after crash recovery", Port);
                    return true;
                }
                catch (InvalidOperationException ex) when (DateTimeOffset.UtcNow < deadline && !_stopped)
                {
                    // typically: the dead server's backends still hold its shared memory for a moment
                    _logger.LogWarning("Starting local PostgreSQL again failed, retrying: {Error}", ex.Message);
                    await Task.Delay(TimeSpan.FromMilliseconds(500), cancellationToken);
                }
            }
        }
        finally
        {
            _startLock.Release();
        }
    }

    private async Task<bool> HasDataChecksumsAsync(CancellationToken ct)
    {
        await using var connection = new Npgsql.NpgsqlConnection(ConnectionString());
        await connection.OpenAsync(ct);
        await using var cmd = new Npgsql.NpgsqlCommand("SHOW data_checksums", connection);
        return (string?)await cmd.ExecuteScalarAsync(ct) == "on";
    }

    private Task PgCtlStartAsync(CancellationToken ct)
    {
        var settings = new List<string>
        {
            $"-p {Port.ToString(CultureInfo.InvariantCulture)}",
            "-c listen_addresses=127.0.0.1",
            "-c unix_socket_directories=''",
            "-c max_connections=200",
            "-c idle_in_transaction_session_timeout=60000",
            "-c max_wal_size=128MB",
            "-c min_wal_size=32MB",
        };
        settings.AddRange(Options.Durable
            ? ["-c fsync=on", "-c synchronous_commit=on", "-c full_page_writes=on"]
            : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]);
        return PgAsync("pg_ctl", ["-D", DataDirectory, "-l", Path.Combine(DataDirectory, "server.log"), "-o", string.Join(' ', settings), "-w", "-t", "60", "start"], ct);
    }

    /// <summary>
    /// A killed postmaster stays a zombie until its parent reaps it, and where nothing reaps orphans (a container
    /// whose first process does not) that is forever; PostgreSQL takes the zombie for a running server and refuses
    /// to start. The lock file is removed only when its postmaster is a zombie and no process of the dead server
    /// (a backend still attached to the old shared memory) is alive, which is the guard the lock file stands for.
    /// </summary>
    private void RemoveZombieLockFile()
    {
        if (PostmasterPid(DataDirectory) is not { } pid || ReadState(pid) is not 'Z' || HasLiveChildren(pid))
        {
            return;
        }

        _logger.LogWarning("Removing the lock file of the dead local PostgreSQL (a zombie, pid {Pid}, with no processes left)", pid);
        File.Delete(Path.Combine(DataDirectory, "postmaster.pid"));
    }

    /// <summary>The process state letter from /proc (R, S, Z…), or null when there is no such process or no /proc.</summary>
    private static char? ReadState(int pid)
    {
        try
        {
            var text = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return text[(text.LastIndexOf(')') + 2)..].FirstOrDefault();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
        {
            return null;
        }
    }

    private static bool HasLiveChildren(int pid)
    {
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var child))
            {
                continue;
            }

            try
            {
                var text = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = text[(text.LastIndexOf(')') + 2)..].Split(' ');
                if (fields.Length > 1 && fields[0] is not ("Z" or "X") && fields[1] == pid.ToString(CultureInfo.InvariantCulture))
                {
                    return true;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // the process ended while we looked
            }
        }

        return false;
    }

    private static bool ProcessIsAlive(int pid)
    {
        if (Directory.Exists("/proc/self"))
        {
            // Z (zombie) and X (dead) are gone, whatever kill(pid, 0) says
            return ReadState(pid) is { } state && state is not ('Z' or 'X');
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }

    /// <summary>Stops the server (fast shutdown) for good; every caller, also a concurrent one, waits until it has stopped.</summary>
    public Task StopAsync()
    {
        lock (_startLock)
        {
            _stopped = true;
            return _stopping ??= StopOnceAsync();
        }
    }

    private Task? _stopping;

    private async Task StopOnceAsync()
    {
        await _startLock.WaitAsync();
        try
        {
            await PgAsync("pg_ctl", ["-D", DataDirectory, "-m", "fast", "-w", "stop"], CancellationToken.None);
        }
        catch (InvalidOperationException ex) when (!IsRunning())
        {
            // pg_ctl gives up when the postmaster is gone but its lock file is not; the next start recovers from the WAL
            _logger.LogWarning("Local PostgreSQL ended before a clean shutdown was confirmed ({Error}); the next start runs crash recovery", ex.Message);
        }
        catch (InvalidOperationException ex)
        {
            _logger.LogWarning("Stopping local PostgreSQL failed: {Error}", ex.Message);
        }
        finally
        {
            _startLock.Release();
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
