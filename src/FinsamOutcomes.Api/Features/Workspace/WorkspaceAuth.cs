using System.Security.Claims;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace FinsamOutcomes.Api.Features.Workspace;

/// <summary>
/// Browser sign-in for the workspace. Pages use a cookie (HttpOnly, SameSite=Lax, Secure over https; every form
/// carries an anti-forgery token). The API keeps bearer tokens; the cookie is also accepted for GET and HEAD
/// under /api/statistics, /api/economy and /api/surveys/report only, so a page's download link works, while no cookie-authenticated API write exists
/// (nothing for a cross-site request to forge). The cookie carries the same claims as a token (sub, role,
/// forbund, insats, beredningsgrupp), so <see cref="Caller"/> and every access rule apply unchanged.
/// Sign-in: OpenID Connect (authorization code with PKCE) when <c>Auth:Oidc:Authority</c> is configured;
/// otherwise, in Development and Testing only, a local page where you choose role and förbund as the token command does.
/// </summary>
public static class WorkspaceAuth
{
    public const string Scheme = "finsam";
    public const string CookieScheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string OidcScheme = OpenIdConnectDefaults.AuthenticationScheme;
    public const string SignInPath = "/logga-in";
    public const string HomePath = "/arbetsyta";

    public static void AddWorkspace(this WebApplicationBuilder builder)
    {
        var oidc = OidcSettings.From(builder.Configuration);
        var development = builder.Environment.IsDevelopment() || builder.Environment.IsEnvironment("Testing");
        builder.Services.AddSingleton(new WorkspaceSignIn(oidc is not null, development && oidc is null));
        builder.Services.Configure<AuthenticationOptions>(o =>
        {
            o.DefaultScheme = Scheme;
            o.DefaultChallengeScheme = Scheme;
            o.DefaultForbidScheme = Scheme;
        });
        var auth = builder.Services.AddAuthentication()
            .AddPolicyScheme(Scheme, "Bearer token for the API, cookie for the workspace", o => o.ForwardDefaultSelector = Select)
            .AddCookie(CookieScheme, o =>
            {
                o.Cookie.Name = "finsam.arbetsyta";
                o.Cookie.HttpOnly = true;
                o.Cookie.SameSite = SameSiteMode.Lax;
                o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
                o.ExpireTimeSpan = TimeSpan.FromHours(8);
                o.SlidingExpiration = true;
                o.LoginPath = SignInPath;
                o.LogoutPath = "/logga-ut";
                o.AccessDeniedPath = "/ej-behorig";
                o.Events = new CookieAuthenticationEvents
                {
                    // the API answers 401/403 as problem details, never a redirect to a page
                    OnRedirectToLogin = c => ApiOr(c, StatusCodes.Status401Unauthorized),
                    OnRedirectToAccessDenied = c => ApiOr(c, StatusCodes.Status403Forbidden),
                };
            });
        if (oidc is not null)
        {
            auth.AddOpenIdConnect(OidcScheme, o =>
            {
                o.SignInScheme = CookieScheme;
                o.Authority = oidc.Authority;
                o.ClientId = oidc.ClientId;
                o.ClientSecret = oidc.ClientSecret;
                o.ResponseType = OpenIdConnectResponseType.Code;
                o.UsePkce = true;
                // an http identity provider (a local one, as the tests run) only in Development and Testing; elsewhere https
                o.RequireHttpsMetadata = !development;
                o.MapInboundClaims = false;
                o.SaveTokens = false;
                o.CallbackPath = "/logga-in/oidc";
                o.Scope.Clear();
                foreach (var scope in oidc.Scopes)
                {
                    o.Scope.Add(scope);
                }

                o.Events = new OpenIdConnectEvents
                {
                    OnTokenValidated = c => MapProviderClaims(c, oidc),
                    // a refused or failed sign-in (no usable role or förbund, an error from the provider) signs in to nothing
                    // and is shown as "Ej behörig", not as an unhandled error
                    OnRemoteFailure = c =>
                    {
                        c.Response.Redirect("/ej-behorig");
                        c.HandleResponse();
                        return Task.CompletedTask;
                    },
                };
            });
        }

        builder.Services.AddRazorPages(o =>
        {
            o.RootDirectory = "/Features/Workspace/Pages";
            o.Conventions.AllowAnonymousToPage("/LoggaIn");
            o.Conventions.AllowAnonymousToPage("/EjBehorig");
        });
        builder.Services.AddAntiforgery(o =>
        {
            o.Cookie.Name = "finsam.antiforgery";
            o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
        });
        builder.Services.AddScoped<WorkspaceReports>();
        builder.Services.AddScoped<WorkspaceEvidence>();
    }

