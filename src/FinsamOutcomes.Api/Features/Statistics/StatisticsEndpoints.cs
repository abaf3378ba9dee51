using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Insatser;
using FinsamOutcomes.Api.Features.Statistics.Export;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.EventStore.Projections;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.Extensions.Options;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>Which report: scope (insats, kommun, forbund, country), period and optional as-of / wait / format.</summary>
public sealed record ReportRequest(
    string Scope,
    string? ForbundId,
    string? InsatsId,
    string? Kommun,
    bool IncludePredecessors,
    string Period,
    long? AsOfPosition,
    DateTimeOffset? AsOfTime);

public sealed record FreezeRequest(string Name, string Scope, string Period, string? ForbundId = null, string? InsatsId = null, string? Kommun = null, bool IncludePredecessors = false);

public sealed record FrozenReport(string FrozenId, string Name, long Position, DateTimeOffset FrozenAt, string FrozenBy, JsonNode Report);

/// <param name="Figure">The figure's path in the report, e.g. <c>exits.byReason[flyttat].byGender.woman</c>.</param>
public sealed record FigureChange(string Figure, decimal? Frozen, decimal? Current, decimal? Difference)
{
    /// <summary>The figure in Swedish, e.g. "Avslut / Per avslutsorsak: flyttat / Kvinnor" (a part without a Swedish name keeps its own).</summary>
    public string Label => SwedishLabels.Figure(Figure);
}

public sealed record ChangeCause(long Position, string EventType, DateOnly? On, DateTimeOffset RecordedAt);

public sealed record ReportComparison(string FrozenId, string Name, long FrozenPosition, long CurrentPosition, IReadOnlyList<FigureChange> Changes, IReadOnlyList<ChangeCause> Causes);

public sealed class StatisticsOptions
{
    /// <summary>Counts from 1 to this minus one are suppressed in output that crosses förbund.</summary>
    public int SuppressionThreshold { get; set; } = Disclosure.DefaultThreshold;

    /// <summary>The longest a report request may wait for the projections to reach a position.</summary>
    public TimeSpan MaxWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The longest one statement of a report may run (PostgreSQL's statement_timeout in the report's transaction); a
    /// report that needs longer is answered 503 report_timeout with Retry-After, well before the 30 s command timeout.
    /// </summary>
    public TimeSpan ReportTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// The most reports kept for asking again at the same log cursor (<see cref="ReportCache"/>), in bytes of their JSON;
    /// 0 keeps none. 8 MiB holds about 250 förbund-year reports (33 KB of JSON each at 10 M events) or ten country-year reports (700 KB).
    /// </summary>
    public long ReportCacheBytes { get; set; } = 8 * 1024 * 1024;
}

/// <summary>
/// GET  /api/statistics/report?scope=&amp;forbundId=&amp;insatsId=&amp;kommun=&amp;period=&amp;includePredecessors=&amp;asOfPosition=&amp;asOfTime=&amp;waitForPosition=&amp;format=json|xlsx|csv-wide|csv
/// GET  /api/statistics/oldest?insatsId=&amp;period=&amp;limit=      the äldstalista (case worker of the insats, förbund administrator)
/// POST /api/statistics/frozen                                     freeze a report as it stands (förbund administrator or analyst)
/// GET  /api/statistics/frozen/{id}?format=                       the frozen report (json, xlsx, csv-wide, csv)
/// GET  /api/statistics/frozen/{id}/comparison?format=            what changed since, by how much, and which recorded events caused it
/// Förbund staff get exact figures of their own förbund; national callers get every scope with small counts suppressed.
/// </summary>
public static class StatisticsEndpoints
{
    public static void MapStatistics(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/statistics").WithTags("Statistics");
        group.MapGet("/report", Report).Produces<StatisticsReport>(StatusCodes.Status200OK, "application/json").Refusals();
        group.MapGet("/oldest", Oldest).Produces<OldestList>(StatusCodes.Status200OK, "application/json").Refusals();
        group.MapPost("/frozen", Freeze).Validated<FreezeRequest>().Produces<FrozenReport>(StatusCodes.Status201Created, "application/json").Refusals();
        group.MapGet("/frozen/{frozenId}", GetFrozen).Produces<FrozenReport>(StatusCodes.Status200OK, "application/json").Refusals();
        group.MapGet("/frozen/{frozenId}/comparison", Compare).Produces<ReportComparison>(StatusCodes.Status200OK, "application/json").Refusals();
    }

