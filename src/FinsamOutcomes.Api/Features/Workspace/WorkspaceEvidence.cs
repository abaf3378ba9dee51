using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Economy;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Features.Surveys;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.EventStore.Projections;
using FluentValidation;
using Microsoft.AspNetCore.Html;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Workspace;

/// <summary>
/// The workspace's way to the economy and survey figures, as <see cref="WorkspaceReports"/> is to the statistics: it calls
/// the economy and survey endpoints' own handlers with the page's caller and turns their answer into the JSON the API
/// would send (the API's own serializer options), so a page shows exactly what the API answers — no second computation.
/// </summary>
public sealed class WorkspaceEvidence(
    NpgsqlDataSource db, EconomyReports economy, ProjectionMonitor monitor, IOptions<StatisticsOptions> statistics, TimeProvider time,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> json, IValidator<FreezeEconomyRequest> freezeValidator)
{
    /// <summary>GET /api/economy/{forbundId}/{year}/report?period=</summary>
    public async Task<JsonNode> EconomyReportAsync(HttpContext http, string forbundId, int year, string? period, CancellationToken ct) =>
        Json(await EconomyReportEndpoints.Report(forbundId, year, period, null, null, http, db, economy, monitor, ct));

    /// <summary>GET /api/economy/compilation/{year}</summary>
    public async Task<JsonNode> CompilationAsync(HttpContext http, int year, CancellationToken ct) =>
        Json(await EconomyReportEndpoints.Compilation(year, null, http, economy, ct));

    /// <summary>POST /api/economy/{forbundId}/{year}/frozen: the request's validation, then the endpoint's handler.</summary>
    public async Task<JsonNode> FreezeEconomyAsync(HttpContext http, string forbundId, int year, FreezeEconomyRequest request, CancellationToken ct)
    {
        await freezeValidator.ValidateAndThrowAsync(request, ct);
        return Json(await FrozenEconomyReports.Freeze(forbundId, year, request, http, db, economy, ct));
    }

    /// <summary>GET /api/economy/frozen/{frozenId}/comparison</summary>
    public async Task<JsonNode> CompareEconomyAsync(HttpContext http, string frozenId, CancellationToken ct) =>
        Json(await FrozenEconomyReports.Compare(frozenId, http, db, economy, ct));

    public sealed record FrozenEconomySummary(string FrozenId, string Name, int Year, string Period, long Position, DateTimeOffset FrozenAt, string FrozenBy);

    /// <summary>The förbund's frozen economy reports, newest first (the list the API has no route for; the rows the handlers read).</summary>
    public async Task<IReadOnlyList<FrozenEconomySummary>> FrozenEconomyListAsync(string forbundId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            "SELECT frozen_id, name, year, period, position, frozen_at, frozen_by FROM econ_frozen_reports WHERE forbund_id = $1 ORDER BY frozen_at DESC, frozen_id LIMIT 200", forbundId);
        var list = new List<FrozenEconomySummary>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new FrozenEconomySummary(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt64(4),
                reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6)));
        }

        return list;
    }

    /// <summary>GET /api/surveys/report?scope=&amp;forbundId=&amp;insatsId=&amp;period=</summary>
    public async Task<JsonNode> SurveyReportAsync(HttpContext http, string scope, string period, string? forbundId, string? insatsId, CancellationToken ct) =>
        Json(await SurveyReportEndpoint.Report(http, db, statistics, time, scope, period, forbundId, insatsId, null, ct));

    private JsonNode Json(IResult result) => result switch
    {
        ContentHttpResult { ResponseContent: { } text } => JsonNode.Parse(text)!,
        IValueHttpResult { Value: { } value } => JsonSerializer.SerializeToNode(value, value.GetType(), json.Value.SerializerOptions)!,
        _ => throw new InvalidOperationException("The endpoint did not answer JSON."),
    };
}

