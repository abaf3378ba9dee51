using Serilog;
using Serilog.Events;
using Serilog.Formatting.Json;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>
/// Structured JSON logs through Serilog (Serilog.AspNetCore). Requests are logged by method, route
/// template and status: never raw paths, query strings, headers or bodies, so a personnummer typed into
/// a URL cannot reach a log line.
/// </summary>
public static class Logging
{
    public static void AddFinsamLogging(this WebApplicationBuilder builder)
    {
        // the static logger serves what runs before the host (the local PostgreSQL's start-up)
        Log.Logger = Configure(new LoggerConfiguration(), builder.Configuration).CreateLogger();
        builder.Logging.ClearProviders();
        // writeToProviders: other logging providers (the tests' capture) see the same events
        builder.Services.AddSerilog((_, configuration) => Configure(configuration, builder.Configuration), writeToProviders: true);
    }

    /// <summary>
    /// ASP.NET Core's own request lines ("Request starting … GET /api/people/…") carry the raw path and query,
    /// so they are dropped below Warning whatever the configured levels: the request log is ours, by template.
    /// </summary>
    private static readonly string[] RawPathSources = ["Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Server.Kestrel"];

    private static LoggerConfiguration Configure(LoggerConfiguration configuration, IConfiguration settings) =>
        configuration
            .ReadFrom.Configuration(settings)
            .Filter.ByExcluding(e => e.Level < LogEventLevel.Warning
                && e.Properties.TryGetValue("SourceContext", out var source)
                && source is ScalarValue { Value: string name }
                && RawPathSources.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal)))
            .Enrich.FromLogContext()
            .Enrich.With<NoRawPaths>()
            // Logs:ConsoleMinimumLevel: the tests write only warnings to the console, but capture every entry they log
            .WriteTo.Console(new JsonFormatter(renderMessage: true), restrictedToMinimumLevel: settings.GetValue("Logs:ConsoleMinimumLevel", LogEventLevel.Verbose));

    /// <summary>ASP.NET Core puts the raw path on every log line of a request (its logging scope's RequestPath): removed.</summary>
    private sealed class NoRawPaths : Serilog.Core.ILogEventEnricher
    {
        public void Enrich(LogEvent logEvent, Serilog.Core.ILogEventPropertyFactory propertyFactory)
        {
            logEvent.RemovePropertyIfPresent("RequestPath");
            logEvent.RemovePropertyIfPresent("QueryString");
            logEvent.RemovePropertyIfPresent("Path");
        }
    }

    private const string RouteItem = "finsam.route";

    /// <summary>
    /// The route template a request matched, or a fixed word: never the path as sent. Kept from before the
    /// problem mapping, which clears the endpoint when it writes an error.
    /// </summary>
    public static string RouteOf(HttpContext context) =>
        context.Items[RouteItem] as string ?? (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";

    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) =>
        app.Use((context, next) =>
        {
            // routing has chosen the endpoint already (WebApplication routes first)
            context.Items[RouteItem] = RouteOf(context);
            return next(context);
        })
        .UseSerilogRequestLogging(options =>
        {
            // this host's logger, not the static one: with several hosts in one process (the tests), the static
            // Log.Logger is whichever host started last, and request lines would land in another host's log
            options.Logger = app.ApplicationServices.GetService<Serilog.ILogger>();
            options.MessageTemplate = "HTTP {RequestMethod} {Route} responded {StatusCode} in {Elapsed:0.0} ms";
            options.GetMessageTemplateProperties = (context, _, elapsed, status) =>
            [
                new LogEventProperty("RequestMethod", new ScalarValue(context.Request.Method)),
                new LogEventProperty("Route", new ScalarValue(RouteOf(context))),
                new LogEventProperty("StatusCode", new ScalarValue(status)),
                new LogEventProperty("Elapsed", new ScalarValue(elapsed)),
            ];
        });
}
