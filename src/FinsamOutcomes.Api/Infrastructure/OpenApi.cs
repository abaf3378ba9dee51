using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>
/// The OpenAPI document at /openapi/v1.json and Swagger UI at /swagger, both open without a token.
/// Adds what the generator cannot see in the endpoints: the bearer JWT scheme, the Idempotency-Key and
/// If-Match headers, and request examples for the main writes (the same values as docs/api.md).
/// </summary>
public static class OpenApi
{
    public const string BearerScheme = "Bearer";

    /// <summary>Writes that refuse to run without If-Match (428); see StreamCommands.</summary>
    private static readonly string[] IfMatchRequired =
    [
        "api/participations/{participationId}/exit-correction",
        "api/participations/{participationId}/enrolment-correction",
        "api/participations/{participationId}/registered-in-error",
    ];

    /// <summary>Request body examples by "METHOD route". The personnummer is made up (Luhn-valid, belongs to no known person).</summary>
    private static readonly Dictionary<string, string> Examples = new(StringComparer.Ordinal)
    {
        ["POST api/forbund"] = """
            { "forbundId": "norrdal", "name": "Samordningsförbundet Norrdal", "registeredOn": "2026-01-01" }
            """,
        ["POST api/insatser"] = """
            {
              "forbundId": "norrdal",
              "name": "Samverkansteam Norrdal",
              "description": "Team för personer 18–64 år som länge stått utanför arbetsmarknaden på grund av ohälsa.",
              "kind": "individual",
              "kommuner": ["Exempelby"],
              "startDate": "2026-01-01",
              "endDate": "2027-12-31",
              "targetGroup": { "minAge": 18, "maxAge": 64, "description": "18–64 år, långt från arbetsmarknaden" },
              "followUp": "per_person_identified",
              "plannedParticipantsPerYear": 60
            }
            """,
        ["PUT api/insatser/{insatsId}/goals/{goalId}"] = """
            {
              "metric": "share_exits_to_work_or_studies",
              "comparison": "at_least",
              "threshold": 40,
              "period": "year",
              "description": "Minst 40 % av de avslutade går till arbete eller studier"
            }
            """,
        ["POST api/beredningsgrupper"] = """
            { "forbundId": "norrdal", "name": "Beredningsgrupp Exempelby", "insatsIds": ["insats-b81d0305bcb3f6936bb3"], "weeklyIntakeCap": 4 }
            """,
        ["POST api/referrals"] = """
            {
              "beredningsgruppId": "bg-e473cf490af39121c392",
              "referringParty": "kommun_social_assistance",
              "receivedOn": "2026-11-02",
              "gender": "woman",
              "person": { "personnummer": "19900315-2387" }
            }
            """,
        ["POST api/referrals/{referralId}/accept"] = """
            { "insatsId": "insats-b81d0305bcb3f6936bb3", "decidedOn": "2026-11-05", "overrideReason": null }
            """,
        ["POST api/participations"] = """
            {
              "insatsId": "insats-b81d0305bcb3f6936bb3",
              "referralId": "referral-3f520a110392f49415c1",
              "enrolledOn": "2026-11-09",
              "gender": "woman",
              "person": null,
              "consent": true,
              "baseline": {
                "meansOfSupport": "social_assistance",
                "occupation": "none",
                "education": "upper_secondary",
                "homeKommun": "Exempelby",
                "monthsOnSupportBefore": 30,
                "hasSgi": false
              },
              "ageOverrideReason": null
            }
            """,
        ["POST api/participations/{participationId}/activities"] = """
            { "activityId": null, "kind": "individual_meeting", "on": "2026-11-10", "durationMinutes": 60 }
            """,
        ["POST api/participations/{participationId}/pause"] = """
            { "on": "2026-11-12", "reason": "ill_health" }
            """,
        ["POST api/participations/{participationId}/resume"] = """
            { "on": "2026-11-16" }
            """,
        ["POST api/participations/{participationId}/exit"] = """
            { "exitedOn": "2026-11-20", "reasonCode": "aterremiss_af", "meansOfSupportAtExit": "social_assistance", "occupationAtExit": "job_seeking" }
            """,
        ["POST api/participations/{participationId}/exit-correction"] = """
            {
              "exitedOn": "2026-11-19",
              "reasonCode": "arbete_subventionerat",
              "meansOfSupportAtExit": "salary",
              "occupationAtExit": "working",
              "correctionReason": "Fel avslutsorsak och datum: anställning med lönebidrag från 19 november"
            }
            """,
        ["POST api/people/{participantId}/erasure"] = """
            { "reason": "Begäran om radering enligt artikel 17 GDPR, ärende 2026-117" }
            """,
    };

