using System.Data;
using System.Globalization;
using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Common;
using Npgsql;
using Microsoft.Extensions.Options;
using NpgsqlTypes;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>
/// Period statistics computed with SQL over the fact tables of <see cref="StatisticsProjection"/>. A report
/// reads in one repeatable-read transaction and only the row versions current at one cursor of the
/// log: the projection's checkpoint, or an earlier event for an as-of report. So every figure of a report
/// reflects the same events, and the report names the position of the last of them. With a <see cref="ReportCache"/>,
/// a report asked again at the same cursor (the projection has not moved) is answered without running its statement.
/// </summary>
public sealed class StatisticsService(NpgsqlDataSource dataSource, TimeProvider time, IOptions<StatisticsOptions>? options = null, ReportCache? cache = null)
{
    private readonly TimeSpan _timeout = options?.Value.ReportTimeout ?? new StatisticsOptions().ReportTimeout;

    private static readonly TimeZoneInfo Sweden = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public Task<StatisticsReport> GetReportAsync(StatisticsQuery query, CancellationToken cancellationToken = default) =>
        KeptOrComputedAsync(query, "report", 0, ComputeReportAsync, (kept, now) => kept with { Basis = kept.Basis with { ProducedAt = now } }, cancellationToken);

    private async Task<StatisticsReport> ComputeReportAsync(ReportSession session, CancellationToken cancellationToken)
    {
        var query = session.Query;
        var figures = new ReportFigures();
        var participants = Participants(figures);
        var exits = Exits(figures);
        var beforeAfter = BeforeAfter(figures);
        var timeFigures = Time(figures, session);
        var unique = figures.Add(ReportSql.UniqueIndividuals, r => new UniqueIndividuals(r.GetInt32(0), r.GetInt32(1)));
        var referrals = Referrals(figures, query.Scope.Kind);
        var goals = figures.Add(ReportSql.Goals(query.Scope.Kind), r => GoalEvaluation.Evaluate(GoalEvaluation.ReadCounts(r), query.Period), ReportSql.GoalsOrder);
        var headCount = HeadCount(figures);
        var occupationAtEnd = OccupationAtEnd(figures);
        var activities = Activities(figures, query.Scope.Kind);
        var background = Background(figures);
        var susGroups = SusGroupsOf(figures);
        var intakePauses = figures.Add(ReportSql.IntakePauses, r => new IntakePauseRow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetBoolean(3)), ReportSql.IntakePausesOrder);
        await session.RunAsync(figures, cancellationToken);
        return new StatisticsReport(
            session.Basis(time.GetUtcNow()), participants(), exits(), beforeAfter(), timeFigures(), unique.Single, referrals(), goals.Rows, headCount(),
            occupationAtEnd(), activities(), background(), susGroups(),
            new IntakePauseFigures(query.Period.To.DayNumber - query.Period.From.DayNumber + 1, intakePauses.Rows));
    }

    /// <summary>Occupation kinds that count as i sysselsättning, and as i arbete eller studier (docs/statistics.md).</summary>
    public static readonly IReadOnlyList<string> InOccupationKinds =
        [.. new[] { OccupationKind.PaidWork, OccupationKind.SubsidisedEmployment, OccupationKind.Studies, OccupationKind.Internship, OccupationKind.WorkTraining }.Select(Codes.Of)];

    public static readonly IReadOnlyList<string> WorkOrStudiesKinds =
        [.. new[] { OccupationKind.PaidWork, OccupationKind.SubsidisedEmployment, OccupationKind.Studies }.Select(Codes.Of)];

    /// <summary>The months-on-support bands of <see cref="ReportSql.TimeOnSupportBefore"/>, in order.</summary>
    public static readonly IReadOnlyList<string> SupportBands = ["under_1_year", "1_2_years", "3_5_years", "6_years_or_more", "unknown"];

    /// <summary>SUS's four groups, in order.</summary>
    public static readonly IReadOnlyList<string> SusGroups = ["employment", "studies", "job_seeking", "other"];

    /// <summary>A GROUPING(key, gender) query's rows, as a cross table once the report's statement has run.</summary>
    private static Func<CrossTable> ByGender(ReportFigures figures, string sql)
    {
        var rows = figures.Add(sql, r => (r.GetInt32(0), Text(r, 1), Text(r, 2), r.GetInt32(3)));
        return () => new CrossTable(rows.Rows);
    }

    /// <summary>The share of the rows with one of the keys, in total and per gender, over the table's total (per gender).</summary>
    private static GenderShares KeysShare(CrossTable table, IReadOnlyList<string> keys) => SharesByGender(
        gender => keys.Sum(key => gender is null ? table.RowTotal(key) : table.Cell(key, gender)),
        gender => gender is null ? table.Total : table.ColumnTotal(gender));

    private static Func<OccupationAtEndFigures> OccupationAtEnd(ReportFigures figures)
    {
        var read = ByGender(figures, ReportSql.OccupationAtEnd);
        return () =>
        {
            var table = read();
            return new OccupationAtEndFigures(
                table.GenderTotal("total"),
                Codes.All<OccupationKind>().Select(table.GenderRow).ToArray(),
                KeysShare(table, InOccupationKinds),
                KeysShare(table, WorkOrStudiesKinds));
        };
    }

    private static Func<ActivityFigures> Activities(ReportFigures figures, ScopeKind kind)
    {
        var read = figures.Add(
            ReportSql.Activities(kind),
            r => (Grouping: r.GetInt32(0), Kind: Text(r, 1), Gender: Text(r, 2), Occasions: r.GetInt32(3), Participants: r.GetInt32(4)));
        return () =>
        {
            var rows = read.Rows;
            var occasions = new CrossTable(rows.Select(r => (r.Grouping, r.Kind, r.Gender, r.Occasions)));
            var participants = new CrossTable(rows.Select(r => (r.Grouping, r.Kind, r.Gender, r.Participants)));
            var kinds = Codes.All<ActivityKind>();
            return new ActivityFigures(
                occasions.GenderTotal("total"),
                kinds.Select(occasions.GenderRow).ToArray(),
                participants.GenderTotal("total"),
                kinds.Select(participants.GenderRow).ToArray());
        };
    }

    private static Func<BackgroundFigures> Background(ReportFigures figures)
    {
        var readEducation = ByGender(figures, ReportSql.EducationAtStart);
        var readAges = ByGender(figures, ReportSql.AgeBandsByGender);
        var readSupport = ByGender(figures, ReportSql.TimeOnSupportBefore);
        var readParties = ByGender(figures, ReportSql.ReferringPartyOfNew);
        return () =>
        {
            var (education, ages, support, parties) = (readEducation(), readAges(), readSupport(), readParties());
            return new BackgroundFigures(
                education.GenderTotal("total"),
                Codes.All<EducationLevel>().Select(education.GenderRow).ToArray(),
                AgeBands.Names.Select(ages.GenderRow).ToArray(),
                SupportBands.Select(support.GenderRow).ToArray(),
                parties.GenderTotal("total"),
                Codes.All<ReferringParty>().Append("not_recorded").Select(parties.GenderRow).ToArray());
        };
    }

    private static Func<SusGroupFigures> SusGroupsOf(ReportFigures figures)
    {
        var readAtExit = ByGender(figures, ReportSql.SusAtExit);
        var readAtStart = ByGender(figures, ReportSql.SusAtStart);
        var readTransitions = ByGender(figures, ReportSql.SusTransitions);
        return () =>
        {
            var (atExit, atStart, transitions) = (readAtExit(), readAtStart(), readTransitions());
            string[] workOrStudies = ["employment", "studies"];
            return new SusGroupFigures(
                atExit.GenderTotal("total"),
                SusGroups.Select(atExit.GenderRow).ToArray(),
                SusGroups.Select(atStart.GenderRow).ToArray(),
                new TransitionTable(
                    SusGroups.Select(from => new TransitionRow(from, SusGroups.Select(to => new KeyCount(to, transitions.Cell(from, to))).ToArray(), transitions.RowTotal(from))).ToArray(),
                    SusGroups.Select(to => new KeyCount(to, transitions.ColumnTotal(to))).ToArray(),
                    transitions.Total),
                KeysShare(atStart, workOrStudies),
                KeysShare(atExit, workOrStudies));
        };
    }

    /// <summary>The äldstalista: at most <paramref name="limit"/> participations active at the period's end, enrolled longest first.</summary>
    public Task<OldestList> GetOldestListAsync(StatisticsQuery query, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        return KeptOrComputedAsync(
            query,
            "oldest",
            limit,
            async (session, ct) =>
            {
                var figures = new ReportFigures();
                var entries = figures.Add(
                    ReportSql.OldestList,
                    r => new OldestListEntry(
                        r.GetString(0),
                        r.GetString(1),
                        r.GetDate(2),
                        r.GetInt32(3),
                        r.GetBoolean(4),
                        r.IsDBNull(5) ? null : r.GetDate(5)),
                    ReportSql.OldestListOrder);
                await session.RunAsync(figures, ct, new NpgsqlParameter("limit", limit));
                return new OldestList(session.Basis(time.GetUtcNow()), entries.Rows);
            },
            (kept, now) => kept with { Basis = kept.Basis with { ProducedAt = now } },
            cancellationToken);
    }

    /// <summary>
    /// Opens the report's transaction and resolves its cursor; answers the report kept for that question and cursor
    /// (<see cref="ReportCache"/>) with a new production time, or resolves the scope, computes it and keeps it.
    /// </summary>
    private async Task<T> KeptOrComputedAsync<T>(
        StatisticsQuery query, string report, int limit, Func<ReportSession, CancellationToken, Task<T>> compute, Func<T, DateTimeOffset, T> producedNow, CancellationToken ct)
        where T : class
    {
        await using var session = await OpenAsync(query, ct);
        var key = session.Key(report, limit);
        if (cache is not null && cache.TryGet<T>(key, out var kept))
        {
            return producedNow(kept, time.GetUtcNow());
        }

        await session.ResolveScopeAsync(ct);
        var computed = await compute(session, ct);
        cache?.Set(key, computed);
        return computed;
    }

    private async Task<ReportSession> OpenAsync(StatisticsQuery query, CancellationToken ct)
    {
        if (query.AsOfPosition is not null && query.AsOfTime is not null)
        {
            throw new ArgumentException("Ask for a report as of a position or as of a time, not both.", nameof(query));
        }

        var today = query.Today ?? DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(time.GetUtcNow(), Sweden).DateTime);
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
            // JIT compilation costs more than it saves on a report's dozen medium-sized queries; and a prepared report
            // statement must not switch to a generic plan, which can be orders of magnitude slower for some scopes (issue 12)
            // the country's activity table sorts about 100,000 rows a year for its distinct counts: in memory, not on disk;
            // and no statement may run past the report timeout (answered 503 report_timeout, ReportSession.WithinTimeoutAsync);
            // then every fact table shared, in the order the projection's reset locks them exclusively, so the two never
            // deadlock (FactTable.LockOrder; a report started during a reset waits for it, and waiting past the timeout is
            // the same 503). Random page reads cost what sequential ones do for tables read from memory, as the fact tables
            // of a running service are: with PostgreSQL's default (4, for spinning disks) the country's participations of
            // the period were read through the current-row index, every current row in key order (130 ms at 10 M events),
            // instead of through the period index (35 ms; ADR 0010, eighth step)
            var timeoutMs = Math.Max(1, (long)_timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            var session = new ReportSession(connection, transaction, query, today, _timeout);
            await session.ExecuteAsync(
                $"SET TRANSACTION READ ONLY; SET LOCAL jit = off; SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL work_mem = '32MB'; SET LOCAL random_page_cost = 1.1; SET LOCAL statement_timeout = {timeoutMs}; LOCK TABLE {FactTable.LockOrder} IN ACCESS SHARE MODE",
                ct);
            await session.ResolveCursorAsync(ct);
            return session;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static Func<ParticipantFigures> Participants(ReportFigures figures)
    {
        var rows = figures.Add(
            ReportSql.Participants,
            r => (Figure: r.GetString(0), Group: (r.GetInt32(1), Text(r, 2), Text(r, 3), r.GetInt32(4))));
        Breakdown Figure(string figure)
        {
            var table = new CrossTable(rows.Rows.Where(row => row.Figure == figure).Select(row => row.Group));
            return new Breakdown(
                table.Total,
                CrossTable.Genders(table.RowTotal),
                AgeBands.Names.Select(band => new KeyCount(band, table.ColumnTotal(band))).ToArray());
        }

        return () => new ParticipantFigures(Figure("active"), Figure("new"), Figure("exited"), Figure("active_at_end"), Figure("paused_at_end"));
    }

    private static Func<ExitFigures> Exits(ReportFigures figures)
    {
        var categoryRows = figures.Add(
            ReportSql.ExitsByCategory,
            r => (Grouping: r.GetInt32(0), Category: Text(r, 1), Gender: Text(r, 2), Exits: r.GetInt32(3), Positive: r.GetInt32(4)));
        var readReasons = figures.Add(
            ReportSql.ExitsByReason,
            r => (ByGender: r.GetInt32(0) == 0, Category: r.GetString(1), Code: r.GetString(2), Label: Text(r, 3), Positive: r.GetBoolean(4), Gender: Text(r, 5), Exits: r.GetInt32(6)));
        return () =>
        {
            var rows = categoryRows.Rows;
            var exits = new CrossTable(rows.Select(r => (r.Grouping, r.Category, r.Gender, r.Exits)));
            var positive = new CrossTable(rows.Select(r => (r.Grouping, r.Category, r.Gender, r.Positive)));

            var categories = Codes.All<ExitCategory>().ToList();
            string[] toWorkOrStudies = [Codes.Of(ExitCategory.Work), Codes.Of(ExitCategory.Studies)];
            int Exits(string? gender) => gender is null ? exits.Total : exits.ColumnTotal(gender);
            var workOrStudies = SharesByGender(
                gender => toWorkOrStudies.Sum(category => gender is null ? exits.RowTotal(category) : exits.Cell(category, gender)),
                Exits);
            var positiveOutcome = SharesByGender(gender => gender is null ? positive.Total : positive.ColumnTotal(gender), Exits);

            var byReason = readReasons.Rows
                .GroupBy(r => (r.Category, r.Code, r.Label, r.Positive))
                .OrderBy(g => categories.IndexOf(g.Key.Category)).ThenBy(g => g.Key.Code, StringComparer.Ordinal)
                .ThenBy(g => g.Key.Label, StringComparer.Ordinal).ThenBy(g => g.Key.Positive)
                .Select(g => new ExitReasonRow(
                    g.Key.Category,
                    g.Key.Code,
                    g.Key.Label,
                    g.Key.Positive,
                    g.Single(r => !r.ByGender).Exits,
                    CrossTable.Genders(gender => g.Where(r => r.ByGender && r.Gender == gender).Sum(r => r.Exits))))
                .ToArray();

            return new ExitFigures(
                exits.GenderTotal("total"),
                categories.Select(exits.GenderRow).ToArray(),
                byReason,
                workOrStudies,
                positiveOutcome);
        };
    }

    private static Func<BeforeAfterFigures> BeforeAfter(ReportFigures figures)
    {
        var readOccupation = Transitions(figures, "occupation_at_start", "occupation_at_exit", Codes.All<Occupation>());
        var readSupport = Transitions(figures, "support_at_start", "support_at_exit", Codes.All<MeansOfSupport>());
        return () =>
        {
            var (occupation, support) = (readOccupation(), readSupport());
            string[] workingOrStudying = [Codes.Of(Occupation.Working), Codes.Of(Occupation.Studying)];
            return new BeforeAfterFigures(
                occupation.Total,
                occupation,
                support,
                Share.Of(occupation.Rows.Where(r => workingOrStudying.Contains(r.AtStart)).Sum(r => r.Total), occupation.Total),
                Share.Of(occupation.AtExitTotals.Where(c => workingOrStudying.Contains(c.Key)).Sum(c => c.Count), occupation.Total));
        };
    }

    private static Func<TransitionTable> Transitions(ReportFigures figures, string atStart, string atExit, IReadOnlyList<string> values)
    {
        var read = ByGender(figures, ReportSql.Transitions(atStart, atExit));
        return () =>
        {
            var table = read();
            return new TransitionTable(
                values.Select(from => new TransitionRow(from, values.Select(to => new KeyCount(to, table.Cell(from, to))).ToArray(), table.RowTotal(from))).ToArray(),
                values.Select(to => new KeyCount(to, table.ColumnTotal(to))).ToArray(),
                table.Total);
        };
    }

    private static Func<TimeFigures> Time(ReportFigures figures, ReportSession session)
    {
        var days = figures.Add(ReportSql.TimeInInsats, r => (DayStatistics(r, 0), DayStatistics(r, 3)));
        var within30 = figures.Add(ReportSql.FirstActivity, r => Share.Of(r.GetInt32(0), r.GetInt32(1)));
        var cutoff = session.Query.Period.To < session.Today ? session.Query.Period.To : session.Today;
        return () => new TimeFigures(days.Single.Item1, days.Single.Item2, new FirstActivityFigures(cutoff, within30.Single));
    }

    private static Func<ReferralFigures> Referrals(ReportFigures figures, ScopeKind scopeKind)
    {
        var readGroups = figures.Add(ReportSql.BeredningsgruppIds, r => r.GetStrings(0));
        var readReceived = ByGender(figures, ReportSql.ReferralsReceived);
        var readDecisions = figures.Add(ReportSql.ReferralDecisions, r => (IsTotal: r.GetInt32(0) == 1, Kind: Text(r, 1), Count: r.GetInt32(2)));
        var readStatus = figures.Add(ReportSql.ReferralStatus, r => (r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), DayStatistics(r, 3)));
        var readToEnrolment = figures.Add(ReportSql.DecisionToEnrolment(scopeKind), r => DayStatistics(r, 0));
        var readWeeks = figures.Add(
            ReportSql.WeeklyIntake,
            r => new WeeklyIntake(
                r.GetString(0),
                r.GetString(1),
                r.GetDate(2),
                r.GetInt32(3),
                r.GetInt32(5),
                Math.Max(0, r.GetInt32(3) - r.GetInt32(5)),
                r.GetInt32(4),
                r.GetInt32(6)),
            ReportSql.WeeklyIntakeOrder);
        string[] kinds = [.. Codes.All<ReferralDecision>(), "completion_requested"];
        return () =>
        {
            var (groups, received, decisions, weeks, toEnrolment) = (readGroups.Single, readReceived(), readDecisions.Rows, readWeeks.Rows, readToEnrolment.Single);
            var (withdrawn, waiting, awaitingCompletion, toDecision) = readStatus.Single;
            return new ReferralFigures(
                groups,
                received.GenderTotal("total"),
                Codes.All<ReferringParty>().Select(received.GenderRow).ToArray(),
                decisions.Where(d => d.IsTotal).Sum(d => d.Count),
                kinds.Select(kind => new KeyCount(kind, decisions.Where(d => !d.IsTotal && d.Kind == kind).Sum(d => d.Count))).ToArray(),
                withdrawn,
                waiting,
                awaitingCompletion,
                toDecision,
                toEnrolment,
                weeks,
                SharesByGender(
                    gender => gender is null ? received.Total : received.ColumnTotal(gender),
                    _ => received.Total));
        };
    }

    private static Func<HeadCountFigures> HeadCount(ReportFigures figures)
    {
        var read = figures.Add(
            ReportSql.HeadCount,
            r => (IsTotal: r.GetInt32(0) == 1, Row: new HeadCountRow(
                Text(r, 1) ?? "",
                Text(r, 2),
                r.GetInt32(3),
                r.GetInt32(8),
                new GenderCounts(r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetInt32(7)))),
            ReportSql.HeadCountOrder);
        return () =>
        {
            var total = read.Rows.Single(r => r.IsTotal).Row;
            return new HeadCountFigures(total.Occurrences, total.Attendees, total.AttendeesByGender, read.Rows.Where(r => !r.IsTotal).Select(r => r.Row).ToArray());
        };
    }

    /// <summary>A share in total (gender null) and for each gender.</summary>
    private static GenderShares SharesByGender(Func<string?, int> numerator, Func<string?, int> denominator)
    {
        Share Of(string? gender) => Share.Of(numerator(gender), denominator(gender));
        return new GenderShares(
            Of(null), Of(Codes.Of(Gender.Woman)), Of(Codes.Of(Gender.Man)), Of(Codes.Of(Gender.NonBinary)), Of(Codes.Of(Gender.NotStated)));
    }

    private static DayStatistics DayStatistics(ReportRow r, int first) => new(
        r.GetInt32(first),
        r.IsDBNull(first + 1) ? null : r.GetDecimal(first + 1),
        r.IsDBNull(first + 2) ? null : r.GetDecimal(first + 2));

    private static string? Text(ReportRow r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

    /// <summary>One report's connection, read-only transaction, cursor and resolved scope.</summary>
    private sealed class ReportSession(NpgsqlConnection connection, NpgsqlTransaction transaction, StatisticsQuery query, DateOnly today, TimeSpan timeout)
        : IAsyncDisposable
    {
        private ulong _txId;
        private long _position;
        private DateTimeOffset? _positionRecordedAt;
        private string[] _forbundIds = [];
        private bool _latest;

        public StatisticsQuery Query => query;

        public DateOnly Today => today;

        /// <summary>What this report is computed from, once the cursor is resolved (<see cref="ReportCache"/>).</summary>
        public ReportKey Key(string report, int limit) => new(
            report, query.Scope, query.Period, query.AsOfPosition is not null || query.AsOfTime is not null, today, limit, _txId, _position);

        public ReportBasis Basis(DateTimeOffset producedAt) => new(
            Codes.Of(query.Scope.Kind),
            query.Scope.InsatsId,
            query.Scope.ForbundId,
            query.Scope.Kommun,
            query.Scope.IncludePredecessors,
            _forbundIds,
            query.Period,
            today,
            _position,
            _positionRecordedAt,
            query.AsOfPosition is not null || query.AsOfTime is not null,
            producedAt);

        /// <summary>The projection's checkpoint, or for an as-of report the cursor of the event asked for (503 when not projected yet).</summary>
        public async Task ResolveCursorAsync(CancellationToken ct)
        {
            var checkpoint = await ReadCursorAsync(
                "SELECT c.tx_id::text, c.position, e.recorded_at FROM es_projection_checkpoints c LEFT JOIN es_events e ON e.position = c.position WHERE c.projection = @projection",
                ct,
                new NpgsqlParameter("projection", StatisticsProjection.ProjectionName));
            var asOf = query switch
            {
                { AsOfPosition: { } position } => await ReadCursorAsync(
                    "SELECT tx_id::text, position, recorded_at FROM es_events WHERE position <= @position ORDER BY position DESC LIMIT 1",
                    ct,
                    new NpgsqlParameter("position", position)),
                { AsOfTime: { } moment } => await ReadCursorAsync(
                    "SELECT tx_id::text, position, recorded_at FROM es_events WHERE recorded_at <= @moment ORDER BY es_events.tx_id DESC, es_events.position DESC LIMIT 1",
                    ct,
                    new NpgsqlParameter("moment", moment.ToUniversalTime())),
                _ => checkpoint,
            };
            if ((asOf.TxId, asOf.Position).CompareTo((checkpoint.TxId, checkpoint.Position)) > 0)
            {
                throw new ProjectionsBehindException(query.AsOfPosition ?? asOf.Position);
            }

            (_txId, _position, _positionRecordedAt) = asOf;
            // at the checkpoint the visible row versions are the current ones (ReportSql.Visible)
            _latest = (asOf.TxId, asOf.Position) == (checkpoint.TxId, checkpoint.Position);
        }

        /// <summary>A statement without rows in the report's transaction, within the report timeout.</summary>
        public Task ExecuteAsync(string sql, CancellationToken ct) =>
            WithinTimeoutAsync(
                async () =>
                {
                    await using var cmd = new NpgsqlCommand(sql, connection, transaction);
                    return await cmd.ExecuteNonQueryAsync(ct);
                },
                ct);

        public async Task ResolveScopeAsync(CancellationToken ct)
        {
            if (query.Scope.ForbundId is not { } forbund)
            {
                return;
            }

            _forbundIds = query.Scope.IncludePredecessors
                ? (await QueryAsync(ReportSql.ForbundFamily, r => r.GetFieldValue<string[]>(0), ct, new NpgsqlParameter("forbund", forbund))).Single()
                : [forbund];
        }

        /// <summary>Runs the figure queries as one statement after <see cref="ReportSql"/>'s common table expressions.</summary>
        public async Task RunAsync(ReportFigures figures, CancellationToken ct, params NpgsqlParameter[] extra)
        {
            var columns = await QueryAsync(
                ReportSql.With(query.Scope.Kind) + figures.Select(),
                r => Enumerable.Range(0, r.FieldCount).Select(r.GetString).ToArray(),
                ct,
                extra);
            figures.Load(columns.Single());
        }

        private async Task<IReadOnlyList<T>> QueryAsync<T>(string sql, Func<NpgsqlDataReader, T> map, CancellationToken ct, params NpgsqlParameter[] extra)
        {
            await using var cmd = new NpgsqlCommand(sql, connection, transaction);
            cmd.Parameters.Add(new NpgsqlParameter("at_tx", _txId.ToString(CultureInfo.InvariantCulture)));
            cmd.Parameters.Add(new NpgsqlParameter("at_pos", _position));
            cmd.Parameters.Add(new NpgsqlParameter("latest", _latest));
            cmd.Parameters.Add(new NpgsqlParameter("from", query.Period.From));
            cmd.Parameters.Add(new NpgsqlParameter("to", query.Period.To));
            cmd.Parameters.Add(new NpgsqlParameter("today", today));
            cmd.Parameters.Add(new NpgsqlParameter("insats", NpgsqlDbType.Text) { Value = (object?)query.Scope.InsatsId ?? DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter("forbunds", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = _forbundIds });
            cmd.Parameters.Add(new NpgsqlParameter("kommun", NpgsqlDbType.Text) { Value = (object?)query.Scope.Kommun ?? DBNull.Value });
            cmd.Parameters.AddRange(extra);
            return await WithinTimeoutAsync<IReadOnlyList<T>>(
                async () =>
                {
                    var result = new List<T>();
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    while (await reader.ReadAsync(ct))
                    {
                        result.Add(map(reader));
                    }

                    return result;
                },
                ct);
        }

        public async ValueTask DisposeAsync()
        {
            await transaction.DisposeAsync();
            await connection.DisposeAsync();
        }

        private Task<(ulong TxId, long Position, DateTimeOffset? RecordedAt)> ReadCursorAsync(string sql, CancellationToken ct, NpgsqlParameter parameter) =>
            WithinTimeoutAsync<(ulong, long, DateTimeOffset?)>(
                async () =>
                {
                    await using var cmd = new NpgsqlCommand(sql, connection, transaction);
                    cmd.Parameters.Add(parameter);
                    await using var reader = await cmd.ExecuteReaderAsync(ct);
                    return await reader.ReadAsync(ct)
                        ? (ulong.Parse(reader.GetString(0), CultureInfo.InvariantCulture), reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2))
                        : (0, 0, (DateTimeOffset?)null);
                },
                ct);

        /// <summary>A statement cancelled by the statement timeout, not by the caller, is a report too big or a database too busy for now.</summary>
        private async Task<T> WithinTimeoutAsync<T>(Func<Task<T>> run, CancellationToken ct)
        {
            try
            {
                return await run();
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.QueryCanceled && !ct.IsCancellationRequested)
            {
                throw new ReportTimeoutException(timeout);
            }
        }
    }
}
