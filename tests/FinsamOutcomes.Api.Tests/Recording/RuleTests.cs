using System.Net;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>The domain's rules over HTTP: each refusal is a 409 problem with the decider's code, and leaves the state as it was.</summary>
public sealed class RuleTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task an_exit_dated_before_the_enrolment_is_refused_and_the_participation_stays_active()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync(enrolledOn: "2024-02-01");

        var response = await s.CaseWorker.PostAsync($"/api/participations/{id}/exit", Exit(exitedOn: "2024-01-31"));

        await ApiClient.ProblemAsync(response, HttpStatusCode.Conflict, "exit_before_enrolment");
        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal(1, view.GetProperty("version").GetInt64());
    }

    [Fact]
    public async Task a_second_exit_with_other_data_is_refused_and_an_identical_one_changes_nothing()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();
        var first = await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit", Exit(exitedOn: "2024-05-31", reasonCode: "studier"));
        Assert.Equal(2, first.GetProperty("version").GetInt64());
        Assert.Equal(1, first.GetProperty("eventsAppended").GetInt32());

        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync($"/api/participations/{id}/exit", Exit(exitedOn: "2024-05-31", reasonCode: "flyttat")),
            HttpStatusCode.Conflict, "already_exited");
        var again = await s.CaseWorker.PostAsync($"/api/participations/{id}/exit", Exit(exitedOn: "2024-05-31", reasonCode: "studier"));

        await Status(again, HttpStatusCode.OK);
        var body = await Json(again);
        Assert.Equal(0, body.GetProperty("eventsAppended").GetInt32());
        Assert.Equal(2, body.GetProperty("version").GetInt64());
        Assert.Equal("\"2\"", again.Headers.ETag?.Tag);
        Assert.Equal(2, await CountEventsAsync(factory, ParticipationStream(id)));
        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.Equal("studier", view.GetProperty("exitReasonCode").GetString());
    }

    [Fact]
    public async Task an_activity_after_the_exit_is_refused_and_one_before_it_is_recorded_late()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit", Exit(exitedOn: "2024-05-31"));

        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync($"/api/participations/{id}/activities", new { kind = "phone_contact", on = "2024-06-01", durationMinutes = 15 }),
            HttpStatusCode.Conflict, "activity_after_exit");
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/activities", new { kind = "phone_contact", on = "2024-05-31", durationMinutes = 15 });

        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.Equal(1, view.GetProperty("activities").GetInt32());
        Assert.Equal("exited", view.GetProperty("status").GetString());
    }

    [Fact]
    public async Task an_enrolment_in_a_closed_insats_is_refused_from_the_closing_date()
    {
        var s = await Scenario.CreateAsync(factory);
        await s.Admin.PostOkAsync($"/api/insatser/{s.InsatsId}/close", new { closedOn = "2024-03-01" });

        var refused = await s.CaseWorker.PostAsync("/api/participations", Enrolment(s.InsatsId, enrolledOn: "2024-03-01"));

        await ApiClient.ProblemAsync(refused, HttpStatusCode.Conflict, "insats_closed");
        await s.CaseWorker.PostOkAsync("/api/participations", Enrolment(s.InsatsId, enrolledOn: "2024-02-29"));
        var list = await s.CaseWorker.GetOkAsync($"/api/insatser/{s.InsatsId}/participations");
        Assert.Equal(1, list.GetArrayLength());
        var insats = await s.Admin.GetOkAsync($"/api/insatser/{s.InsatsId}");
        Assert.Equal("2024-03-01", insats.GetProperty("closedOn").GetString());
    }

    [Fact]
    public async Task an_enrolment_outside_the_insats_period_is_refused_on_both_sides()
    {
        var s = await Scenario.CreateAsync(factory);
        var project = await AnotherInsatsAsync(s, endDate: "2024-06-30", startDate: "2024-02-01");
        var worker = ApiClient.As(factory, Roles.CaseWorker, s.ForbundId, [project], actor: "handlaggare-2");

        await ApiClient.ProblemAsync(await worker.PostAsync("/api/participations", Enrolment(project, enrolledOn: "2024-01-31")), HttpStatusCode.Conflict, "outside_insats_period");
        await ApiClient.ProblemAsync(await worker.PostAsync("/api/participations", Enrolment(project, enrolledOn: "2024-07-01")), HttpStatusCode.Conflict, "outside_insats_period");

        Assert.Equal(0, (await worker.GetOkAsync($"/api/insatser/{project}/participations")).GetArrayLength());
    }

    [Fact]
    public async Task an_age_outside_the_malgrupp_is_refused_and_accepted_with_a_reason_that_the_timeline_shows()
    {
        var s = await Scenario.CreateAsync(factory);

        // born 1950: 74 at enrolment, the insats is for 16–64
        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync("/api/participations", Enrolment(s.InsatsId, birthYear: 1950)),
            HttpStatusCode.Conflict, "age_outside_target_group");
        var enrolled = await s.CaseWorker.PostOkAsync("/api/participations",
            Enrolment(s.InsatsId, birthYear: 1950, ageOverrideReason: "Beslut i beredningsgruppen: målgruppen vidgad"));

        var id = Scenario.Id(enrolled);
        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.Equal(74, view.GetProperty("ageAtStart").GetInt32());
        var timeline = await s.CaseWorker.GetOkAsync($"/api/participations/{id}/timeline");
        Assert.Equal("Beslut i beredningsgruppen: målgruppen vidgad", timeline[0].GetProperty("reason").GetString());
    }

    [Fact]
    public async Task an_enrolment_dated_before_the_persons_birth_is_refused_by_the_rules_not_a_500()
    {
        var s = await Scenario.CreateAsync(factory);

        // born 2024-03-01, enrolled 2024-02-01; and one dated in year 1
        var unborn = await s.CaseWorker.PostAsync("/api/participations", Enrolment(s.InsatsId, personnummer: "202403012384", enrolledOn: "2024-02-01"));
        var ancient = await s.CaseWorker.PostAsync("/api/participations", Enrolment(s.InsatsId, personnummer: Anna, enrolledOn: "0001-01-01"));

        await ApiClient.ProblemAsync(unborn, HttpStatusCode.Conflict, "invalid_age");
        // year 1 is outside the API's date range (1900-01-01..2199-12-31): refused as a field before any rule runs
        var problem = await ApiClient.ProblemAsync(ancient, HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("enrolledOn", out _), problem.ToString());
        Assert.Equal(0, (await s.CaseWorker.GetOkAsync($"/api/insatser/{s.InsatsId}/participations")).GetArrayLength());
    }

    [Fact]
    public async Task an_enrolment_from_a_referral_dated_before_the_persons_birth_is_refused_by_the_rules_not_a_500()
    {
        var s = await Scenario.CreateAsync(factory);
        var referral = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId, personnummer: "202403012384", receivedOn: "2024-03-05")));
        await s.Group.PostOkAsync($"/api/referrals/{referral}/accept", Accept(s.InsatsId, decidedOn: "2024-03-06", overrideReason: null));

        var response = await s.CaseWorker.PostAsync("/api/participations", new
        {
            insatsId = s.InsatsId, referralId = referral, enrolledOn = "2024-02-01", gender = "woman", consent = true, baseline = Scenario.Baseline(),
        });

        await ApiClient.ProblemAsync(response, HttpStatusCode.Conflict, "invalid_age");
        Assert.Equal(0, (await s.CaseWorker.GetOkAsync($"/api/insatser/{s.InsatsId}/participations")).GetArrayLength());
    }

    [Fact]
    public async Task the_same_person_is_refused_twice_active_in_one_insats_but_enrolled_elsewhere_and_again_after_exit_as_one_individual()
    {
        var s = await Scenario.CreateAsync(factory);
        var other = await AnotherInsatsAsync(s);
        var worker = ApiClient.As(factory, Roles.CaseWorker, s.ForbundId, [s.InsatsId, other], actor: "handlaggare-1");
        var first = Scenario.Id(await worker.PostOkAsync("/api/participations", Enrolment(s.InsatsId, personnummer: Anna)));

        await ApiClient.ProblemAsync(
            await worker.PostAsync("/api/participations", Enrolment(s.InsatsId, personnummer: "19900315-2387", enrolledOn: "2024-02-05")),
            HttpStatusCode.Conflict, "already_active_in_insats");
        var elsewhere = Scenario.Id(await worker.PostOkAsync("/api/participations", Enrolment(other, personnummer: Anna)));
        await worker.PostOkAsync($"/api/participations/{first}/exit", Exit(exitedOn: "2024-03-31", reasonCode: "aterremiss_af"));
        var again = Scenario.Id(await worker.PostOkAsync("/api/participations", Enrolment(s.InsatsId, personnummer: Anna, enrolledOn: "2024-09-02")));

        var participants = new List<string?>();
        foreach (var id in new[] { first, elsewhere, again })
        {
            participants.Add((await worker.GetOkAsync($"/api/participations/{id}")).GetProperty("participantId").GetString());
        }

        Assert.Single(participants.Distinct());
        Assert.Equal(3, new[] { first, elsewhere, again }.Distinct().Count());
        var list = await worker.GetOkAsync($"/api/insatser/{s.InsatsId}/participations");
        Assert.Equal(["exited", "active"], list.EnumerateArray().Select(p => p.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task a_decision_on_a_decided_referral_is_refused()
    {
        var s = await Scenario.CreateAsync(factory);
        var referral = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId)));
        await s.Group.PostOkAsync($"/api/referrals/{referral}/accept", Accept(s.InsatsId));

        await ApiClient.ProblemAsync(
            await s.Group.PostAsync($"/api/referrals/{referral}/reject", new { decidedOn = "2024-01-16", reason = "Fel målgrupp" }),
            HttpStatusCode.Conflict, "already_decided");
        await ApiClient.ProblemAsync(
            await s.Group.PostAsync($"/api/referrals/{referral}/completion", new { requestedOn = "2024-01-16", note = "Läkarintyg saknas" }),
            HttpStatusCode.Conflict, "already_decided");

        var view = await s.Group.GetOkAsync($"/api/referrals/{referral}");
        Assert.Equal("accepted", view.GetProperty("status").GetString());
        Assert.Equal(s.InsatsId, view.GetProperty("insatsId").GetString());
    }

    [Fact]
    public async Task accepting_beyond_the_weeks_intake_cap_is_refused_unless_a_reason_is_given_and_the_reason_shows()
    {
        var s = await Scenario.CreateAsync(factory, weeklyCap: 1);
        var first = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId)));
        var second = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId, birthYear: 1988)));
        var nextWeek = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId, birthYear: 1987)));
        await s.Group.PostOkAsync($"/api/referrals/{first}/accept", Accept(s.InsatsId, decidedOn: "2024-01-15")); // Monday

        await ApiClient.ProblemAsync(
            await s.Group.PostAsync($"/api/referrals/{second}/accept", Accept(s.InsatsId, decidedOn: "2024-01-21")), // Sunday, same week
            HttpStatusCode.Conflict, "intake_cap_reached");
        Assert.Equal("waiting", (await s.Group.GetOkAsync($"/api/referrals/{second}")).GetProperty("status").GetString());
        await s.Group.PostOkAsync($"/api/referrals/{second}/accept", Accept(s.InsatsId, decidedOn: "2024-01-21", overrideReason: "Akut behov, styrelsens beslut"));
        await s.Group.PostOkAsync($"/api/referrals/{nextWeek}/accept", Accept(s.InsatsId, decidedOn: "2024-01-22"));

        var overridden = await s.Group.GetOkAsync($"/api/referrals/{second}");
        Assert.Equal("accepted", overridden.GetProperty("status").GetString());
        Assert.Equal("Akut behov, styrelsens beslut", overridden.GetProperty("reason").GetString());
        var withinCap = await s.Group.GetOkAsync($"/api/referrals/{nextWeek}");
        Assert.Equal(JsonValueKindNull, withinCap.GetProperty("reason").ValueKind);
    }

    [Fact]
    public async Task an_enrolment_from_a_referral_not_accepted_to_that_insats_is_refused()
    {
        var s = await Scenario.CreateAsync(factory);
        var other = await AnotherInsatsAsync(s);
        var worker = ApiClient.As(factory, Roles.CaseWorker, s.ForbundId, [s.InsatsId, other], actor: "handlaggare-1");
        var waiting = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId)));
        var accepted = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId, birthYear: 1980)));
        await s.Group.PostOkAsync($"/api/referrals/{accepted}/accept", Accept(s.InsatsId));
        object FromReferral(string insatsId, string referralId) => new
        {
            insatsId, referralId, enrolledOn = "2024-01-22", gender = "woman", consent = true, baseline = Scenario.Baseline(),
        };

        await ApiClient.ProblemAsync(await worker.PostAsync("/api/participations", FromReferral(s.InsatsId, waiting)), HttpStatusCode.Conflict, "referral_not_accepted_to_insats");
        await ApiClient.ProblemAsync(await worker.PostAsync("/api/participations", FromReferral(other, accepted)), HttpStatusCode.Conflict, "referral_not_accepted_to_insats");
        var enrolled = await worker.PostOkAsync("/api/participations", FromReferral(s.InsatsId, accepted));

        Assert.Equal(accepted, (await worker.GetOkAsync($"/api/participations/{Scenario.Id(enrolled)}")).GetProperty("referralId").GetString());
        Assert.Equal(0, (await worker.GetOkAsync($"/api/insatser/{other}/participations")).GetArrayLength());
    }

    [Fact]
    public async Task an_activity_while_paused_is_refused_and_resuming_an_active_participation_is_refused()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();

        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/participations/{id}/resume", new { on = "2024-02-10" }), HttpStatusCode.Conflict, "not_paused");
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/pause", new { on = "2024-03-01", reason = "ill_health" });
        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync($"/api/participations/{id}/activities", new { kind = "individual_meeting", on = "2024-03-05", durationMinutes = 45 }),
            HttpStatusCode.Conflict, "participation_paused");

        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.Equal("paused", view.GetProperty("status").GetString());
        Assert.Equal("2024-03-01", view.GetProperty("pausedOn").GetString());
        Assert.Equal(0, view.GetProperty("activities").GetInt32());
    }

    [Fact]
    public async Task a_participation_registered_in_error_refuses_every_further_command()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/registered-in-error", new { correctionReason = "Fel person inskriven" }, ifMatch: "\"1\"");

        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync($"/api/participations/{id}/activities", new { kind = "individual_meeting", on = "2024-02-05", durationMinutes = 30 }),
            HttpStatusCode.Conflict, "registered_in_error");
        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/participations/{id}/pause", new { on = "2024-02-05", reason = "other" }), HttpStatusCode.Conflict, "registered_in_error");
        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/participations/{id}/exit", Exit()), HttpStatusCode.Conflict, "registered_in_error");
        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync($"/api/participations/{id}/enrolment-correction",
                new { enrolledOn = "2024-02-02", baseline = Scenario.Baseline(), correctionReason = "Fel datum" }, ifMatch: "\"2\""),
            HttpStatusCode.Conflict, "registered_in_error");

        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.Equal("registered_in_error", view.GetProperty("status").GetString());
        Assert.Equal(2, view.GetProperty("version").GetInt64());
        var list = await s.CaseWorker.GetOkAsync($"/api/insatser/{s.InsatsId}/participations");
        Assert.Equal("registered_in_error", list[0].GetProperty("status").GetString());
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
