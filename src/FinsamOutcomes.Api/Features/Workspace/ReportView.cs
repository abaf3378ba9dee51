using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Statistics.Export;

namespace FinsamOutcomes.Api.Features.Workspace;

/// <summary>One report on a page, with the per-insats reports and the trend over the last tertials that go beside it.</summary>
public sealed record ReportView(
    string Title,
    ReportAsk Ask,
    JsonNode Report,
    IReadOnlyList<(InsatsInfo Insats, ReportAsk Ask, JsonNode Report)> PerInsats,
    IReadOnlyList<(string Period, ReportAsk Ask, JsonNode Report)> Trend,
    IReadOnlyDictionary<string, string> Names)
{
    /// <summary>The name of an insats or beredningsgrupp of the report's förbund (the intake-pause rows name them by id), else the id.</summary>
    public string NameOf(string id) => Names.GetValueOrDefault(id) ?? id;

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

        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        var paused = report["intakePauses"]?["rows"]?.AsArray().Count > 0;
        foreach (var forbundId in paused ? report["basis"]?["forbundIds"]?.AsArray().Select(n => n!.GetValue<string>()) ?? [] : [])
        {
            foreach (var insats in await reports.InsatserAsync([forbundId], DateOnly.MinValue, DateOnly.MaxValue, ct))
            {
                names[insats.InsatsId] = insats.Name;
            }

            foreach (var (id, name, _) in await reports.BeredningsgrupperAsync(forbundId, ct))
            {
                names[id] = name;
            }
        }

        return new ReportView(title, ask, report, rows, trend, names);
    }
}
