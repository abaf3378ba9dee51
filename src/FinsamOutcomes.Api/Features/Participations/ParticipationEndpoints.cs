using FinsamOutcomes.Api.Features.Insatser;
using FinsamOutcomes.Api.Features.People;
using FinsamOutcomes.Api.Features.Referrals;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.People;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.Domain.Referrals;
using FinsamOutcomes.EventStore;
using FluentValidation;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Participations;

/// <summary>
/// Enrolment: from an accepted referral (the person comes from it), or direct with a person. Consent
/// false, protected identity, or an insats followed up anonymously registers the person without identity.
/// </summary>
public sealed record EnrolRequest(
    string InsatsId,
    DateOnly EnrolledOn,
    Gender Gender,
    bool Consent,
    Baseline Baseline,
    string? ReferralId = null,
    PersonRequest? Person = null,
    string? AgeOverrideReason = null,
    ReferringParty? ReferringParty = null,
    string? IntakePauseOverrideReason = null);

/// <param name="ExtentPercent">Share of full time, 1–100; null when not stated.</param>
public sealed record OccupationChangeRequest(DateOnly On, OccupationKind Kind, int? ExtentPercent = null, string? ChangeId = null);

public sealed record OccupationChangeCorrectionRequest(DateOnly On, OccupationKind Kind, int? ExtentPercent, string CorrectionReason);

public sealed record ActivityRequest(ActivityKind Kind, DateOnly On, int DurationMinutes, string? ActivityId = null);

public sealed record PauseRequest(DateOnly On, PauseReason Reason);

public sealed record ResumeRequest(DateOnly On);

public sealed record ExitRequest(DateOnly ExitedOn, string ReasonCode, MeansOfSupport MeansOfSupportAtExit, Occupation OccupationAtExit);

public sealed record ExitCorrectionRequest(DateOnly ExitedOn, string ReasonCode, MeansOfSupport MeansOfSupportAtExit, Occupation OccupationAtExit, string CorrectionReason);

public sealed record EnrolmentCorrectionRequest(DateOnly EnrolledOn, Baseline Baseline, string CorrectionReason);

public sealed record RegisteredInErrorRequest(string CorrectionReason);

public sealed record ParticipationView(
    string ParticipationId, string InsatsId, string ParticipantId, string? ReferralId, string Status, Gender? Gender, int? BirthYear, int? AgeAtStart,
    bool Identified, DateOnly? EnrolledOn, Baseline? Baseline, int Activities, DateOnly? PausedOn, DateOnly? ExitedOn, string? ExitReasonCode,
    ExitCategory? ExitCategory, MeansOfSupport? MeansOfSupportAtExit, Occupation? OccupationAtExit, long Version);

public sealed record ParticipationSummary(string ParticipationId, string ParticipantId, string Status, DateOnly EnrolledOn, DateOnly? ExitedOn);

/// <param name="ImportedFrom">For an event recorded by a history import: the file and row it came from (null when recorded live).</param>
public sealed record TimelineEntry(
    long Version, long Position, string EventType, DateOnly? On, DateTimeOffset RecordedAt, string RecordedBy, string? Reason, TimelineImport? ImportedFrom = null);

/// <summary>The history file an event came from: its id (a digest of the file), its name and the row.</summary>
public sealed record TimelineImport(string ImportId, string FileName, int Row);

/// <summary>
/// POST /api/participations                                   inskrivning (case worker of the insats)
/// GET  /api/participations/{id}                              the participation as it stands
/// GET  /api/participations/{id}/timeline                     what happened, when it was recorded, by whom
/// POST /api/participations/{id}/activities                   an activity
/// POST /api/participations/{id}/pause                        vilande from a date
/// POST /api/participations/{id}/resume                       resumed
/// POST /api/participations/{id}/occupation-changes           sysselsättning from a date during the participation
/// POST /api/participations/{id}/occupation-changes/{changeId}/correction   correct a recorded change (If-Match required)
/// POST /api/participations/{id}/exit                         avslut with a reason and the situation at exit
/// POST /api/participations/{id}/exit-correction              correct the exit (If-Match required)
/// POST /api/participations/{id}/enrolment-correction         correct the enrolment date or baseline (If-Match required)
/// POST /api/participations/{id}/registered-in-error          felregistrering: counts in no figure (If-Match required)
/// GET  /api/insatser/{insatsId}/participations               the insats's participations (case worker of the insats)
/// </summary>
public static class ParticipationEndpoints
{
    public const string ActivePersonIndex = "rm_participations_active_person_key";

