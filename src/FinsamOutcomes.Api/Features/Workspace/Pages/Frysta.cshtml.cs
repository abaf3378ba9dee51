using FinsamOutcomes.Api.Features.Statistics;
using Microsoft.AspNetCore.Mvc;

namespace FinsamOutcomes.Api.Features.Workspace.Pages;

/// <summary>Freeze the förbund's report for a board meeting (the same handler as POST /api/statistics/frozen), list, compare with today.</summary>
public sealed class FrystaModel(WorkspaceReports reports) : WorkspacePage(reports)
{
    [BindProperty] public string? Name { get; set; }

    [BindProperty] public string? Period { get; set; }

    [BindProperty] public bool IncludePredecessors { get; set; }

    [BindProperty(SupportsGet = true, Name = "jamfor")] public string? CompareWith { get; set; }

    public IReadOnlyList<WorkspaceReports.FrozenSummary> List { get; private set; } = [];

    public ReportComparison? Comparison { get; private set; }

    public FrozenReport? Created { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!MayFreeze)
        {
            return Refuse("frysta rapporter");
        }

        Period ??= WorkspaceReports.PeriodsOf(Reports.Today).HalfYear;
        if (!string.IsNullOrEmpty(CompareWith))
        {
            await TryAsync(async () => Comparison = await Reports.CompareAsync(HttpContext, CompareWith, ct));
        }

        List = await Reports.FrozenListAsync(Me.ForbundId, ct);
        return Page();
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!MayFreeze)
        {
            return Refuse("frysta rapporter");
        }

        await TryAsync(async () => Created = await Reports.FreezeAsync(
            HttpContext, new FreezeRequest(Name ?? "", "forbund", Period ?? "", Me.ForbundId, null, null, IncludePredecessors), ct));
        List = await Reports.FrozenListAsync(Me.ForbundId, ct);
        return Page();
    }
}
