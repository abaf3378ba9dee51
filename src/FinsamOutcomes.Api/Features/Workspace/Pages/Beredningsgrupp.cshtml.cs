using System.Globalization;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Beredningsgrupper;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Features.Statistics.Export;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FinsamOutcomes.Api.Features.Workspace.Pages;

/// <summary>Referrals waiting, this week's acceptances against the cap, waiting times; the äldstalista for those allowed (administrator, case worker of the insats).</summary>
public sealed class BeredningsgruppModel(WorkspaceReports reports, StreamCommands streams) : WorkspacePage(reports)
{
    [BindProperty(SupportsGet = true)] public string? Period { get; set; }

    public ReportAsk? Ask { get; private set; }

    public JsonNode? Report { get; private set; }

    public string? ThisWeek { get; private set; }

    public string? ThisWeekText { get; private set; }

    public List<(InsatsInfo Insats, OldestList List)> Oldest { get; } = [];

    /// <summary>A member's own beredningsgrupper, read through GET /api/beredningsgrupper/{id}'s handler (its access rule), with the insatser's names.</summary>
    public List<(BeredningsgruppView Group, IReadOnlyList<string> Insatser)> OwnGroups { get; } = [];

    private IReadOnlyList<(string Id, string Name, int Cap)> _groups = [];

    public string GroupName(string id) => _groups.FirstOrDefault(g => g.Id == id).Name ?? id;

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!IsForbundStaff && !MaySeeOldest && !IsGroupMember)
        {
            return Refuse("beredningsgruppens statistik");
        }

        if (IsGroupMember)
        {
            var names = (await Reports.InsatserAsync([Me.ForbundId], DateOnly.MinValue, DateOnly.MaxValue, ct)).ToDictionary(i => i.InsatsId, i => i.Name);
            foreach (var id in Me.Beredningsgrupper.Order(StringComparer.Ordinal))
            {
                await TryAsync(async () =>
                {
                    var group = (BeredningsgruppView)((IValueHttpResult)await BeredningsgruppEndpoints.Get(id, HttpContext, streams, ct)).Value!;
                    OwnGroups.Add((group, group.InsatsIds.Select(i => names.GetValueOrDefault(i) ?? i).ToArray()));
                });
            }

            return Page();
        }

        var today = Reports.Today;
        Period ??= WorkspaceReports.PeriodsOf(today).Tertial;
        if (IsForbundStaff)
        {
            Ask = new ReportAsk("forbund", Period, ForbundId: Me.ForbundId);
            await TryAsync(async () => Report = await Reports.ReportAsync(HttpContext, Ask, ct));
            _groups = await Reports.BeredningsgrupperAsync(Me.ForbundId, ct);
            var week = ISOWeek.GetYear(today.ToDateTime(TimeOnly.MinValue)).ToString(CultureInfo.InvariantCulture) + "-W"
                + ISOWeek.GetWeekOfYear(today.ToDateTime(TimeOnly.MinValue)).ToString("00", CultureInfo.InvariantCulture);
            var from = DateOnly.Parse(Report?["basis"]?["period"]?["from"]?.GetValue<string>() ?? "0001-01-01", CultureInfo.InvariantCulture);
            var to = DateOnly.Parse(Report?["basis"]?["period"]?["to"]?.GetValue<string>() ?? "0001-01-01", CultureInfo.InvariantCulture);
            ThisWeek = from <= today && today <= to ? week : null;
            var rows = Report?["referrals"]?["acceptedPerWeek"]?.AsArray().Where(w => w?["week"]?.GetValue<string>() == week).ToArray() ?? [];
            ThisWeekText = _groups.Count == 0
                ? "förbundet har ingen beredningsgrupp."
                : string.Join("; ", _groups.Select(g =>
                {
                    var row = rows.FirstOrDefault(w => w?["beredningsgruppId"]?.GetValue<string>() == g.Id);
                    var accepted = row?["accepted"]?.GetValue<int>() ?? 0;
                    return $"{g.Name}: {accepted} anvisade av tak {row?["cap"]?.GetValue<int>() ?? g.Cap}";
                }));
        }

        if (MaySeeOldest)
        {
            var insatser = (await Reports.InsatserAsync([Me.ForbundId], DateOnly.MinValue, DateOnly.MaxValue, ct))
                .Where(i => i.Kind == "individual" && (Me.Is(Roles.Administrator) || Me.Insatser.Contains(i.InsatsId)));
            foreach (var insats in insatser)
            {
                OldestList? list = null;
                if (await TryAsync(async () => list = await Reports.OldestAsync(HttpContext, insats.InsatsId, Period, ct)) && list is not null)
                {
                    Oldest.Add((insats, list));
                }
            }
        }

        return Page();
    }
}