    public static void MapParticipations(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/participations").WithTags("Participations");
        group.MapPost("/", Enrol).Validated<EnrolRequest>();
        group.MapGet("/{participationId}", Get);
        group.MapGet("/{participationId}/timeline", Timeline);
        group.MapPost("/{participationId}/activities", RecordActivity).Validated<ActivityRequest>();
        group.MapPost("/{participationId}/pause", (string participationId, PauseRequest r, HttpContext http, StreamCommands s, NpgsqlDataSource db, TimeProvider t, CancellationToken ct) =>
            Command(participationId, http, s, db, t, new PauseParticipation(participationId, r.On, r.Reason), false, ct));
        group.MapPost("/{participationId}/resume", (string participationId, ResumeRequest r, HttpContext http, StreamCommands s, NpgsqlDataSource db, TimeProvider t, CancellationToken ct) =>
            Command(participationId, http, s, db, t, new ResumeParticipation(participationId, r.On), false, ct));
        group.MapPost("/{participationId}/occupation-changes", (string participationId, OccupationChangeRequest r, HttpContext http, StreamCommands s, NpgsqlDataSource db, TimeProvider t, CancellationToken ct) =>
            Command(participationId, http, s, db, t, new RecordOccupationChange(participationId, r.ChangeId ?? http.NewId("occupation"), r.On, r.Kind, r.ExtentPercent), false, ct))
            .Validated<OccupationChangeRequest>();
        group.MapPost("/{participationId}/occupation-changes/{changeId}/correction", (string participationId, string changeId, OccupationChangeCorrectionRequest r, HttpContext http, StreamCommands s, NpgsqlDataSource db, TimeProvider t, CancellationToken ct) =>
            Command(participationId, http, s, db, t, new CorrectOccupationChange(participationId, changeId, r.On, r.Kind, r.ExtentPercent, r.CorrectionReason), true, ct))
            .Validated<OccupationChangeCorrectionRequest>();
        group.MapPost("/{participationId}/exit", (string participationId, ExitRequest r, HttpContext http, StreamCommands s, NpgsqlDataSource db, TimeProvider t, CancellationToken ct) =>
            Command(participationId, http, s, db, t, new ExitParticipant(participationId, r.ExitedOn, r.ReasonCode, r.MeansOfSupportAtExit, r.OccupationAtExit), false, ct))
            .Validated<ExitRequest>();
        group.MapPost("/{participationId}/exit-correction", (string participationId, ExitCorrectionRequest r, HttpContext http, StreamCommands s, NpgsqlDataSource db, TimeProvider t, CancellationToken ct) =>
            Command(participationId, http, s, db, t, new CorrectExit(participationId, r.ExitedOn, r.ReasonCode, r.MeansOfSupportAtExit, r.OccupationAtExit, r.CorrectionReason), true, ct))
            .Validated<ExitCorrectionRequest>();
        group.MapPost("/{participationId}/enrolment-correction", (string participationId, EnrolmentCorrectionRequest r, HttpContext http, StreamCommands s, NpgsqlDataSource db, TimeProvider t, CancellationToken ct) =>
            Command(participationId, http, s, db, t, new CorrectEnrolment(participationId, r.EnrolledOn, r.Baseline, r.CorrectionReason), true, ct))
            .Validated<EnrolmentCorrectionRequest>();
        group.MapPost("/{participationId}/registered-in-error", (string participationId, RegisteredInErrorRequest r, HttpContext http, StreamCommands s, NpgsqlDataSource db, TimeProvider t, CancellationToken ct) =>
            Command(participationId, http, s, db, t, new MarkRegisteredInError(participationId, r.CorrectionReason), true, ct))
            .Validated<RegisteredInErrorRequest>();
        api.MapGet("/insatser/{insatsId}/participations", ListForInsats).WithTags("Participations");
    }

