using Microsoft.AspNetCore.Mvc;

namespace FinsamOutcomes.Api.Features.Workspace.Pages;

/// <summary>The country or one förbund as national readers see it: small counts suppressed, and marked.</summary>
public sealed class NationellModel(WorkspaceReports reports) : WorkspacePage(reports)
{
    [BindProperty(SupportsGet = true)] public string? ForbundId { get; set; }

    [BindProperty(SupportsGet = true)] public string? Period { get; set; }

    public ReportView? View { get; private set; }

    public IReadOnlyList<(string Id, string Name)> ForbundChoices { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!IsNationalReader)
        {
            return Refuse("den nationella vyn");
        }

        ForbundChoices = await Reports.ForbundListAsync(ct);
        Period ??= WorkspaceReports.PeriodsOf(Reports.Today).Year;
        var ask = string.IsNullOrEmpty(ForbundId) ? new ReportAsk("country", Period) : new ReportAsk("forbund", Period, ForbundId: ForbundId);
        var title = (string.IsNullOrEmpty(ForbundId) ? "Hela landet" : ForbundChoices.FirstOrDefault(f => f.Id == ForbundId).Name ?? ForbundId) + ", " + Sv.PeriodName(Period);
        await TryAsync(async () => View = await ReportView.LoadAsync(Reports, HttpContext, title, ask, perInsats: false, ct));
        return Page();
    }
}
