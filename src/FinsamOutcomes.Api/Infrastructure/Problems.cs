using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.EventStore;
using FluentValidation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.WebUtilities;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>A resource that does not exist, or that the caller may not know exists.</summary>
public sealed class NotFoundException(string what) : Exception($"{what} was not found.");

/// <summary>A request whose headers break the protocol (missing Idempotency-Key, bad If-Match…).</summary>
public sealed class BadRequestHeaderException(int status, string title) : Exception(title)
{
    public int Status { get; } = status;
}

/// <summary>If-Match named a version the resource is no longer at.</summary>
public sealed class PreconditionFailedException(string streamId, long expected, long actual)
    : Exception($"The resource is at version {actual}, not {expected}.")
{
    public string StreamId { get; } = streamId;

    public long Expected { get; } = expected;

    public long Actual { get; } = actual;
}

/// <summary>The projections did not reach an asked log position within the longest wait (503, retry).</summary>
public sealed class ProjectionsBehindException(long position) : Exception($"The projections have not yet reached log position {position}.")
{
    public long Position { get; } = position;
}

/// <summary>A report ran longer than the service allows one (StatisticsOptions.ReportTimeout): 503, retry later or ask for less.</summary>
public sealed class ReportTimeoutException(TimeSpan timeout) : Exception($"The report took longer than {timeout.TotalSeconds:0.###} s.")
{
    public TimeSpan Timeout { get; } = timeout;

    /// <summary>The seconds a client should wait before asking again.</summary>
    public const int RetryAfterSeconds = 30;
}

