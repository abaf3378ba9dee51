using FinsamOutcomes.Api.Features.Beredningsgrupper;
using FinsamOutcomes.Api.Features.Insatser;
using FinsamOutcomes.Api.Features.People;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain;
using FinsamOutcomes.Domain.Beredningsgrupper;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Referrals;
using FinsamOutcomes.EventStore;
using FluentValidation;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Referrals;

/// <summary>The person referred: a personnummer (kept only in the identity vault), or anonymous with a birth year.</summary>
public sealed record PersonRequest(string? Personnummer = null, int? BirthYear = null, bool ProtectedIdentity = false);

public sealed record ReceiveReferralRequest(string BeredningsgruppId, ReferringParty ReferringParty, DateOnly ReceivedOn, Gender Gender, PersonRequest Person);

public sealed record AcceptRequest(string InsatsId, DateOnly DecidedOn, string? OverrideReason = null);

public sealed record DecisionRequest(DateOnly DecidedOn, string Reason);

public sealed record CompletionRequest(DateOnly RequestedOn, string Note);

public sealed record ReferralView(
    string ReferralId, string ForbundId, string BeredningsgruppId, string ParticipantId, ReferringParty ReferringParty, DateOnly ReceivedOn,
    Gender Gender, int BirthYear, string Status, string? InsatsId, DateOnly? DecidedOn, string? Reason, long Version);

/// <summary>
/// POST /api/referrals                    an aktualisering received by a beredningsgrupp
/// GET  /api/referrals/{id}               the referral and its decision
/// POST /api/referrals/{id}/accept        anvisad to an insats (refused beyond the week's intake cap without an override reason)
/// POST /api/referrals/{id}/reject        avslag, with a reason
/// POST /api/referrals/{id}/return        återremitterad to the referring part
/// POST /api/referrals/{id}/completion    komplettering: waiting for more information, decided later
/// POST /api/referrals/{id}/withdraw      withdrawn by the referring part before a decision
/// All for members of the referral's beredningsgrupp.
/// </summary>
public static class ReferralEndpoints
{
    public static void MapReferrals(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/referrals").WithTags("Referrals");
        group.MapPost("/", Receive).Validated<ReceiveReferralRequest>();
        group.MapGet("/{referralId}", Get);
        group.MapPost("/{referralId}/accept", Accept).Validated<AcceptRequest>();
        group.MapPost("/{referralId}/reject", (string referralId, DecisionRequest r, HttpContext http, StreamCommands s, TimeProvider t, CancellationToken ct) =>
            Decide(referralId, http, s, t, new RejectReferral(referralId, r.DecidedOn, r.Reason), ct)).Validated<DecisionRequest>();
        group.MapPost("/{referralId}/return", (string referralId, DecisionRequest r, HttpContext http, StreamCommands s, TimeProvider t, CancellationToken ct) =>
            Decide(referralId, http, s, t, new ReturnReferral(referralId, r.DecidedOn, r.Reason), ct)).Validated<DecisionRequest>();
        group.MapPost("/{referralId}/completion", (string referralId, CompletionRequest r, HttpContext http, StreamCommands s, TimeProvider t, CancellationToken ct) =>
            Decide(referralId, http, s, t, new RequestCompletion(referralId, r.RequestedOn, r.Note), ct)).Validated<CompletionRequest>();
        group.MapPost("/{referralId}/withdraw", (string referralId, DecisionRequest r, HttpContext http, StreamCommands s, TimeProvider t, CancellationToken ct) =>
            Decide(referralId, http, s, t, new WithdrawReferral(referralId, r.DecidedOn, r.Reason), ct)).Validated<DecisionRequest>();
    }

    public static string Stream(string referralId) => EventCatalogue.StreamOf("referral", referralId);

    public static async Task<IResult> Receive(ReceiveReferralRequest r, HttpContext http, StreamCommands streams, IdentityVault vault, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var group = await GroupAsync(streams, r.BeredningsgruppId, ct);
        var caller = RequireMember(http, group);
        var forbundId = group.Registration.ForbundId;
        var id = http.NewId("referral");
        ReceiveReferral CommandFor(string participantId, int birthYear) =>
            new(id, forbundId, r.BeredningsgruppId, participantId, r.ReferringParty, r.ReceivedOn, r.Gender, birthYear);

        // the rules before the vault: a refused referral must leave no identity behind, where nothing would lead to it again
        Referral.Decide(CommandFor("", BirthYearOf(r.Person, time)), Referral.Initial, time.Today());
        var (participantId, birthYear, vaultWork) = await PersonAsync(r.Person, forbundId, await PredecessorsAsync(db, forbundId, ct), caller.Actor, AnonymousId(http), vault, time, ct);
        var command = CommandFor(participantId, birthYear);
        var outcome = await streams.ExecuteAsync(http, "referral", Stream(id), forbundId, Referral.Initial, Referral.Evolve,
            state => Referral.Decide(command, state, time.Today()), ct: ct, inTransaction: vaultWork);
        return Endpoints.Created($"/api/referrals/{id}", outcome, id);
    }

