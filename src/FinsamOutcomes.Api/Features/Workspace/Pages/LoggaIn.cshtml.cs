using FinsamOutcomes.Api.Features.Statistics.Export;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FinsamOutcomes.Api.Features.Workspace.Pages;

/// <summary>Sign-in: OpenID Connect when configured, else (Development and Testing only) a choice of role and förbund.</summary>
public sealed class LoggaInModel(WorkspaceSignIn signIn, WorkspaceReports reports) : PageModel
{
    public static readonly (string Code, string Name)[] RoleChoices =
    [
        (Roles.ForbundAnalyst, "Förbundsanalytiker"),
        (Roles.Administrator, "Administratör"),
        (Roles.InsatsManager, "Insatsansvarig"),
        (Roles.CaseWorker, "Handläggare"),
        (Roles.AssessmentGroupMember, "Beredningsgruppsmedlem"),
        (Roles.NationalReader, "Nationell läsare"),
        (Roles.Economist, "Ekonom"),
    ];

    public WorkspaceSignIn Offered => signIn;

    public string? Error { get; private set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    [BindProperty]
    public string Role { get; set; } = Roles.ForbundAnalyst;

    [BindProperty]
    public string Forbund { get; set; } = "";

    [BindProperty]
    public string Actor { get; set; } = "utvecklare";

    [BindProperty]
    public List<string> Insatser { get; set; } = [];

    [BindProperty]
    public List<string> Beredningsgrupper { get; set; } = [];

    public IReadOnlyList<(string Id, string Name)> ForbundChoices { get; private set; } = [];

    public IReadOnlyList<InsatsInfo> InsatsChoices { get; private set; } = [];

    public IReadOnlyList<(string Id, string Name)> GroupChoices { get; private set; } = [];

    public async Task OnGetAsync(CancellationToken ct) => await LoadChoicesAsync(ct);

    public IActionResult OnPostOidc() =>
        signIn.Oidc ? Challenge(new AuthenticationProperties { RedirectUri = Local(ReturnUrl) }, WorkspaceAuth.OidcScheme) : NotFound();

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        if (!signIn.DevelopmentPage)
        {
            return NotFound();
        }

        await LoadChoicesAsync(ct);
        var known = Forbund == FinsamClaims.AllForbund || ForbundChoices.Any(f => f.Id == Forbund);
        var badActor = Caller.SubjectProblem(Actor) is not null;
        if (!Roles.All.Contains(Role) || !known || badActor)
        {
            Error = "Välj en roll och ett förbund, och ange ett användarnamn (inte ett personnummer).";
            if (badActor)
            {
                // a refused name is not echoed into the form: it may be a personnummer
                Actor = "";
                ModelState.Remove(nameof(Actor));
            }
            Response.StatusCode = StatusCodes.Status400BadRequest;
            return Page();
        }

        var principal = WorkspaceAuth.Principal(Actor.Trim(), Role, Forbund, Insatser.Distinct(), Beredningsgrupper.Distinct(), "development");
        await HttpContext.SignInAsync(WorkspaceAuth.CookieScheme, principal);
        return LocalRedirect(Local(ReturnUrl));
    }

    private static string Local(string? url) =>
        url is { Length: > 1 } u && u.StartsWith('/') && !u.StartsWith("//", StringComparison.Ordinal) && !u.StartsWith("/\\", StringComparison.Ordinal)
            ? u
            : WorkspaceAuth.HomePath;

    private async Task LoadChoicesAsync(CancellationToken ct)
    {
        if (!signIn.DevelopmentPage)
        {
            return;
        }

        ForbundChoices = await reports.ForbundListAsync(ct);
        if (Forbund.Length == 0)
        {
            Forbund = ForbundChoices.FirstOrDefault(f => f.Id == Demo.DemoData.ForbundId).Id ?? ForbundChoices.FirstOrDefault().Id ?? "*";
        }

        var ids = ForbundChoices.Select(f => f.Id).ToArray();
        InsatsChoices = await reports.InsatserAsync(ids, DateOnly.MinValue, DateOnly.MaxValue, ct);
        GroupChoices = (await Task.WhenAll(ids.Select(id => reports.BeredningsgrupperAsync(id, ct)))).SelectMany(g => g.Select(x => (x.Id, x.Name))).ToArray();
    }
}
