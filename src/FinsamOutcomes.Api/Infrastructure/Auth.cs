using System.Security.Claims;
using FinsamOutcomes.Domain.Common;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>The roles of docs/api.md. A token carries one role and its scope.</summary>
public static class Roles
{
    public const string CaseWorker = "case_worker";
    public const string InsatsManager = "insats_manager";
    public const string AssessmentGroupMember = "assessment_group_member";
    public const string ForbundAnalyst = "forbund_analyst";
    public const string NationalReader = "national_reader";
    public const string Administrator = "administrator";

    /// <summary>A förbund's economist: records and reads the förbund's economy (docs/economy.md); sees no participant.</summary>
    public const string Economist = "economist";

    public static IReadOnlyList<string> All { get; } =
        [CaseWorker, InsatsManager, AssessmentGroupMember, ForbundAnalyst, NationalReader, Administrator, Economist];
}

/// <summary>Claim names in our tokens: sub, role, forbund ("*" = every förbund), insats, beredningsgrupp (repeatable).</summary>
public static class FinsamClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
    public const string Forbund = "forbund";
    public const string Insats = "insats";
    public const string Beredningsgrupp = "beredningsgrupp";
    public const string AllForbund = "*";
}

/// <summary>Who is calling, from the validated token.</summary>
public sealed record Caller(string Actor, string Role, string ForbundId, IReadOnlySet<string> Insatser, IReadOnlySet<string> Beredningsgrupper)
{
    public bool IsNational => ForbundId == FinsamClaims.AllForbund;

    public bool Is(params string[] roles) => roles.Contains(Role);

    public bool InForbund(string forbundId) => IsNational || ForbundId == forbundId;

    /// <summary>
    /// Why a token's subject cannot be the actor recorded beside every event, or null when it can: missing,
    /// blank, longer than 200 characters, or carrying a personnummer. Such tokens are refused with 401.
    /// </summary>
    public static string? SubjectProblem(string? subject) =>
        string.IsNullOrWhiteSpace(subject) ? "The token has no subject (sub)."
        : subject.Length > 200 || subject.Any(char.IsControl) ? "The token's subject is not a usable staff id."
        : Domain.People.PersonnummerText.AppearsIn(subject) ? "The token's subject looks like a personnummer."
        : null;

    /// <summary>The caller from a validated token (its subject was checked by <see cref="SubjectProblem"/> at authentication).</summary>
    public static Caller From(ClaimsPrincipal user)
    {
        var subject = user.FindFirstValue(FinsamClaims.Subject);
        if (SubjectProblem(subject) is not null)
        {
            throw new AccessDeniedException("The token's subject cannot be recorded as the actor.");
        }

        return Create(user, subject!);
    }

    private static Caller Create(ClaimsPrincipal user, string subject) => new(
        subject,
        user.FindFirstValue(FinsamClaims.Role) ?? "",
        user.FindFirstValue(FinsamClaims.Forbund) ?? "",
        user.FindAll(FinsamClaims.Insats).Select(c => c.Value).ToHashSet(StringComparer.Ordinal),
        user.FindAll(FinsamClaims.Beredningsgrupp).Select(c => c.Value).ToHashSet(StringComparer.Ordinal));

    /// <summary>Refuses (403) unless the condition holds; the message names the resource kind, never a person.</summary>
    public void Require(bool allowed, string what)
    {
        if (!allowed)
        {
            throw new AccessDeniedException($"Your role does not allow this on {what}.");
        }
    }
}

/// <summary>
/// JWT bearer authentication. Production: issuer, audience and either an OpenID Connect authority
/// (a kommun's or region's identity provider) or shared signing keys from configuration. Development
/// and tests: a signing key generated once and kept in a git-ignored file, used by the token command.
/// </summary>
public static class Auth
{
    public const string DefaultIssuer = "finsam-outcomes-dev";
    public const string DefaultAudience = "finsam-outcomes";