    /// <summary>The problem answers every statistics route can give: a bad parameter, no token, not allowed, unknown scope.</summary>
    private static RouteHandlerBuilder Refusals(this RouteHandlerBuilder route) =>
        route.ProducesValidationProblem().ProducesProblem(StatusCodes.Status401Unauthorized).ProducesProblem(StatusCodes.Status403Forbidden)
            .ProducesProblem(StatusCodes.Status404NotFound);

    public static async Task<IResult> Report(
        HttpContext http, StatisticsService statistics, ProjectionMonitor monitor, NpgsqlDataSource db, IOptions<StatisticsOptions> options,
        string scope, string period, string? forbundId, string? insatsId, string? kommun, bool? includePredecessors,
        long? asOfPosition, DateTimeOffset? asOfTime, long? waitForPosition, string? format, CancellationToken ct)
    {
        var exportFormat = ExportFormats.Parse(format);
        var request = new ReportRequest(scope, forbundId, insatsId, kommun, includePredecessors ?? false, period, asOfPosition, asOfTime);
        var query = await AuthorizeAsync(http, db, request, ct);
        await RequireKnownPositionsAsync(db, asOfPosition, waitForPosition, ct);
        await WaitAsync(monitor, waitForPosition, options.Value.MaxWait, ct);
        await http.RequestServices.GetRequiredService<ReportDatabase>().WaitForReplicaAsync(asOfPosition, asOfTime, waitForPosition, options.Value.MaxWait, ct);
        var report = await statistics.GetReportAsync(query.Query, ct);
        var threshold = query.Suppress ? options.Value.SuppressionThreshold : (int?)null;
        var json = ToJson(report, threshold);
        await Surveys.SurveyGoalFulfilment.AddAsync(json, db, query.Query, threshold, report.Basis.ProducedAt, ct);
        if (exportFormat == ExportFormat.Json)
        {
            return Results.Content(json.ToJsonString(), "application/json; charset=utf-8");
        }

        var perInsats = exportFormat is ExportFormat.Xlsx or ExportFormat.CsvWide && scope == "forbund"
            ? [await PerInsatsAsync(statistics, db, query.Query, report.Basis, threshold, ct)]
            : Array.Empty<ExportTable>();
        return ReportFile(json, exportFormat, "Statistikrapport", FileStem("statistik", request, report.Basis.Period.Name), [], perInsats);
    }

    /// <summary>
    /// The per-insats table of a förbund report: each individual insats of the förbund (and the predecessors counted) that ran
    /// in the period, from its own report for the same period and state of the log, under the same disclosure control.
    /// </summary>
    private static async Task<ExportTable> PerInsatsAsync(StatisticsService statistics, NpgsqlDataSource db, StatisticsQuery query, ReportBasis basis, int? threshold, CancellationToken ct)
    {
        var rows = new List<(InsatsInfo, JsonNode)>();
        foreach (var insats in (await PerInsatsTable.InsatserAsync(db, basis.ForbundIds, basis.Period.From, basis.Period.To, ct)).Where(i => i.Kind == "individual"))
        {
            var insatsQuery = query with { Scope = StatisticsScope.Insats(insats.InsatsId), AsOfPosition = basis.Position, AsOfTime = null };
            rows.Add((insats, ToJson(await statistics.GetReportAsync(insatsQuery, ct), threshold)));
        }

        return PerInsatsTable.Build(rows);
    }

    /// <summary>A report as a file: long CSV, wide CSV or xlsx, with the basis lines of a frozen report first when there are any, and any tables of its own first.</summary>
    private static IResult ReportFile(
        JsonNode json, ExportFormat format, string heading, string stem, IReadOnlyList<(string Label, ExportCell Value)> before, IReadOnlyList<ExportTable>? first = null)
    {
        var name = ExportFormats.FileName(stem, format);
        if (format == ExportFormat.Csv)
        {
            return Results.File(CsvExport.Write(json, before.Select(b => (b.Label, WideCsvExport.Format(b.Value)))), WideCsvExport.ContentType, name);
        }

        var report = (JsonObject)json;
        IReadOnlyList<ExportTable> tables = [.. first ?? [], .. ReportTables.Build(report)];
        var basis = ReportTables.Basis(report, before);
        return format == ExportFormat.Xlsx
            ? Results.File(XlsxExport.Write(heading, basis, tables), XlsxExport.ContentType, name)
            : Results.File(WideCsvExport.Write(heading, basis, tables), WideCsvExport.ContentType, name);
    }

