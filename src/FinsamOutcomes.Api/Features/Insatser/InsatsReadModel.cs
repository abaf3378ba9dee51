using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Insatser;
using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Insatser;

/// <summary>Keeps rm_insatser inside the append transaction.</summary>
public sealed class InsatsReadModel : IInlineProjection
{
    public async Task ApplyAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case InsatsRegistered r:
                    await Sql.ExecuteAsync(c, tx,
                        """
                        INSERT INTO rm_insatser (insats_id, forbund_id, name, kind, follow_up, kommuner, start_date, end_date, target_min_age, target_max_age, planned_per_year)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
                        """, ct,
                        r.InsatsId, r.ForbundId, r.Name, Sql.Name(r.Kind), Sql.Name(r.FollowUp), r.Kommuner.ToArray(), r.StartDate, r.EndDate,
                        r.TargetGroup.MinAge, r.TargetGroup.MaxAge, r.PlannedParticipantsPerYear);
                    break;
                case InsatsClosed closed:
                    await Sql.ExecuteAsync(c, tx, "UPDATE rm_insatser SET closed_on = $2 WHERE insats_id = $1", ct, closed.InsatsId, closed.ClosedOn);
                    break;
                case InsatsTransferred t:
                    await Sql.ExecuteAsync(c, tx, "UPDATE rm_insatser SET forbund_id = $2 WHERE insats_id = $1", ct, t.InsatsId, t.ToForbundId);
                    break;
            }
        }
    }
}