/// <summary>How the economy and survey pages write a figure: a span with its JSON path (data-figure) and, for tkr, data-unit.</summary>
public static class EvidenceFigures
{
    /// <summary>Kronor shown as whole tkr: kronor / 1000 rounded half away from zero, as the reports' tkr columns.</summary>
    public static HtmlString Tkr(JsonNode report, string path)
    {
        var attr = $"data-figure=\"{Figures.Encode(path)}\" data-unit=\"tkr\"";
        return Sv.Decimal(Sv.At(report, path)) is { } kronor
            ? new($"<span class=\"num\" {attr} title=\"{Figures.Encode(kronor.ToString("#,##0.00", Sv.Culture))} kr\">{EconomyReports.Tkr(kronor).ToString("#,##0", Sv.Culture)}</span>")
            : new($"<span class=\"num empty\" {attr} aria-label=\"saknas\">–</span>");
    }

    /// <summary>Exact kronor with öre: 26 345,67.</summary>
    public static HtmlString Kr(JsonNode report, string path)
    {
        var attr = $"data-figure=\"{Figures.Encode(path)}\"";
        return Sv.Decimal(Sv.At(report, path)) is { } kronor
            ? new($"<span class=\"num\" {attr}>{kronor.ToString("#,##0.00", Sv.Culture)}</span>")
            : new($"<span class=\"num empty\" {attr} title=\"Ingen nämnare\" aria-label=\"saknas\">–</span>");
    }

    /// <summary>A count or a percentage with one decimal; ".." when the survey report suppressed it, "–" when there is nothing to count.</summary>
    public static HtmlString Num(JsonNode report, string path, bool suppressed = false)
    {
        var attr = $"data-figure=\"{Figures.Encode(path)}\"";
        var node = Sv.At(report, path);
        if (Sv.Decimal(node) is { } d)
        {
            var text = node is JsonValue v && v.TryGetValue<int>(out var i) && !path.EndsWith("percent", StringComparison.Ordinal) && !path.EndsWith("value", StringComparison.Ordinal)
                && !path.EndsWith("changeInPoints", StringComparison.Ordinal)
                ? i.ToString("#,##0", Sv.Culture)
                : d.ToString("0.0", Sv.Culture);
            return new($"<span class=\"num\" {attr}>{text}</span>");
        }

        return suppressed
            ? new($"<span class=\"num suppressed\" {attr} title=\"Undertryckt: för få svar för att visas utanför förbundet\" aria-label=\"undertryckt\">..</span>")
            : new($"<span class=\"num empty\" {attr} title=\"Ingen nämnare\" aria-label=\"saknas\">–</span>");
    }

    /// <summary>A money share: "48,5 % (1 940 av 4 000 tkr)".</summary>
    public static HtmlString MoneyShare(JsonNode report, string path) =>
        new($"{Num(report, path + ".percent")}&nbsp;% <span class=\"counts\">({Tkr(report, path + ".numerator")} av {Tkr(report, path + ".denominator")} tkr)</span>");

    /// <summary>A survey share: "72,1 % (31 av 43)"; a share of nothing (0 av 0) is "–", not suppressed.</summary>
    public static HtmlString SurveyShare(JsonNode report, string path, bool suppressed)
    {
        var hidden = suppressed && !OfNothing(report, path);
        return new($"{Num(report, path + ".value", hidden)}&nbsp;% <span class=\"counts\">({Num(report, path + ".numerator", hidden)} av {Num(report, path + ".denominator", hidden)})</span>");
    }

    /// <summary>True when the share at the path has the denominator 0.</summary>
    public static bool OfNothing(JsonNode report, string sharePath) => Sv.Decimal(Sv.At(report, sharePath + ".denominator")) == 0;

    public static int Year(string? year, DateOnly today) =>
        int.TryParse(year, NumberStyles.None, CultureInfo.InvariantCulture, out var y) ? y : today.Year;
}