    /// <summary>statistik-forbund-alvdalen-2024-H1: what, scope and period — ids and codes, never a person.</summary>
    private static string FileStem(string what, ReportRequest r, string period) => r.Scope switch
    {
        "insats" => $"{what}-insats-{r.InsatsId}-{period}",
        "kommun" => $"{what}-kommun-{r.ForbundId}-{r.Kommun}-{period}",
        "forbund" => $"{what}-forbund-{r.ForbundId}{(r.IncludePredecessors ? "-med-foregangare" : "")}-{period}",
        _ => $"{what}-riket-{period}",
    };

    public static async Task<IResult> Oldest(
        HttpContext http, StatisticsService statistics, NpgsqlDataSource db, string insatsId, string? period, int? limit, CancellationToken ct)
    {
        var insats = await InsatsEndpoints.FactsAsync(db, insatsId, ct);
        var caller = http.Caller();
        caller.Require(
            (caller.Is(Roles.CaseWorker) && caller.ForbundId == insats.ForbundId && caller.Insatser.Contains(insatsId))
            || (caller.Is(Roles.Administrator) && caller.ForbundId == insats.ForbundId),
            "the äldstalista of this insats");
        var query = new StatisticsQuery(StatisticsScope.Insats(insatsId), ParsePeriod(period ?? DateTime.UtcNow.Year.ToString(CultureInfo.InvariantCulture)));
        var list = await statistics.GetOldestListAsync(query, Math.Clamp(limit ?? 20, 1, 500), ct);
        return Results.Ok(list);
    }

    public static async Task<IResult> Freeze(FreezeRequest r, HttpContext http, StatisticsService statistics, NpgsqlDataSource db, CancellationToken ct)
    {
        var query = await AuthorizeAsync(http, db, new ReportRequest(r.Scope, r.ForbundId, r.InsatsId, r.Kommun, r.IncludePredecessors, r.Period, null, null), ct);
        var caller = http.Caller();
        caller.Require(!query.Suppress && caller.Is(Roles.Administrator, Roles.ForbundAnalyst), "frozen reports");
        var report = await statistics.GetReportAsync(query.Query, ct);
        var id = http.NewId("frozen");
        var json = ToJson(report, null);
        await Surveys.SurveyGoalFulfilment.AddAsync(json, db, query.Query, null, report.Basis.ProducedAt, ct);
        await using (var cmd = Sql.Command(db,
            """
            INSERT INTO stat_frozen_reports (frozen_id, name, forbund_id, query, report, position, frozen_by)
            VALUES ($1, $2, $3, $4::jsonb, $5::jsonb, $6, $7) ON CONFLICT (frozen_id) DO NOTHING
            """,
            id, r.Name, query.ForbundId, JsonSerializer.Serialize(r, Json), json.ToJsonString(), report.Basis.Position, caller.Actor))
        {
            await cmd.ExecuteNonQueryAsync(ct);
        }

        return Results.Created($"/api/statistics/frozen/{id}", await LoadFrozenAsync(db, id, ct));
    }

    public static async Task<IResult> GetFrozen(string frozenId, HttpContext http, NpgsqlDataSource db, string? format, CancellationToken ct)
    {
        var exportFormat = ExportFormats.Parse(format);
        var frozen = await LoadFrozenAsync(db, frozenId, ct);
        await RequireFrozenReaderAsync(http, db, frozen, ct);
        if (exportFormat == ExportFormat.Json)
        {
            return Results.Ok(frozen);
        }

        var period = frozen.Report["basis"]?["period"]?["name"]?.ToString() ?? "";
        ExportCell[] frozenLines = [ExportCell.Of(frozen.Name), ExportCell.Of(frozen.FrozenId), ExportCell.Of(ReportTables.SwedishTime(frozen.FrozenAt)), new(CellKind.Count, null, frozen.Position)];
        return ReportFile(frozen.Report, exportFormat, $"Fryst rapport: {frozen.Name}", $"fryst-rapport-{frozen.FrozenId}-{period}",
            [("Fryst rapport", frozenLines[0]), ("Fryst rapports id", frozenLines[1]), ("Fryst (svensk tid)", frozenLines[2]), ("Fryst vid loggposition", frozenLines[3])]);
    }


