using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Forbund;

/// <summary>Keeps rm_forbund (with the retention rule the gallring job reads) and rm_forbund_members inside the append transaction.</summary>
public sealed class ForbundReadModel(EventTypeRegistry registry) : IInlineProjection
{
    public async Task ApplyAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case ForbundRegistered r:
                    await Sql.ExecuteAsync(c, tx, "INSERT INTO rm_forbund (forbund_id, name, registered_on) VALUES ($1, $2, $3)", ct, r.ForbundId, r.Name, r.RegisteredOn);
                    break;
                case MemberJoined m:
                    await Sql.ExecuteAsync(c, tx, "INSERT INTO rm_forbund_members (forbund_id, member_id, kind, name, joined_on) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (forbund_id, member_id, joined_on) DO UPDATE SET kind = excluded.kind, name = excluded.name, left_on = NULL", ct,
                        m.ForbundId, m.MemberId, Sql.Name(m.Kind), m.Name, m.From);
                    break;
                case MemberLeft m:
                    await Sql.ExecuteAsync(c, tx, "UPDATE rm_forbund_members SET left_on = $3 WHERE forbund_id = $1 AND member_id = $2 AND left_on IS NULL", ct,
                        m.ForbundId, m.MemberId, m.To);
                    break;
                case ExitReasonsSet s:
                    await Sql.ExecuteAsync(c, tx, "UPDATE rm_forbund SET exit_reasons = $2::jsonb WHERE forbund_id = $1", ct,
                        s.ForbundId, JsonSerializer.Serialize(s.Reasons, registry.JsonOptions));
                    break;
                case ForbundMergedInto m:
                    await Sql.ExecuteAsync(c, tx, "UPDATE rm_forbund SET successor_id = $2, merged_on = $3 WHERE forbund_id = $1", ct, m.ForbundId, m.SuccessorId, m.On);
                    break;
                case RetentionRuleSet r:
                    await Sql.ExecuteAsync(c, tx, "UPDATE rm_forbund SET retention_months = $2, retention_reason = $3 WHERE forbund_id = $1", ct,
                        r.ForbundId, r.MonthsAfterEnd, r.Reason);
                    break;
                case ForbundFormedByMerger f:
                    await Sql.ExecuteAsync(c, tx, "UPDATE rm_forbund SET predecessor_ids = $2 WHERE forbund_id = $1", ct, f.ForbundId, f.PredecessorIds.ToArray());
                    break;
            }
        }
    }
}
