using System.Text.Json;
using System.Text.RegularExpressions;
using FinsamOutcomes.Domain.People;
using FluentValidation;
using FluentValidation.Results;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>
/// The one personnummer gate for every input, before anything reads it: route values, query names and values,
/// the headers the service reads (Idempotency-Key, If-Match, If-None-Match, X-Correlation-Id) and every property
/// name and string of a JSON body. Whatever carries a personnummer or samordningsnummer, however it is written
/// (<see cref="PersonnummerText"/>), is refused with 400 naming the field, never the value. Only the identity
/// fields (<see cref="IdentityFields"/>) may carry one, and from there it goes only to the vault.
/// Identifiers and codes are also held to a safe alphabet (<see cref="IdentifierAlphabet"/>, <see cref="KommunAlphabet"/>).
/// Strings that are ISO dates or date ranges and nothing else are exempt from the number test: a date range is
/// not a personnummer even when its digits happen to form one. So is an Idempotency-Key that is a UUID: the
/// service keeps only a digest of the key, never the key.
/// </summary>
public sealed partial class PersonnummerGate(RequestDelegate next)
{
    public const string Refusal = "Must not contain a personnummer or anything shaped like one: personal data stays out of everything but the identity fields.";

    public const string IdentifierRule = "Identifiers and codes are 1 to 128 characters: letters a–z and A–Z, digits, and . _ : - (not first).";

    public const string KommunRule = "A kommun is named by its name (letters, spaces, hyphens, 1 to 60 characters) or its four-digit kommun code.";