    public static async Task<IResult> Compare(string frozenId, HttpContext http, StatisticsService statistics, NpgsqlDataSource db, string? format, CancellationToken ct)
    {
        var exportFormat = ExportFormats.Parse(format);
        var frozen = await LoadFrozenAsync(db, frozenId, ct);
        var forbundIds = await RequireFrozenReaderAsync(http, db, frozen, ct);
        var request = JsonSerializer.Deserialize<FreezeRequest>(await QueryOfAsync(db, frozenId, ct), Json)!;
        var query = await AuthorizeAsync(http, db, new ReportRequest(request.Scope, request.ForbundId, request.InsatsId, request.Kommun, request.IncludePredecessors, request.Period, null, null), ct);
        var (comparison, current) = await CompareAsync(frozen, query.Query, forbundIds, request.InsatsId, statistics, db, ct);
        if (exportFormat == ExportFormat.Json)
        {
            return Results.Ok(comparison);
        }

        var (basis, tables) = ComparisonExport.Tables(comparison, frozen, current.Basis);
        var name = ExportFormats.FileName($"jamforelse-{frozenId}-{current.Basis.Period.Name}", exportFormat);
        var heading = $"Jämförelse av fryst rapport: {frozen.Name}";
        return exportFormat == ExportFormat.Xlsx
            ? Results.File(XlsxExport.Write(heading, basis, tables), XlsxExport.ContentType, name)
            : Results.File(WideCsvExport.Write(heading, basis, tables), WideCsvExport.ContentType, name);
    }

    /// <summary>The frozen report against the current report of the same query: what changed, and the events after it in its scope.</summary>
    internal static async Task<(ReportComparison Comparison, StatisticsReport Current)> CompareAsync(
        FrozenReport frozen, StatisticsQuery query, IReadOnlyList<string> forbundIds, string? insatsId, StatisticsService statistics, NpgsqlDataSource db, CancellationToken ct)
    {
        var current = await statistics.GetReportAsync(query, ct);
        var currentJson = ToJson(current, null);
        await Surveys.SurveyGoalFulfilment.AddAsync(currentJson, db, query, null, current.Basis.ProducedAt, ct);
        var changes = Diff(Numbers(frozen.Report), Numbers(currentJson), EmptyArrays(frozen.Report));
        var causes = await CausesAsync(db, forbundIds, insatsId, frozen.Position, current.Basis.Position, ct);
        return (new ReportComparison(frozen.FrozenId, frozen.Name, frozen.Position, current.Basis.Position, changes, causes), current);
    }

    private static readonly JsonSerializerOptions Json = CreateJson();

