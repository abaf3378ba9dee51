using System.Diagnostics;
using Serilog;
using Serilog.Formatting.Json;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>
/// Structured JSON logs through Serilog. Requests are logged by method, route template and status:
/// never bodies, query strings or headers, so no personal data can reach a log line.
/// </summary>
public static class Logging
{
    public static void AddFinsamLogging(this WebApplicationBuilder builder)
    {
        var logger = new LoggerConfiguration()
            .ReadFrom.Configuration(builder.Configuration)
            .Enrich.FromLogContext()
            .WriteTo.Console(new JsonFormatter(renderMessage: true))
            .CreateLogger();
        Log.Logger = logger;
        builder.Logging.ClearProviders();
        builder.Logging.AddSerilog(logger, dispose: true);
    }

    public static IApplicationBuilder UseRequestLogging(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var started = Stopwatch.GetTimestamp();
            try
            {
                await next(context);
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "(no route)";
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Http");
                logger.LogInformation(
                    "HTTP {Method} {Route} responded {StatusCode} in {ElapsedMs:0.0} ms",
                    context.Request.Method, route, context.Response.StatusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
        });
}
