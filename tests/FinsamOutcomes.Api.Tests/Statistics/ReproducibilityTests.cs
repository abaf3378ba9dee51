using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Beredningsgrupper;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Insatser;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.Domain.Referrals;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.EventStore.Projections;

namespace FinsamOutcomes.Api.Tests.Statistics;

public sealed class ReproducibilityTests : StatisticsTestBase
{
    /// <summary>A bit of everything: corrections, pauses, activities, referrals, goals, a transfer, occurrences.</summary>
    private async Task EverythingAsync()
    {
        await Given.ForbundAsync("f1");
        await Given.ForbundAsync("f0");
        await Given.InsatsAsync("i1", "f1", kommuner: ["K1", "K2"]);
        await Given.InsatsAsync("i0", "f0");
        await Given.InsatsAsync("kurs", "f1", followUp: FollowUpMode.HeadCount);
        await Given.InsatsEventAsync("i1", new InsatsGoalSet("i1", "mal", GoalMetric.ShareExitsToWorkOrStudies, GoalComparison.AtLeast, 40, GoalPeriod.Year, "Minst 40 %"));
        await Given.InsatsEventAsync("kurs", new OccurrenceRecorded("kurs", "o1", D("2024-03-01"), "Kursdag", 4, 3, 1, 0));
        await Given.BeredningsgruppAsync("g1", "f1", ["i1"], 1);
        for (var i = 0; i < 12; i++)
        {
            var id = $"p{i:D2}";
            var referral = $"r{i:D2}";
            var gender = (Gender)(i % 4);
            await Given.ReferralAsync(referral, "f1", "g1", (ReferringParty)(i % 7), gender, D("2024-01-02").AddDays(i * 3));
            await Given.ReferralEventAsync(referral, new ReferralAccepted(referral, "i1", D("2024-01-05").AddDays(i * 3), i % 2 == 0 ? null : "Över taket"));
            await Given.EnrolAsync(id, "i1", D("2024-01-10").AddDays(i * 3), gender, 18 + i * 4, kommun: i % 3 == 0 ? "K2" : "K1", referral: referral);
            await Given.ActivityAsync(id, D("2024-01-12").AddDays(i * 5));
            if (i % 4 == 1)
            {
                await Given.PauseAsync(id, D("2024-03-01"));
            }

            if (i % 3 != 2)
            {
                await Given.ExitAsync(id, D("2024-04-01").AddDays(i * 7), Given.StandardReasons[i % Given.StandardReasons.Count].Code);
            }
        }

        await Given.CorrectExitAsync("p00", D("2024-04-02"), "studier");
        await Given.ParticipationAsync("p03", new ParticipationRegisteredInError("p03", "Fel person"));
        await Given.InsatsEventAsync("i0", new InsatsTransferred("i0", "f0", "f1", D("2024-01-01")));
        await Given.EnrolAsync("q1", "i0", D("2024-02-01"));
        await Given.EventsAsync("beredningsgrupp", "g1", "f1", new BeredningsgruppChanged("g1", ["i1", "i0"], 3));

        // issue 9: occupation changes and a correction, a direct enrolment's referring part, paused intake, a two-week cap
        await Given.ParticipationAsync("p02", new OccupationChanged("p02", "c1", D("2024-02-01"), OccupationKind.Internship, 50));
        await Given.ParticipationAsync("p02", new OccupationChanged("p02", "c2", D("2024-03-01"), OccupationKind.PaidWork, 100));
        await Given.ParticipationAsync("p02", new OccupationChangeCorrected("p02", "c2", D("2024-03-04"), OccupationKind.SubsidisedEmployment, 75, "Fel slag"));
        await Given.EventsAsync("participation", "d1", "f1", new ParticipantEnrolled(
            "d1", "i1", "person-d1", null, D("2024-02-15"), Gender.NonBinary, 1980, 44,
            new Baseline(MeansOfSupport.None, Occupation.JobSeeking, EducationLevel.OtherOrForeign, "K1", 80, null), true, null, ReferringParty.Region, "Akut"));
        await Given.InsatsEventAsync("i1", new InsatsIntakePaused("i1", D("2024-02-10"), IntakePauseReason.InflowExceedsOutflow));
        await Given.InsatsEventAsync("i1", new InsatsIntakeResumed("i1", D("2024-03-10")));
        await Given.InsatsEventAsync("i1", new InsatsIntakePaused("i1", D("2024-08-01"), IntakePauseReason.Staffing));
        await Given.EventsAsync("beredningsgrupp", "g1", "f1", new BeredningsgruppIntakePaused("g1", D("2024-05-01"), IntakePauseReason.Other));
        await Given.EventsAsync("beredningsgrupp", "g1", "f1", new BeredningsgruppChanged("g1", ["i1", "i0"], 5, 2, D("2024-01-01")));
    }

