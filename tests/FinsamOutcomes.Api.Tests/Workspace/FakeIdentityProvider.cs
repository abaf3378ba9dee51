using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FinsamOutcomes.Api.Tests.Workspace;

/// <summary>
/// A minimal OpenID Connect provider on Kestrel (127.0.0.1, a free port) for one confidential client: discovery, a JWKS
/// with one RSA key, <c>/authorize</c> (code flow with a required S256 PKCE challenge; no login page: it signs in
/// <see cref="User"/> at once) and <c>/token</c> (code, client secret and PKCE verifier checked; an RS256 id_token).
/// It records every authorization request and token exchange so a test can show PKCE was used.
/// </summary>
public sealed class FakeIdentityProvider(string clientId, string clientSecret) : IAsyncDisposable
{
    private readonly RsaSecurityKey _key = new(RSA.Create(2048)) { KeyId = "test-key-1" };
    private readonly ConcurrentDictionary<string, Grant> _codes = new(StringComparer.Ordinal);
    private WebApplication? _app;

    public string Authority { get; private set; } = "";

    /// <summary>Where codes may be sent: the service's callback (set once the service runs).</summary>
    public string RedirectUri { get; set; } = "";

    /// <summary>The claims of whoever signs in next (besides iss, aud, sub, nonce, iat, exp).</summary>
    public IReadOnlyList<(string Type, string Value)> User { get; set; } = [];

    public string Subject { get; set; } = "idp-subject-0001";

    public ConcurrentQueue<AuthorizeRecord> Authorizations { get; } = new();

    public ConcurrentQueue<TokenRecord> Exchanges { get; } = new();

    public async Task StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        _app = builder.Build();
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Authority,
            ["authorization_endpoint"] = $"{Authority}/authorize",
            ["token_endpoint"] = $"{Authority}/token",
            ["jwks_uri"] = $"{Authority}/jwks",
            ["response_types_supported"] = new[] { "code" },
            ["response_modes_supported"] = new[] { "query", "form_post" },
            ["subject_types_supported"] = new[] { "public" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["code_challenge_methods_supported"] = new[] { "S256" },
            ["token_endpoint_auth_methods_supported"] = new[] { "client_secret_post", "client_secret_basic" },
        }));
        _app.MapGet("/jwks", () =>
        {
            var jwk = JsonWebKeyConverter.ConvertFromRSASecurityKey(_key);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = jwk.Kid, n = jwk.N, e = jwk.E } } });
        });
        _app.MapGet("/authorize", Authorize);
        _app.MapPost("/token", TokenAsync);
        await _app.StartAsync();
        Authority = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().TrimEnd('/');
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _key.Rsa.Dispose();
    }

    /// <summary>The base64url SHA-256 of a verifier: what S256 compares with the challenge.</summary>
    public static string S256(string verifier) => Base64UrlEncoder.Encode(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));

    private IResult Authorize(HttpRequest request)
    {
        string? Q(string name) => request.Query[name].FirstOrDefault();
        var record = new AuthorizeRecord(Q("client_id"), Q("redirect_uri"), Q("response_type"), Q("scope"), Q("code_challenge"), Q("code_challenge_method"), Q("nonce"), Q("state"), Q("response_mode"));
        Authorizations.Enqueue(record);
        if (record.ClientId != clientId || record.RedirectUri != RedirectUri || record.ResponseType != "code"
            || record.CodeChallengeMethod != "S256" || string.IsNullOrEmpty(record.CodeChallenge) || string.IsNullOrEmpty(record.State)
            || record.Scope?.Split(' ').Contains("openid") != true)
        {
            return Results.BadRequest("invalid_request");
        }

        var code = Base64UrlEncoder.Encode(RandomNumberGenerator.GetBytes(24));
        _codes[code] = new Grant(record.RedirectUri!, record.CodeChallenge!, record.Nonce, Subject, User);
        if (record.ResponseMode == "form_post")
        {
            var html = $"""
                <!DOCTYPE html><html><body onload="document.forms[0].submit()"><form method="post" action="{WebUtility.HtmlEncode(RedirectUri)}">
                <input type="hidden" name="code" value="{WebUtility.HtmlEncode(code)}" /><input type="hidden" name="state" value="{WebUtility.HtmlEncode(record.State)}" />
                </form></body></html>
                """;
            return Results.Content(html, "text/html");
        }

        return Results.Redirect($"{RedirectUri}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(record.State!)}");
    }

    private async Task<IResult> TokenAsync(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        string? F(string name) => form[name].FirstOrDefault();
        var (id, secret) = (F("client_id"), F("client_secret"));
        if (request.Headers.Authorization.FirstOrDefault() is { } basic && basic.StartsWith("Basic ", StringComparison.Ordinal))
        {
            var pair = Encoding.UTF8.GetString(Convert.FromBase64String(basic[6..])).Split(':', 2);
            (id, secret) = (Uri.UnescapeDataString(pair[0]), Uri.UnescapeDataString(pair[1]));
        }

        var verifier = F("code_verifier");
        var found = F("code") is { } code && _codes.TryGetValue(code, out var g) ? g : null;
        var verifierMatches = found is not null && verifier is { Length: >= 43 and <= 128 } && CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(S256(verifier)), Encoding.ASCII.GetBytes(found.Challenge));
        var clientOk = id == clientId && secret == clientSecret;
        Exchanges.Enqueue(new TokenRecord(F("grant_type"), clientOk, found is not null, verifier, verifierMatches));
        if (!clientOk)
        {
            return Results.Json(new { error = "invalid_client" }, statusCode: 401);
        }

        if (F("grant_type") != "authorization_code" || found is null || F("redirect_uri") != found.RedirectUri || !verifierMatches)
        {
            return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
        }

        _codes.TryRemove(F("code")!, out _);
        var now = DateTime.UtcNow;
        var claims = new List<Claim> { new("sub", found.Subject) };
        claims.AddRange(found.Claims.Select(c => new Claim(c.Type, c.Value)));
        if (found.Nonce is not null)
        {
            claims.Add(new Claim("nonce", found.Nonce));
        }

        var handler = new JsonWebTokenHandler();
        var signing = new SigningCredentials(_key, SecurityAlgorithms.RsaSha256);
        var idToken = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = clientId,
            Subject = new ClaimsIdentity(claims),
            IssuedAt = now,
            NotBefore = now,
            Expires = now.AddMinutes(5),
            SigningCredentials = signing,
        });
        var accessToken = handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Authority,
            Audience = $"{Authority}/userinfo",
            Subject = new ClaimsIdentity([new Claim("sub", found.Subject)]),
            Expires = now.AddMinutes(5),
            SigningCredentials = signing,
        });
        return Results.Json(new Dictionary<string, object> { ["id_token"] = idToken, ["access_token"] = accessToken, ["token_type"] = "Bearer", ["expires_in"] = 300 });
    }

    private sealed record Grant(string RedirectUri, string Challenge, string? Nonce, string Subject, IReadOnlyList<(string Type, string Value)> Claims);
}

public sealed record AuthorizeRecord(
    string? ClientId, string? RedirectUri, string? ResponseType, string? Scope, string? CodeChallenge, string? CodeChallengeMethod, string? Nonce, string? State, string? ResponseMode);

public sealed record TokenRecord(string? GrantType, bool ClientAuthenticated, bool CodeKnown, string? Verifier, bool VerifierMatched);
