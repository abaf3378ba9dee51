using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Beredningsgrupper;
using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Beredningsgrupper;

/// <summary>Keeps rm_beredningsgrupper inside the append transaction.</summary>
public sealed class BeredningsgruppReadModel : IInlineProjection
{
    public async Task ApplyAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case BeredningsgruppRegistered r:
                    await Sql.ExecuteAsync(c, tx,
                        "INSERT INTO rm_beredningsgrupper (beredningsgrupp_id, forbund_id, name, insats_ids, weekly_cap) VALUES ($1, $2, $3, $4, $5)", ct,
                        r.BeredningsgruppId, r.ForbundId, r.Name, r.InsatsIds.ToArray(), r.WeeklyIntakeCap);
                    break;
                case BeredningsgruppChanged changed:
                    await Sql.ExecuteAsync(c, tx, "UPDATE rm_beredningsgrupper SET insats_ids = $2, weekly_cap = $3 WHERE beredningsgrupp_id = $1", ct,
                        changed.BeredningsgruppId, changed.InsatsIds.ToArray(), changed.WeeklyIntakeCap);
                    break;
            }
        }
    }
}