    private static IEnumerable<StatisticsScope> Scopes() =>
        [StatisticsScope.Country(), StatisticsScope.Forbund("f1"), StatisticsScope.KommunIn("f1", "K2"), StatisticsScope.Insats("i1")];

    private async Task<string> AllReportsAsync()
    {
        var reports = new List<string>();
        foreach (var scope in Scopes())
        {
            foreach (var period in new[] { "2024-T1", "2024-H1", "2024" })
            {
                reports.Add(Json(await ReportAsync(new StatisticsQuery(scope, StatisticsPeriod.Parse(period)))));
            }
        }

        return string.Join("\n", reports);
    }

    private async Task<string> FactRowsAsync()
    {
        var rows = new List<string>();
        foreach (var table in FactTable.All)
        {
            await using var cmd = DataSource.CreateCommand($"SELECT '{table.Name}: ' || coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM {table.Name} t");
            rows.Add((string)(await cmd.ExecuteScalarAsync())!);
        }

        return string.Join("\n", rows);
    }

    [Fact]
    public async Task a_rebuild_from_the_start_of_the_log_gives_identical_reports()
    {
        await EverythingAsync();
        await ProjectedAsync();
        var first = await AllReportsAsync();

        await RebuildAsync();

        Assert.Equal(first, await AllReportsAsync());
        Assert.Contains("\"position\":", first, StringComparison.Ordinal);
    }

    [Fact]
    public async Task the_fact_rows_do_not_depend_on_how_the_feed_is_split_into_batches()
    {
        await EverythingAsync();
        await ProjectedAsync(batchSize: 500);
        var inLargeBatches = await FactRowsAsync();
        await StopRunnersAsync();

        // every batch 3 events, the rebuild too (no larger batches while catching up)
        StartRunner(batchSize: 3, catchUpBatchSize: 3);
        await RebuildAsync();

        Assert.Equal(inLargeBatches, await FactRowsAsync());
    }

    [Fact]
    public async Task applying_events_again_changes_no_fact_row()
    {
        await EverythingAsync();
        await ProjectedAsync();
        var once = await FactRowsAsync();
        await StopRunnersAsync();

        var feed = await Store.ReadFeedAsync(FeedCursor.Start, 10_000);
        await using (var connection = await DataSource.OpenConnectionAsync())
        await using (var tx = await connection.BeginTransactionAsync())
        {
            await new StatisticsProjection().ApplyAsync(new ProjectionContext(connection, tx), feed, CancellationToken.None);
            await new StatisticsProjection().ApplyAsync(new ProjectionContext(connection, tx), feed.Skip(feed.Count / 2).ToArray(), CancellationToken.None);
            await tx.CommitAsync();
        }

        Assert.Equal(once, await FactRowsAsync());
    }

    [Fact]
    public async Task a_rebuilt_projection_which_loads_no_keys_of_participations_new_in_a_batch_makes_the_rows_of_one_that_loads_every_key()
    {
        await EverythingAsync();
        await ProjectedAsync();
        // the runner's projection resets: from now on it skips the loads of participations whose stream begins in a batch,
        // in the rebuild and in the live batches after it
        await RebuildAsync();
        await Given.EnrolAsync("late", "i1", D("2024-03-01"), Gender.Man);
        await Given.ActivityAsync("late", D("2024-03-05"));
        await Given.ParticipationAsync("late", new ActivityRecorded("late", "a-late-2", ActivityKind.IndividualMeeting, D("2024-02-20"), 30),
            new ParticipationPaused("late", D("2024-04-01"), PauseReason.IllHealth), new ParticipationResumed("late", D("2024-04-15")));
        await Given.ExitAsync("late", D("2024-05-01"), "arbete");
        await Given.CorrectExitAsync("p01", D("2024-04-10"), "arbete");
        await Given.ActivityAsync("p02", D("2024-01-11"));
        await WaitUntilProjectedAsync();
        var skipping = await FactRowsAsync();
        await StopRunnersAsync();

        // the same log projected from the start by a projection that did not reset: it loads every key
        await using (var cmd = DataSource.CreateCommand(
            $"TRUNCATE {string.Join(", ", FactTable.All.Select(t => t.Name))}; "
            + "UPDATE es_projection_checkpoints SET tx_id = '0', position = 0 WHERE projection = 'statistics'"))
        {
            await cmd.ExecuteNonQueryAsync();
        }

        StartRunner(batchSize: 500);
        await WaitUntilProjectedAsync();

        Assert.Equal(await FactRowsAsync(), skipping);
        Assert.Contains("late", skipping, StringComparison.Ordinal);
    }

