using System.Text.Json.Nodes;
using Microsoft.OpenApi;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>
/// What the statistics routes' query parameters mean, as OpenAPI descriptions with allowed values and examples
/// (the generator sees only bare strings). Definitions of the figures: docs/statistics.md.
/// </summary>
internal static class StatisticsOpenApi
{
    private sealed record Parameter(string Description, string Example, string[]? Allowed = null);

    private static readonly Dictionary<string, Parameter> Parameters = new(StringComparer.Ordinal)
    {
        ["scope"] = new(
            "What the report covers: `insats` (needs insatsId), `kommun` (needs forbundId and kommun), `forbund` (needs forbundId) or `country` (national callers; small counts suppressed).",
            "forbund", ["insats", "kommun", "forbund", "country"]),
        ["period"] = new(
            "The period, both dates inclusive: `2025` (year), `2025-H1` / `2025-H2` (half years), `2025-T1` / `2025-T2` / `2025-T3` (tertials Jan–Apr, May–Aug, Sep–Dec), `2025-D` (delår Jan–Aug) or a date range `2025-03-01..2025-06-30`.",
            "2025-H1"),
        ["forbundId"] = new("The förbund, for scope `forbund` or `kommun`. An unknown förbund is a 404.", "alvdalen"),
        ["insatsId"] = new("The insats, for scope `insats` (and the äldstalista). An unknown insats is a 404.", "insats-abcdefghijklmnop"),
        ["kommun"] = new(
            "For scope `kommun`: a kommun of the förbund by name (the participants' home kommun), e.g. a member kommun or a kommun its insatser serve. Any other kommun is a 400 naming `kommun`.",
            "Norrby"),
        ["includePredecessors"] = new("`true`: also count the förbund this one was formed from by merger (and theirs). Default `false`.", "true", ["true", "false"]),
        ["asOfPosition"] = new("The report as it stood right after this log position (the `X-Log-Position` of a write). Not with asOfTime.", "1200"),
        ["asOfTime"] = new("The report as of the last event recorded at or before this moment (ISO 8601). Not with asOfPosition.", "2025-09-01T00:00:00Z"),
        ["waitForPosition"] = new("Wait (up to 10 s) until the statistics reflect this log position, e.g. the `X-Log-Position` of your last write; 503 if they do not.", "1200"),
        ["format"] = new(
            "The answer's format: `json` (default), `csv` (long: one row per figure), `csv-wide` (one row per group, genders as columns) or `xlsx` (one sheet per table and an Underlag sheet). Anything else is a 400 naming `format`; there is no PDF (print the workspace page).",
            "xlsx", ["json", "csv", "csv-wide", "xlsx"]),
        ["limit"] = new("How many entries of the äldstalista, 1 to 500 (default 20).", "20"),
    };

    public static void Describe(OpenApiOperation operation, string route)
    {
        if (!route.StartsWith("api/statistics", StringComparison.Ordinal) || operation.Parameters is null)
        {
            return;
        }

        foreach (var parameter in operation.Parameters.OfType<OpenApiParameter>())
        {
            if (parameter.Name is null || !Parameters.TryGetValue(parameter.Name, out var known))
            {
                continue;
            }

            parameter.Description = known.Description;
            parameter.Example = JsonValue.Create(known.Example);
            if (known.Allowed is not null && parameter.Schema is OpenApiSchema schema && parameter.Name != "includePredecessors")
            {
                schema.Enum = known.Allowed.Select(v => (JsonNode)JsonValue.Create(v)).ToList();
            }
        }

        if (route is "api/statistics/report" or "api/statistics/frozen/{frozenId}" or "api/statistics/frozen/{frozenId}/comparison"
            && operation.Responses?.TryGetValue("200", out var ok) == true && ok.Content is { } content)
        {
            // the files the format parameter asks for, beside the JSON whose schema the endpoint declares
            foreach (var type in new[] { "text/csv", Features.Statistics.Export.XlsxExport.ContentType })
            {
                content[type] = new OpenApiMediaType { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Format = "binary" } };
            }
        }

        if (route == "api/statistics/report")
        {
            operation.Summary = "A period report: participants, exits, before/after, time, referrals, goals, head counts, occupation at the end, activities, background, SUS groups and intake pauses, with the counts behind every share.";
        }
    }
}
