using System.Globalization;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Economy;
using Microsoft.AspNetCore.Mvc;

namespace FinsamOutcomes.Api.Features.Workspace.Pages;

/// <summary>
/// The förbund's economy for a year (GET /api/economy/{forbundId}/{year}/report through its handler): financing, driftredovisning
/// with tertials and prognos, insatser against administration, eget kapital against the recommendation, cost per participant;
/// freeze it and compare a frozen one with today. National readers get the compilation, one row per förbund.
/// </summary>
public sealed class EkonomiModel(WorkspaceReports reports, WorkspaceEvidence evidence) : WorkspacePage(reports)
{
    [BindProperty(SupportsGet = true, Name = "ar")] public string? YearText { get; set; }

    /// <summary>The period of cost per participant: the year or one of its tertials.</summary>
    [BindProperty(SupportsGet = true)] public string? Period { get; set; }

    [BindProperty(SupportsGet = true, Name = "jamfor")] public string? CompareWith { get; set; }

    [BindProperty] public string? Name { get; set; }

    public int Year { get; private set; }

    /// <summary>The API route whose JSON the page shows (data-api on the page).</summary>
    public string Api { get; private set; } = "";

    public JsonNode? Report { get; private set; }

    public JsonNode? Compilation { get; private set; }

    public JsonNode? Comparison { get; private set; }

    public string? Frozen { get; private set; }

    public IReadOnlyList<WorkspaceEvidence.FrozenEconomySummary> FrozenList { get; private set; } = [];

    public string Query => $"ar={Year.ToString(CultureInfo.InvariantCulture)}&period={Uri.EscapeDataString(Period ?? "")}";

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!IsEconomyReader && !IsNationalReader)
        {
            return Refuse("förbundets ekonomi");
        }

        await LoadAsync(ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!IsEconomyReader)
        {
            return Refuse("förbundets ekonomi");
        }

        Year = EvidenceFigures.Year(YearText, Reports.Today);
        await TryAsync(async () =>
        {
            var frozen = await evidence.FreezeEconomyAsync(HttpContext, Me.ForbundId, Year, new FreezeEconomyRequest(Name ?? "", string.IsNullOrEmpty(Period) ? null : Period), ct);
            Frozen = $"Ekonomirapporten {frozen["name"]} är fryst vid loggposition {frozen["position"]}.";
        });
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        Year = EvidenceFigures.Year(YearText, Reports.Today);
        var year = Year.ToString(CultureInfo.InvariantCulture);
        if (IsNationalReader)
        {
            Api = $"/api/economy/compilation/{year}";
            await TryAsync(async () => Compilation = await evidence.CompilationAsync(HttpContext, Year, ct));
            return;
        }

        // the form keeps its period when the year changes: a period of another year means the whole new year
        Period = string.IsNullOrWhiteSpace(Period) || !Period.Trim().StartsWith(year, StringComparison.Ordinal) ? year : Period.Trim();
        Api = $"/api/economy/{Uri.EscapeDataString(Me.ForbundId)}/{year}/report?period={Uri.EscapeDataString(Period)}";
        if (!await TryAsync(async () => Report = await evidence.EconomyReportAsync(HttpContext, Me.ForbundId, Year, Period, ct)))
        {
            return;
        }

        if (!string.IsNullOrEmpty(CompareWith))
        {
            await TryAsync(async () => Comparison = await evidence.CompareEconomyAsync(HttpContext, CompareWith, ct));
        }

        FrozenList = await evidence.FrozenEconomyListAsync(Me.ForbundId, ct);
    }

    /// <summary>Swedish names of the driftredovisning's line keys (the report's own labels for its rows).</summary>
    public string LineLabel(string key) =>
        Report?["driftredovisning"]?["rows"]?.AsArray().FirstOrDefault(r => r?["key"]?.GetValue<string>() == key)?["label"]?.GetValue<string>() ?? key;

    public static string Financier(string? code) => code switch
    {
        "state" => "Staten (Försäkringskassan)",
        "region" => "Region",
        "kommuner" => "Kommuner",
        _ => code ?? "",
    };
}
