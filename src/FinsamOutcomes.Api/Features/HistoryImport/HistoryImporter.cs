using System.Security.Cryptography;
using System.Text;
using FinsamOutcomes.Api.Features.Economy;
using FinsamOutcomes.Api.Features.Insatser;
using FinsamOutcomes.Api.Features.Participations;
using FinsamOutcomes.Api.Features.People;
using FinsamOutcomes.Api.Features.Referrals;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Api.Features.HistoryImport;

/// <param name="MayRecordIn">Whether the importer may record participations of the insats (a case worker: the insatser of the token).</param>
/// <param name="MaxRows">At most this many data rows (the API's limit), or null (the command line).</param>
public sealed record HistoryImportRequest(
    string ForbundId,
    string FileName,
    byte[] Content,
    IReadOnlyDictionary<string, string> Mapping,
    bool DryRun,
    string Actor,
    Guid CorrelationId,
    Func<string, bool> MayRecordIn,
    int? MaxRows);

/// <summary>A row that is (or in a dry run would be) recorded, corrected, or already present, with the participation it is.</summary>
public sealed record HistoryRowResult(int Row, string ParticipationId, string Outcome);

/// <summary>
/// What an import did (a dry run: would do). Rows = data rows of the file; every row is exactly one of recorded,
/// corrected, already present or refused, and each refused row has at least one problem.
/// </summary>
public sealed record HistoryImportSummary(
    bool DryRun,
    string ImportId,
    string FileName,
    int Rows,
    int Recorded,
    int Corrected,
    int AlreadyPresent,
    int Refused,
    IReadOnlyList<ImportProblem> Problems,
    IReadOnlyList<HistoryRowResult> Results,
    IReadOnlyList<string> IgnoredColumns,
    long? LogPosition);

/// <summary>
/// Imports historical participations, one row at a time, through exactly what the live endpoint uses: the insats's facts
/// and intake pauses, the identity vault (a personnummer goes only there, its registration committed in the row's append
/// transaction), <see cref="ParticipationImport.Decide"/> over <see cref="Participation.Decide"/>, and
/// <see cref="StreamCommands"/> with the inline read models. Each row is one append: it is recorded whole or not at all.
/// The participation id derives from the förbund, the insats and the row's source id, or else a keyed digest of the
/// personnummer and the enrolment date, or else (anonymous) gender, birth year, enrolment date and home kommun — so the same
/// file again appends nothing and a corrected file corrects the participations it recorded.
/// </summary>
public sealed class HistoryImporter(StreamCommands streams, NpgsqlDataSource db, IdentityVault vault, TimeProvider time)
{
    private readonly StreamCommands _streams = streams;
    private readonly NpgsqlDataSource _db = db;
    private readonly IdentityVault _vault = vault;

    public const int ProgressEvery = 100;

    public async Task<HistoryImportSummary> ImportAsync(HistoryImportRequest r, Action<int, int>? progress, CancellationToken ct)
    {
        // the file name goes into every imported event: checked here for the API and the command line alike
        if (r.FileName.Length > 200 || InputRules.HasForbiddenCharacter(r.FileName, allowLineBreaks: false) || !PersonnummerGate.IsClean(r.FileName))
        {
            throw HistoryFile.Invalid("fileName", "A file name of at most 200 characters, without control characters or a personnummer.");
        }

        var today = time.Today();
        var sheet = HistoryFile.Read(HistoryFile.ReadCells(r.Content), r.Mapping, today, r.MaxRows);
        var run = new Run(this, r, AccountingImport.ImportId(r.Content), today, await ReferralEndpoints.PredecessorsAsync(_db, r.ForbundId, ct));
        var problems = new List<ImportProblem>(sheet.Problems);
        var results = new List<HistoryRowResult>();
        var done = 0;
        foreach (var row in sheet.Read)
        {
            try
            {
                results.Add(await run.RowAsync(row, ct));
            }
            catch (RuleViolationException refusal)
            {
                problems.Add(new ImportProblem(row.Row, null, refusal.Code, refusal.Message));
            }
            catch (ConcurrencyConflictException)
            {
                problems.Add(new ImportProblem(row.Row, null, "changed_concurrently", "The participation was changed by another write at the same moment; import the file again."));
            }

            if (++done % ProgressEvery == 0)
            {
                progress?.Invoke(done, sheet.Read.Count);
            }
        }

        progress?.Invoke(done, sheet.Read.Count);
        int Count(string outcome) => results.Count(x => x.Outcome == outcome);
        return new HistoryImportSummary(
            r.DryRun, run.ImportId, r.FileName, sheet.Rows, Count(Outcomes.Recorded), Count(Outcomes.Corrected), Count(Outcomes.AlreadyPresent),
            problems.Select(p => p.Row).Distinct().Count(), [.. problems.OrderBy(p => p.Row)], results, sheet.IgnoredColumns, run.LastPosition);
    }