    public static void AddFinsamOpenApi(this WebApplicationBuilder builder) =>
        builder.Services.AddOpenApi(options =>
        {
            options.AddDocumentTransformer((document, _, _) =>
            {
                document.Info.Title = "FinsamOutcomes API";
                document.Info.Description =
                    "Record what happens to participants of FINSAM insatser and pull outcome statistics. " +
                    "Every POST needs an Idempotency-Key header; writes answer with an ETag (the stream version) and X-Log-Position. " +
                    "Authenticate with a JWT bearer token (development: `dotnet run --project src/FinsamOutcomes.Api -- token --role case_worker --forbund F --insats I`). " +
                    "Walk-through, roles and problem codes: docs/api.md.";
                document.Components ??= new OpenApiComponents();
                document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>(StringComparer.Ordinal);
                document.Components.SecuritySchemes[BearerScheme] = new OpenApiSecurityScheme
                {
                    Type = SecuritySchemeType.Http,
                    Scheme = "bearer",
                    BearerFormat = "JWT",
                    Description =
                        "A JWT with the claims role, forbund (an id, or * for every förbund) and, by role, insats and beredningsgrupp. " +
                        "Issuer, audience and keys come from configuration (Auth:*); in development mint one with the token command.",
                };
                return Task.CompletedTask;
            });
            options.AddOperationTransformer((operation, context, _) =>
            {
                var description = context.Description;
                if (description.ActionDescriptor.EndpointMetadata.OfType<IAllowAnonymous>().Any())
                {
                    return Task.CompletedTask;
                }

                operation.Security ??= [];
                operation.Security.Add(new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(BearerScheme, context.Document)] = [] });

                var method = description.HttpMethod ?? "";
                var route = (description.RelativePath ?? "").TrimEnd('/'); // a group's "/" route ends in a slash
                if (HttpMethods.IsPost(method) && route.StartsWith("api/", StringComparison.Ordinal))
                {
                    AddHeader(operation, IdempotencyMiddleware.Header, required: true,
                        "A key of 1 to 200 characters, new for each intended action (a UUID). A retry with the same key and body returns the first answer and appends nothing; the same key with another body is refused (422).");
                }

                if (IfMatchRequired.Contains(route, StringComparer.Ordinal))
                {
                    AddHeader(operation, "If-Match", required: true,
                        "The ETag of the participation as last read, like \"5\". Missing: 428; stale: 412.");
                }

                StatisticsOpenApi.Describe(operation, route);
                if (Examples.TryGetValue($"{method} {route}", out var example)
                    && operation.RequestBody?.Content is { } content
                    && content.TryGetValue("application/json", out var json))
                {
                    json.Example = JsonNode.Parse(example);
                }

                return Task.CompletedTask;
            });
        });

    public static void UseFinsamOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/openapi/v1.json", "FinsamOutcomes API v1");
            options.RoutePrefix = "swagger";
        });
    }

    private static void AddHeader(OpenApiOperation operation, string name, bool required, string text)
    {
        operation.Parameters ??= [];
        operation.Parameters.Add(new OpenApiParameter
        {
            Name = name,
            In = ParameterLocation.Header,
            Required = required,
            Description = text,
            Schema = new OpenApiSchema { Type = JsonSchemaType.String, MaxLength = 200 },
        });
    }
}