/// <summary>
/// The one mapping from exceptions to RFC 9457 problem details for the whole API. Titles are written
/// here or by the domain; exception messages from libraries, SQL and stack traces never reach a client.
/// </summary>
public sealed partial class ProblemMapping(IProblemDetailsService problems, ILogger<ProblemMapping> logger) : IExceptionHandler
{
    public const string TypeBase = "https://finsam-outcomes.se/problems/";

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            ValidationException validation => Validation(validation.Errors.GroupBy(e => Camel(e.PropertyName))
                .ToDictionary(g => g.Key, g => g.Select(e => e.ErrorMessage).ToArray())),
            BadHttpRequestException { InnerException: JsonException json } => Validation(JsonErrors(json)),
            // a body nested deeper than the reader allows, or text that is not UTF-8/UTF-16, surfaces as these from System.Text.Json
            BadHttpRequestException { InnerException: InvalidOperationException or ArgumentException or DecoderFallbackException } => Problem(400, "malformed_request", "The request body is missing or is not valid JSON of the expected shape."),
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => Problem(413, "payload_too_large", "The request body is too large."),
            BadHttpRequestException bad when bad.Message.Contains("JSON", StringComparison.OrdinalIgnoreCase) || bad.Message.Contains("body", StringComparison.OrdinalIgnoreCase)
                => Problem(400, "malformed_request", "The request body is missing or is not valid JSON of the expected shape."),
            BadHttpRequestException bad when ParameterProblem(bad.Message) is { } parameter => Validation(parameter),
            BadHttpRequestException bad => Problem(bad.StatusCode is >= 400 and < 500 ? bad.StatusCode : 400, "bad_request", "The request could not be read: a route value or query parameter has the wrong format."),
            BadRequestHeaderException header => Problem(header.Status, header.Status == 428 ? "precondition_required" : "bad_header", header.Message),
            RuleViolationException rule => Problem(409, rule.Code, rule.Title),
            ConcurrencyConflictException conflict => Problem(409, "concurrency_conflict",
                "Someone else changed this resource at the same time. Read it again and retry.",
                new() { ["expectedVersion"] = conflict.Expected.Value, ["actualVersion"] = conflict.ActualVersion }),
            PreconditionFailedException pre => Problem(412, "version_mismatch",
                "The resource has changed since the version named in If-Match. Read it again and retry.",
                new() { ["expectedVersion"] = pre.Expected, ["actualVersion"] = pre.Actual }),
            IdempotencyMismatchException => Problem(422, "idempotency_key_reused", "This Idempotency-Key was already used for a different request."),
            AccessDeniedException denied => Problem(403, "forbidden", denied.Message),
            NotFoundException missing => Problem(404, "not_found", missing.Message),
            ProjectionsBehindException behind => Problem(503, "projections_behind",
                "The statistics have not yet caught up with the log position asked for. Retry shortly.", new() { ["position"] = behind.Position }),
            Features.Statistics.ReplicaBehindException behind => Problem(503, "replica_behind",
                "The report replica has not yet caught up with the log position asked for. Retry shortly.", new() { ["position"] = behind.Position }),
            ReportTimeoutException timeout => Problem(503, "report_timeout",
                "The report took longer than the service allows one. Retry later, or ask for a smaller scope or a shorter period.",
                new() { ["timeoutSeconds"] = timeout.Timeout.TotalSeconds }),
            _ when Database.IsUnavailable(exception) => Problem(503, "database_unavailable", "The database cannot be reached right now (it may be restarting). Retry shortly."),
            _ => null,
        };

        if (problem is null)
        {
            // type, PostgreSQL's five-character error code and stack only: an exception's message may quote data
            logger.LogError("Unhandled {ExceptionType} {SqlState} on {Method} {Route} at {StackTrace}", exception.GetType().Name,
                (exception as Npgsql.PostgresException)?.SqlState, httpContext.Request.Method,
                (httpContext.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText, exception.StackTrace);
            problem = Problem(500, "internal_error", "Something went wrong on our side. Quote the trace id when you report it.");
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        if (exception is ReportTimeoutException)
        {
            httpContext.Response.Headers.RetryAfter = ReportTimeoutException.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        // the problem+json writer below writes whatever the Accept header says, so this only fails when the response had already started
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = null });
    }

    public static ProblemDetails Problem(int status, string code, string title, Dictionary<string, object?>? extensions = null)
    {
        var problem = new ProblemDetails { Status = status, Type = TypeBase + code, Title = title };
        problem.Extensions["code"] = code;
        foreach (var (key, value) in extensions ?? [])
        {
            problem.Extensions[key] = value;
        }

        return problem;
    }

    /// <summary>
    /// A query or route parameter that is missing or does not bind is named in the framework's message
    /// ("Required parameter \"string period\" was not provided…", "Failed to bind parameter \"bool? includePredecessors\" from …"):
    /// the name (ours, never data) and its type come from there; the value sent is not repeated.
    /// </summary>
    private static Dictionary<string, string[]>? ParameterProblem(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, "^(Required parameter|Failed to bind parameter) \"(?<type>[^\"]*) (?<name>[A-Za-z0-9_]+)\"");
        if (!match.Success)
        {
            return null;
        }

        var type = match.Groups["type"].Value.TrimEnd('?');
        if (type.StartsWith("Nullable<", StringComparison.Ordinal))
        {
            type = type["Nullable<".Length..].TrimEnd('>');
        }

        var text = match.Groups[1].Value.StartsWith("Required", StringComparison.Ordinal)
            ? "Required: this parameter is missing."
            : type switch
            {
                "bool" => "Must be true or false.",
                "int" or "long" => "Must be a whole number.",
                "DateTimeOffset" or "DateTime" => "Must be an ISO 8601 date and time, like 2025-06-30T23:59:59Z.",
                "DateOnly" => "Must be an ISO date, like 2025-06-30.",
                _ => $"Must be a valid {type}.",
            };
        return new Dictionary<string, string[]> { [match.Groups["name"].Value] = [text] };
    }

    private static ValidationProblemDetails Validation(IDictionary<string, string[]> errors)
    {
        var problem = new ValidationProblemDetails(errors)
        {
            Status = 400,
            Type = TypeBase + "validation",
            Title = "The request has invalid fields.",
        };
        problem.Extensions["code"] = "validation";
        return problem;
    }

    /// <summary>
    /// The field a JSON error is about. A missing required property is named by System.Text.Json only in its message
    /// ("… missing required properties including: 'gender', 'consent'."), so the names (ours, never data) come from there.
    /// </summary>
    private static Dictionary<string, string[]> JsonErrors(JsonException json)
    {
        var path = JsonPath(json);
        if (json is InputRuleException rule)
        {
            return new() { [path] = [rule.Rule] };
        }

        var missing = MissingRequiredProperties().Match(json.Message);
        if (!missing.Success)
        {
            return new() { [path] = ["The value is missing, of the wrong type, or not one of the allowed values."] };
        }

        var prefix = path == "body" ? "" : path + ".";
        return missing.Groups["name"].Captures.Select(c => prefix + c.Value).Distinct(StringComparer.Ordinal)
            .ToDictionary(name => name, _ => new[] { "The value is required." }, StringComparer.Ordinal);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"missing required properties including: (?:'(?<name>[A-Za-z0-9_]{1,100})'(?:, )?)+", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex MissingRequiredProperties();

    /// <summary>The field as a path of the request type's property names; a name that is not one of ours (an unknown property) is not echoed.</summary>
    private static string JsonPath(JsonException json)
    {
        var path = json.Path is { Length: > 2 } p ? p[2..] : "body";
        return path.Length == 0 || !PlainPath().IsMatch(path) ? "body" : path;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[A-Za-z]{1,64}(?:\[\d{1,5}\])*(?:\.[A-Za-z]{1,64}(?:\[\d{1,5}\])*){0,10}$", System.Text.RegularExpressions.RegexOptions.CultureInvariant)]
    private static partial System.Text.RegularExpressions.Regex PlainPath();

    private static string Camel(string name) => name.Length == 0 ? "body" : string.Join('.', name.Split('.').Select(p => char.ToLowerInvariant(p[0]) + p[1..]));
}

public static class ProblemsSetup
{
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>
    /// The body limit of this request: the endpoint's own (<see cref="Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata"/>,
    /// which routing also applies to Kestrel's limit; the history import's files) or <see cref="MaxRequestBodyBytes"/>.
    /// </summary>
    public static long BodyLimit(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? MaxRequestBodyBytes;

    public static void AddFinsamProblems(this WebApplicationBuilder builder)
    {
        // before AddProblemDetails' own writer, which writes nothing when Accept names another type (application/xml, text/plain)
        builder.Services.AddSingleton<IProblemDetailsWriter, ProblemJsonWriter>();
        builder.Services.AddExceptionHandler<ProblemMapping>();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            context.ProblemDetails.Extensions["traceId"] = context.HttpContext.TraceIdentifier;
            // problems written by the framework (401, an unknown route, 405) get a code like ours
            context.ProblemDetails.Extensions.TryAdd("code", context.ProblemDetails.Status switch
            {
                401 => "unauthorized",
                403 => "forbidden",
                404 => "not_found",
                405 => "method_not_allowed",
                415 => "unsupported_media_type",
                _ => "error",
            });
            context.ProblemDetails.Instance = null;
        });
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<Microsoft.AspNetCore.Http.Json.JsonOptions>(o => ConfigureJson(o.SerializerOptions));
        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
    }

    public static void ConfigureJson(JsonSerializerOptions options)
    {
        options.PropertyNamingPolicy = JsonNamingPolicy.CamelCase;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow;
        // a left-out field is a 400, not a silent default (gender "woman", date 0001-01-01); optional fields have defaults in the request records
        options.RespectRequiredConstructorParameters = true;
        options.RespectNullableAnnotations = true;
        options.DefaultIgnoreCondition = JsonIgnoreCondition.Never;
        // every string and date of every request body: no control characters, no date outside InputRules' range (400 naming the field)
        options.Converters.Add(new CheckedStringConverter());
        options.Converters.Add(new BoundedDateConverter());
    }

    /// <summary>Status codes without a body (404 for an unknown route, 405, 401 from authentication) also get problem details.</summary>
    public static void UseFinsamProblems(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();

        // Kestrel refuses a body over the limit while it is read; a declared one is refused here on any host, for every method.
        // A route with a limit of its own (the history import) gets it for this request from Kestrel too.
        app.Use((context, next) =>
        {
            var limit = BodyLimit(context);
            if (context.Request.ContentLength > limit)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }

            if (limit != MaxRequestBodyBytes && context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = limit;
            }

            return next(context);
        });

        // route values, query values and the headers the API reads: no control characters (bodies are checked by CheckedStringConverter)
        app.Use((context, next) =>
        {
            InputRules.CheckRequestLine(context);
            return next(context);
        });
    }
}