    public static class Outcomes
    {
        public const string Recorded = "recorded";
        public const string Corrected = "corrected";
        public const string AlreadyPresent = "already_present";

        public static string Of(HistoryRowOutcome outcome) => outcome switch
        {
            HistoryRowOutcome.Recorded => Recorded,
            HistoryRowOutcome.Corrected => Corrected,
            _ => AlreadyPresent,
        };
    }

    /// <summary>The state of one import: the insatser looked up so far, and which participation each earlier row was.</summary>
    private sealed class Run(HistoryImporter owner, HistoryImportRequest r, string importId, DateOnly today, IReadOnlyList<string> predecessors)
    {
        private readonly Dictionary<string, InsatsRef?> _insatser = new(StringComparer.Ordinal);
        private readonly Dictionary<string, int> _rows = new(StringComparer.Ordinal);

        public string ImportId => importId;

        public long? LastPosition { get; private set; }

        public async Task<HistoryRowResult> RowAsync(HistoryRow row, CancellationToken ct)
        {
            var insats = await InsatsAsync(row.InsatsId, ct)
                ?? throw new RuleViolationException("unknown_insats", "No insats of the förbund has this id.");
            if (!r.MayRecordIn(row.InsatsId))
            {
                throw new RuleViolationException("insats_not_permitted", "You may not record participants of this insats.");
            }

            var id = owner.ParticipationId(r.ForbundId, row);
            if (!_rows.TryAdd(id, row.Row))
            {
                throw new RuleViolationException("duplicate_row",
                    $"The row is the same participation as row {_rows[id]} (the same insats and source id, or person and enrolment date).");
            }

            var facts = insats.Facts;
            var (state, version, _) = await owner._streams.LoadAsync(ParticipationEndpoints.Stream(id), Participation.Initial, Participation.Evolve, ct);
            var existing = Registration(state)?.ParticipantId;
            var identified = row.Consent && facts.FollowUp == FollowUpMode.PerPersonIdentified && row.Personnummer is not null && !row.ProtectedIdentity;
            var ageAtStart = row.Personnummer is { } personnummer
                ? ParticipationEndpoints.ExactAge(personnummer, row.EnrolledOn)
                : Participation.ApproximateAgeAtStart(row.BirthYear!.Value, row.EnrolledOn);
            var exit = row.ExitedOn is { } exitedOn
                ? new HistoricalExit(exitedOn, ReasonCode(facts, row.ExitReason!), row.MeansOfSupportAtExit!.Value, row.OccupationAtExit!.Value)
                : null;
            ImportHistoricalParticipation Command(string participantId) => new(
                new EnrolParticipant(id, row.InsatsId, participantId, null, row.EnrolledOn, row.Gender, row.BirthYear!.Value, ageAtStart, row.Baseline,
                    identified, row.AgeOverrideReason, row.ReferringParty, row.IntakePauseOverrideReason),
                exit, importId, r.FileName, row.Row);

            // decided once with a placeholder participant, as the live enrolment is: a refused row touches no vault
            var planned = ParticipationImport.Decide(Command(existing ?? "pending"), state, facts, today, participantAlreadyActiveInInsats: false);
            if (planned.Outcome == HistoryRowOutcome.AlreadyPresent)
            {
                return new HistoryRowResult(row.Row, id, Outcomes.AlreadyPresent);
            }

            var participantId = existing;
            AppendTransactionWork? vaultWork = null;
            if (participantId is null && identified)
            {
                // looks the person up without writing; the registration (or recognition) commits with the row's events
                var prepared = await owner._vault.PrepareAsync(r.ForbundId, row.Personnummer!.Value, r.Actor, predecessors, ct);
                (participantId, vaultWork) = (prepared.ParticipantId, prepared.Work);
            }

            participantId ??= AnonymousId(id);
            var alreadyActive = existing is null && await ParticipationEndpoints.IsActiveInInsatsAsync(owner._db, participantId, row.InsatsId, id, ct);
            var command = Command(participantId);
            if (r.DryRun)
            {
                return new HistoryRowResult(row.Row, id, Outcomes.Of(ParticipationImport.Decide(command, state, facts, today, alreadyActive).Outcome));
            }

            var outcome = planned.Outcome;
            // event ids from the file, the row and the version decided on: a retry of this very append adds nothing
            var writer = new EventWriter(r.Actor, $"{importId}/{row.Row}/{version}", r.CorrelationId);
            try
            {
                var written = await owner._streams.ExecuteAsync(writer, "participation", ParticipationEndpoints.Stream(id), insats.ForbundId,
                    Participation.Initial, Participation.Evolve,
                    current =>
                    {
                        var decision = ParticipationImport.Decide(command, current, facts, today, alreadyActive);
                        outcome = decision.Outcome;
                        return decision.Events;
                    },
                    ct, vaultWork);
                LastPosition = written.EventsAppended > 0 ? written.LogPosition : LastPosition;
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation && ex.ConstraintName == ParticipationEndpoints.ActivePersonIndex)
            {
                throw new RuleViolationException("already_active_in_insats", "The person already has an active participation in this insats.");
            }

            return new HistoryRowResult(row.Row, id, Outcomes.Of(outcome));
        }

