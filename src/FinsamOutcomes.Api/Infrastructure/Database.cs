using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Domain;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using Npgsql;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>
/// The database: the configured connection string, or with none configured a local PostgreSQL started
/// from the installed binaries in a git-ignored folder (.pgdata) beside the project.
/// </summary>
public static class Database
{
    public const string ConnectionStringName = "Finsam";
    public const string LocalDatabaseName = "finsam";

    public static IReadOnlyList<Migration> Migrations { get; } =
        [.. Migration.EventStore, .. Migration.FromAssembly(typeof(Database).Assembly, "finsam")];

    public static async Task AddFinsamDatabaseAsync(this WebApplicationBuilder builder)
    {
        var connectionString = builder.Configuration.GetConnectionString(ConnectionStringName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            var folder = builder.Configuration["LocalPostgres:DataDirectory"]
                ?? Path.Combine(builder.Environment.ContentRootPath, ".pgdata");
            using var bootLogger = new Serilog.Extensions.Logging.SerilogLoggerFactory(Serilog.Log.Logger);
            // durable: fsync, synchronous commit, full-page writes, data checksums (only tests ask for less)
            var server = await LocalPostgres.StartAsync(folder, LocalPostgresOptions.Default, bootLogger.CreateLogger("LocalPostgres"));
            await EnsureDatabaseAsync(server.ConnectionString(), LocalDatabaseName);
            connectionString = server.ConnectionString(LocalDatabaseName);
            builder.Services.AddSingleton(server);
            builder.Services.AddHostedService<LocalPostgresLifetime>();
            // registered after the lifetime, so stopped before the server is
            builder.Services.AddSingleton(sp => new LocalPostgresWatchdog(
                server,
                () =>
                {
                    sp.GetRequiredService<NpgsqlDataSource>().Clear();
                    NpgsqlConnection.ClearAllPools();
                },
                sp.GetRequiredService<ILoggerFactory>().CreateLogger("LocalPostgres")));
            builder.Services.AddHostedService(sp => sp.GetRequiredService<LocalPostgresWatchdog>());
        }

        var registry = CreateRegistry();
        builder.Services.AddSingleton(CreateDataSource(connectionString));
        builder.Services.AddSingleton(registry);
        builder.Services.AddSingleton(sp => new PostgresEventStore(
            sp.GetRequiredService<NpgsqlDataSource>(), registry, sp.GetServices<IInlineProjection>()));
        var lagLimits = builder.Configuration.GetSection("Health").Get<ProjectionLagLimits>() ?? new ProjectionLagLimits();
        builder.Services.AddSingleton(sp => new ProjectionMonitor(
            sp.GetRequiredService<NpgsqlDataSource>(), sp.GetServices<ProjectionRunner>(), sp.GetRequiredService<TimeProvider>(), lagLimits));
        builder.Services.AddHostedService<ProjectionDaemon>();
        builder.Services.Configure<ProjectionRunnerOptions>(builder.Configuration.GetSection("Projections"));
    }

    /// <summary>The service's data source on a connection string: its settings, which the benchmarks measure with too.</summary>
    public static NpgsqlDataSource CreateDataSource(string connectionString, string applicationName = "finsam-outcomes")
    {
        var dataSourceBuilder = new NpgsqlDataSourceBuilder(connectionString);
        dataSourceBuilder.ConnectionStringBuilder.ApplicationName ??= applicationName;
        // the store's and read models' statements repeat: let Npgsql prepare the frequent ones
        if (dataSourceBuilder.ConnectionStringBuilder.MaxAutoPrepare == 0)
        {
            dataSourceBuilder.ConnectionStringBuilder.MaxAutoPrepare = 64;
        }

        return dataSourceBuilder.Build();
    }

    /// <summary>Every event type of the catalogue under its stored name, with the upcasts of retired versions.</summary>
    public static EventTypeRegistry CreateRegistry()
    {
        var registry = new EventTypeRegistry();
        foreach (var (type, name) in EventCatalogue.All)
        {
            registry.Register(type, name);
        }

        foreach (var (from, to, convert) in EventCatalogue.Upcasts)
        {
            registry.Upcast(from, to, convert);
        }

        return registry;
    }

    /// <summary>Registers an asynchronous projection and its runner.</summary>
    public static IServiceCollection AddProjection<TProjection>(this IServiceCollection services)
        where TProjection : class, IProjection
    {
        services.AddSingleton<TProjection>();
        services.AddSingleton(sp => new ProjectionRunner(
            sp.GetRequiredService<PostgresEventStore>(),
            sp.GetRequiredService<TProjection>(),
            sp.GetRequiredService<Microsoft.Extensions.Options.IOptions<ProjectionRunnerOptions>>().Value,
            sp.GetRequiredService<ILoggerFactory>().CreateLogger($"Projection.{typeof(TProjection).Name}"),
            sp.GetRequiredService<TimeProvider>()));
        return services;
    }

    public static async Task MigrateDatabaseAsync(this WebApplication app) =>
        await MigrateAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Logger);

    /// <summary>
    /// The service's migrations. Report-only indexes a rebuild dropped and a crash or a stop left dropped are built
    /// first, under the migrations' lock (<see cref="ReportIndexes"/>): the service repairs itself at start-up, and a
    /// migration that changes one of them finds it as the migrations left it.
    /// </summary>
    public static Task<IReadOnlyList<string>> MigrateAsync(NpgsqlDataSource dataSource, ILogger? logger = null, CancellationToken ct = default) =>
        SchemaMigrator.MigrateAsync(dataSource, Migrations, logger, ct, beforeMigrations: ReportIndexes.RestoreAsync);

    /// <summary>
    /// True for a failure to reach the database at all (refused or broken connection, server shutting down
    /// or starting, exhausted pool): the client may retry later (503), the request itself is fine.
    /// </summary>
    public static bool IsUnavailable(Exception exception) => exception switch
    {
        PostgresException pg => pg.SqlState.StartsWith("57P", StringComparison.Ordinal) || pg.SqlState.StartsWith("08", StringComparison.Ordinal),
        NpgsqlException npgsql => npgsql.IsTransient,
        { InnerException: { } inner } => IsUnavailable(inner),
        _ => false,
    };

    private static async Task EnsureDatabaseAsync(string adminConnectionString, string database)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync();
        await using var exists = new NpgsqlCommand("SELECT 1 FROM pg_database WHERE datname = $1", connection);
        exists.Parameters.Add(new NpgsqlParameter { Value = database });
        if (await exists.ExecuteScalarAsync() is null)
        {
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
            await create.ExecuteNonQueryAsync();
        }
    }

    /// <summary>Stops the local PostgreSQL after everything else has stopped (registered first, stopped last).</summary>
    private sealed class LocalPostgresLifetime(LocalPostgres server) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => server.StopAsync();
    }
}