    [Fact]
    public async Task every_version_of_a_fact_row_names_the_event_that_made_it_and_the_one_that_replaced_it()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        var enrolled = await Given.EnrolAsync("p1", "i1", D("2024-01-10"));
        var exited = await Given.ExitAsync("p1", D("2024-03-01"), "flyttat");
        var corrected = await Given.CorrectExitAsync("p1", D("2024-03-01"), "arbete");
        await ProjectedAsync();

        await using var cmd = DataSource.CreateCommand(
            "SELECT valid_from_pos, valid_to_pos, exit_reason_code FROM stats_participations WHERE participation_id = 'p1' ORDER BY valid_from_pos");
        await using var reader = await cmd.ExecuteReaderAsync();
        var versions = new List<(long, long?, string?)>();
        while (await reader.ReadAsync())
        {
            versions.Add((reader.GetInt64(0), reader.IsDBNull(1) ? null : reader.GetInt64(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        Assert.Equal([(enrolled, exited, null), (exited, corrected, "flyttat"), (corrected, null, "arbete")], versions);
    }

    [Fact]
    public async Task a_report_as_of_an_earlier_position_is_the_report_that_could_be_produced_then()
    {
        await EverythingAsync();
        await ProjectedAsync();
        var then = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1");

        await Given.CorrectExitAsync("p01", D("2024-04-10"), "arbete");
        await Given.EnrolAsync("late", "i1", D("2024-03-01"), Gender.Man);
        await Given.ExitAsync("late", D("2024-05-01"), "arbete");
        await Given.InsatsEventAsync("i1", new InsatsGoalRemoved("i1", "mal"));
        await Given.ExitReasonsAsync("f1", [.. Given.StandardReasons.Select(r => r with { Positive = !r.Positive })]);
        await Given.EventsAsync("beredningsgrupp", "g1", "f1", new BeredningsgruppChanged("g1", ["i1"], 10));
        var now = await ReportAsync(StatisticsScope.Forbund("f1"), "2024-H1");
        var asOf = await ReportAsync(new StatisticsQuery(StatisticsScope.Forbund("f1"), StatisticsPeriod.Parse("2024-H1")) { AsOfPosition = then.Basis.Position });

        Assert.NotEqual(Json(then with { Basis = now.Basis }), Json(now));
        Assert.Equal(Json(then with { Basis = asOf.Basis }), Json(asOf));
        Assert.Equal((then.Basis.Position, then.Basis.PositionRecordedAt, true), (asOf.Basis.Position, asOf.Basis.PositionRecordedAt, asOf.Basis.AsOf));
    }

    [Fact]
    public async Task a_report_as_of_a_time_reflects_the_last_event_recorded_by_then()
    {
        await EverythingAsync();
        await ProjectedAsync();
        var then = await ReportAsync(StatisticsScope.Country(), "2024");
        await Given.CorrectExitAsync("p01", D("2024-04-10"), "arbete");

        var asOf = await ReportAsync(new StatisticsQuery(StatisticsScope.Country(), StatisticsPeriod.Parse("2024")) { AsOfTime = then.Basis.PositionRecordedAt });

        Assert.Equal(Json(then with { Basis = asOf.Basis }), Json(asOf));
    }

    [Fact]
    public async Task a_report_as_of_a_position_not_yet_projected_is_refused()
    {
        await Given.ForbundAsync("f1");
        await ProjectedAsync();
        await StopRunnersAsync();
        var head = await Given.InsatsAsync("i1", "f1");

        var refused = await Assert.ThrowsAsync<ProjectionsBehindException>(() =>
            Service.GetReportAsync(new StatisticsQuery(StatisticsScope.Country(), StatisticsPeriod.Parse("2024")) { AsOfPosition = head }));

        Assert.Equal(head, refused.Position);
    }
}