        /// <summary>The insats with its intake pauses, when it belongs to the importing förbund; null otherwise.</summary>
        private async Task<InsatsRef?> InsatsAsync(string insatsId, CancellationToken ct)
        {
            if (_insatser.TryGetValue(insatsId, out var known))
            {
                return known;
            }

            InsatsRef? insats;
            try
            {
                insats = await InsatsEndpoints.FactsAsync(owner._db, insatsId, ct);
                insats = insats.ForbundId != r.ForbundId
                    ? null
                    : insats with { Facts = insats.Facts with { IntakePauses = await InsatsEndpoints.IntakePausesAsync(owner._streams, insatsId, ct) } };
            }
            catch (NotFoundException)
            {
                insats = null;
            }

            return _insatser[insatsId] = insats;
        }

        private static ParticipantEnrolled? Registration(ParticipationState state) => state switch
        {
            ParticipationState.Active a => a.Enrolment.Registration,
            ParticipationState.Paused p => p.Enrolment.Registration,
            ParticipationState.Exited x => x.Enrolment.Registration,
            _ => null,
        };

        /// <summary>The förbund's exit reason by its code or its label (ignoring case); anything else is the decider's to refuse.</summary>
        private static string ReasonCode(InsatsFacts facts, string given) =>
            facts.ExitReasons.FirstOrDefault(x => string.Equals(x.Code, given, StringComparison.OrdinalIgnoreCase)
                || string.Equals(x.Label, given, StringComparison.OrdinalIgnoreCase))?.Code ?? given;
    }

    /// <summary>The participation a row is, from the förbund, the insats and the row's identity; never holds the personnummer.</summary>
    private string ParticipationId(string forbundId, HistoryRow row)
    {
        var identity = row.SourceId is { } source ? $"source\n{source}"
            : row.Personnummer is { } personnummer
                ? $"person\n{Convert.ToHexString(_vault.KeyedDigest(forbundId, personnummer, "history-import"))}\n{row.EnrolledOn:yyyy-MM-dd}"
                : $"anonymous\n{row.Gender}\n{row.BirthYear}\n{row.EnrolledOn:yyyy-MM-dd}\n{row.Baseline.HomeKommun.ToLowerInvariant()}";
        return "participation-" + Endpoints.Letters(SHA256.HashData(Encoding.UTF8.GetBytes($"history\n{forbundId}\n{row.InsatsId}\n{identity}")));
    }

    /// <summary>An anonymous participant's pseudonymous id, fixed by the participation it first appears in.</summary>
    private static string AnonymousId(string participationId) =>
        "p-" + Endpoints.Letters(SHA256.HashData(Encoding.UTF8.GetBytes($"history-participant\n{participationId}")));
}
