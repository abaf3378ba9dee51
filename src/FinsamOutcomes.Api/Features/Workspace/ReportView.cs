using System.Text.Json.Nodes;

namespace FinsamOutcomes.Api.Features.Workspace;

/// <summary>One report on a page, with the per-insats reports and the trend over the last tertials that go beside it.</summary>
public sealed record ReportView(
    string Title,
    ReportAsk Ask,
    JsonNode Report,
    IReadOnlyList<(InsatsInfo Insats, ReportAsk Ask, JsonNode Report)> PerInsats,
    IReadOnlyList<(string Period, ReportAsk Ask, JsonNode Report)> Trend)
{
    /// <summary>Loads the report; the per-insats reports for a förbund scope (when <paramref name="perInsats"/>); the last six tertials.</summary>
    public static async Task<ReportView> LoadAsync(WorkspaceReports reports, HttpContext http, string title, ReportAsk ask, bool perInsats, CancellationToken ct)
    {
        var report = await reports.ReportAsync(http, ask, ct);
        var rows = new List<(InsatsInfo, ReportAsk, JsonNode)>();
        if (perInsats && ask.Scope == "forbund")
        {
            var forbundIds = report["basis"]?["forbundIds"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [];
            var from = DateOnly.Parse(report["basis"]!["period"]!["from"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            var to = DateOnly.Parse(report["basis"]!["period"]!["to"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
            foreach (var insats in (await reports.InsatserAsync(forbundIds, from, to, ct)).Where(i => i.Kind == "individual"))
            {
                var insatsAsk = new ReportAsk("insats", ask.Period, InsatsId: insats.InsatsId);
                rows.Add((insats, insatsAsk, await reports.ReportAsync(http, insatsAsk, ct)));
            }
        }

        var trend = new List<(string, ReportAsk, JsonNode)>();
        var end = DateOnly.Parse(report["basis"]!["period"]!["to"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var last = end < reports.Today ? end : reports.Today;
        foreach (var tertial in WorkspaceReports.TertialsUpTo(last, 6))
        {
            var tertialAsk = ask with { Period = tertial };
            trend.Add((tertial, tertialAsk, await reports.ReportAsync(http, tertialAsk, ct)));
        }

        return new ReportView(title, ask, report, rows, trend);
    }
}
