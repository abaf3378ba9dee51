using FinsamOutcomes.Api.Features.Statistics.Export;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FinsamOutcomes.Api.Features.Workspace.Pages;

/// <summary>
/// Indicator surveys (GET /api/surveys/report through its handler): rounds per insats and förbund, sent, answered, response rate,
/// per question the counts and shares per option, the positive share and the change since the year before, and the survey goals.
/// National readers see the country or one förbund with small counts suppressed, exactly as the API suppresses them.
/// </summary>
public sealed class EnkaterModel(WorkspaceReports reports, WorkspaceEvidence evidence) : WorkspacePage(reports)
{
    [BindProperty(SupportsGet = true)] public string? Period { get; set; }

    [BindProperty(SupportsGet = true)] public string? InsatsId { get; set; }

    [BindProperty(SupportsGet = true)] public string? ForbundId { get; set; }

    public string Api { get; private set; } = "";

    public JsonNode? Report { get; private set; }

    /// <summary>True when the report is national output (small counts hidden).</summary>
    public bool Suppressed => Report?["basis"]?["disclosureThreshold"] is JsonValue;

    public IReadOnlyList<InsatsInfo> InsatsChoices { get; private set; } = [];

    public IReadOnlyList<(string Id, string Name)> ForbundChoices { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!MaySeeSurveys)
        {
            return Refuse("enkätresultaten");
        }

        Period = string.IsNullOrWhiteSpace(Period) ? WorkspaceReports.PeriodsOf(Reports.Today).Year : Period.Trim();
        string scope;
        string? forbund = null;
        if (IsNationalReader)
        {
            ForbundChoices = await Reports.ForbundListAsync(ct);
            (scope, forbund, InsatsId) = string.IsNullOrEmpty(ForbundId) ? ("country", (string?)null, (string?)null) : ("forbund", ForbundId, (string?)null);
        }
        else if (IsForbundStaff)
        {
            InsatsChoices = await Reports.InsatserAsync([Me.ForbundId], DateOnly.MinValue, DateOnly.MaxValue, ct);
            (scope, forbund) = string.IsNullOrEmpty(InsatsId) ? ("forbund", Me.ForbundId) : ("insats", null);
        }
        else
        {
            InsatsChoices = (await Reports.InsatserAsync([Me.ForbundId], DateOnly.MinValue, DateOnly.MaxValue, ct)).Where(i => Me.Insatser.Contains(i.InsatsId)).ToArray();
            InsatsId = string.IsNullOrEmpty(InsatsId) ? Me.Insatser.Order(StringComparer.Ordinal).First() : InsatsId;
            scope = "insats";
        }

        Api = $"/api/surveys/report?scope={scope}" + (forbund is null ? "" : $"&forbundId={Uri.EscapeDataString(forbund)}")
            + (scope == "insats" ? $"&insatsId={Uri.EscapeDataString(InsatsId!)}" : "") + $"&period={Uri.EscapeDataString(Period)}";
        await TryAsync(async () => Report = await evidence.SurveyReportAsync(HttpContext, scope, Period, forbund, scope == "insats" ? InsatsId : null, ct));
        return Page();
    }

    /// <summary>The insats's name where the page knows it (förbund staff), else its id.</summary>
    public string InsatsName(string? insatsId) =>
        insatsId is null ? "Hela förbundet" : InsatsChoices.FirstOrDefault(i => i.InsatsId == insatsId)?.Name ?? insatsId;

    public static string Group(string? code) => code switch
    {
        "participant_during" => "Deltagare under insatsen",
        "participant_at_exit" => "Deltagare vid avslut",
        "insats_staff" => "Insatspersonal",
        "board" => "Styrelse",
        "managers" => "Chefer i samverkan",
        "referrers" => "Remittenter",
        _ => code ?? "",
    };
}