    public static async Task<IResult> Get(string referralId, HttpContext http, StreamCommands streams, CancellationToken ct)
    {
        var (state, version, _) = await streams.LoadAsync(Stream(referralId), Referral.Initial, Referral.Evolve, ct);
        var received = state switch
        {
            ReferralState.Waiting w => w.Received,
            ReferralState.Decided d => d.Received,
            _ => throw new NotFoundException("The referral"),
        };
        RequireMember(http, await GroupAsync(streams, received.BeredningsgruppId, ct));
        (string Status, string? Insats, DateOnly? DecidedOn, string? Reason) decision = state switch
        {
            ReferralState.Waiting { LastCompletionRequest: { } c } => ("awaiting_completion", null, (DateOnly?)null, c.Note),
            ReferralState.Decided { Decision: ReferralAccepted a } => ("accepted", a.InsatsId, a.DecidedOn, a.OverrideReason),
            ReferralState.Decided { Decision: ReferralRejected x } => ("rejected", null, x.DecidedOn, x.Reason),
            ReferralState.Decided { Decision: ReferralReturned x } => ("returned", null, x.DecidedOn, x.Reason),
            ReferralState.Decided { Decision: ReferralWithdrawn x } => ("withdrawn", null, x.WithdrawnOn, x.Reason),
            _ => ("waiting", null, null, null),
        };
        StreamCommands.SetVersionHeaders(http, version);
        return Results.Ok(new ReferralView(referralId, received.ForbundId, received.BeredningsgruppId, received.ParticipantId, received.ReferringParty,
            received.ReceivedOn, received.Gender, received.BirthYear, decision.Status, decision.Insats, decision.DecidedOn, decision.Reason, version));
    }

    public static async Task<IResult> Accept(string referralId, AcceptRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var (group, forbundId) = await GroupOfReferralAsync(streams, referralId, ct);
        RequireMember(http, group);
        // acceptances of one beredningsgrupp are decided one at a time, so the week's count cannot go stale
        // between reading it and appending: exactly the cap is let in without an override, however many arrive at once
        await using var serial = await SerialLock.AcquireAsync(db, $"intake/{group.Registration.BeredningsgruppId}", ct);
        // the cap counts over the group's window: its ISO week, or the two weeks from its anchor Monday (docs/api.md)
        var (first, last) = IntakeWeek.WindowOf(r.DecidedOn, group.CapWindowWeeks, group.CapWindowAnchor);
        await using var cmd = Sql.Command(db,
            "SELECT count(*) FROM rm_referrals WHERE beredningsgrupp_id = $1 AND status = 'accepted' AND decided_on BETWEEN $2 AND $3 AND referral_id <> $4",
            group.Registration.BeredningsgruppId, first, last, referralId);
        var acceptedInWeek = (int)(long)(await cmd.ExecuteScalarAsync(ct))!;
        var paused = IntakePauses.Covers(group.IntakePauses, r.DecidedOn)
            || (group.InsatsIds.Contains(r.InsatsId) && IntakePauses.Covers(await InsatsEndpoints.IntakePausesAsync(streams, r.InsatsId, ct), r.DecidedOn));
        var intake = new IntakeWeek(group.Registration.BeredningsgruppId, group.InsatsIds, group.WeeklyIntakeCap, acceptedInWeek) { IntakePaused = paused };
        var command = new AcceptReferral(referralId, r.InsatsId, r.DecidedOn, r.OverrideReason);
        var outcome = await streams.ExecuteAsync(http, "referral", Stream(referralId), forbundId, Referral.Initial, Referral.Evolve,
            state => Referral.Decide(command, state, time.Today(), intake), ct: ct);
        return Endpoints.Written(outcome, referralId);
    }

    private static async Task<IResult> Decide(string referralId, HttpContext http, StreamCommands streams, TimeProvider time, ReferralCommand command, CancellationToken ct)
    {
        var (group, forbundId) = await GroupOfReferralAsync(streams, referralId, ct);
        RequireMember(http, group);
        var outcome = await streams.ExecuteAsync(http, "referral", Stream(referralId), forbundId, Referral.Initial, Referral.Evolve,
            state => Referral.Decide(command, state, time.Today()), ct: ct);
        return Endpoints.Written(outcome, referralId);
    }

    /// <summary>The birth year from the personnummer, or the one given for an anonymous person (400 when neither is there).</summary>
    public static int BirthYearOf(PersonRequest person, TimeProvider time) =>
        person.Personnummer is { Length: > 0 } raw
            ? PeopleEndpoints.ParsePersonnummer(raw, time, "person.personnummer").BirthYear
            : person.BirthYear ?? throw new ValidationException([new FluentValidation.Results.ValidationFailure("person.birthYear", "Give a personnummer or a birth year.")]);

