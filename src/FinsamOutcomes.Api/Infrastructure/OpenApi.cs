namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>The OpenAPI document at /openapi/v1.json and Swagger UI at /swagger, both open without a token.</summary>
public static class OpenApi
{
    public static void AddFinsamOpenApi(this WebApplicationBuilder builder) =>
        builder.Services.AddOpenApi(options => options.AddDocumentTransformer((document, _, _) =>
        {
            document.Info.Title = "FinsamOutcomes API";
            document.Info.Description =
                "Record what happens to participants of FINSAM insatser and pull outcome statistics. " +
                "Every POST needs an Idempotency-Key header; writes answer with an ETag (the stream version) and X-Log-Position. " +
                "Authenticate with a JWT bearer token (development: `dotnet run --project src/FinsamOutcomes.Api -- token --role case_worker --forbund F --insats I`).";
            return Task.CompletedTask;
        }));

    public static void UseFinsamOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.UseSwaggerUI(options =>
        {
            options.SwaggerEndpoint("/openapi/v1.json", "FinsamOutcomes API v1");
            options.RoutePrefix = "swagger";
        });
    }
}
