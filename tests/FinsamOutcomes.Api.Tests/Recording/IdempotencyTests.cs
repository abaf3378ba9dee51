using System.Net;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>Idempotency-Key on every POST: a retry gets the first answer and appends nothing, whether it comes after, during or instead of that answer.</summary>
public sealed class IdempotencyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task the_same_post_with_the_same_key_is_answered_identically_and_appends_nothing()
    {
        var s = await Scenario.CreateAsync(factory);
        var key = Guid.NewGuid().ToString();
        var body = Enrolment(s.InsatsId, personnummer: Anna);

        var first = await s.CaseWorker.PostAsync("/api/participations", body, key);
        var firstText = await first.Content.ReadAsStringAsync();
        var eventsAfterFirst = await CountEventsAsync(factory);
        var second = await s.CaseWorker.PostAsync("/api/participations", body, key);

        await Status(first, HttpStatusCode.Created);
        await Status(second, HttpStatusCode.Created);
        Assert.Equal(firstText, await second.Content.ReadAsStringAsync());
        Assert.Equal(first.Headers.Location, second.Headers.Location);
        Assert.Equal(first.Headers.ETag, second.Headers.ETag);
        Assert.Equal(first.Headers.GetValues("X-Log-Position"), second.Headers.GetValues("X-Log-Position"));
        Assert.False(first.Headers.Contains("Idempotency-Replayed"));
        Assert.Equal(["true"], second.Headers.GetValues("Idempotency-Replayed"));
        Assert.Equal(eventsAfterFirst, await CountEventsAsync(factory));
        Assert.Equal(1, (await s.CaseWorker.GetOkAsync($"/api/insatser/{s.InsatsId}/participations")).GetArrayLength());
    }

    [Fact]
    public async Task a_replayed_command_on_an_existing_resource_is_answered_identically_and_appends_nothing()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();
        var key = Guid.NewGuid().ToString();
        var activity = new { kind = "individual_meeting", on = "2024-02-05", durationMinutes = 60 };

        var first = await s.CaseWorker.PostAsync($"/api/participations/{id}/activities", activity, key);
        var second = await s.CaseWorker.PostAsync($"/api/participations/{id}/activities", activity, key);

        await Status(first, HttpStatusCode.OK);
        await Status(second, HttpStatusCode.OK);
        Assert.Equal(await first.Content.ReadAsStringAsync(), await second.Content.ReadAsStringAsync());
        Assert.Equal(["true"], second.Headers.GetValues("Idempotency-Replayed"));
        Assert.Equal(2, await CountEventsAsync(factory, ParticipationStream(id)));
        Assert.Equal(1, (await s.CaseWorker.GetOkAsync($"/api/participations/{id}")).GetProperty("activities").GetInt32());
    }

    [Fact]
    public async Task the_same_key_with_another_body_is_refused_and_appends_nothing()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();
        var key = Guid.NewGuid().ToString();
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/pause", new { on = "2024-03-01", reason = "ill_health" });
        var resumed = await s.CaseWorker.PostAsync($"/api/participations/{id}/resume", new { on = "2024-04-01" }, key);
        await Status(resumed, HttpStatusCode.OK);
        var events = await CountEventsAsync(factory);

        var reused = await s.CaseWorker.PostAsync($"/api/participations/{id}/resume", new { on = "2024-04-02" }, key);
        var reusedElsewhere = await s.CaseWorker.PostAsync($"/api/participations/{id}/exit", Exit(), key);

        await ApiClient.ProblemAsync(reused, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        await ApiClient.ProblemAsync(reusedElsewhere, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        Assert.Equal(events, await CountEventsAsync(factory));
        Assert.Equal("active", (await s.CaseWorker.GetOkAsync($"/api/participations/{id}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task a_post_without_the_header_is_refused_and_appends_nothing()
    {
        var s = await Scenario.CreateAsync(factory);
        var events = await CountEventsAsync(factory);

        var response = await s.CaseWorker.SendAsync(HttpMethod.Post, "/api/participations", Enrolment(s.InsatsId), key: null, ifMatch: null);
        var tooLong = await s.CaseWorker.SendAsync(HttpMethod.Post, "/api/participations", Enrolment(s.InsatsId), key: new string('k', 201), ifMatch: null);

        await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_header");
        await ApiClient.ProblemAsync(tooLong, HttpStatusCode.BadRequest, "bad_header");
        Assert.Equal(events, await CountEventsAsync(factory));
    }

    [Fact]
    public async Task a_refusal_is_not_stored_so_the_same_key_can_be_retried_once_the_cause_is_gone()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();
        var key = Guid.NewGuid().ToString();
        var resume = new { on = "2024-04-01" };

        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/participations/{id}/resume", resume, key), HttpStatusCode.Conflict, "not_paused");
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/pause", new { on = "2024-03-01", reason = "ill_health" });
        var retried = await s.CaseWorker.PostAsync($"/api/participations/{id}/resume", resume, key);

        await Status(retried, HttpStatusCode.OK);
        Assert.False(retried.Headers.Contains("Idempotency-Replayed"));
        Assert.Equal("active", (await s.CaseWorker.GetOkAsync($"/api/participations/{id}")).GetProperty("status").GetString());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task concurrent_identical_enrolments_with_one_key_make_one_participation_and_one_set_of_events(bool identified)
    {
        var s = await Scenario.CreateAsync(factory);
        var key = Guid.NewGuid().ToString();
        var body = identified ? Enrolment(s.InsatsId, personnummer: Berit) : Enrolment(s.InsatsId, birthYear: 1985);
        var before = await CountEventsAsync(factory);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => s.CaseWorker.PostAsync("/api/participations", body, key)));

        foreach (var response in responses)
        {
            Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        }

        var ids = new HashSet<string>();
        foreach (var response in responses)
        {
            ids.Add(Scenario.Id(await Json(response)));
        }

        var id = Assert.Single(ids);
        Assert.Equal(before + 1, await CountEventsAsync(factory));
        Assert.Equal(1, await CountEventsAsync(factory, ParticipationStream(id)));
        var list = await s.CaseWorker.GetOkAsync($"/api/insatser/{s.InsatsId}/participations");
        Assert.Equal(id, Assert.Single(list.EnumerateArray()).GetProperty("participationId").GetString());
    }

    [Fact]
    public async Task an_anonymous_enrolment_retried_after_its_answer_was_lost_appends_nothing_and_answers_the_same_participation()
    {
        var s = await Scenario.CreateAsync(factory);
        var key = Guid.NewGuid().ToString();
        var body = Enrolment(s.InsatsId, birthYear: 1979);
        var first = await Json(await s.CaseWorker.PostAsync("/api/participations", body, key));
        await ForgetStoredAnswersAsync(factory);
        var events = await CountEventsAsync(factory);

        var retried = await s.CaseWorker.PostAsync("/api/participations", body, key);

        Assert.True(retried.IsSuccessStatusCode, $"{(int)retried.StatusCode}: {await retried.Content.ReadAsStringAsync()}");
        var again = await Json(retried);
        Assert.Equal(Scenario.Id(first), Scenario.Id(again));
        Assert.Equal(0, again.GetProperty("eventsAppended").GetInt32());
        Assert.Equal(events, await CountEventsAsync(factory));
    }

    [Fact]
    public async Task an_anonymous_referral_retried_after_its_answer_was_lost_appends_nothing_and_answers_the_same_referral()
    {
        var s = await Scenario.CreateAsync(factory);
        var key = Guid.NewGuid().ToString();
        var body = Referral(s.GroupId, birthYear: 1992);
        var first = await Json(await s.Group.PostAsync("/api/referrals", body, key));
        await ForgetStoredAnswersAsync(factory);
        var events = await CountEventsAsync(factory);

        var retried = await s.Group.PostAsync("/api/referrals", body, key);

        Assert.True(retried.IsSuccessStatusCode, $"{(int)retried.StatusCode}: {await retried.Content.ReadAsStringAsync()}");
        Assert.Equal(Scenario.Id(first), Scenario.Id(await Json(retried)));
        Assert.Equal(events, await CountEventsAsync(factory));
    }

    [Fact]
    public async Task keys_belong_to_the_caller_so_two_callers_with_the_same_key_each_get_their_own_write()
    {
        var s = await Scenario.CreateAsync(factory);
        var other = ApiClient.As(factory, FinsamOutcomes.Api.Infrastructure.Roles.CaseWorker, s.ForbundId, [s.InsatsId], actor: "handlaggare-2");
        var key = Guid.NewGuid().ToString();

        var mine = await s.CaseWorker.PostAsync("/api/participations", Enrolment(s.InsatsId, birthYear: 1991), key);
        var theirs = await other.PostAsync("/api/participations", Enrolment(s.InsatsId, birthYear: 1991), key);

        await Status(mine, HttpStatusCode.Created);
        await Status(theirs, HttpStatusCode.Created);
        Assert.False(theirs.Headers.Contains("Idempotency-Replayed"));
        Assert.NotEqual(Scenario.Id(await Json(mine)), Scenario.Id(await Json(theirs)));
        Assert.Equal(2, (await s.CaseWorker.GetOkAsync($"/api/insatser/{s.InsatsId}/participations")).GetArrayLength());
    }
}
