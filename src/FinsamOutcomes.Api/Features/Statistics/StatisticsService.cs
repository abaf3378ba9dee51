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
/// reflects the same events, and the report names the position of the last of them.
/// </summary>
public sealed class StatisticsService(NpgsqlDataSource dataSource, TimeProvider time, IOptions<StatisticsOptions>? options = null)
{
    private readonly TimeSpan _timeout = options?.Value.ReportTimeout ?? new StatisticsOptions().ReportTimeout;

    private static readonly TimeZoneInfo Sweden = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public async Task<StatisticsReport> GetReportAsync(StatisticsQuery query, CancellationToken cancellationToken = default)
    {
        await using var session = await OpenAsync(query, cancellationToken);
        var participants = await ReadParticipantsAsync(session, cancellationToken);
        var exits = await ReadExitsAsync(session, cancellationToken);
        var beforeAfter = await ReadBeforeAfterAsync(session, cancellationToken);
        var timeFigures = await ReadTimeAsync(session, cancellationToken);
        var unique = await session.ReadOneAsync(ReportSql.UniqueIndividuals, r => new UniqueIndividuals(r.GetInt32(0), r.GetInt32(1)), cancellationToken);
        var referrals = await ReadReferralsAsync(session, cancellationToken);
        var goals = await session.ReadAllAsync(ReportSql.Goals, r => GoalEvaluation.Evaluate(GoalEvaluation.ReadCounts(r), query.Period), cancellationToken);
        var headCount = await ReadHeadCountAsync(session, cancellationToken);
        var occupationAtEnd = await ReadOccupationAtEndAsync(session, cancellationToken);
        var activities = await ReadActivitiesAsync(session, cancellationToken);
        var background = await ReadBackgroundAsync(session, cancellationToken);
        var susGroups = await ReadSusGroupsAsync(session, cancellationToken);
        var intakePauses = new IntakePauseFigures(
            query.Period.To.DayNumber - query.Period.From.DayNumber + 1,
            await session.ReadAllAsync(ReportSql.IntakePauses, r => new IntakePauseRow(r.GetString(0), r.GetString(1), r.GetInt32(2), r.GetBoolean(3)), cancellationToken));
        return new StatisticsReport(
            session.Basis(time.GetUtcNow()), participants, exits, beforeAfter, timeFigures, unique, referrals, goals, headCount,
            occupationAtEnd, activities, background, susGroups, intakePauses);
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

    private static async Task<CrossTable> ReadByGenderAsync(ReportSession session, string sql, CancellationToken ct) =>
        new(await session.ReadAllAsync(sql, r => (r.GetInt32(0), Text(r, 1), Text(r, 2), r.GetInt32(3)), ct));

    /// <summary>The share of the rows with one of the keys, in total and per gender, over the table's total (per gender).</summary>
    private static GenderShares KeysShare(CrossTable table, IReadOnlyList<string> keys) => SharesByGender(
        gender => keys.Sum(key => gender is null ? table.RowTotal(key) : table.Cell(key, gender)),
        gender => gender is null ? table.Total : table.ColumnTotal(gender));

    private static async Task<OccupationAtEndFigures> ReadOccupationAtEndAsync(ReportSession session, CancellationToken ct)
    {
        var table = await ReadByGenderAsync(session, ReportSql.OccupationAtEnd, ct);
        return new OccupationAtEndFigures(
            table.GenderTotal("total"),
            Codes.All<OccupationKind>().Select(table.GenderRow).ToArray(),
            KeysShare(table, InOccupationKinds),
            KeysShare(table, WorkOrStudiesKinds));
    }

    private static async Task<ActivityFigures> ReadActivitiesAsync(ReportSession session, CancellationToken ct)
    {
        var rows = await session.ReadAllAsync(
            ReportSql.Activities,
            r => (Grouping: r.GetInt32(0), Kind: Text(r, 1), Gender: Text(r, 2), Occasions: r.GetInt32(3), Participants: r.GetInt32(4)),
            ct);
        var occasions = new CrossTable(rows.Select(r => (r.Grouping, r.Kind, r.Gender, r.Occasions)));
        var participants = new CrossTable(rows.Select(r => (r.Grouping, r.Kind, r.Gender, r.Participants)));
        var kinds = Codes.All<ActivityKind>();
        return new ActivityFigures(
            occasions.GenderTotal("total"),
            kinds.Select(occasions.GenderRow).ToArray(),
            participants.GenderTotal("total"),
            kinds.Select(participants.GenderRow).ToArray());
    }

    private static async Task<BackgroundFigures> ReadBackgroundAsync(ReportSession session, CancellationToken ct)
    {
        var education = await ReadByGenderAsync(session, ReportSql.EducationAtStart, ct);
        var ages = await ReadByGenderAsync(session, ReportSql.AgeBandsByGender, ct);
        var support = await ReadByGenderAsync(session, ReportSql.TimeOnSupportBefore, ct);
        var parties = await ReadByGenderAsync(session, ReportSql.ReferringPartyOfNew, ct);
        return new BackgroundFigures(
            education.GenderTotal("total"),
            Codes.All<EducationLevel>().Select(education.GenderRow).ToArray(),
            AgeBands.Names.Select(ages.GenderRow).ToArray(),
            SupportBands.Select(support.GenderRow).ToArray(),
            parties.GenderTotal("total"),
            Codes.All<ReferringParty>().Append("not_recorded").Select(parties.GenderRow).ToArray());
    }

    private static async Task<SusGroupFigures> ReadSusGroupsAsync(ReportSession session, CancellationToken ct)
    {
        var atExit = await ReadByGenderAsync(session, ReportSql.SusAtExit, ct);
        var atStart = await ReadByGenderAsync(session, ReportSql.SusAtStart, ct);
        var transitions = await ReadByGenderAsync(session, ReportSql.SusTransitions, ct);
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
    }

    /// <summary>The äldstalista: at most <paramref name="limit"/> participations active at the period's end, enrolled longest first.</summary>
    public async Task<OldestList> GetOldestListAsync(StatisticsQuery query, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        await using var session = await OpenAsync(query, cancellationToken);
        var entries = await session.ReadAllAsync(
            ReportSql.OldestList,
            r => new OldestListEntry(
                r.GetString(0),
                r.GetString(1),
                r.GetFieldValue<DateOnly>(2),
                r.GetInt32(3),
                r.GetBoolean(4),
                r.IsDBNull(5) ? null : r.GetFieldValue<DateOnly>(5)),
            cancellationToken,
            new NpgsqlParameter("limit", limit));
        return new OldestList(session.Basis(time.GetUtcNow()), entries);
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
            // and no statement may run past the report timeout (answered 503 report_timeout, ReportSession.QueryAsync)
            var timeoutMs = Math.Max(1, (long)_timeout.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            await using (var settings = new NpgsqlCommand(
                $"SET TRANSACTION READ ONLY; SET LOCAL jit = off; SET LOCAL plan_cache_mode = force_custom_plan; SET LOCAL statement_timeout = {timeoutMs}", connection, transaction))
            {
                await settings.ExecuteNonQueryAsync(ct);
            }

            var session = new ReportSession(connection, transaction, query, today, _timeout);
            await session.ResolveCursorAsync(ct);
            await session.ResolveScopeAsync(ct);
            return session;
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }

    private static async Task<ParticipantFigures> ReadParticipantsAsync(ReportSession session, CancellationToken ct)
    {
        var rows = await session.ReadAllAsync(
            ReportSql.Participants,
            r => (Figure: r.GetString(0), Group: (r.GetInt32(1), Text(r, 2), Text(r, 3), r.GetInt32(4))),
            ct);
        Breakdown Figure(string figure)
        {
            var table = new CrossTable(rows.Where(row => row.Figure == figure).Select(row => row.Group));
            return new Breakdown(
                table.Total,
                CrossTable.Genders(table.RowTotal),
                AgeBands.Names.Select(band => new KeyCount(band, table.ColumnTotal(band))).ToArray());
        }

        return new ParticipantFigures(Figure("active"), Figure("new"), Figure("exited"), Figure("active_at_end"), Figure("paused_at_end"));
    }

    private static async Task<ExitFigures> ReadExitsAsync(ReportSession session, CancellationToken ct)
    {
        var rows = await session.ReadAllAsync(
            ReportSql.ExitsByCategory,
            r => (Grouping: r.GetInt32(0), Category: Text(r, 1), Gender: Text(r, 2), Exits: r.GetInt32(3), Positive: r.GetInt32(4)),
            ct);
        var exits = new CrossTable(rows.Select(r => (r.Grouping, r.Category, r.Gender, r.Exits)));
        var positive = new CrossTable(rows.Select(r => (r.Grouping, r.Category, r.Gender, r.Positive)));

        var categories = Codes.All<ExitCategory>().ToList();
        string[] toWorkOrStudies = [Codes.Of(ExitCategory.Work), Codes.Of(ExitCategory.Studies)];
        int Exits(string? gender) => gender is null ? exits.Total : exits.ColumnTotal(gender);
        var workOrStudies = SharesByGender(
            gender => toWorkOrStudies.Sum(category => gender is null ? exits.RowTotal(category) : exits.Cell(category, gender)),
            Exits);
        var positiveOutcome = SharesByGender(gender => gender is null ? positive.Total : positive.ColumnTotal(gender), Exits);

        var reasonRows = await session.ReadAllAsync(
            ReportSql.ExitsByReason,
            r => (ByGender: r.GetInt32(0) == 0, Category: r.GetString(1), Code: r.GetString(2), Label: Text(r, 3), Positive: r.GetBoolean(4), Gender: Text(r, 5), Exits: r.GetInt32(6)),
            ct);
        var byReason = reasonRows
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
    }

    private static async Task<BeforeAfterFigures> ReadBeforeAfterAsync(ReportSession session, CancellationToken ct)
    {
        var occupation = await ReadTransitionsAsync(session, "occupation_at_start", "occupation_at_exit", Codes.All<Occupation>(), ct);
        var support = await ReadTransitionsAsync(session, "support_at_start", "support_at_exit", Codes.All<MeansOfSupport>(), ct);
        string[] workingOrStudying = [Codes.Of(Occupation.Working), Codes.Of(Occupation.Studying)];
        return new BeforeAfterFigures(
            occupation.Total,
            occupation,
            support,
            Share.Of(occupation.Rows.Where(r => workingOrStudying.Contains(r.AtStart)).Sum(r => r.Total), occupation.Total),
            Share.Of(occupation.AtExitTotals.Where(c => workingOrStudying.Contains(c.Key)).Sum(c => c.Count), occupation.Total));
    }

    private static async Task<TransitionTable> ReadTransitionsAsync(
        ReportSession session, string atStart, string atExit, IReadOnlyList<string> values, CancellationToken ct)
    {
        var table = new CrossTable(await session.ReadAllAsync(
            ReportSql.Transitions(atStart, atExit),
            r => (r.GetInt32(0), Text(r, 1), Text(r, 2), r.GetInt32(3)),
            ct));
        return new TransitionTable(
            values.Select(from => new TransitionRow(from, values.Select(to => new KeyCount(to, table.Cell(from, to))).ToArray(), table.RowTotal(from))).ToArray(),
            values.Select(to => new KeyCount(to, table.ColumnTotal(to))).ToArray(),
            table.Total);
    }

    private static async Task<TimeFigures> ReadTimeAsync(ReportSession session, CancellationToken ct)
    {
        var (inInsats, excludingPauses) = await session.ReadOneAsync(
            ReportSql.TimeInInsats,
            r => (DayStatistics(r, 0), DayStatistics(r, 3)),
            ct);
        var within30 = await session.ReadOneAsync(ReportSql.FirstActivity, r => Share.Of(r.GetInt32(0), r.GetInt32(1)), ct);
        var cutoff = session.Query.Period.To < session.Today ? session.Query.Period.To : session.Today;
        return new TimeFigures(inInsats, excludingPauses, new FirstActivityFigures(cutoff, within30));
    }

    private static async Task<ReferralFigures> ReadReferralsAsync(ReportSession session, CancellationToken ct)
    {
        var groups = await session.ReadOneAsync(ReportSql.BeredningsgruppIds, r => r.GetFieldValue<string[]>(0), ct);
        var received = new CrossTable(await session.ReadAllAsync(
            ReportSql.ReferralsReceived,
            r => (r.GetInt32(0), Text(r, 1), Text(r, 2), r.GetInt32(3)),
            ct));
        var decisions = await session.ReadAllAsync(
            ReportSql.ReferralDecisions,
            r => (IsTotal: r.GetInt32(0) == 1, Kind: Text(r, 1), Count: r.GetInt32(2)),
            ct);
        string[] kinds = [.. Codes.All<ReferralDecision>(), "completion_requested"];
        var (withdrawn, waiting, awaitingCompletion, toDecision) = await session.ReadOneAsync(
            ReportSql.ReferralStatus,
            r => (r.GetInt32(0), r.GetInt32(1), r.GetInt32(2), DayStatistics(r, 3)),
            ct);
        var toEnrolment = await session.ReadOneAsync(ReportSql.DecisionToEnrolment, r => DayStatistics(r, 0), ct);
        var weeks = await session.ReadAllAsync(
            ReportSql.WeeklyIntake,
            r => new WeeklyIntake(
                r.GetString(0),
                r.GetString(1),
                r.GetFieldValue<DateOnly>(2),
                r.GetInt32(3),
                r.GetInt32(5),
                Math.Max(0, r.GetInt32(3) - r.GetInt32(5)),
                r.GetInt32(4),
                r.GetInt32(6)),
            ct);

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
    }

    private static async Task<HeadCountFigures> ReadHeadCountAsync(ReportSession session, CancellationToken ct)
    {
        var rows = await session.ReadAllAsync(
            ReportSql.HeadCount,
            r => (IsTotal: r.GetInt32(0) == 1, Row: new HeadCountRow(
                Text(r, 1) ?? "",
                Text(r, 2),
                r.GetInt32(3),
                r.GetInt32(8),
                new GenderCounts(r.GetInt32(4), r.GetInt32(5), r.GetInt32(6), r.GetInt32(7)))),
            ct);
        var total = rows.Single(r => r.IsTotal).Row;
        return new HeadCountFigures(total.Occurrences, total.Attendees, total.AttendeesByGender, rows.Where(r => !r.IsTotal).Select(r => r.Row).ToArray());
    }

    /// <summary>A share in total (gender null) and for each gender.</summary>
    private static GenderShares SharesByGender(Func<string?, int> numerator, Func<string?, int> denominator)
    {
        Share Of(string? gender) => Share.Of(numerator(gender), denominator(gender));
        return new GenderShares(
            Of(null), Of(Codes.Of(Gender.Woman)), Of(Codes.Of(Gender.Man)), Of(Codes.Of(Gender.NonBinary)), Of(Codes.Of(Gender.NotStated)));
    }

    private static DayStatistics DayStatistics(NpgsqlDataReader r, int first) => new(
        r.GetInt32(first),
        r.IsDBNull(first + 1) ? null : r.GetDecimal(first + 1),
        r.IsDBNull(first + 2) ? null : r.GetDecimal(first + 2));

    private static string? Text(NpgsqlDataReader r, int ordinal) => r.IsDBNull(ordinal) ? null : r.GetString(ordinal);

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
                    "SELECT tx_id::text, position, recorded_at FROM es_events WHERE recorded_at <= @moment ORDER BY tx_id DESC, position DESC LIMIT 1",
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

        /// <summary>Runs one SELECT of <see cref="ReportSql"/> after its common table expressions; expects one row.</summary>
        public async Task<T> ReadOneAsync<T>(string select, Func<NpgsqlDataReader, T> map, CancellationToken ct) =>
            (await ReadAllAsync(select, map, ct)).Single();

        /// <summary>Runs one SELECT of <see cref="ReportSql"/> after its common table expressions.</summary>
        public Task<IReadOnlyList<T>> ReadAllAsync<T>(string select, Func<NpgsqlDataReader, T> map, CancellationToken ct, params NpgsqlParameter[] extra) =>
            QueryAsync(ReportSql.With(query.Scope.Kind) + select, map, ct, extra);

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
