using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Participations;

/// <summary>Keeps rm_participations inside the append transaction: "already active in this insats" is checked from it.</summary>
public sealed class ParticipationReadModel : IInlineProjection
{
    public async Task ApplyAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case ParticipantEnrolled en:
                    await Sql.ExecuteAsync(c, tx,
                        """
                        INSERT INTO rm_participations (participation_id, insats_id, forbund_id, participant_id, referral_id, status, enrolled_on, identified)
                        VALUES ($1, $2, $3, $4, $5, 'active', $6, $7)
                        """, ct, en.ParticipationId, en.InsatsId, e.ForbundId, en.ParticipantId, en.ReferralId, en.EnrolledOn, en.Identified);
                    break;
                case ParticipationPaused p:
                    await SetAsync(c, tx, "status = 'paused'", p.ParticipationId, ct);
                    break;
                case ParticipationResumed r:
                    await SetAsync(c, tx, "status = 'active'", r.ParticipationId, ct);
                    break;
                case ParticipantExited x:
                    await Sql.ExecuteAsync(c, tx, "UPDATE rm_participations SET status = 'exited', exited_on = $2 WHERE participation_id = $1", ct, x.ParticipationId, x.ExitedOn);
                    break;
                case ExitCorrected x:
                    await Sql.ExecuteAsync(c, tx, "UPDATE rm_participations SET exited_on = $2 WHERE participation_id = $1", ct, x.ParticipationId, x.ExitedOn);
                    break;
                case EnrolmentCorrected x:
                    await Sql.ExecuteAsync(c, tx, "UPDATE rm_participations SET enrolled_on = $2 WHERE participation_id = $1", ct, x.ParticipationId, x.EnrolledOn);
                    break;
                case ParticipationRegisteredInError x:
                    await SetAsync(c, tx, "status = 'registered_in_error'", x.ParticipationId, ct);
                    break;
            }
        }
    }

    private static Task SetAsync(NpgsqlConnection c, NpgsqlTransaction tx, string assignment, string id, CancellationToken ct) =>
        Sql.ExecuteAsync(c, tx, $"UPDATE rm_participations SET {assignment} WHERE participation_id = $1", ct, id);
}
