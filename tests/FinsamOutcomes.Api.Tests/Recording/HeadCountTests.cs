using System.Net;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>Head-count (volym) insatser: occurrences with attendees by gender, and no participants.</summary>
public sealed class HeadCountTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task head_count_occurrences_are_recorded_with_attendees_by_gender()
    {
        var s = await Scenario.CreateAsync(factory);
        var occurrence = new { occurrenceId = "utbildningsdag-1", on = "2024-03-14", title = "Utbildningsdag om psykisk ohälsa", women = 12, men = 7, nonBinary = 1, notStated = 2 };

        var recorded = await s.CaseWorker.PostAsync($"/api/insatser/{s.HeadCountInsatsId}/occurrences", occurrence);
        var again = await s.CaseWorker.PostAsync($"/api/insatser/{s.HeadCountInsatsId}/occurrences", occurrence);
        var changed = await s.CaseWorker.PostAsync($"/api/insatser/{s.HeadCountInsatsId}/occurrences", occurrence with { men = 8 });
        var manager = ApiClient.As(factory, Roles.InsatsManager, s.ForbundId, [s.HeadCountInsatsId], actor: "insatsansvarig");
        await manager.PostOkAsync($"/api/insatser/{s.HeadCountInsatsId}/occurrences", new { occurrenceId = (string?)null, on = "2024-04-11", title = "Nätverksträff", women = 5, men = 0, nonBinary = 0, notStated = 0 });

        await Status(recorded, HttpStatusCode.Created);
        await Status(again, HttpStatusCode.OK);
        Assert.Equal(0, (await Json(again)).GetProperty("eventsAppended").GetInt32());
        await ApiClient.ProblemAsync(changed, HttpStatusCode.Conflict, "occurrence_already_recorded");
        Assert.Equal(2, (await s.Admin.GetOkAsync($"/api/insatser/{s.HeadCountInsatsId}")).GetProperty("occurrences").GetInt32());
        Assert.Equal(22, await ScalarAsync(factory,
            """
            SELECT sum((data->>'women')::int + (data->>'men')::int + (data->>'nonBinary')::int + (data->>'notStated')::int)
            FROM es_events WHERE stream_id = $1 AND data->>'occurrenceId' = 'utbildningsdag-1'
            """, $"insats-{s.HeadCountInsatsId}"));
    }

    [Fact]
    public async Task an_occurrence_on_an_individual_insats_or_without_attendees_is_refused_and_a_head_count_insats_has_no_participants()
    {
        var s = await Scenario.CreateAsync(factory);

        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync($"/api/insatser/{s.InsatsId}/occurrences", new { on = "2024-03-14", title = "Gruppträff", women = 3, men = 2, nonBinary = 0, notStated = 0 }),
            HttpStatusCode.Conflict, "insats_not_head_count");
        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync($"/api/insatser/{s.HeadCountInsatsId}/occurrences", new { on = "2024-03-14", title = "Inställd", women = 0, men = 0, nonBinary = 0, notStated = 0 }),
            HttpStatusCode.Conflict, "invalid_attendance");
        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync($"/api/insatser/{s.HeadCountInsatsId}/occurrences", new { on = "2023-12-31", title = "Före start", women = 1, men = 0, nonBinary = 0, notStated = 0 }),
            HttpStatusCode.Conflict, "outside_insats_period");
        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync("/api/participations", Enrolment(s.HeadCountInsatsId)),
            HttpStatusCode.Conflict, "insats_has_no_participants");

        Assert.Equal(0, (await s.Admin.GetOkAsync($"/api/insatser/{s.InsatsId}")).GetProperty("occurrences").GetInt32());
        Assert.Equal(0, (await s.Admin.GetOkAsync($"/api/insatser/{s.HeadCountInsatsId}")).GetProperty("occurrences").GetInt32());
    }
}
