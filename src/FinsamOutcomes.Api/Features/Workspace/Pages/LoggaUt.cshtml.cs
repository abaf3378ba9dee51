using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace FinsamOutcomes.Api.Features.Workspace.Pages;

[AllowAnonymous]
public sealed class LoggaUtModel : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(WorkspaceAuth.CookieScheme);
        return RedirectToPage();
    }
}
