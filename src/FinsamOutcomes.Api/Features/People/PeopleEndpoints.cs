using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.People;
using FluentValidation;
using Npgsql;

namespace FinsamOutcomes.Api.Features.People;

public sealed record ErasureRequest(string Reason);

public sealed record RekeyRequest(string Personnummer);

public sealed record IdentityView(string ParticipantId, string Personnummer, bool IsSamordningsnummer);

public sealed record IdentityChange(string ParticipantId, bool IdentityRemoved);

/// <summary>
/// GET  /api/people/{participantId}/identity            the personnummer (case worker of an insats the person is in; audited)
/// POST /api/people/{participantId}/erasure             erase the identity on request; statistics stay (förbund administrator)
/// POST /api/people/{participantId}/protected-identity  skyddade personuppgifter began: remove the identity (case worker)
/// POST /api/people/{participantId}/rekey               a samordningsnummer replaced by a personnummer (case worker)
/// The personnummer travels only in request and response bodies, never in a URL, a log line or an event.
/// </summary>
public static class PeopleEndpoints
{
    public static void AddPeople(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(VaultOptions.SectionName);
        var options = new VaultOptions { MasterKey = section["MasterKey"] ?? "", LookupKey = section["LookupKey"] ?? "" };
        if (options.MasterKey.Length == 0 && options.LookupKey.Length == 0)
        {
            if (!builder.Environment.IsDevelopment() && !builder.Environment.IsEnvironment("Testing"))
            {
                throw new InvalidOperationException("The identity vault needs Vault:MasterKey and Vault:LookupKey (32 random bytes each, base64).");
            }

            var root = builder.Environment.ContentRootPath;
            options = new VaultOptions
            {
                MasterKey = Convert.ToBase64String(DevelopmentSecrets.GetOrCreate(root, "vault-master")),
                LookupKey = Convert.ToBase64String(DevelopmentSecrets.GetOrCreate(root, "vault-lookup")),
            };
        }

        options.Validate();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<IdentityVault>();
    }

    public static void MapPeople(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/people").WithTags("People");
        group.MapGet("/{participantId}/identity", GetIdentity);
        group.MapPost("/{participantId}/erasure", Erase).Validated<ErasureRequest>();
        group.MapPost("/{participantId}/protected-identity", MarkProtected);
        group.MapPost("/{participantId}/rekey", Rekey).Validated<RekeyRequest>();
    }

    public static async Task<IResult> GetIdentity(string participantId, HttpContext http, IdentityVault vault, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireCaseWorkerOfAsync(http, db, participantId, ct);
        var identity = await vault.RevealAsync(participantId, http.Caller().Actor, ct) ?? throw new NotFoundException("An identity for this participant");
        return Results.Ok(new IdentityView(participantId, identity.Normalized, identity.IsSamordningsnummer));
    }

    public static async Task<IResult> Erase(string participantId, ErasureRequest request, HttpContext http, IdentityVault vault, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = http.Caller();
        var forbund = await ForbundOfAsync(db, participantId, ct);
        caller.Require(caller.Is(Roles.Administrator) && forbund.Any(caller.InForbund), "this person");
        var removed = await vault.EraseAsync(participantId, caller.Actor, request.Reason, ct);
        return Results.Ok(new IdentityChange(participantId, removed));
    }

    public static async Task<IResult> MarkProtected(string participantId, HttpContext http, IdentityVault vault, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireCaseWorkerOfAsync(http, db, participantId, ct);
        var removed = await vault.MarkProtectedAsync(participantId, http.Caller().Actor, ct);
        return Results.Ok(new IdentityChange(participantId, removed));
    }

    public static async Task<IResult> Rekey(string participantId, RekeyRequest request, HttpContext http, IdentityVault vault, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        await RequireCaseWorkerOfAsync(http, db, participantId, ct);
        var personnummer = ParsePersonnummer(request.Personnummer, time, "personnummer");
        await vault.RekeyAsync(participantId, personnummer, http.Caller().Actor, ct);
        return Results.Ok(new IdentityChange(participantId, false));
    }

    /// <summary>Parses a personnummer from a request field; a bad one is a 400 naming the field, never echoing the number.</summary>
    public static Personnummer ParsePersonnummer(string input, TimeProvider time, string field) =>
        Personnummer.TryParse(input, time.Today(), out var value, out var error)
            ? value
            : throw new ValidationException([new FluentValidation.Results.ValidationFailure(field, error)]);

    /// <summary>
    /// The förbund a participant belongs to now, from the insatser of their participations and their referrals; a merged
    /// förbund's people belong to its successor (404 when unknown).
    /// </summary>
    private static async Task<IReadOnlyList<string>> ForbundOfAsync(NpgsqlDataSource db, string participantId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            """
            SELECT DISTINCT coalesce(f.successor_id, x.forbund_id) FROM (
                SELECT i.forbund_id FROM rm_participations p JOIN rm_insatser i ON i.insats_id = p.insats_id WHERE p.participant_id = $1
                UNION SELECT forbund_id FROM rm_referrals WHERE participant_id = $1) x
            LEFT JOIN rm_forbund f ON f.forbund_id = x.forbund_id
            """, participantId);
        var forbund = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            forbund.Add(reader.GetString(0));
        }

        return forbund.Count > 0 ? forbund : throw new NotFoundException("The person");
    }

    private static async Task RequireCaseWorkerOfAsync(HttpContext http, NpgsqlDataSource db, string participantId, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.CaseWorker), "identities");
        await using var cmd = Sql.Command(db,
            """
            SELECT count(*) FROM rm_participations p JOIN rm_insatser i ON i.insats_id = p.insats_id
            WHERE p.participant_id = $1 AND p.insats_id = ANY($2) AND i.forbund_id = $3
            """,
            participantId, caller.Insatser.ToArray(), caller.ForbundId);
        caller.Require((long)(await cmd.ExecuteScalarAsync(ct))! > 0, "this person");
    }

    private sealed class ErasureValidator : AbstractValidator<ErasureRequest>
    {
        public ErasureValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500).NoPersonnummer();
    }

    private sealed class RekeyValidator : AbstractValidator<RekeyRequest>
    {
        public RekeyValidator() => RuleFor(r => r.Personnummer).NotEmpty().MaximumLength(20);
    }
}
