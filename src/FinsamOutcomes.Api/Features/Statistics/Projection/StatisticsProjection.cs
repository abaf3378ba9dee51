using FinsamOutcomes.Domain.Beredningsgrupper;
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
public sealed class StatisticsProjection : IProjection
{
    public const string ProjectionName = "statistics";

    public string Name => ProjectionName;

    public async Task ApplyAsync(ProjectionContext context, IReadOnlyList<RecordedEvent> events, CancellationToken cancellationToken)
    {
        var writer = new FactWriter();
        foreach (var recorded in events)
        {
            writer.Begin(recorded);
            Write(writer, recorded);
        }

        await FactBatch.ApplyAsync(context.Connection, context.Transaction, writer.Ops, cancellationToken);
        await AnalyzeWhileGrowingAsync(context, events.Count, cancellationToken);
    }

    public async Task ResetAsync(ProjectionContext context, CancellationToken cancellationToken)
    {
        await using var cmd = context.Command($"TRUNCATE {string.Join(", ", FactTable.All.Select(t => t.Name))}");
        await cmd.ExecuteNonQueryAsync(cancellationToken);
        Interlocked.Exchange(ref _appliedSinceReset, 0);
    }

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

    private static void Write(FactWriter w, RecordedEvent recorded)
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
                w.Put(FactTable.Activities, new { e.ParticipationId, e.ActivityId, e.Kind, ActivityOn = e.On, e.DurationMinutes });
                w.Rederive(FactTable.Participations, Where(new { e.ParticipationId }));
                break;
            case OccupationChanged e:
                w.Put(FactTable.OccupationChanges, new { e.ParticipationId, e.ChangeId, ChangedOn = e.On, e.Kind, e.ExtentPercent });
                break;
            case OccupationChangeCorrected e:
                w.Put(FactTable.OccupationChanges, new { e.ParticipationId, e.ChangeId, ChangedOn = e.On, e.Kind, e.ExtentPercent });
                break;
            case ParticipationPaused e:
                w.Put(FactTable.Pauses, new { e.ParticipationId, PausedOn = e.On, e.Reason, ResumedOn = (DateOnly?)null });
                break;
            case ParticipationResumed e:
                w.Revise(FactTable.Pauses, Where(new { e.ParticipationId }, isNull: "resumed_on"), new { ResumedOn = e.On });
                break;
            case ParticipantExited e:
                ReviseExit(w, e.ParticipationId, e.ExitedOn, e.ReasonCode, e.Category, e.MeansOfSupportAtExit, e.OccupationAtExit);
                break;
            case ExitCorrected e:
                ReviseExit(w, e.ParticipationId, e.ExitedOn, e.ReasonCode, e.Category, e.MeansOfSupportAtExit, e.OccupationAtExit);
                break;
            case ParticipationRegisteredInError e:
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
