using System.Text.Json;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Infrastructure;
using FluentValidation;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Economy;

public sealed record FreezeEconomyRequest(string Name, string? Period = null);

public sealed record FrozenEconomyReport(string FrozenId, string Name, string ForbundId, int Year, string Period, long Position, DateTimeOffset FrozenAt, string FrozenBy, JsonNode Report);

/// <summary>A recorded event after the frozen report: its position, type, what it names (entry, revision, member, import) and when it was recorded.</summary>
public sealed record EconomyChangeCause(long Position, string EventType, string? Names, DateTimeOffset RecordedAt);

public sealed record EconomyComparison(string FrozenId, string Name, long FrozenPosition, long CurrentPosition, IReadOnlyList<FigureChange> Changes, IReadOnlyList<EconomyChangeCause> Causes);

/// <summary>
/// POST /api/economy/{forbundId}/{year}/frozen               freeze the economy report as it stands (förbund administrator or analyst)
/// GET  /api/economy/frozen/{frozenId}                       the frozen report
/// GET  /api/economy/frozen/{frozenId}/comparison            every figure that changed since, by how much, and the events recorded since
/// </summary>
public static class FrozenEconomyReports
{
    private static readonly JsonSerializerOptions Json = CreateJson();

    public static void MapFrozenEconomy(this RouteGroupBuilder group)
    {
        group.MapPost("/{forbundId}/{year:int}/frozen", Freeze).Validated<FreezeEconomyRequest>();
        group.MapGet("/frozen/{frozenId}", Get);
        group.MapGet("/frozen/{frozenId}/comparison", Compare);
    }

    public static async Task<IResult> Freeze(string forbundId, int year, FreezeEconomyRequest r, HttpContext http, NpgsqlDataSource db, EconomyReports reports, CancellationToken ct)
    {
        await EconomyEndpoints.RequireReaderAsync(http, db, forbundId, ct);
        EconomyEndpoints.RequireYear(year);
        var period = EconomyReportEndpoints.CostPeriod(year, r.Period);
        var report = await reports.ReportAsync(forbundId, year, period, ct);
        var id = http.NewId("frozen");
        await using (var cmd = Sql.Command(db,
            """
            INSERT INTO econ_frozen_reports (frozen_id, name, forbund_id, year, period, report, position, frozen_by)
            VALUES ($1, $2, $3, $4, $5, $6::jsonb, $7, $8) ON CONFLICT (frozen_id) DO NOTHING
            """,
            id, r.Name, forbundId, year, period.Name, JsonSerializer.Serialize(report, Json), report.Position, http.Caller().Actor))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }

        return Results.Created($"/api/economy/frozen/{id}", await LoadAsync(db, id, ct));
    }

    public static async Task<IResult> Get(string frozenId, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var frozen = await LoadAsync(db, frozenId, ct);
        await EconomyEndpoints.RequireReaderAsync(http, db, frozen.ForbundId, ct);
        return Results.Ok(frozen);
    }

    public static async Task<IResult> Compare(string frozenId, HttpContext http, NpgsqlDataSource db, EconomyReports reports, CancellationToken ct)
    {
        var frozen = await LoadAsync(db, frozenId, ct);
        await EconomyEndpoints.RequireReaderAsync(http, db, frozen.ForbundId, ct);
        var current = await reports.ReportAsync(frozen.ForbundId, frozen.Year, StatisticsPeriod.Parse(frozen.Period), ct);
        var currentJson = JsonSerializer.SerializeToNode(current, Json)!;
        var changes = Diff(Figures(frozen.Report), Figures(currentJson));
        var causes = new List<EconomyChangeCause>();
        await using (var cmd = Sql.Command(db,
            """
            SELECT position, event_type,
                   coalesce(data->>'entryId', 'revision ' || (data->>'revision'), data->>'memberId', data->>'incomeId', data->>'importId', data->>'insatsId', data->>'participationId'),
                   recorded_at
            FROM es_events WHERE forbund_id = $1 AND position > $2 AND position <= $3 ORDER BY position LIMIT 1000
            """, frozen.ForbundId, frozen.Position, current.Position))
        {
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var type = reader.GetString(1);
                // a participant's events are named by type only: the comparison is about money, not people
                var names = type.StartsWith("participation.", StringComparison.Ordinal) || type.StartsWith("referral.", StringComparison.Ordinal) || reader.IsDBNull(2) ? null : reader.GetString(2);
                causes.Add(new EconomyChangeCause(reader.GetInt64(0), type, names, reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }

        return Results.Ok(new EconomyComparison(frozenId, frozen.Name, frozen.Position, current.Position, changes, causes));
    }

    /// <summary>Every number of the report by its path (rows by key or id), leaving out the position and the statistics position.</summary>
    private static Dictionary<string, decimal?> Figures(JsonNode report)
    {
        var copy = report.DeepClone().AsObject();
        copy.Remove("position");
        copy.Remove("rounding");
        copy["costPerParticipant"]?.AsObject().Remove("statisticsPosition");
        foreach (var list in new[] { ("financing", "byFinancier", "financier"), ("financing", "byMember", "memberId"), ("financing", "otherIncome", "incomeId"), ("driftredovisning", "revisions", "revision") })
        {
            if (copy[list.Item1]?[list.Item2] is JsonArray array)
            {
                foreach (var item in array.OfType<JsonObject>())
                {
                    item["key"] ??= item[list.Item3]?.ToString();
                }
            }
        }

        if (copy["driftredovisning"]?["tertials"] is JsonArray tertials)
        {
            foreach (var t in tertials.OfType<JsonObject>())
            {
                t["key"] = $"T{t["tertial"]}";
            }
        }

        return StatisticsEndpoints.Numbers(copy);
    }

    private static List<FigureChange> Diff(Dictionary<string, decimal?> frozen, Dictionary<string, decimal?> current) =>
        frozen.Keys.Union(current.Keys)
            .Select(k => (Key: k, Old: frozen.GetValueOrDefault(k), New: current.GetValueOrDefault(k)))
            .Where(x => x.Old != x.New)
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => new FigureChange(x.Key, x.Old, x.New, x.Old is { } o && x.New is { } n ? n - o : null))
            .ToList();

    private static async Task<FrozenEconomyReport> LoadAsync(NpgsqlDataSource db, string id, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db, "SELECT name, forbund_id, year, period, position, frozen_at, frozen_by, report::text FROM econ_frozen_reports WHERE frozen_id = $1", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new NotFoundException("The frozen report");
        }

        return new FrozenEconomyReport(id, reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), reader.GetInt64(4),
            reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6), JsonNode.Parse(reader.GetString(7))!);
    }

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ProblemsSetup.ConfigureJson(options);
        return options;
    }

    private sealed class FreezeValidator : AbstractValidator<FreezeEconomyRequest>
    {
        public FreezeValidator() => RuleFor(r => r.Name).NotEmpty().MaximumLength(200).NoPersonnummer();
    }
}