    public static void MapWorkspace(this WebApplication app)
    {
        // a browser asking for the service's root is taken to the workspace (which asks it to sign in first)
        app.MapGet("/", () => Results.Redirect(HomePath)).AllowAnonymous().ExcludeFromDescription();
        app.MapRazorPages();
    }

    /// <summary>The scheme that authenticates a request: a bearer token if one is sent, the cookie for pages and the reports' GETs (statistics, economy, survey report).</summary>
    private static string Select(HttpContext context)
    {
        if (context.Request.Headers.Authorization.Count > 0)
        {
            return JwtBearerDefaults.AuthenticationScheme;
        }

        var path = context.Request.Path;
        if (!path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            return CookieScheme;
        }

        var read = HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method);
        var downloads = path.StartsWithSegments("/api/statistics", StringComparison.Ordinal) || path.StartsWithSegments("/api/economy", StringComparison.Ordinal)
            || path.StartsWithSegments("/api/surveys/report", StringComparison.Ordinal);
        return read && downloads && context.Request.Cookies.ContainsKey("finsam.arbetsyta")
            ? CookieScheme
            : JwtBearerDefaults.AuthenticationScheme;
    }

    private static Task ApiOr(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal))
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }

        context.Response.Redirect(context.RedirectUri);
        return Task.CompletedTask;
    }

    /// <summary>The principal a workspace cookie carries: the claims of a token for the same role and scope.</summary>
    public static ClaimsPrincipal Principal(string actor, string role, string forbund, IEnumerable<string> insatser, IEnumerable<string> beredningsgrupper, string method)
    {
        var claims = Auth.Claims(actor, role, forbund, insatser, beredningsgrupper);
        return new ClaimsPrincipal(new ClaimsIdentity(claims, method, FinsamClaims.Subject, FinsamClaims.Role));
    }

    /// <summary>Maps the identity provider's claims (names from configuration) to ours; refuses a sign-in without a known role and förbund.</summary>
    private static Task MapProviderClaims(Microsoft.AspNetCore.Authentication.OpenIdConnect.TokenValidatedContext context, OidcSettings settings)
    {
        var user = context.Principal!;
        string? One(string name) => user.FindFirst(name)?.Value;
        var subject = One(settings.SubjectClaim);
        var role = One(settings.RoleClaim);
        var forbund = One(settings.ForbundClaim);
        if (Caller.SubjectProblem(subject) is { } problem || role is null || !Roles.All.Contains(role) || string.IsNullOrWhiteSpace(forbund))
        {
            context.Fail("The identity provider's answer has no usable subject, role or förbund for this service.");
            return Task.CompletedTask;
        }

        context.Principal = Principal(
            subject!, role, forbund,
            user.FindAll(settings.InsatsClaim).Select(c => c.Value),
            user.FindAll(settings.BeredningsgruppClaim).Select(c => c.Value),
            "oidc");
        return Task.CompletedTask;
    }
}

/// <summary>Which sign-in the workspace offers.</summary>
public sealed record WorkspaceSignIn(bool Oidc, bool DevelopmentPage);

/// <summary><c>Auth:Oidc</c>: the förbund's identity provider for browser sign-in, and the names of the claims carrying role and scope.</summary>
public sealed record OidcSettings(
    string Authority, string ClientId, string? ClientSecret, IReadOnlyList<string> Scopes,
    string SubjectClaim, string RoleClaim, string ForbundClaim, string InsatsClaim, string BeredningsgruppClaim)
{
    public static OidcSettings? From(IConfiguration configuration)
    {
        var s = configuration.GetSection("Auth:Oidc");
        if (s["Authority"] is not { Length: > 0 } authority)
        {
            return null;
        }

        var clientId = s["ClientId"] is { Length: > 0 } id ? id : throw new InvalidOperationException("Auth:Oidc:ClientId is required with Auth:Oidc:Authority.");
        var scopes = s.GetSection("Scopes").GetChildren().Select(c => c.Value!).Where(v => !string.IsNullOrWhiteSpace(v)).ToArray();
        string Claim(string key, string fallback) => s[key] is { Length: > 0 } v ? v : fallback;
        return new OidcSettings(
            authority, clientId, s["ClientSecret"] is { Length: > 0 } secret ? secret : null, scopes.Length > 0 ? scopes : ["openid", "profile"],
            Claim("SubjectClaim", FinsamClaims.Subject), Claim("RoleClaim", FinsamClaims.Role), Claim("ForbundClaim", FinsamClaims.Forbund),
            Claim("InsatsClaim", FinsamClaims.Insats), Claim("BeredningsgruppClaim", FinsamClaims.Beredningsgrupp));
    }
}