    public static void AddFinsamAuth(this WebApplicationBuilder builder)
    {
        var settings = AuthSettings.From(builder.Configuration, builder.Environment);
        builder.Services.AddSingleton(settings);
        builder.Services
            .AddAuthentication(JwtBearerDefaults.AuthenticationScheme)
            .AddJwtBearer(options =>
            {
                options.MapInboundClaims = false;
                if (settings.Authority is not null)
                {
                    options.Authority = settings.Authority;
                }

                options.TokenValidationParameters = new TokenValidationParameters
                {
                    ValidIssuer = settings.Issuer,
                    ValidAudience = settings.Audience,
                    IssuerSigningKeys = settings.SigningKeys,
                    ValidateIssuerSigningKey = true,
                    RoleClaimType = FinsamClaims.Role,
                    NameClaimType = FinsamClaims.Subject,
                    ClockSkew = TimeSpan.FromMinutes(1),
                };
                options.Events = new JwtBearerEvents
                {
                    // Every write records who made it: a token without a usable subject is not a valid token here (401).
                    OnTokenValidated = context =>
                    {
                        if (Caller.SubjectProblem(context.Principal?.FindFirstValue(FinsamClaims.Subject)) is { } problem)
                        {
                            context.Fail(problem);
                        }

                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().RequireClaim(FinsamClaims.Role, Roles.All).Build());
    }

    /// <summary>The claims of a caller of a role and scope: a token's, and a workspace cookie's.</summary>
    public static List<Claim> Claims(string actor, string role, string forbund, IEnumerable<string> insatser, IEnumerable<string> beredningsgrupper)
    {
        var claims = new List<Claim>
        {
            new(FinsamClaims.Subject, actor),
            new(FinsamClaims.Role, role),
            new(FinsamClaims.Forbund, forbund),
        };
        claims.AddRange(insatser.Select(i => new Claim(FinsamClaims.Insats, i)));
        claims.AddRange(beredningsgrupper.Select(b => new Claim(FinsamClaims.Beredningsgrupp, b)));
        return claims;
    }

    /// <summary>Mints a token for a role and scope with the configured (or development) key.</summary>
    public static string MintToken(AuthSettings settings, string actor, string role, string forbund, IEnumerable<string> insatser, IEnumerable<string> beredningsgrupper, TimeSpan lifetime)
    {
        if (!Roles.All.Contains(role))
        {
            throw new ArgumentException($"Unknown role '{role}'. Roles: {string.Join(", ", Roles.All)}.", nameof(role));
        }

        var key = settings.SigningKeys.FirstOrDefault()
            ?? throw new InvalidOperationException("No signing key is configured, so no token can be minted here.");
        var claims = Claims(actor, role, forbund, insatser, beredningsgrupper);
        var now = DateTime.UtcNow;
        return new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now,
            Expires = now.Add(lifetime),
            SigningCredentials = new SigningCredentials(key, SecurityAlgorithms.HmacSha256),
        });
    }

    /// <summary>
    /// <c>dotnet run --project src/FinsamOutcomes.Api -- token --role case_worker --forbund F1 --insats I1 [--insats I2] [--beredningsgrupp B1] [--actor name] [--hours 8]</c>
    /// </summary>
    public static int RunTokenCommand(string[] args, IConfiguration configuration, IHostEnvironment environment)
    {
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                Console.Error.WriteLine($"Unexpected argument '{args[i]}'.");
                return 2;
            }

            var name = args[i][2..];
            if (!options.TryGetValue(name, out var values))
            {
                options[name] = values = [];
            }

            values.Add(args[++i]);
        }

        string One(string name, string fallback) => options.TryGetValue(name, out var v) ? v[^1] : fallback;
        if (!options.ContainsKey("role") || !options.ContainsKey("forbund"))
        {
            Console.Error.WriteLine($"Usage: token --role <{string.Join('|', Roles.All)}> --forbund <id or *> [--insats id]... [--beredningsgrupp id]... [--actor name] [--hours n]");
            return 2;
        }

        try
        {
            var settings = AuthSettings.From(configuration, environment);
            var hours = double.Parse(One("hours", "8"), System.Globalization.CultureInfo.InvariantCulture);
            Console.WriteLine(MintToken(
                settings, One("actor", "dev-user"), One("role", ""), One("forbund", ""),
                options.GetValueOrDefault("insats") ?? [], options.GetValueOrDefault("beredningsgrupp") ?? [], TimeSpan.FromHours(hours)));
            return 0;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or FormatException)
        {
            Console.Error.WriteLine(ex.Message);
            return 2;
        }
    }
}

public sealed record AuthSettings(string Issuer, string Audience, string? Authority, IReadOnlyList<SecurityKey> SigningKeys)
{
    public static AuthSettings From(IConfiguration configuration, IHostEnvironment environment)
    {
        var section = configuration.GetSection("Auth");
        var authority = section["Authority"] is { Length: > 0 } a ? a : null;
        var keys = section.GetSection("SigningKeys").GetChildren()
            .Select(k => k.Value)
            .Where(v => !string.IsNullOrWhiteSpace(v))
            .Select(v => (SecurityKey)new SymmetricSecurityKey(DecodeKey(v!)))
            .ToList();
        if (keys.Count == 0 && authority is null)
        {
            if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing"))
            {
                throw new InvalidOperationException(
                    "Auth is not configured: set Auth:Authority (your identity provider) or Auth:SigningKeys, with Auth:Issuer and Auth:Audience.");
            }

            keys.Add(new SymmetricSecurityKey(DevelopmentSecrets.GetOrCreate(environment.ContentRootPath, "signing")));
        }

        return new AuthSettings(
            section["Issuer"] is { Length: > 0 } issuer ? issuer : Auth.DefaultIssuer,
            section["Audience"] is { Length: > 0 } audience ? audience : Auth.DefaultAudience,
            authority,
            keys);
    }

    private static byte[] DecodeKey(string base64)
    {
        var bytes = Convert.FromBase64String(base64);
        return bytes.Length >= 32 ? bytes : throw new InvalidOperationException("An Auth:SigningKeys entry must be at least 32 bytes (base64).");
    }

}
