using FinsamOutcomes.Api.Features.Statistics;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Participations;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>
/// Enrolments written by an earlier release (participation.enrolled.v1, enrolment_corrected.v1, with the four old education
/// levels) keep meaning what they meant: read as v2, primary_or_less counts as primary, the rest unchanged. Nothing is rewritten.
/// </summary>
public sealed class EducationUpcastTests : StatisticsTestBase
{
    private async Task AppendV1Async(string participationId, long version, string type, string json)
    {
        await using var cmd = DataSource.CreateCommand(
            """
            INSERT INTO es_streams (stream_id, stream_type, forbund_id, version) VALUES (@stream, 'participation', 'f1', @version)
            ON CONFLICT (stream_id) DO UPDATE SET version = EXCLUDED.version;
            INSERT INTO es_events (event_id, stream_id, version, event_type, data, metadata, forbund_id)
            VALUES (gen_random_uuid(), @stream, @version, @type, @data::jsonb, '{"actor":"old-release"}', 'f1')
            """);
        cmd.Parameters.AddWithValue("stream", $"participation-{participationId}");
        cmd.Parameters.AddWithValue("version", version);
        cmd.Parameters.AddWithValue("type", type);
        cmd.Parameters.AddWithValue("data", json);
        await cmd.ExecuteNonQueryAsync();
    }

    private static string EnrolledV1(string id, string gender, string education) => $$"""
        {"participationId":"{{id}}","insatsId":"i1","participantId":"person-{{id}}","referralId":null,"enrolledOn":"2024-02-01",
         "gender":"{{gender}}","birthYear":1990,"ageAtStart":34,
         "baseline":{"meansOfSupport":"social_assistance","occupation":"none","education":"{{education}}","homeKommun":"K1","monthsOnSupportBefore":12,"hasSgi":true},
         "identified":true,"ageOverrideReason":null}
        """;

    [Fact]
    public async Task education_recorded_with_an_old_event_version_is_reported_with_the_new_levels_and_survives_a_rebuild()
    {
        await Given.ForbundAsync("f1");
        await Given.InsatsAsync("i1", "f1");
        await AppendV1Async("p1", 1, "participation.enrolled.v1", EnrolledV1("p1", "woman", "primary_or_less"));
        await AppendV1Async("p2", 1, "participation.enrolled.v1", EnrolledV1("p2", "man", "post_secondary"));
        await AppendV1Async("p3", 1, "participation.enrolled.v1", EnrolledV1("p3", "woman", "upper_secondary"));
        // an old correction of p3's baseline to "grundskola eller kortare"
        await AppendV1Async("p3", 2, "participation.enrolment_corrected.v1", """
            {"participationId":"p3","enrolledOn":"2024-02-01",
             "baseline":{"meansOfSupport":"social_assistance","occupation":"none","education":"primary_or_less","homeKommun":"K1","monthsOnSupportBefore":12,"hasSgi":true},
             "correctionReason":"Fel utbildningsnivå"}
            """);
        // and one of today's enrolments, with a level v1 could not express
        await Given.EventsAsync("participation", "p4", "f1", new ParticipantEnrolled(
            "p4", "i1", "person-p4", null, D("2024-03-01"), Gender.Man, 1990, 34,
            new Baseline(MeansOfSupport.None, Occupation.None, EducationLevel.OtherOrForeign, "K1", null, null), false, null, ReferringParty.KommunLabourMarket));

        var report = await ReportAsync(StatisticsScope.Insats("i1"), "2024-H1");

        Assert.Equal(
            [
                new GenderRow("primary_not_completed", 0, new GenderCounts(0, 0, 0, 0)),
                new GenderRow("primary", 2, new GenderCounts(2, 0, 0, 0)),
                new GenderRow("upper_secondary", 0, new GenderCounts(0, 0, 0, 0)),
                new GenderRow("post_secondary", 1, new GenderCounts(0, 1, 0, 0)),
                new GenderRow("other_or_foreign", 1, new GenderCounts(0, 1, 0, 0)),
                new GenderRow("unknown", 0, new GenderCounts(0, 0, 0, 0)),
            ],
            report.Background.EducationAtStart);
        Assert.Equal(new GenderRow("kommun_labour_market", 1, new GenderCounts(0, 1, 0, 0)), report.Background.ReferringPartyOfNew.Single(r => r.Key == "kommun_labour_market"));
        Assert.Equal(new GenderRow("not_recorded", 3, new GenderCounts(2, 1, 0, 0)), report.Background.ReferringPartyOfNew[^1]);

        // read through the store, the old events are the new type; stored, they are still v1
        var events = await Store.ReadStreamAsync("participation-p3");
        Assert.Equal(["participation.enrolled.v2", "participation.enrolment_corrected.v2"], events.Select(e => e.EventType));
        Assert.Equal(EducationLevel.Primary, ((EnrolmentCorrected)events[1].Data).Baseline.Education);
        await using (var cmd = DataSource.CreateCommand("SELECT count(*) FROM es_events WHERE event_type LIKE '%.v1' AND data->'baseline'->>'education' = 'primary_or_less'"))
        {
            Assert.Equal(2L, await cmd.ExecuteScalarAsync());
        }

        await RebuildAsync();
        var rebuilt = await Service.GetReportAsync(new StatisticsQuery(StatisticsScope.Insats("i1"), StatisticsPeriod.Parse("2024-H1")));
        Assert.Equal(Json(report.Background), Json(rebuilt.Background));
    }
}
