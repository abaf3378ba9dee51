using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FinsamOutcomes.Api.Features.Workspace.Pages;

/// <summary>The förbund's (or an insats manager's insats's) current tertial, half year and year at a glance.</summary>
public sealed class StartModel(WorkspaceReports reports) : WorkspacePage(reports)
{
    public string Heading { get; private set; } = "Start";

    public IReadOnlyList<(string Label, ReportAsk Ask, JsonNode Report)> Cards { get; private set; } = [];

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (IsNationalReader)
        {
            return Redirect("/arbetsyta/nationell");
        }

        if (Me.Is(Roles.CaseWorker) || IsGroupMember)
        {
            return Redirect("/arbetsyta/beredningsgrupp");
        }

        if (Me.Is(Roles.Economist))
        {
            return Redirect("/arbetsyta/ekonomi");
        }

        Func<string, ReportAsk> ask;
        if (IsForbundStaff)
        {
            Heading = await Reports.ForbundNameAsync(Me.ForbundId, ct);
            ask = p => new ReportAsk("forbund", p, ForbundId: Me.ForbundId);
        }
        else if (Me.Is(Roles.InsatsManager) && Me.Insatser.Count > 0)
        {
            var insats = Me.Insatser.Order(StringComparer.Ordinal).First();
            Heading = (await Reports.InsatserAsync([Me.ForbundId], DateOnly.MinValue, DateOnly.MaxValue, ct)).FirstOrDefault(i => i.InsatsId == insats)?.Name ?? insats;
            ask = p => new ReportAsk("insats", p, InsatsId: insats);
        }
        else
        {
            return Refuse("statistik i arbetsytan; be din förbundsanalytiker om rapporterna");
        }

        var (tertial, half, year) = WorkspaceReports.PeriodsOf(Reports.Today);
        var cards = new List<(string, ReportAsk, JsonNode)>();
        await TryAsync(async () =>
        {
            foreach (var (label, period) in new[] { ("Tertial", tertial), ("Halvår", half), ("År", year) })
            {
                cards.Add((label, ask(period), await Reports.ReportAsync(HttpContext, ask(period), ct)));
            }
        });
        Cards = cards;
        return Page();
    }
}