    public static string Stream(string participationId) => EventCatalogue.StreamOf("participation", participationId);

    /// <summary>
    /// The person is resolved without writing to the vault, the enrolment is decided once with a placeholder
    /// participant, and the vault work (the identity registered or recognised, the referral's identity read or
    /// erased for want of consent) commits in the append's transaction: a refused enrolment stores nothing.
    /// </summary>
    public static async Task<IResult> Enrol(
        EnrolRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, IdentityVault vault, TimeProvider time, CancellationToken ct)
    {
        var insats = await InsatsEndpoints.FactsAsync(db, r.InsatsId, ct);
        var caller = RequireCaseWorker(http, insats.ForbundId, r.InsatsId);
        insats = insats with { Facts = insats.Facts with { IntakePauses = await InsatsEndpoints.IntakePausesAsync(streams, r.InsatsId, ct) } };
        var today = time.Today();
        var person = r.ReferralId is { } referralId
            ? await FromReferralAsync(streams, vault, referralId, r.InsatsId, caller.Actor, r.EnrolledOn, ct)
            : Direct(r, time);
        var ageAtStart = person.ExactAge ?? Participation.ApproximateAgeAtStart(person.BirthYear, r.EnrolledOn);
        var id = http.NewId("participation");
        EnrolParticipant Command(string participantId, bool identified) => new(
            id, r.InsatsId, participantId, r.ReferralId, r.EnrolledOn, r.Gender, person.BirthYear, ageAtStart, r.Baseline, identified, r.AgeOverrideReason,
            r.ReferringParty, r.IntakePauseOverrideReason);

        var registerIdentity = r.Consent && insats.Facts.FollowUp == FollowUpMode.PerPersonIdentified;
        Participation.Decide(Command("pending", false), Participation.Initial, insats.Facts, today, participantAlreadyActiveInInsats: false);

        var participantId = person.ParticipantId;
        var identified = registerIdentity && person.HasIdentity;
        AppendTransactionWork? vaultWork = person.HasIdentity ? vault.RevealedWork(person.ParticipantId!, caller.Actor) : null;
        if (participantId is null)
        {
            identified = registerIdentity && person.Personnummer is not null && !(r.Person?.ProtectedIdentity ?? false);
            if (identified)
            {
                var prepared = await vault.PrepareAsync(
                    insats.ForbundId, person.Personnummer!.Value, caller.Actor, await ReferralEndpoints.PredecessorsAsync(db, insats.ForbundId, ct), ct);
                participantId = prepared.ParticipantId;
                vaultWork = prepared.Work;
            }
            else
            {
                participantId = ReferralEndpoints.AnonymousId(http);
            }
        }
        else if (person.HasIdentity && !registerIdentity && !await HasIdentifiedParticipationAsync(db, participantId, id, ct))
        {
            // declined consent (or an anonymous insats): the identity the referral brought is not kept
            vaultWork = IdentityVault.Together(vaultWork, vault.ErasedWork(participantId, caller.Actor, "No consent to register personal data at enrolment"));
        }

        var alreadyActive = await IsActiveInInsatsAsync(db, participantId, r.InsatsId, id, ct);
        var command = Command(participantId, identified);
        WriteOutcome outcome;
        try
        {
            outcome = await streams.ExecuteAsync(http, "participation", Stream(id), insats.ForbundId, Participation.Initial, Participation.Evolve,
                state => Participation.Decide(command, state, insats.Facts, today, alreadyActive), ct: ct, inTransaction: vaultWork);
        }
        catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == ActivePersonIndex)
        {
            // a concurrent enrolment of the same person in the same insats won
            throw new RuleViolationException("already_active_in_insats", "The person already has an active participation in this insats.");
        }

