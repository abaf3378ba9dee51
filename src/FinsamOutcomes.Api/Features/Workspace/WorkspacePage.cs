using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Common;
using FluentValidation;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FinsamOutcomes.Api.Features.Workspace;

/// <summary>
/// The common part of every workspace page: who is signed in (the same <see cref="Infrastructure.Caller"/> the API uses),
/// which pages that role may open, and one way to show a refusal or a bad parameter in Swedish instead of an error page.
/// </summary>
public abstract class WorkspacePage(WorkspaceReports reports) : PageModel
{
    protected WorkspaceReports Reports => reports;

    public Caller Me => Caller.From(User);

    /// <summary>The förbund staff roles that read their own förbund's report.</summary>
    public bool IsForbundStaff => !Me.IsNational && Me.Is(Roles.ForbundAnalyst, Roles.Administrator);

    public bool IsNationalReader => Me.IsNational && Me.Is(Roles.NationalReader, Roles.Administrator);

    public bool MayFreeze => IsForbundStaff;

    /// <summary>Who reads the förbund's economy (as <c>EconomyEndpoints.RequireReaderAsync</c>) and its survey figures (as the survey report).</summary>
    public bool IsEconomyReader => !Me.IsNational && Me.Is(Roles.Economist, Roles.ForbundAnalyst, Roles.Administrator);

    public bool MaySeeSurveys => IsForbundStaff || IsNationalReader || (Me.Is(Roles.InsatsManager) && Me.Insatser.Count > 0);

    /// <summary>A beredningsgrupp member: sees its own groups (intake cap, insatser, intake pauses), as GET /api/beredningsgrupper/{id} gives them; no statistics.</summary>
    public bool IsGroupMember => !Me.IsNational && Me.Is(Roles.AssessmentGroupMember) && Me.Beredningsgrupper.Count > 0;

    public bool MaySeeOldest => !Me.IsNational && (Me.Is(Roles.Administrator) || (Me.Is(Roles.CaseWorker) && Me.Insatser.Count > 0));

    public string? Error { get; protected set; }

    public string RoleName => Me.Role switch
    {
        Roles.ForbundAnalyst => "Förbundsanalytiker",
        Roles.Administrator => Me.IsNational ? "Nationell administratör" : "Förbundsadministratör",
        Roles.InsatsManager => "Insatsansvarig",
        Roles.CaseWorker => "Handläggare",
        Roles.AssessmentGroupMember => "Beredningsgruppsmedlem",
        Roles.NationalReader => "Nationell läsare",
        Roles.Economist => "Ekonom",
        _ => Me.Role,
    };

    /// <summary>A 403 page naming what the role may not see.</summary>
    protected IActionResult Refuse(string what)
    {
        Error = $"Din roll ({RoleName}) får inte se {what}.";
        Response.StatusCode = StatusCodes.Status403Forbidden;
        return Page();
    }

    /// <summary>Runs a step that asks the statistics handlers; their refusals and validation errors become a message on the page.</summary>
    protected async Task<bool> TryAsync(Func<Task> step)
    {
        try
        {
            await step();
            return true;
        }
        catch (AccessDeniedException)
        {
            Error = $"Din roll ({RoleName}) får inte se detta urval.";
            Response.StatusCode = StatusCodes.Status403Forbidden;
        }
        catch (ValidationException ex)
        {
            Error = "Kontrollera urvalet: " + string.Join(" ", ex.Errors.Select(e => $"{FieldName(e.PropertyName)}: {e.ErrorMessage}"));
            Response.StatusCode = StatusCodes.Status400BadRequest;
        }
        catch (NotFoundException)
        {
            Error = "Det du valde finns inte (okänd insats, kommun eller fryst rapport).";
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        catch (ProjectionsBehindException)
        {
            Error = "Statistiken håller på att uppdateras. Ladda om sidan om en stund.";
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        }

        return false;
    }

    private static string FieldName(string field) => field switch
    {
        "period" or "Period" => "Period",
        "insatsId" or "InsatsId" => "Insats",
        "kommun" or "Kommun" => "Kommun",
        "forbundId" or "ForbundId" => "Förbund",
        "scope" or "Scope" => "Omfattning",
        "name" or "Name" => "Namn",
        _ => field,
    };
}