/// <summary>
/// Writes every problem as <c>application/problem+json</c>, whatever the Accept header asks for: an error is
/// never a 500 for want of a formatter, and never falls back to plain text. Applies the same
/// <see cref="ProblemDetailsOptions.CustomizeProblemDetails"/> (trace id, code) as the framework's writer.
/// </summary>
public sealed class ProblemJsonWriter(Microsoft.Extensions.Options.IOptions<ProblemDetailsOptions> options) : IProblemDetailsWriter
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public bool CanWrite(ProblemDetailsContext context) => true;

    public ValueTask WriteAsync(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        var problem = context.ProblemDetails;
        problem.Status ??= http.Response.StatusCode;
        problem.Title ??= ReasonPhrases.GetReasonPhrase(problem.Status.Value);
        problem.Type ??= ProblemMapping.TypeBase + (problem.Status switch { 404 => "not_found", 405 => "method_not_allowed", 401 => "unauthorized", 403 => "forbidden", _ => "error" });
        options.Value.CustomizeProblemDetails?.Invoke(context);
        return new ValueTask(http.Response.WriteAsJsonAsync(problem, problem.GetType(), Json, "application/problem+json", http.RequestAborted));
    }
}

/// <summary>A JSON value that breaks an input rule of this API; <see cref="Rule"/> is our sentence, never the value.</summary>
public sealed class InputRuleException(string rule) : JsonException(rule)
{
    public string Rule { get; } = rule;
}

