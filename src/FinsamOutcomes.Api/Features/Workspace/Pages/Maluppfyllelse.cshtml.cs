using FinsamOutcomes.Api.Features.Statistics.Export;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.AspNetCore.Mvc;

namespace FinsamOutcomes.Api.Features.Workspace.Pages;

/// <summary>Goal fulfilment per insats: target, value, met / not met / not measurable and why.</summary>
public sealed class MaluppfyllelseModel(WorkspaceReports reports) : WorkspacePage(reports)
{
    [BindProperty(SupportsGet = true)] public string? Period { get; set; }

    public ReportAsk? Ask { get; private set; }

    public JsonNode? Report { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken ct)
    {
        if (!IsForbundStaff && !Me.Is(Roles.InsatsManager))
        {
            return Refuse("förbundets måluppfyllelse");
        }

        Period ??= Reports.Today.Year.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var insats = Me.Insatser.Order(StringComparer.Ordinal).FirstOrDefault();
        Ask = IsForbundStaff ? new ReportAsk("forbund", Period, ForbundId: Me.ForbundId) : new ReportAsk("insats", Period, InsatsId: insats);
        await TryAsync(async () => Report = await Reports.ReportAsync(HttpContext, Ask, ct));
        Insatser = await Reports.InsatserAsync([Me.ForbundId], DateOnly.MinValue, DateOnly.MaxValue, ct);
        return Page();
    }

    public IReadOnlyList<InsatsInfo> Insatser { get; private set; } = [];

    /// <summary>A survey's name and an option's label as the seeded catalogue (docs/surveys.md) has them, else the codes.</summary>
    public static (string Survey, string Options) SurveyWords(string surveyId, string questionId, IEnumerable<string> codes)
    {
        var survey = Domain.Surveys.SurveyCatalogueSeed.Surveys.FirstOrDefault(s => s.SurveyId == surveyId);
        var options = survey?.Questions.FirstOrDefault(q => q.QuestionId == questionId)?.Options;
        return (survey?.Name ?? surveyId,
            string.Join(" eller ", codes.Select(c => options?.FirstOrDefault(o => o.Code == c)?.Label.ToLower(Sv.Culture) ?? c)));
    }

    /// <summary>A survey goal's insats by name, or the förbund for a goal of the whole förbund.</summary>
    public string InsatsName(string? insatsId) =>
        insatsId is null ? "Hela förbundet" : Insatser.FirstOrDefault(i => i.InsatsId == insatsId)?.Name ?? insatsId;
}
