using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Referrals;
using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Referrals;

/// <summary>Keeps rm_referrals (status, decision date) inside the append transaction: the intake cap counts from it.</summary>
public sealed class ReferralReadModel : IInlineProjection
{
    public async Task ApplyAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case ReferralReceived r:
                    await Sql.ExecuteAsync(c, tx,
                        """
                        INSERT INTO rm_referrals (referral_id, forbund_id, beredningsgrupp_id, participant_id, referring_party, received_on, status)
                        VALUES ($1, $2, $3, $4, $5, $6, 'waiting')
                        """, ct, r.ReferralId, r.ForbundId, r.BeredningsgruppId, r.ParticipantId, Sql.Name(r.ReferringParty), r.ReceivedOn);
                    break;
                case ReferralAccepted a:
                    await SetStatusAsync(c, tx, a.ReferralId, "accepted", a.DecidedOn, a.InsatsId, ct);
                    break;
                case ReferralRejected r:
                    await SetStatusAsync(c, tx, r.ReferralId, "rejected", r.DecidedOn, null, ct);
                    break;
                case ReferralReturned r:
                    await SetStatusAsync(c, tx, r.ReferralId, "returned", r.DecidedOn, null, ct);
                    break;
                case ReferralCompletionRequested r:
                    await SetStatusAsync(c, tx, r.ReferralId, "awaiting_completion", null, null, ct);
                    break;
                case ReferralWithdrawn w:
                    await SetStatusAsync(c, tx, w.ReferralId, "withdrawn", w.WithdrawnOn, null, ct);
                    break;
            }
        }
    }

    private static Task SetStatusAsync(NpgsqlConnection c, NpgsqlTransaction tx, string id, string status, DateOnly? decidedOn, string? insatsId, CancellationToken ct) =>
        Sql.ExecuteAsync(c, tx, "UPDATE rm_referrals SET status = $2, decided_on = $3, insats_id = $4 WHERE referral_id = $1", ct, id, status, decidedOn, insatsId);
}
