using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FluentValidation;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>The body every write answers with: the resource, its new version (also the ETag) and the log position written.</summary>
public sealed record WriteResponse(string Id, long Version, long LogPosition, int EventsAppended);

public static class Endpoints
{
    /// <summary>
    /// Validates a request body's fields (400 with field errors) before any command is built, with the
    /// request's validator from DI (every validator in this assembly is registered by <see cref="AddFinsamValidators"/>).
    /// </summary>
    public static RouteHandlerBuilder Validated<TRequest>(this RouteHandlerBuilder builder) =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var request = context.Arguments.OfType<TRequest>().FirstOrDefault();
            if (request is null)
            {
                throw new BadHttpRequestException("The request body is missing.", new System.Text.Json.JsonException("missing body"));
            }

            var validator = context.HttpContext.RequestServices.GetRequiredService<IValidator<TRequest>>();
            var result = await validator.ValidateAsync(request, context.HttpContext.RequestAborted);
            if (!result.IsValid)
            {
                throw new ValidationException(result.Errors);
            }

            return await next(context);
        });

    public static IServiceCollection AddFinsamValidators(this IServiceCollection services) =>
        services.AddValidatorsFromAssemblyContaining<WriteResponse>(ServiceLifetime.Singleton, includeInternalTypes: true);

    public static Caller Caller(this HttpContext http) => Infrastructure.Caller.From(http.User);

    /// <summary>
    /// Free text people type ends up in events: it must not carry a personnummer (400 naming the field). The
    /// <see cref="PersonnummerGate"/> refuses it for every input already; the rule keeps validators self-describing.
    /// </summary>
    public static IRuleBuilderOptions<T, string?> NoPersonnummer<T>(this IRuleBuilder<T, string?> rule) =>
        rule.Must(text => !Domain.People.PersonnummerText.AppearsIn(text))
            .WithMessage("Must not contain a personnummer or anything shaped like one: personal data stays out of recorded text.");

    public static DateOnly Today(this TimeProvider time) => DateOnly.FromDateTime(time.GetLocalNow().DateTime);

    /// <summary>
    /// An id for a resource the request creates: derived from the caller and the Idempotency-Key, so a
    /// retry that lost its first answer creates nothing new.
    /// </summary>
    public static string NewId(this HttpContext http, string prefix)
    {
        var key = http.Items[IdempotencyMiddleware.ItemKey] as string ?? Guid.NewGuid().ToString();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{http.Caller().Actor}\n{key}\n{prefix}"));
        return $"{prefix}-{Letters(hash)}";
    }

    /// <summary>
    /// 16 lower-case letters (75 bits) from a hash. No digits: an id can never contain something the
    /// personnummer gate would take for a number, so every id the service hands out can be sent back.
    /// </summary>
    public static string Letters(ReadOnlySpan<byte> hash)
    {
        var value = new System.Numerics.BigInteger(hash[..10], isUnsigned: true);
        return string.Create(16, value, (chars, v) =>
        {
            for (var i = 0; i < chars.Length; i++)
            {
                chars[i] = (char)('a' + (int)(v % 26));
                v /= 26;
            }
        });
    }

    public static IResult Created(string location, WriteOutcome outcome, string id) =>
        outcome.EventsAppended > 0
            ? Results.Created(location, new WriteResponse(id, outcome.Version, outcome.LogPosition, outcome.EventsAppended))
            : Results.Ok(new WriteResponse(id, outcome.Version, outcome.LogPosition, outcome.EventsAppended));

    public static IResult Written(WriteOutcome outcome, string id) =>
        Results.Ok(new WriteResponse(id, outcome.Version, outcome.LogPosition, outcome.EventsAppended));
}
