using System.Globalization;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Features.Statistics.Export;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.EventStore.Projections;
using FluentValidation;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Workspace;

/// <summary>What a page asks for: the same parameters as <c>GET /api/statistics/report</c>.</summary>
public sealed record ReportAsk(string Scope, string Period, string? ForbundId = null, string? InsatsId = null, string? Kommun = null, bool IncludePredecessors = false)
{
    /// <summary>The API query string of this report (without format).</summary>
    public string Query
    {
        get
        {
            var parts = new List<string> { $"scope={Uri.EscapeDataString(Scope)}" };
            void Add(string name, string? value)
            {
                if (!string.IsNullOrEmpty(value))
                {
                    parts.Add($"{name}={Uri.EscapeDataString(value)}");
                }
            }

            Add("forbundId", ForbundId);
            Add("insatsId", InsatsId);
            Add("kommun", Kommun);
            if (IncludePredecessors)
            {
                parts.Add("includePredecessors=true");
            }

            Add("period", Period);
            return string.Join('&', parts);
        }
    }
}

/// <summary>
/// The workspace's way to the figures: it calls the statistics endpoints' own handlers, so a page gets exactly the
/// JSON the API would answer this caller — the same access rules, scope checks, suppression and numbers.
/// </summary>
public sealed class WorkspaceReports(
    StatisticsService statistics, ProjectionMonitor monitor, NpgsqlDataSource db, IOptions<StatisticsOptions> options, TimeProvider time, IValidator<FreezeRequest> freezeValidator)
{
    public DateOnly Today => time.Today();

    public async Task<JsonNode> ReportAsync(HttpContext http, ReportAsk ask, CancellationToken ct)
    {
        var result = await StatisticsEndpoints.Report(
            http, statistics, monitor, db, options, ask.Scope, ask.Period, ask.ForbundId, ask.InsatsId, ask.Kommun, ask.IncludePredecessors,
            null, null, null, null, ct);
        return result is ContentHttpResult { ResponseContent: { } json }
            ? JsonNode.Parse(json)!
            : throw new InvalidOperationException("The report endpoint did not answer JSON.");
    }

    /// <summary>Freezes as POST /api/statistics/frozen does: the request's validation, then the endpoint's handler.</summary>
    public async Task<FrozenReport> FreezeAsync(HttpContext http, FreezeRequest request, CancellationToken ct)
    {
        await freezeValidator.ValidateAndThrowAsync(request, ct);
        return (FrozenReport)((IValueHttpResult)await StatisticsEndpoints.Freeze(request, http, statistics, db, ct)).Value!;
    }

    public async Task<ReportComparison> CompareAsync(HttpContext http, string frozenId, CancellationToken ct) =>
        (ReportComparison)((IValueHttpResult)await StatisticsEndpoints.Compare(frozenId, http, statistics, db, null, ct)).Value!;

    public async Task<FrozenReport> FrozenAsync(HttpContext http, string frozenId, CancellationToken ct) =>
        (FrozenReport)((IValueHttpResult)await StatisticsEndpoints.GetFrozen(frozenId, http, db, null, ct)).Value!;

    public async Task<OldestList> OldestAsync(HttpContext http, string insatsId, string period, CancellationToken ct) =>
        (OldestList)((IValueHttpResult)await StatisticsEndpoints.Oldest(http, statistics, db, insatsId, period, 20, ct)).Value!;

    /// <summary>The individual insatser of these förbund that ran at some time in the period.</summary>
    public Task<IReadOnlyList<InsatsInfo>> InsatserAsync(IReadOnlyList<string> forbundIds, DateOnly from, DateOnly to, CancellationToken ct) =>
        PerInsatsTable.InsatserAsync(db, forbundIds, from, to, ct);

    public async Task<string> ForbundNameAsync(string forbundId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db, "SELECT name FROM rm_forbund WHERE forbund_id = $1", forbundId);
        return await cmd.ExecuteScalarAsync(ct) as string ?? forbundId;
    }

    public async Task<IReadOnlyList<(string Id, string Name)>> ForbundListAsync(CancellationToken ct)
    {
        await using var cmd = Sql.Command(db, "SELECT forbund_id, name FROM rm_forbund ORDER BY name");
        var list = new List<(string, string)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add((reader.GetString(0), reader.GetString(1)));
        }

        return list;
    }

    /// <summary>The kommuner that are members of the förbund (their names, as participants' home kommun is recorded).</summary>
    public async Task<IReadOnlyList<string>> KommunerAsync(string forbundId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            "SELECT DISTINCT regexp_replace(name, ' kommun$', '') FROM rm_forbund_members WHERE forbund_id = $1 AND kind = 'kommun' ORDER BY 1", forbundId);
        var list = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(reader.GetString(0));
        }

        return list;
    }

    public async Task<IReadOnlyList<(string Id, string Name, int Cap)>> BeredningsgrupperAsync(string forbundId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db, "SELECT beredningsgrupp_id, name, weekly_cap FROM rm_beredningsgrupper WHERE forbund_id = $1 ORDER BY name", forbundId);
        var list = new List<(string, string, int)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add((reader.GetString(0), reader.GetString(1), reader.GetInt32(2)));
        }

        return list;
    }

    public sealed record FrozenSummary(string FrozenId, string Name, string Period, string Scope, long Position, DateTimeOffset FrozenAt, string FrozenBy);

    /// <summary>The frozen reports of a förbund, newest first.</summary>
    public async Task<IReadOnlyList<FrozenSummary>> FrozenListAsync(string forbundId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            """
            SELECT frozen_id, name, query->>'period', query->>'scope', position, frozen_at, frozen_by
            FROM stat_frozen_reports WHERE forbund_id = $1 ORDER BY frozen_at DESC, frozen_id LIMIT 200
            """, forbundId);
        var list = new List<FrozenSummary>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new FrozenSummary(reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? "" : reader.GetString(2), reader.IsDBNull(3) ? "" : reader.GetString(3),
                reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5), reader.GetString(6)));
        }

        return list;
    }

    /// <summary>The current tertial, half year and year of a date, in the API's period syntax.</summary>
    public static (string Tertial, string HalfYear, string Year) PeriodsOf(DateOnly day)
    {
        var y = day.Year.ToString(CultureInfo.InvariantCulture);
        return ($"{y}-T{(day.Month - 1) / 4 + 1}", $"{y}-H{(day.Month - 1) / 6 + 1}", y);
    }

    /// <summary>The last <paramref name="count"/> tertials up to the one containing <paramref name="day"/>, oldest first.</summary>
    public static IReadOnlyList<string> TertialsUpTo(DateOnly day, int count)
    {
        var (year, tertial) = (day.Year, (day.Month - 1) / 4 + 1);
        var list = new List<string>();
        for (var i = 0; i < count; i++)
        {
            list.Insert(0, $"{year.ToString(CultureInfo.InvariantCulture)}-T{tertial}");
            (year, tertial) = tertial == 1 ? (year - 1, 3) : (year, tertial - 1);
        }

        return list;
    }
}