    /// <summary>The only places a personnummer may be sent: route template → JSON paths (the identity endpoints, in a body, never a URL).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> IdentityFields = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["POST /api/participations"] = ["person.personnummer"],
        ["POST /api/referrals"] = ["person.personnummer"],
        ["POST /api/people/{participantId}/rekey"] = ["personnummer"],
    };

    private static readonly string[] ReadHeaders = [IdempotencyMiddleware.Header, "If-Match", "If-None-Match", "X-Correlation-Id"];

    public async Task InvokeAsync(HttpContext context)
    {
        var errors = new List<ValidationFailure>();
        // the workspace's pages (everything outside /api): Razor's own route values name a page, an empty form field is "not chosen"
        var page = !context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal);
        foreach (var (name, value) in context.Request.RouteValues)
        {
            if (page && name is "page" or "handler")
            {
                continue;
            }

            CheckIdentifier(errors, $"route.{name}", value as string);
        }

        foreach (var (name, values) in context.Request.Query)
        {
            if (!IsClean(name))
            {
                errors.Add(new ValidationFailure("query", Refusal));
                continue;
            }

            foreach (var value in values)
            {
                if (page && string.IsNullOrEmpty(value))
                {
                    continue;
                }

                CheckValue(errors, $"query.{name}", name, value);
            }
        }

        foreach (var header in ReadHeaders)
        {
            foreach (var value in context.Request.Headers[header])
            {
                // a UUID key is opaque and only its digest is kept (IdempotencyMiddleware); other keys are read like any input
                if (header == IdempotencyMiddleware.Header && Guid.TryParseExact(value, "D", out _))
                {
                    continue;
                }

                if (value is not null && !DatesOnly().IsMatch(value) && PersonnummerText.ContainsValidNumber(value))
                {
                    errors.Add(new ValidationFailure($"header.{header}", Refusal));
                }
            }
        }

        if (errors.Count == 0 && HasJsonBody(context.Request))
        {
            await CheckBodyAsync(context, errors);
        }

        if (errors.Count == 0 && page && context.Request.HasFormContentType)
        {
            // a page's form (sign-in, freezing a report) is held to the same rule as a JSON body: no personnummer anywhere
            foreach (var (name, values) in await context.Request.ReadFormAsync(context.RequestAborted))
            {
                if (!IsClean(name))
                {
                    errors.Add(new ValidationFailure("form", Refusal));
                }
                else if (name != "__RequestVerificationToken" && values.Any(v => !IsClean(v)))
                {
                    errors.Add(new ValidationFailure($"form.{name}", Refusal));
                }
            }
        }

        if (errors.Count > 0 && errors.All(e => e.ErrorMessage == Refusal)
            && context.GetEndpoint()?.Metadata.GetMetadata<Microsoft.AspNetCore.Mvc.RazorPages.PageActionDescriptor>() is not null)
        {
            // a person at a page who sent a personnummer gets a page in Swedish saying so, not problem+json; it names no
            // field's value (other refusals of a page's input keep the one problem mapping)
            await WritePageRefusalAsync(context);
            return;
        }

        if (errors.Count > 0)
        {
            throw new ValidationException(errors.DistinctBy(e => e.PropertyName));
        }

        await next(context);
    }

    /// <summary>The refusal a workspace page answers with: 400, a page in Swedish that quotes nothing the request held.</summary>
    public const string PageRefusal = "Det du skickade innehöll ett personnummer eller något som liknar ett. Personuppgifter hör inte hemma i arbetsytan: gå tillbaka, ändra fältet och försök igen.";

    private static Task WritePageRefusalAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(
            "<!DOCTYPE html><html lang=\"sv\"><head><meta charset=\"utf-8\"><title>Inte skickat – FinsamOutcomes</title></head>"
            + "<body><main><h1>Inte skickat</h1><p role=\"alert\">" + PageRefusal + "</p>"
            + "<p><a href=\"/\">Till startsidan</a></p></main></body></html>",
            context.RequestAborted);
    }

    /// <summary>The identity fields of this request's route, as "METHOD /template" (templates without a trailing slash).</summary>
    public static string RouteKey(HttpContext context) =>
        $"{context.Request.Method} {Logging.RouteOf(context).TrimEnd('/')}";

    private static async Task CheckBodyAsync(HttpContext context, List<ValidationFailure> errors)
    {
        var request = context.Request;
        request.EnableBuffering((int)ProblemsSetup.MaxRequestBodyBytes, ProblemsSetup.MaxRequestBodyBytes);
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, new JsonDocumentOptions { MaxDepth = 32 }, context.RequestAborted);
        }
        catch (JsonException)
        {
            // not JSON: the endpoint refuses it (400 malformed), having read nothing out of it
            request.Body.Position = 0;
            return;
        }
        catch (IOException) when (request.Body.CanSeek && request.Body.Length > ProblemsSetup.MaxRequestBodyBytes)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        using (document)
        {
            var allowed = IdentityFields.GetValueOrDefault(RouteKey(context)) ?? [];
            Walk(document.RootElement, "", null, allowed, errors);
        }

        request.Body.Position = 0;
    }

    private static void Walk(JsonElement element, string path, string? propertyName, string[] allowed, List<ValidationFailure> errors)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsClean(property.Name))
                    {
                        errors.Add(new ValidationFailure(path.Length == 0 ? "body" : path, Refusal));
                        continue;
                    }

                    Walk(property.Value, path.Length == 0 ? property.Name : $"{path}.{property.Name}", property.Name, allowed, errors);
                }

                break;
            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    // items of kommuner, insatsIds… are held to their property's alphabet
                    Walk(item, $"{path}[{index++}]", propertyName, allowed, errors);
                }

                break;
            case JsonValueKind.String:
                if (allowed.Contains(path, StringComparer.OrdinalIgnoreCase))
                {
                    return;
                }

                string? text;
                try
                {
                    text = element.GetString();
                }
                catch (InvalidOperationException)
                {
                    // a lone surrogate: not text at all
                    errors.Add(new ValidationFailure(path, "The value is not valid text (it holds an unpaired surrogate)."));
                    break;
                }

                CheckValue(errors, path, propertyName ?? "", text);
                break;
            case JsonValueKind.Number:
                // a personnummer typed as a number into a numeric field (a birth year, a duration)
                if (!IsClean(element.GetRawText()))
                {
                    errors.Add(new ValidationFailure(path, Refusal));
                }

                break;
        }
    }

    private static void CheckValue(List<ValidationFailure> errors, string field, string name, string? value)
    {
        if (value is null)
        {
            return;
        }

        if (IsKommun(name))
        {
            if (!KommunAlphabet().IsMatch(value))
            {
                errors.Add(new ValidationFailure(field, KommunRule));
            }
        }
        else if (IsIdentifier(name))
        {
            CheckIdentifier(errors, field, value);
        }
        else if (!IsClean(value))
        {
            errors.Add(new ValidationFailure(field, Refusal));
        }
    }

    private static void CheckIdentifier(List<ValidationFailure> errors, string field, string? value)
    {
        if (value is null)
        {
            return;
        }

        // a valid number however written; not the plain shape, which random hex ids have by chance
        if (PersonnummerText.ContainsValidNumber(value))
        {
            errors.Add(new ValidationFailure(field, Refusal));
        }
        else if (!IdentifierAlphabet().IsMatch(value))
        {
            errors.Add(new ValidationFailure(field, IdentifierRule));
        }
    }

    /// <summary>True when the text carries no personnummer; a string that is only ISO dates is exempt (see the class summary).</summary>
    public static bool IsClean(string? text) =>
        text is null || DatesOnly().IsMatch(text) || !PersonnummerText.AppearsIn(text);

    /// <summary>Property and parameter names that hold identifiers or codes: …Id, …Ids, code, …Code.</summary>
    private static bool IsIdentifier(string name) =>
        name.EndsWith("Id", StringComparison.Ordinal) || name.EndsWith("Ids", StringComparison.Ordinal)
        || name is "code" or "id" || name.EndsWith("Code", StringComparison.Ordinal);

    private static bool IsKommun(string name) => name is "kommun" or "kommuner" or "homeKommun";

    private static bool HasJsonBody(HttpRequest request) =>
        !HttpMethods.IsGet(request.Method) && !HttpMethods.IsHead(request.Method)
        && (request.ContentLength is null or > 0)
        && request.ContentType is { } type && type.Contains("json", StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._:\-]{0,127}$", RegexOptions.CultureInvariant)]
    public static partial Regex IdentifierAlphabet();

    [GeneratedRegex(@"^(?:\p{L}[\p{L}\p{M} .'\-]{0,59}|[0-9]{4})$", RegexOptions.CultureInvariant)]
    public static partial Regex KommunAlphabet();

    [GeneratedRegex(@"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?(?:Z|[+\-]\d{2}:\d{2})?)?(?:\.\.\d{4}-\d{2}-\d{2})?$", RegexOptions.CultureInvariant)]
    private static partial Regex DatesOnly();
}
