using FinsamOutcomes.Domain.Beredningsgrupper;
using FinsamOutcomes.Domain;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.Domain.Insatser;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.Domain.Referrals;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;
using static FinsamOutcomes.Api.Features.Statistics.Projection.FactWriter;

namespace FinsamOutcomes.Api.Features.Statistics.Projection;

/// <summary>
/// Keeps the statistics fact and dimension tables (migration 0200) from the log. One projection for all
/// of them, so that a fact derived from a dimension (a participation's förbund from its insats's
/// transfers) always sees the dimension as of the same event. The events of a batch are turned into
/// changes in feed order (<see cref="FactWriter"/>), applied in memory and written set-based, a few
/// statements per table and batch (<see cref="FactBatch"/>); live catch-up and a rebuild run the same code.
/// Membership events carry nothing a figure needs and are skipped.
/// </summary>
public sealed class StatisticsProjection(ReportCache? reports = null) : IProjection
{
    public const string ProjectionName = "statistics";

    public string Name => ProjectionName;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var writer = new FactWriter();
        var started = Volatile.Read(ref _rebuilt) ? StreamsStartedIn(events) : null;
        foreach (var recorded in events)
        {
            writer.Begin(recorded);
            Write(writer, recorded, started);
        }

        await FactBatch.ApplyAsync(context.Connection, context.Transaction, writer.Ops, cancellationToken);
        await AnalyzeWhileGrowingAsync(context, events.Count, cancellationToken);
    }

    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        await LockForResetAsync(context, cancellationToken);
        // the report-only indexes are built once when the rebuild reaches the head, not kept row by row (CaughtUpAsync)
        await ReportIndexes.DeferAsync(context.Connection, context.Transaction, cancellationToken);
        await using var cmd = context.Command($"TRUNCATE {FactTable.LockOrder}");
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        Interlocked.Exchange(ref _appliedSinceReset, 0);
        Interlocked.Exchange(ref _analyseAtHead, 1);
        // a rebuild makes the same rows again at every position, so the kept reports would stay right; they are
        // forgotten anyway, so that no report computed before a reset is answered after it
        reports?.Clear();
        Volatile.Write(ref _rebuilt, true);
    }

    /// <summary>
    /// The reset's locks, taken before it changes anything: the migrations' lock (as ReportIndexes takes it), then every
    /// fact table exclusively, in <see cref="FactTable.LockOrder"/>. A report takes a shared lock on every fact table in
    /// the same order when it starts (StatisticsService), so a reset and a report never each hold a table the other
    /// waits for; taken one by one by DROP INDEX and TRUNCATE while reports took theirs as their statement was planned,
    /// they deadlocked, and PostgreSQL ended the report (a 500). The reset waits in line for the reports that hold the
    /// tables (each at most the report timeout); reports that start meanwhile wait behind it.
    /// </summary>
    private static async Task LockForResetAsync(ProjectionContext context, CancellationToken ct)
    {
        await SchemaMigrator.LockAsync(context.Connection, context.Transaction, ct);
        await using var cmd = context.Command($"LOCK TABLE {FactTable.LockOrder} IN ACCESS EXCLUSIVE MODE");
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// At the head of the log: builds the report-only indexes a reset dropped (<see cref="ReportIndexes"/>); nothing
    /// when none is dropped. Until then reports read the tables without them: the same rows, found more slowly.
    /// </summary>
    public async Task CaughtUpAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        var analysed = await ReportIndexes.RestoreAsync(context.Connection, context.Transaction, cancellationToken);
        var rest = FactTable.All.Select(t => t.Name).Except(analysed, StringComparer.Ordinal).ToArray();
        if (Interlocked.Exchange(ref _analyseAtHead, 0) == 1 && rest.Length > 0)
        {
            // the last analysis while growing saw the log as far as 2,000,000 events; the planner would estimate the later
            // years' rows from that (a year after it: about none) until autovacuum analyses each table, which an index build
            // cancels. A förbund's report planned so, right after a 10 M rebuild, ran past the report timeout (503); the same
            // report took 13 ms once the tables were analysed (ADR 0008, "After the head: every table analysed"). The tables
            // the index builds just analysed are not analysed again
            await using var cmd = context.Command($"ANALYZE {string.Join(", ", rest)}");
            cmd.CommandTimeout = 0;
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <summary>1 from a reset until the rebuild reaches the head of the log and has analysed every fact table.</summary>
    private int _analyseAtHead;

    /// <summary>
    /// This instance emptied the tables (<see cref="ResetAsync"/>) and has since been given the log in feed order, each
    /// event once (the runner commits a batch's rows with its checkpoint): every stored fact row was made by an event
    /// before the current batch. Then a participation whose stream begins in the batch has no stored row in any table
    /// keyed by it, and its keys need not be loaded (<see cref="FactWriter.KeysNew"/>). An instance that did not reset
    /// (live catch-up, or events applied again on purpose) loads every key, so applying an event twice stays a no-op.
    /// </summary>
    private bool _rebuilt;

    /// <summary>The streams whose first event is in the batch.</summary>
    private static HashSet<string> StreamsStartedIn(IReadOnlyList<RecordedEvent> events)
    {
        var started = new HashSet<string>(StringComparer.Ordinal);
        foreach (var recorded in events)
        {
            if (recorded.Version == 1)
            {
                started.Add(recorded.StreamId);
            }
        }

        return started;
    }

    /// <summary>
    /// Marks the changes of a participation's event as naming keys no stored row has: when the participation's stream
    /// begins in the batch during a rebuild (<see cref="_rebuilt"/>). Only the participation's own events (its stream)
    /// make rows keyed by its id in stats_participations, _participation_pauses, _activities and _occupation_changes
    /// (a transfer re-derives only participations that already have a row), so none of them can be stored yet.
    /// </summary>
    private static void OfParticipation(FactWriter w, RecordedEvent recorded, string participationId, HashSet<string>? started) =>
        w.KeysNew = started is not null && started.Contains(recorded.StreamId)
            && string.Equals(recorded.StreamId, EventCatalogue.StreamOf("participation", participationId), StringComparison.Ordinal);

    /// <summary>
    /// After a reset the tables grow from empty faster than autovacuum analyses them, and plans made against
    /// empty tables (sequential scans) would stay: the tables are analysed when the rebuild has applied
    /// 2,000, 20,000, 200,000 and 2,000,000 events. -1: not rebuilding (autovacuum keeps the statistics).
    /// </summary>
    private long _appliedSinceReset = -1;

    private async Task AnalyzeWhileGrowingAsync(ProjectionContext context, int applied, CancellationToken cancellationToken)
    {
        var before = Interlocked.Read(ref _appliedSinceReset);
        if (before < 0)
        {
            return;
        }

        var after = before + applied;
        Interlocked.Exchange(ref _appliedSinceReset, after >= AnalyzeAt[^1] ? -1 : after);
        if (AnalyzeAt.Any(threshold => before < threshold && after >= threshold))
        {
            await using var cmd = context.Command($"ANALYZE {string.Join(", ", FactTable.All.Select(t => t.Name))}");
            await cmd.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static readonly long[] AnalyzeAt = [2_000, 20_000, 200_000, 2_000_000];

    private static void Write(FactWriter w, RecordedEvent recorded, HashSet<string>? started)
    {
        switch (recorded.Data)
        {
            case ForbundRegistered e:
                w.Put(FactTable.Forbund, new { e.ForbundId, e.Name, e.RegisteredOn });
                break;
            case ExitReasonsSet e:
                w.End(FactTable.ExitReasons, Where(new { e.ForbundId }));
                foreach (var reason in e.Reasons)
                {
                    w.Put(FactTable.ExitReasons, new { e.ForbundId, reason.Code, reason.Category, reason.Label, reason.Positive });
                }

                break;
            case ForbundMergedInto e:
                w.Put(FactTable.Mergers, new { PredecessorId = e.ForbundId, e.SuccessorId, MergedOn = e.On });
                break;
            case ForbundFormedByMerger e:
                foreach (var predecessor in e.PredecessorIds)
                {
                    w.Put(FactTable.Mergers, new { PredecessorId = predecessor, SuccessorId = e.ForbundId, MergedOn = e.On });
                }

                break;

            case InsatsRegistered e:
                w.Put(FactTable.Insatser, new
                {
                    e.InsatsId,
                    e.ForbundId,
                    e.Name,
                    e.Kind,
                    e.FollowUp,
                    e.Kommuner,
                    e.StartDate,
                    e.EndDate,
                    ClosedOn = (DateOnly?)null,
                    TargetMinAge = e.TargetGroup.MinAge,
                    TargetMaxAge = e.TargetGroup.MaxAge,
                    PlannedPerYear = e.PlannedParticipantsPerYear,
                });
                break;
            case InsatsGoalSet e:
                w.Put(FactTable.Goals, new { e.InsatsId, e.GoalId, e.Metric, e.Comparison, e.Threshold, GoalPeriod = e.Period, e.Description });
                break;
            case InsatsGoalRemoved e:
                w.End(FactTable.Goals, Where(new { e.InsatsId, e.GoalId }));
                break;
            case InsatsClosed e:
                w.Revise(FactTable.Insatser, Where(new { e.InsatsId }), new { e.ClosedOn });
                break;
            case InsatsTransferred e:
                w.Put(FactTable.Transfers, new { e.InsatsId, TransferredOn = e.On, e.FromForbundId, e.ToForbundId });
                w.Rederive(FactTable.Participations, Where(new { e.InsatsId }));
                w.Rederive(FactTable.Occurrences, Where(new { e.InsatsId }));
                break;
            case OccurrenceRecorded e:
                w.Put(FactTable.Occurrences, new
                {
                    e.InsatsId,
                    e.OccurrenceId,
                    recorded.ForbundId,
                    OccurredOn = e.On,
                    e.Title,
                    e.Women,
                    e.Men,
                    e.NonBinary,
                    e.NotStated,
                });
                break;

            case BeredningsgruppRegistered e:
                w.Put(FactTable.Beredningsgrupper, new
                {
                    e.BeredningsgruppId,
                    e.ForbundId,
                    e.Name,
                    e.InsatsIds,
                    WeeklyCap = e.WeeklyIntakeCap,
                    e.CapWindowWeeks,
                    e.CapWindowAnchor,
                });
                break;
            case BeredningsgruppChanged e:
                w.Revise(FactTable.Beredningsgrupper, Where(new { e.BeredningsgruppId }), new
                {
                    e.InsatsIds,
                    WeeklyCap = e.WeeklyIntakeCap,
                    e.CapWindowWeeks,
                    e.CapWindowAnchor,
                });
                break;
            case BeredningsgruppIntakePaused e:
                w.Put(FactTable.IntakePauses, new { OwnerKind = "beredningsgrupp", OwnerId = e.BeredningsgruppId, PausedOn = e.On, e.Reason, ResumedOn = (DateOnly?)null });
                break;
            case BeredningsgruppIntakeResumed e:
                w.Revise(FactTable.IntakePauses, Where(new { OwnerKind = "beredningsgrupp", OwnerId = e.BeredningsgruppId }, isNull: "resumed_on"), new { ResumedOn = e.On });
                break;
            case InsatsIntakePaused e:
                w.Put(FactTable.IntakePauses, new { OwnerKind = "insats", OwnerId = e.InsatsId, PausedOn = e.On, e.Reason, ResumedOn = (DateOnly?)null });
                break;
            case InsatsIntakeResumed e:
                w.Revise(FactTable.IntakePauses, Where(new { OwnerKind = "insats", OwnerId = e.InsatsId }, isNull: "resumed_on"), new { ResumedOn = e.On });
                break;

            case ReferralReceived e:
                w.Put(FactTable.Referrals, new
                {
                    e.ReferralId,
                    e.ForbundId,
                    e.BeredningsgruppId,
                    e.ParticipantId,
                    e.ReferringParty,
                    e.Gender,
                    e.BirthYear,
                    e.ReceivedOn,
                    Decision = (string?)null,
                    DecidedOn = (DateOnly?)null,
                    InsatsId = (string?)null,
                    CapOverride = false,
                    DuringIntakePause = false,
                    WithdrawnOn = (DateOnly?)null,
                });
                break;
            case ReferralAccepted e:
                w.Revise(FactTable.Referrals, Where(new { e.ReferralId }), new
                {
                    Decision = ReferralDecision.Accepted,
                    e.DecidedOn,
                    e.InsatsId,
                    CapOverride = e.OverrideReason is not null,
                    e.DuringIntakePause,
                });
                break;
            case ReferralRejected e:
                w.Revise(FactTable.Referrals, Where(new { e.ReferralId }), new { Decision = ReferralDecision.Rejected, e.DecidedOn });
                break;
            case ReferralReturned e:
                w.Revise(FactTable.Referrals, Where(new { e.ReferralId }), new { Decision = ReferralDecision.Returned, e.DecidedOn });
                break;
            case ReferralCompletionRequested e:
                w.Put(FactTable.CompletionRequests, new { e.ReferralId, e.RequestedOn });
                w.Rederive(FactTable.Referrals, Where(new { e.ReferralId }));
                break;
            case ReferralWithdrawn e:
                w.Revise(FactTable.Referrals, Where(new { e.ReferralId }), new { e.WithdrawnOn });
                break;

            case ParticipantEnrolled e:
                OfParticipation(w, recorded, e.ParticipationId, started);
                w.Put(FactTable.Participations, new
                {
                    e.ParticipationId,
                    e.InsatsId,
                    recorded.ForbundId,
                    Kommun = e.Baseline.HomeKommun,
                    e.ParticipantId,
                    e.ReferralId,
                    e.Gender,
                    e.BirthYear,
                    e.AgeAtStart,
                    e.Identified,
                    e.EnrolledOn,
                    SupportAtStart = e.Baseline.MeansOfSupport,
                    OccupationAtStart = e.Baseline.Occupation,
                    EducationAtStart = e.Baseline.Education,
                    e.Baseline.MonthsOnSupportBefore,
                    e.Baseline.HasSgi,
                    e.ReferringParty,
                    RegisteredInError = false,
                });
                break;
            case EnrolmentCorrected e:
                OfParticipation(w, recorded, e.ParticipationId, started);
                w.Revise(FactTable.Participations, Where(new { e.ParticipationId }), new
                {
                    e.EnrolledOn,
                    Kommun = e.Baseline.HomeKommun,
                    SupportAtStart = e.Baseline.MeansOfSupport,
                    OccupationAtStart = e.Baseline.Occupation,
                    EducationAtStart = e.Baseline.Education,
                    e.Baseline.MonthsOnSupportBefore,
                    e.Baseline.HasSgi,
                });
                break;
            case ActivityRecorded e:
                OfParticipation(w, recorded, e.ParticipationId, started);
                w.Put(FactTable.Activities, new { e.ParticipationId, e.ActivityId, e.Kind, ActivityOn = e.On, e.DurationMinutes });
                w.Rederive(FactTable.Participations, Where(new { e.ParticipationId }));
                break;
            case OccupationChanged e:
                OfParticipation(w, recorded, e.ParticipationId, started);
                w.Put(FactTable.OccupationChanges, new { e.ParticipationId, e.ChangeId, ChangedOn = e.On, e.Kind, e.ExtentPercent });
                break;
            case OccupationChangeCorrected e:
                OfParticipation(w, recorded, e.ParticipationId, started);
                w.Put(FactTable.OccupationChanges, new { e.ParticipationId, e.ChangeId, ChangedOn = e.On, e.Kind, e.ExtentPercent });
                break;
            case ParticipationPaused e:
                OfParticipation(w, recorded, e.ParticipationId, started);
                w.Put(FactTable.Pauses, new { e.ParticipationId, PausedOn = e.On, e.Reason, ResumedOn = (DateOnly?)null });
                break;
            case ParticipationResumed e:
                OfParticipation(w, recorded, e.ParticipationId, started);
                w.Revise(FactTable.Pauses, Where(new { e.ParticipationId }, isNull: "resumed_on"), new { ResumedOn = e.On });
                break;
            case ParticipantExited e:
                OfParticipation(w, recorded, e.ParticipationId, started);
                ReviseExit(w, e.ParticipationId, e.ExitedOn, e.ReasonCode, e.Category, e.MeansOfSupportAtExit, e.OccupationAtExit);
                break;
            case ExitCorrected e:
                OfParticipation(w, recorded, e.ParticipationId, started);
                ReviseExit(w, e.ParticipationId, e.ExitedOn, e.ReasonCode, e.Category, e.MeansOfSupportAtExit, e.OccupationAtExit);
                break;
            case ParticipationRegisteredInError e:
                OfParticipation(w, recorded, e.ParticipationId, started);
                w.Revise(FactTable.Participations, Where(new { e.ParticipationId }), new { RegisteredInError = true });
                break;
        }
    }

    /// <summary>An exit and its correction set the same facts: the corrected values replace the first ones.</summary>
    private static void ReviseExit(
        FactWriter w, string participationId, DateOnly exitedOn, string reasonCode, ExitCategory category, MeansOfSupport support, Occupation occupation) =>
        w.Revise(FactTable.Participations, Where(new { ParticipationId = participationId }), new
        {
            ExitedOn = exitedOn,
            ExitReasonCode = reasonCode,
            ExitCategory = category,
            SupportAtExit = support,
            OccupationAtExit = occupation,
        });
}
