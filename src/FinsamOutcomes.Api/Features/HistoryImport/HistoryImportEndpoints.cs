using FinsamOutcomes.Api.Features.Economy;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FinsamOutcomes.Api.Features.HistoryImport;

/// <summary>
/// POST /api/forbund/{forbundId}/history-imports?dryRun=&amp;fileName=&amp;map=Heading=field   historical participations from a
/// CSV or xlsx body (case worker of the förbund: rows of the token's insatser). The answer is the summary.
/// </summary>
public static class HistoryImportEndpoints
{
    /// <summary>The body limit of this one route: a CSV of about 10 000 rows of a typical export (the other routes keep 64 KiB).</summary>
    public const long MaxFileBytes = 2 * 1024 * 1024;

    /// <summary>Rows per request; a larger file is split or imported from the command line (no limit there).</summary>
    public const int MaxRows = 5_000;

    public static void AddHistoryImport(this IServiceCollection services) => services.AddSingleton<HistoryImporter>();

    public static void MapHistoryImport(this IEndpointRouteBuilder api) =>
        api.MapPost("/forbund/{forbundId}/history-imports", Import)
            .WithTags("History import")
            .WithMetadata(new RequestSizeLimitAttribute(MaxFileBytes))
            .Accepts<string>("text/csv", AccountingImport.XlsxContentType);

    public static async Task<IResult> Import(
        string forbundId, bool? dryRun, string? fileName, [FromQuery(Name = "map")] string[]? map, HttpContext http, HistoryImporter importer, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.CaseWorker) && caller.ForbundId == forbundId, "participants of this förbund's insatser");
        var name = string.IsNullOrWhiteSpace(fileName) ? "import" : fileName.Trim();

        var mapping = HistoryFile.Mapping(map ?? []);
        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        if (buffer.Length == 0)
        {
            throw HistoryFile.Invalid("file", "The request body is the file: CSV (text/csv) or xlsx.");
        }

        var correlation = Guid.TryParse(http.Request.Headers["X-Correlation-Id"].ToString(), out var given) ? given : Guid.NewGuid();
        var request = new HistoryImportRequest(forbundId, name, buffer.ToArray(), mapping, dryRun == true, caller.Actor, correlation, caller.Insatser.Contains, MaxRows);
        return Results.Ok(await importer.ImportAsync(request, null, ct));
    }
}