        return Endpoints.Created($"/api/participations/{id}", outcome, id);
    }

    public static async Task<IResult> Get(string participationId, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        var row = await LocateAsync(db, participationId, ct);
        RequireCaseWorker(http, row.ForbundId, row.InsatsId);
        var (state, version, _) = await streams.LoadAsync(Stream(participationId), Participation.Initial, Participation.Evolve, ct);
        StreamCommands.SetVersionHeaders(http, version);
        return Results.Ok(View(participationId, row, state, version));
    }

    public static async Task<IResult> Timeline(string participationId, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        var row = await LocateAsync(db, participationId, ct);
        RequireCaseWorker(http, row.ForbundId, row.InsatsId);
        var events = await streams.Store.ReadStreamAsync(Stream(participationId), 0, ct);
        // an import appends its participation.imported event in the same transaction as the facts it recorded
        var imports = events.Where(e => e.Data is ParticipationImported).GroupBy(e => e.TxId)
            .ToDictionary(g => g.Key, g => (ParticipationImported)g.First().Data);
        return Results.Ok(events.Select(e =>
        {
            var (on, reason) = e.Data switch
            {
                ParticipantEnrolled x => (x.EnrolledOn, x.AgeOverrideReason),
                ActivityRecorded x => (x.On, null),
                ParticipationPaused x => (x.On, Sql.Name(x.Reason)),
                ParticipationResumed x => (x.On, null),
                ParticipantExited x => (x.ExitedOn, x.ReasonCode),
                ExitCorrected x => (x.ExitedOn, x.CorrectionReason),
                EnrolmentCorrected x => (x.EnrolledOn, x.CorrectionReason),
                ParticipationRegisteredInError x => ((DateOnly?)null, x.CorrectionReason),
                OccupationChanged x => (x.On, Sql.Name(x.Kind)),
                OccupationChangeCorrected x => (x.On, x.CorrectionReason),
                ParticipationImported x => ((DateOnly?)null, x.Outcome),
                _ => (null, null),
            };
            var imported = imports.GetValueOrDefault(e.TxId) is { } i ? new TimelineImport(i.ImportId, i.FileName, i.Row) : null;
            return new TimelineEntry(e.Version, e.Position, e.EventType, on, e.RecordedAt, e.Metadata.Actor, reason, imported);
        }).ToArray());
    }

    public static async Task<IResult> RecordActivity(string participationId, ActivityRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, TimeProvider time, CancellationToken ct)
    {
        var activityId = r.ActivityId ?? http.NewId("activity");
        return await Command(participationId, http, streams, db, time, new Domain.Participations.RecordActivity(participationId, activityId, r.Kind, r.On, r.DurationMinutes), false, ct);
    }

    public static async Task<IResult> ListForInsats(string insatsId, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var insats = await InsatsEndpoints.FactsAsync(db, insatsId, ct);
        RequireCaseWorker(http, insats.ForbundId, insatsId);
        await using var cmd = Sql.Command(db,
            "SELECT participation_id, participant_id, status, enrolled_on, exited_on FROM rm_participations WHERE insats_id = $1 ORDER BY enrolled_on, participation_id",
            insatsId);
        var list = new List<ParticipationSummary>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new ParticipationSummary(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateOnly>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateOnly>(4)));
        }

        return Results.Ok(list);
    }

    private static async Task<IResult> Command(
        string participationId, HttpContext http, StreamCommands streams, NpgsqlDataSource db, TimeProvider time, ParticipationCommand command, bool requireIfMatch, CancellationToken ct)
    {
        var row = await LocateAsync(db, participationId, ct);
        RequireCaseWorker(http, row.ForbundId, row.InsatsId);
        var insats = await InsatsEndpoints.FactsAsync(db, row.InsatsId, ct);
        var outcome = await streams.ExecuteAsync(http, "participation", Stream(participationId), insats.ForbundId, Participation.Initial, Participation.Evolve,
            state => Participation.Decide(command, state, insats.Facts, time.Today()), requireIfMatch, ct);
        return Endpoints.Written(outcome, participationId);
    }

    /// <summary>ForbundId is the insats's förbund now: after a merger, the successor's.</summary>
    private sealed record Located(string InsatsId, string ForbundId, string ParticipantId, string? ReferralId);

    private static async Task<Located> LocateAsync(NpgsqlDataSource db, string participationId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            """
            SELECT p.insats_id, i.forbund_id, p.participant_id, p.referral_id
            FROM rm_participations p JOIN rm_insatser i ON i.insats_id = p.insats_id
            WHERE p.participation_id = $1
            """, participationId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new NotFoundException("The participation");
        }

        return new Located(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    private static Caller RequireCaseWorker(HttpContext http, string forbundId, string insatsId)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.CaseWorker) && caller.ForbundId == forbundId && caller.Insatser.Contains(insatsId), "participants of this insats");
        return caller;
    }

    /// <summary>Who is enrolled: an existing participant (from a referral) or a person still to be registered.</summary>
    private sealed record EnrolledPerson(string? ParticipantId, Personnummer? Personnummer, bool HasIdentity, int BirthYear, int? ExactAge);

    private static async Task<EnrolledPerson> FromReferralAsync(
        StreamCommands streams, IdentityVault vault, string referralId, string insatsId, string actor, DateOnly enrolledOn, CancellationToken ct)
    {
        var (state, _, _) = await streams.LoadAsync(ReferralEndpoints.Stream(referralId), Referral.Initial, Referral.Evolve, ct);
        if (state is not ReferralState.Decided { Decision: ReferralAccepted accepted } decided || accepted.InsatsId != insatsId)
        {
            throw new RuleViolationException("referral_not_accepted_to_insats", "The referral has not been accepted to this insats.");
        }

        var received = decided.Received;
        // the exact age at start comes from the personnummer in the vault when there is one (the read is audited with the enrolment)
        var identity = await vault.PeekAsync(received.ParticipantId, actor, ct);
        return new EnrolledPerson(received.ParticipantId, identity, identity is not null, received.BirthYear, identity is { } known ? ExactAge(known, enrolledOn) : null);
    }

    private static EnrolledPerson Direct(EnrolRequest r, TimeProvider time)
    {
        var person = r.Person ?? throw new ValidationException([new FluentValidation.Results.ValidationFailure("person", "Give the person, or a referralId.")]);
        if (person.Personnummer is { Length: > 0 } raw)
        {
            var personnummer = PeopleEndpoints.ParsePersonnummer(raw, time, "person.personnummer");
            return new EnrolledPerson(null, personnummer, false, personnummer.BirthYear, ExactAge(personnummer, r.EnrolledOn));
        }

        return person.BirthYear is { } year
            ? new EnrolledPerson(null, null, false, year, null)
            : throw new ValidationException([new FluentValidation.Results.ValidationFailure("person.birthYear", "Give a personnummer or a birth year.")]);
    }

    /// <summary>Age at start from the personnummer; an enrolment dated before the birth is the rules' to refuse (invalid_age), not a crash in AgeOn.</summary>
    internal static int ExactAge(Personnummer personnummer, DateOnly enrolledOn) =>
        enrolledOn >= personnummer.BirthDate ? personnummer.AgeOn(enrolledOn) : -1;

    private static async Task<bool> HasIdentifiedParticipationAsync(NpgsqlDataSource db, string participantId, string exceptParticipationId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            "SELECT count(*) FROM rm_participations WHERE participant_id = $1 AND identified AND participation_id <> $2", participantId, exceptParticipationId);
        return (long)(await cmd.ExecuteScalarAsync(ct))! > 0;
    }

    internal static async Task<bool> IsActiveInInsatsAsync(NpgsqlDataSource db, string participantId, string insatsId, string exceptParticipationId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            "SELECT count(*) FROM rm_participations WHERE participant_id = $1 AND insats_id = $2 AND status IN ('active', 'paused') AND participation_id <> $3",
            participantId, insatsId, exceptParticipationId);
        return (long)(await cmd.ExecuteScalarAsync(ct))! > 0;
    }

    private static ParticipationView View(string id, Located row, ParticipationState state, long version)
    {
        var enrolment = state switch
        {
            ParticipationState.Active a => a.Enrolment,
            ParticipationState.Paused p => p.Enrolment,
            ParticipationState.Exited x => x.Enrolment,
            _ => null,
        };
        var exit = (state as ParticipationState.Exited)?.Exit;
        var status = state switch
        {
            ParticipationState.Active => "active",
            ParticipationState.Paused => "paused",
            ParticipationState.Exited => "exited",
            ParticipationState.Voided => "registered_in_error",
            _ => "not_enrolled",
        };
        var reg = enrolment?.Registration;
        return new ParticipationView(
            id, row.InsatsId, row.ParticipantId, row.ReferralId, status, reg?.Gender, reg?.BirthYear, reg?.AgeAtStart, reg?.Identified ?? false,
            enrolment?.EnrolledOn, enrolment?.Baseline, enrolment?.Activities.Count ?? 0, (state as ParticipationState.Paused)?.PausedOn,
            exit?.ExitedOn, exit?.ReasonCode, exit?.Category, exit?.MeansOfSupportAtExit, exit?.OccupationAtExit, version);
    }

    private sealed class EnrolValidator : AbstractValidator<EnrolRequest>
    {
        public EnrolValidator()
        {
            RuleFor(r => r.InsatsId).NotEmpty();
            RuleFor(r => r.Baseline).NotNull();
            RuleFor(r => r.Baseline.HomeKommun).NotEmpty().MaximumLength(100).When(r => r.Baseline is not null);
            RuleFor(r => r.Baseline.MonthsOnSupportBefore).InclusiveBetween(0, 1200).When(r => r.Baseline?.MonthsOnSupportBefore is not null);
            RuleFor(r => r.Person).Null().When(r => r.ReferralId is not null).WithMessage("With a referralId the person comes from the referral.");
            RuleFor(r => r.Person!.BirthYear).InclusiveBetween(1900, 2100).When(r => r.Person?.BirthYear is not null);
            RuleFor(r => r.AgeOverrideReason).MaximumLength(500).NoPersonnummer();
            RuleFor(r => r.IntakePauseOverrideReason).MaximumLength(500).NoPersonnummer();
            RuleFor(r => r.ReferringParty).Null().When(r => r.ReferralId is not null).WithMessage("With a referralId the referring part comes from the referral.");
        }
    }

    private sealed class OccupationChangeValidator : AbstractValidator<OccupationChangeRequest>
    {
        public OccupationChangeValidator()
        {
            RuleFor(r => r.ChangeId).MaximumLength(100);
            RuleFor(r => r.ExtentPercent).InclusiveBetween(1, 100).When(r => r.ExtentPercent is not null);
        }
    }

    private sealed class OccupationChangeCorrectionValidator : AbstractValidator<OccupationChangeCorrectionRequest>
    {
        public OccupationChangeCorrectionValidator()
        {
            RuleFor(r => r.ExtentPercent).InclusiveBetween(1, 100).When(r => r.ExtentPercent is not null);
            RuleFor(r => r.CorrectionReason).NotEmpty().MaximumLength(500).NoPersonnummer();
        }
    }

    private sealed class ActivityValidator : AbstractValidator<ActivityRequest>
    {
        public ActivityValidator() => RuleFor(r => r.ActivityId).MaximumLength(100);
    }

    private sealed class ExitValidator : AbstractValidator<ExitRequest>
    {
        public ExitValidator() => RuleFor(r => r.ReasonCode).NotEmpty().MaximumLength(64);
    }

    private sealed class ExitCorrectionValidator : AbstractValidator<ExitCorrectionRequest>
    {
        public ExitCorrectionValidator()
        {
            RuleFor(r => r.ReasonCode).NotEmpty().MaximumLength(64);
            RuleFor(r => r.CorrectionReason).NotEmpty().MaximumLength(500).NoPersonnummer();
        }
    }

    private sealed class EnrolmentCorrectionValidator : AbstractValidator<EnrolmentCorrectionRequest>
    {
        public EnrolmentCorrectionValidator()
        {
            RuleFor(r => r.Baseline).NotNull();
            RuleFor(r => r.CorrectionReason).NotEmpty().MaximumLength(500).NoPersonnummer();
        }
    }

    private sealed class RegisteredInErrorValidator : AbstractValidator<RegisteredInErrorRequest>
    {
        public RegisteredInErrorValidator() => RuleFor(r => r.CorrectionReason).NotEmpty().MaximumLength(500).NoPersonnummer();
    }
}
