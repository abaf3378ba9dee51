using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Economy;
using FinsamOutcomes.EventStore;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Economy;

/// <summary>Keeps the econ_* tables (migration 0600) inside the append transaction: each row is a recorded fact, reports sum them with SQL.</summary>
public sealed class EconomyReadModel : IInlineProjection
{
    public async Task ApplyAsync(NpgsqlConnection c, NpgsqlTransaction tx, IReadOnlyList<RecordedEvent> events, CancellationToken ct)
    {
        foreach (var e in events)
        {
            switch (e.Data)
            {
                case ContributionRecorded r:
                    await Sql.ExecuteAsync(c, tx,
                        """
                        INSERT INTO econ_contributions (forbund_id, year, member_id, member_kind, member_name, amount) VALUES ($1, $2, $3, $4, $5, $6)
                        ON CONFLICT (forbund_id, year, member_id) DO UPDATE SET member_kind = excluded.member_kind, member_name = excluded.member_name, amount = excluded.amount
                        """, ct, r.ForbundId, r.Year, r.MemberId, Sql.Name(r.Kind), r.MemberName, r.Amount);
                    break;
                case OtherIncomeRecorded r:
                    await Sql.ExecuteAsync(c, tx,
                        """
                        INSERT INTO econ_other_income (forbund_id, year, income_id, source, description, amount, insats_id) VALUES ($1, $2, $3, $4, $5, $6, $7)
                        ON CONFLICT (forbund_id, year, income_id) DO UPDATE SET source = excluded.source, description = excluded.description, amount = excluded.amount, insats_id = excluded.insats_id
                        """, ct, r.ForbundId, r.Year, r.IncomeId, r.Source, r.Description, r.Amount, r.InsatsId);
                    break;
                case BudgetSet b:
                    await Sql.ExecuteAsync(c, tx, "INSERT INTO econ_budget_revisions (forbund_id, year, revision, adopted_on, reason) VALUES ($1, $2, $3, $4, $5)", ct,
                        b.ForbundId, b.Year, b.Revision, b.AdoptedOn, b.Reason);
                    for (var i = 0; i < b.Lines.Count; i++)
                    {
                        var line = b.Lines[i];
                        await Sql.ExecuteAsync(c, tx,
                            "INSERT INTO econ_budget_lines (forbund_id, year, revision, line_no, line_type, insats_id, description, amount, planned_participants) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)", ct,
                            b.ForbundId, b.Year, b.Revision, i + 1, Sql.Name(line.Type), line.InsatsId, line.Description, line.Amount, line.PlannedParticipants);
                    }

                    break;
                case OutcomeRecorded o:
                    await Sql.ExecuteAsync(c, tx,
                        """
                        INSERT INTO econ_outcomes (forbund_id, year, entry_id, month, tertial, line_type, insats_id, account, description, recorded_amount, amount, source, import_id, import_row)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10, $11, $12, $13)
                        """, ct, o.ForbundId, o.Year, o.EntryId, o.Month, o.Tertial ?? (o.Month!.Value + 3) / 4, Sql.Name(o.Type), o.InsatsId, o.Account, o.Description,
                        o.Amount, o.Source, o.ImportId, o.Row);
                    break;
                case OutcomeCorrected o:
                    await Sql.ExecuteAsync(c, tx, "UPDATE econ_outcomes SET amount = $4, corrections = corrections + 1 WHERE forbund_id = $1 AND year = $2 AND entry_id = $3", ct,
                        o.ForbundId, o.Year, o.EntryId, o.Amount);
                    break;
                case AccountingImported i:
                    await Sql.ExecuteAsync(c, tx,
                        "INSERT INTO econ_imports (forbund_id, year, import_id, file_name, rows, recorded, unmapped_rows) VALUES ($1, $2, $3, $4, $5, $6, $7)", ct,
                        i.ForbundId, i.Year, i.ImportId, i.FileName, i.Rows, i.Recorded, i.UnmappedRows.ToArray());
                    break;
                case OpeningEquitySet s:
                    await Sql.ExecuteAsync(c, tx,
                        "INSERT INTO econ_years (forbund_id, year, opening_equity) VALUES ($1, $2, $3) ON CONFLICT (forbund_id, year) DO UPDATE SET opening_equity = excluded.opening_equity", ct,
                        s.ForbundId, s.Year, s.Amount);
                    break;
                case YearClosed y:
                    await Sql.ExecuteAsync(c, tx,
                        """
                        INSERT INTO econ_years (forbund_id, year, closed_on, income, costs, result, closing_opening_equity, closing_equity) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        ON CONFLICT (forbund_id, year) DO UPDATE SET closed_on = excluded.closed_on, income = excluded.income, costs = excluded.costs, result = excluded.result,
                            closing_opening_equity = excluded.closing_opening_equity, closing_equity = excluded.closing_equity
                        """, ct, y.ForbundId, y.Year, y.ClosedOn, y.Income, y.Costs, y.Result, y.OpeningEquity, y.ClosingEquity);
                    break;
                case CostCentresSet s:
                    await Sql.ExecuteAsync(c, tx, "DELETE FROM econ_cost_centres WHERE forbund_id = $1", ct, s.ForbundId);
                    foreach (var m in s.Mappings)
                    {
                        await Sql.ExecuteAsync(c, tx, "INSERT INTO econ_cost_centres (forbund_id, cost_centre, line_type, insats_id) VALUES ($1, $2, $3, $4)", ct,
                            s.ForbundId, m.CostCentre, Sql.Name(m.Type), m.InsatsId);
                    }

                    break;
            }
        }
    }
}