/// <summary>
/// The rules every input follows (docs/api.md, "Input"): no control character (U+0000–U+001F except tab, line feed
/// and carriage return, U+007F–U+009F) and no unpaired surrogate in any string of a body, a route value, a query value
/// or the Idempotency-Key and If-Match headers (there not even tab or line breaks); dates from <see cref="MinDate"/> to <see cref="MaxDate"/>.
/// </summary>
public static class InputRules
{
    public static readonly DateOnly MinDate = new(1900, 1, 1);
    public static readonly DateOnly MaxDate = new(2199, 12, 31);

    public const string ControlCharacterRule = "Must not contain control characters (other than tab and line breaks in text) or unpaired surrogates.";
    public const string DateRule = "Dates are YYYY-MM-DD from 1900-01-01 to 2199-12-31.";

    /// <summary>True when the text has a control character (tab, LF and CR allowed when <paramref name="allowLineBreaks"/>) or an unpaired surrogate.</summary>
    public static bool HasForbiddenCharacter(ReadOnlySpan<char> text, bool allowLineBreaks)
    {
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsControl(c))
            {
                if (allowLineBreaks && c is '\t' or '\n' or '\r')
                {
                    continue;
                }

                return true;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
                continue;
            }

            if (char.IsSurrogate(c))
            {
                return true;
            }
        }

        return false;
    }

    public static void CheckRequestLine(HttpContext context)
    {
        var errors = new List<FluentValidation.Results.ValidationFailure>();
        var routeValuesBad = false;
        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (value is string text && HasForbiddenCharacter(text, allowLineBreaks: false))
            {
                errors.Add(new(name, ControlCharacterRule));
                routeValuesBad = true;
            }
        }

        if (!routeValuesBad && HasForbiddenCharacter(context.Request.Path.Value, allowLineBreaks: false))
        {
            errors.Add(new("path", ControlCharacterRule));
        }

        foreach (var (name, values) in context.Request.Query)
        {
            if (HasForbiddenCharacter(name, false) || values.Any(v => HasForbiddenCharacter(v, false)))
            {
                // the parameter's name only when it is plain letters (ours, or at least nothing personal): never the value
                errors.Add(new(IsPlainName(name) ? name : "query", ControlCharacterRule));
            }
        }

        if (errors.Count > 0)
        {
            throw new FluentValidation.ValidationException(errors);
        }

        foreach (var header in (string[])[IdempotencyMiddleware.Header, "If-Match"])
        {
            if (context.Request.Headers[header].Any(v => HasForbiddenCharacter(v, false)))
            {
                throw new BadRequestHeaderException(400, $"The {header} header must not contain control characters.");
            }
        }
    }

    private static bool IsPlainName(string name) => name.Length is > 0 and <= 40 && name.All(char.IsAsciiLetter);
}

/// <summary>Every string read from a request body: refused (400 naming the field) when it carries a control character; see <see cref="InputRules"/>.</summary>
public sealed class CheckedStringConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String)
        {
            throw new JsonException("Expected a string.");
        }

        var text = reader.GetString()!;
        return InputRules.HasForbiddenCharacter(text, allowLineBreaks: true) ? throw new InputRuleException(InputRules.ControlCharacterRule) : text;
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>Every date read from a request body: YYYY-MM-DD within <see cref="InputRules.MinDate"/>..<see cref="InputRules.MaxDate"/>, so date arithmetic never overflows.</summary>
public sealed class BoundedDateConverter : JsonConverter<DateOnly>
{
    public override DateOnly Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType != JsonTokenType.String
            || !DateOnly.TryParseExact(reader.GetString(), "yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.None, out var date)
            || date < InputRules.MinDate || date > InputRules.MaxDate)
        {
            throw new InputRuleException(InputRules.DateRule);
        }

        return date;
    }

    public override void Write(Utf8JsonWriter writer, DateOnly value, JsonSerializerOptions options) =>
        writer.WriteStringValue(value.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
}