    private static JsonSerializerOptions CreateJson()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web);
        ProblemsSetup.ConfigureJson(options);
        return options;
    }

    /// <summary>The report as it is answered: JSON, with small counts suppressed when a threshold is given.</summary>
    internal static JsonNode ToJson(StatisticsReport report, int? suppressBelow)
    {
        var node = JsonSerializer.SerializeToNode(report, Json)!;
        node["basis"]!["disclosureControl"] = suppressBelow is { } t ? new JsonObject { ["threshold"] = t } : null;
        return suppressBelow is { } threshold ? Disclosure.Apply(node, threshold) : node;
    }

    private sealed record AuthorizedQuery(StatisticsQuery Query, bool Suppress, string? ForbundId);

    /// <summary>Builds the query and decides: own förbund → exact; national caller → suppressed; anything else → 403.</summary>
    private static async Task<AuthorizedQuery> AuthorizeAsync(HttpContext http, NpgsqlDataSource db, ReportRequest r, CancellationToken ct)
    {
        var caller = http.Caller();
        var period = ParsePeriod(r.Period);
        var (scope, forbundId) = r.Scope switch
        {
            "insats" => (StatisticsScope.Insats(Required(r.InsatsId, "insatsId")), (await InsatsEndpoints.FactsAsync(db, r.InsatsId!, ct)).ForbundId),
            "kommun" => (StatisticsScope.KommunIn(Required(r.ForbundId, "forbundId"), Required(r.Kommun, "kommun"), r.IncludePredecessors), r.ForbundId),
            "forbund" => (StatisticsScope.Forbund(Required(r.ForbundId, "forbundId"), r.IncludePredecessors), r.ForbundId),
            "country" => (StatisticsScope.Country(), (string?)null),
            _ => throw Invalid("scope", "Use insats, kommun, forbund or country."),
        };
        var ownForbund = forbundId is not null && caller.ForbundId == forbundId
            && (caller.Is(Roles.Administrator, Roles.ForbundAnalyst)
                || (caller.Is(Roles.InsatsManager) && r.Scope == "insats" && caller.Insatser.Contains(r.InsatsId!)));
        var national = caller.IsNational && caller.Is(Roles.NationalReader, Roles.Administrator);
        caller.Require(ownForbund || national, "statistics of this scope");
        await RequireKnownScopeAsync(db, r, ct);
        var query = new StatisticsQuery(scope, period) { AsOfPosition = r.AsOfPosition, AsOfTime = r.AsOfTime };
        if (r.AsOfPosition is not null && r.AsOfTime is not null)
        {
            throw Invalid("asOfTime", "Ask as of a position or as of a time, not both.");
        }

        return new AuthorizedQuery(query, !ownForbund, forbundId);
    }

    /// <summary>
    /// An unknown förbund is a 404, and a kommun that is neither a member kommun nor a kommun of an insats of the förbund
    /// (or of its predecessors, when they are included) is a 400 naming <c>kommun</c>: never a report of zeros.
    /// </summary>
    private static async Task RequireKnownScopeAsync(NpgsqlDataSource db, ReportRequest r, CancellationToken ct)
    {
        if (r.Scope is not ("forbund" or "kommun"))
        {
            return;
        }

        await using var cmd = Sql.Command(db,
            """
            WITH RECURSIVE family (forbund_id) AS (
                SELECT forbund_id FROM rm_forbund WHERE forbund_id = $1
                UNION
                SELECT unnest(f.predecessor_ids) FROM rm_forbund f JOIN family ON f.forbund_id = family.forbund_id WHERE $3)
            SELECT EXISTS (SELECT 1 FROM family),
                   $2::text IS NULL
                   OR EXISTS (SELECT 1 FROM rm_insatser i WHERE i.forbund_id IN (SELECT forbund_id FROM family) AND $2 = ANY (i.kommuner))
                   OR EXISTS (SELECT 1 FROM rm_forbund_members m WHERE m.forbund_id IN (SELECT forbund_id FROM family) AND m.kind = 'kommun'
                              AND (m.name = $2 OR m.name = $2 || ' kommun' OR m.member_id = $2))
            """,
            r.ForbundId, r.Scope == "kommun" ? r.Kommun : null, r.IncludePredecessors);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        if (!reader.GetBoolean(0))
        {
            throw new NotFoundException("The förbund");
        }

        if (!reader.GetBoolean(1))
        {
            throw Invalid("kommun", "Not a kommun of this förbund: use the name of a member kommun or of a kommun its insatser serve (with includePredecessors=true, also its predecessors').");
        }
    }

    /// <summary>
    /// A log position asked for must be one the log has reached (0 to its last position): a position beyond it names
    /// nothing that was recorded, so it is a 400 naming the parameter, not a wait or a 503.
    /// </summary>
    private static async Task RequireKnownPositionsAsync(NpgsqlDataSource db, long? asOfPosition, long? waitForPosition, CancellationToken ct)
    {
        if (asOfPosition is null && waitForPosition is null)
        {
            return;
        }

        await using var cmd = Sql.Command(db, "SELECT coalesce(max(position), 0) FROM es_events");
        var head = (long)(await cmd.ExecuteScalarAsync(ct))!;
        foreach (var (field, position) in new[] { ("asOfPosition", asOfPosition), ("waitForPosition", waitForPosition) })
        {
            if (position is < 0 || position > head)
            {
                throw Invalid(field, "A log position from 0 to the log's last position (the X-Log-Position of a write).");
            }
        }
    }

    private static async Task WaitAsync(ProjectionMonitor monitor, long? position, TimeSpan maxWait, CancellationToken ct)
    {
        if (position is not { } p || p <= 0)
        {
            return;
        }

        if (!await monitor.WaitForAsync(p, maxWait, [Projection.StatisticsProjection.ProjectionName], ct))
        {
            throw new ProjectionsBehindException(p);
        }
    }

    private static StatisticsPeriod ParsePeriod(string text) =>
        StatisticsPeriod.TryParse(text, out var period) ? period : throw Invalid("period", "Use 2024, 2024-T1..T3, 2024-H1/H2, 2024-D or 2024-01-01..2024-06-30.");

    private static string Required(string? value, string field) => !string.IsNullOrWhiteSpace(value) ? value : throw Invalid(field, "Required for this scope.");

    private static ValidationException Invalid(string field, string message) => new([new ValidationFailure(field, message)]);

    private static async Task<FrozenReport> LoadFrozenAsync(NpgsqlDataSource db, string id, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db, "SELECT name, position, frozen_at, frozen_by, report::text FROM stat_frozen_reports WHERE frozen_id = $1", id);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new NotFoundException("The frozen report");
        }

        return new FrozenReport(id, reader.GetString(0), reader.GetInt64(1), reader.GetFieldValue<DateTimeOffset>(2), reader.GetString(3), JsonNode.Parse(reader.GetString(4))!);
    }

    private static async Task<string> QueryOfAsync(NpgsqlDataSource db, string id, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db, "SELECT query::text FROM stat_frozen_reports WHERE frozen_id = $1", id);
        return (string)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>
    /// Administrators and analysts of the förbund that froze the report (recorded at freezing, so an insats or kommun
    /// scope, whose basis names no förbund, is readable by the förbund that froze it), or of a förbund it counts.
    /// </summary>
    private static async Task<IReadOnlyList<string>> RequireFrozenReaderAsync(HttpContext http, NpgsqlDataSource db, FrozenReport frozen, CancellationToken ct)
    {
        var forbundIds = frozen.Report["basis"]?["forbundIds"]?.AsArray().Select(n => n!.GetValue<string>()).ToArray() ?? [];
        await using var owner = Sql.Command(db, "SELECT forbund_id FROM stat_frozen_reports WHERE frozen_id = $1", frozen.FrozenId);
        var forbundId = frozen.Report["basis"]?["forbundId"]?.GetValue<string>() ?? await owner.ExecuteScalarAsync(ct) as string;
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator, Roles.ForbundAnalyst) && (caller.IsNational || caller.ForbundId == forbundId || forbundIds.Contains(caller.ForbundId)),
            "this frozen report");
        return forbundIds;
    }

    /// <summary>Every number of a report by its path (e.g. exits.workOrStudies.total.numerator); arrays are keyed by their rows' key.</summary>
    public static Dictionary<string, decimal?> Numbers(JsonNode report)
    {
        var result = new Dictionary<string, decimal?>(StringComparer.Ordinal);
        void Walk(string path, JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, child) in obj)
                    {
                        if (path.Length == 0 && key == "basis")
                        {
                            continue;
                        }

                        Walk(path.Length == 0 ? key : $"{path}.{key}", child);
                    }

                    break;
                case JsonArray array:
                    for (var i = 0; i < array.Count; i++)
                    {
                        var item = array[i] as JsonObject;
                        var key = item?["key"] ?? item?["code"] ?? item?["goalId"] ?? item?["atStart"] ?? item?["week"] ?? item?["insatsId"] ?? item?["id"];
                        var label = key is null ? i.ToString(CultureInfo.InvariantCulture) : key.ToString();
                        if (item?["goalId"] is not null && item["insatsId"] is { } insats)
                        {
                            label = $"{insats}/{label}";
                        }

                        Walk($"{path}[{label}]", array[i]);
                    }

                    break;
                case JsonValue value when value.TryGetValue<decimal>(out var d):
                    result[path] = d;
                    break;
                case null:
                    result[path] = null;
                    break;
            }
        }

        Walk("", report);
        return result;
    }

    /// <summary>
    /// Every figure whose value differs. A figure of a kind the frozen report did not have at all (a report frozen before the
    /// figure was added to the service, e.g. occupationAtEnd or a new field of a row) is not a change and is left out; a new
    /// row of a table it had (a new exit reason, a first row of a table that was empty) is one.
    /// </summary>
    private static List<FigureChange> Diff(Dictionary<string, decimal?> frozen, Dictionary<string, decimal?> current, HashSet<string> frozenEmptyArrays)
    {
        var frozenShapes = frozen.Keys.Select(Shape).ToHashSet(StringComparer.Ordinal);
        bool Comparable(string key)
        {
            var shape = Shape(key);
            var lastArray = shape.LastIndexOf("[]", StringComparison.Ordinal);
            return frozen.ContainsKey(key) || frozenShapes.Contains(shape) || (lastArray >= 0 && frozenEmptyArrays.Contains(shape[..lastArray]));
        }

        return frozen.Keys.Union(current.Keys.Where(Comparable))
            .Select(k => (Key: k, Old: frozen.GetValueOrDefault(k), New: current.GetValueOrDefault(k)))
            .Where(x => x.Old != x.New)
            .OrderBy(x => x.Key, StringComparer.Ordinal)
            .Select(x => new FigureChange(x.Key, x.Old, x.New, x.Old is { } o && x.New is { } n ? n - o : null))
            .ToList();
    }

    /// <summary>A figure's path with every row label left out: exits.byReason[flyttat].total → exits.byReason[].total.</summary>
    private static string Shape(string path) => System.Text.RegularExpressions.Regex.Replace(path, @"\[[^\]]*\]", "[]");

    /// <summary>The shapes of the report's empty tables (arrays), whose rows a later report may have.</summary>
    private static HashSet<string> EmptyArrays(JsonNode report)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        void Walk(string path, JsonNode? node)
        {
            switch (node)
            {
                case JsonObject obj:
                    foreach (var (key, child) in obj)
                    {
                        Walk(path.Length == 0 ? key : $"{path}.{key}", child);
                    }

                    break;
                case JsonArray { Count: 0 }:
                    result.Add(Shape(path));
                    break;
                case JsonArray array:
                    foreach (var item in array)
                    {
                        Walk($"{path}[]", item);
                    }

                    break;
            }
        }

        Walk("", report);
        return result;
    }

    /// <summary>The events recorded after the frozen position in the report's förbund (and insats), by type and date: no identities.</summary>
    private static async Task<IReadOnlyList<ChangeCause>> CausesAsync(
        NpgsqlDataSource db, IReadOnlyList<string> forbundIds, string? insatsId, long from, long to, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            """
            SELECT e.position, e.event_type,
                   coalesce(e.data->>'exitedOn', e.data->>'enrolledOn', e.data->>'on', e.data->>'decidedOn', e.data->>'receivedOn',
                            e.data->>'requestedOn', e.data->>'withdrawnOn', e.data->>'closedOn')::date,
                   e.recorded_at
            FROM es_events e
            WHERE e.position > $1 AND e.position <= $2
              AND (cardinality($3::text[]) = 0 OR e.forbund_id = ANY($3))
              AND ($4::text IS NULL
                   OR e.stream_id = 'insats-' || $4
                   OR e.stream_id IN (SELECT 'participation-' || participation_id FROM rm_participations WHERE insats_id = $4))
              AND split_part(e.event_type, '.', 1) IN ('participation', 'referral', 'insats', 'forbund', 'beredningsgrupp')
            ORDER BY e.position
            LIMIT 1000
            """, from, to, forbundIds.ToArray(), insatsId);
        var causes = new List<ChangeCause>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            causes.Add(new ChangeCause(reader.GetInt64(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateOnly>(2), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return causes;
    }

    private sealed class FreezeValidator : AbstractValidator<FreezeRequest>
    {
        public FreezeValidator()
        {
            RuleFor(r => r.Name).NotEmpty().MaximumLength(200).NoPersonnummer();
            RuleFor(r => r.Period).NotEmpty();
        }
    }
}