    /// <summary>The förbund a förbund was formed from by merger: people registered there are recognised here.</summary>
    public static async Task<IReadOnlyList<string>> PredecessorsAsync(NpgsqlDataSource db, string forbundId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db, "SELECT predecessor_ids FROM rm_forbund WHERE forbund_id = $1", forbundId);
        return await cmd.ExecuteScalarAsync(ct) as string[] ?? [];
    }

    /// <summary>
    /// The pseudonymous participant id: recognised from the vault for a personnummer (so the same person
    /// is counted once across insatser), or <paramref name="anonymousId"/> without identity for anonymous or protected persons;
    /// with the vault work that must commit with the referral's events.
    /// </summary>
    public static async Task<(string ParticipantId, int BirthYear, AppendTransactionWork? VaultWork)> PersonAsync(
        PersonRequest person, string forbundId, IReadOnlyList<string> predecessorIds, string actor, string anonymousId, IdentityVault vault, TimeProvider time, CancellationToken ct)
    {
        if (person.Personnummer is { Length: > 0 } raw)
        {
            var personnummer = PeopleEndpoints.ParsePersonnummer(raw, time, "person.personnummer");
            if (!person.ProtectedIdentity)
            {
                var prepared = await vault.PrepareAsync(forbundId, personnummer, actor, predecessorIds, ct);
                return (prepared.ParticipantId, personnummer.BirthYear, prepared.Work);
            }

            return (anonymousId, personnummer.BirthYear, null);
        }

        return (anonymousId, person.BirthYear ?? throw new ValidationException([new FluentValidation.Results.ValidationFailure("person.birthYear", "Give a personnummer or a birth year.")]), null);
    }

    /// <summary>A new person without identity, named from the request's Idempotency-Key: a retry of the request names the same person.</summary>
    public static string AnonymousId(HttpContext http) => http.NewId("p");

    private static async Task<BeredningsgruppState.Registered> GroupAsync(StreamCommands streams, string beredningsgruppId, CancellationToken ct)
    {
        var (state, _, _) = await streams.LoadAsync(BeredningsgruppEndpoints.Stream(beredningsgruppId), Beredningsgrupp.Initial, Beredningsgrupp.Evolve, ct);
        return state as BeredningsgruppState.Registered ?? throw new NotFoundException("The beredningsgrupp");
    }

    private static async Task<(BeredningsgruppState.Registered Group, string ForbundId)> GroupOfReferralAsync(StreamCommands streams, string referralId, CancellationToken ct)
    {
        var (state, _, _) = await streams.LoadAsync(Stream(referralId), Referral.Initial, Referral.Evolve, ct);
        var received = state switch
        {
            ReferralState.Waiting w => w.Received,
            ReferralState.Decided d => d.Received,
            _ => throw new NotFoundException("The referral"),
        };
        return (await GroupAsync(streams, received.BeredningsgruppId, ct), received.ForbundId);
    }

    private static Caller RequireMember(HttpContext http, BeredningsgruppState.Registered group)
    {
        var caller = http.Caller();
        caller.Require(
            caller.Is(Roles.AssessmentGroupMember) && caller.ForbundId == group.Registration.ForbundId
            && caller.Beredningsgrupper.Contains(group.Registration.BeredningsgruppId),
            "this beredningsgrupp");
        return caller;
    }

    private sealed class ReceiveValidator : AbstractValidator<ReceiveReferralRequest>
    {
        public ReceiveValidator()
        {
            RuleFor(r => r.BeredningsgruppId).NotEmpty();
            RuleFor(r => r.Person).NotNull();
            RuleFor(r => r.Person.BirthYear).InclusiveBetween(1900, 2100).When(r => r.Person?.BirthYear is not null);
            RuleFor(r => r.Person.Personnummer).MaximumLength(20).When(r => r.Person is not null);
        }
    }

    private sealed class AcceptValidator : AbstractValidator<AcceptRequest>
    {
        public AcceptValidator()
        {
            RuleFor(r => r.InsatsId).NotEmpty();
            RuleFor(r => r.OverrideReason).MaximumLength(500).NoPersonnummer();
        }
    }

    private sealed class DecisionValidator : AbstractValidator<DecisionRequest>
    {
        public DecisionValidator() => RuleFor(r => r.Reason).NotEmpty().MaximumLength(500).NoPersonnummer();
    }

    private sealed class CompletionValidator : AbstractValidator<CompletionRequest>
    {
        public CompletionValidator() => RuleFor(r => r.Note).NotEmpty().MaximumLength(500).NoPersonnummer();
    }
}
