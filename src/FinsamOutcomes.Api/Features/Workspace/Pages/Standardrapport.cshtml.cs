using FinsamOutcomes.Api.Features.Statistics.Export;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FinsamOutcomes.Api.Features.Workspace.Pages;

/// <summary>The standard report for any scope (förbund with or without predecessors, kommun, insats) and any period.</summary>
public sealed class StandardrapportModel(WorkspaceReports reports) : WorkspacePage(reports)
{
    [BindProperty(SupportsGet = true)] public string? Scope { get; set; }

    [BindProperty(SupportsGet = true)] public string? Period { get; set; }

    [BindProperty(SupportsGet = true)] public string? From { get; set; }

    [BindProperty(SupportsGet = true)] public string? To { get; set; }

    [BindProperty(SupportsGet = true)] public string? Kommun { get; set; }

    [BindProperty(SupportsGet = true)] public string? InsatsId { get; set; }

    [BindProperty(SupportsGet = true)] public bool IncludePredecessors { get; set; }

    public ReportView? View { get; private set; }

    public IReadOnlyList<string> Kommuner { get; private set; } = [];

    public IReadOnlyList<InsatsInfo> Insatser { get; private set; } = [];

    public IReadOnlyList<string> PeriodChoices { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (IsNationalReader)
        {
            return Redirect("/arbetsyta/nationell");
        }

        if (!IsForbundStaff && !Me.Is(Roles.InsatsManager))
        {
            return Refuse("förbundets statistik");
        }

        var today = Reports.Today;
        PeriodChoices = Enumerable.Range(0, 3).Select(i => today.Year - i)
            .SelectMany(y => new[] { $"{y}", $"{y}-H1", $"{y}-H2", $"{y}-D", $"{y}-T1", $"{y}-T2", $"{y}-T3" }).ToArray();
        Insatser = (await Reports.InsatserAsync([Me.ForbundId], DateOnly.MinValue, DateOnly.MaxValue, ct))
            .Where(i => IsForbundStaff || Me.Insatser.Contains(i.InsatsId)).ToArray();
        if (IsForbundStaff)
        {
            Kommuner = await Reports.KommunerAsync(Me.ForbundId, ct);
        }

        Scope ??= IsForbundStaff ? "forbund" : "insats";
        if (!string.IsNullOrEmpty(From) || !string.IsNullOrEmpty(To))
        {
            Period = $"{From}..{To}";
        }

        Period ??= WorkspaceReports.PeriodsOf(today).HalfYear;
        if (Scope == "insats" && string.IsNullOrEmpty(InsatsId))
        {
            InsatsId = Insatser.FirstOrDefault()?.InsatsId;
        }

        var ask = Scope switch
        {
            "insats" => new ReportAsk("insats", Period, InsatsId: InsatsId),
            "kommun" => new ReportAsk("kommun", Period, ForbundId: Me.ForbundId, Kommun: Kommun, IncludePredecessors: IncludePredecessors),
            _ => new ReportAsk(Scope, Period, ForbundId: Me.ForbundId, IncludePredecessors: IncludePredecessors),
        };
        var title = Scope switch
        {
            "insats" => Insatser.FirstOrDefault(i => i.InsatsId == InsatsId)?.Name ?? InsatsId ?? "",
            "kommun" => $"{Kommun}, {await Reports.ForbundNameAsync(Me.ForbundId, ct)}",
            _ => await Reports.ForbundNameAsync(Me.ForbundId, ct) + (IncludePredecessors ? " med föregångare" : ""),
        } + ", " + Sv.PeriodName(Period);
        await TryAsync(async () => View = await ReportView.LoadAsync(Reports, HttpContext, title, ask, perInsats: true, ct));
        return Page();
    }
}
