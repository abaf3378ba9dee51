using System.Net;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Npgsql;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>One person's whole path over HTTP, as docs/api.md walks it; and what must never leak on the way.</summary>
public sealed class PersonPathTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    // Luhn-valid, made-up personnummer (never real people's): 1990-03-15 and a samordningsnummer for 1995-08-01.
    private const string Personnummer = "19900315-2387";
    private const string Samordningsnummer = "199508613313";

    [Fact]
    public async Task a_referred_person_is_accepted_enrolled_followed_and_exited_with_every_step_on_the_timeline()
    {
        var s = await Scenario.CreateAsync(factory);

        var referral = await s.Group.PostOkAsync("/api/referrals", new
        {
            beredningsgruppId = s.GroupId,
            referringParty = "af",
            receivedOn = "2024-01-10",
            gender = "woman",
            person = new { personnummer = Personnummer },
        });
        var referralId = Scenario.Id(referral);
        await s.Group.PostOkAsync($"/api/referrals/{referralId}/accept", new { insatsId = s.InsatsId, decidedOn = "2024-01-15", overrideReason = (string?)null });
        var enrolled = await s.CaseWorker.PostOkAsync("/api/participations", new
        {
            insatsId = s.InsatsId,
            referralId,
            enrolledOn = "2024-01-22",
            gender = "woman",
            consent = true,
            baseline = Scenario.Baseline(),
        });
        var id = Scenario.Id(enrolled);
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/activities", new { kind = "individual_meeting", on = "2024-01-25", durationMinutes = 60 });
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/pause", new { on = "2024-03-01", reason = "ill_health" });
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/resume", new { on = "2024-04-01" });
        var exited = await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit",
            new { exitedOn = "2024-06-14", reasonCode = "arbete_subventionerat", meansOfSupportAtExit = "salary", occupationAtExit = "working" });

        Assert.Equal(5, exited.GetProperty("version").GetInt64());
        Assert.True(exited.GetProperty("logPosition").GetInt64() > 0);

        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.Equal("exited", view.GetProperty("status").GetString());
        Assert.Equal("work", view.GetProperty("exitCategory").GetString());
        Assert.Equal(33, view.GetProperty("ageAtStart").GetInt32()); // exact, from the personnummer in the vault: born 1990-03-15, enrolled 2024-01-22
        Assert.True(view.GetProperty("identified").GetBoolean());
        Assert.Equal(referral.GetProperty("id").GetString(), view.GetProperty("referralId").GetString());

        var timeline = await s.CaseWorker.GetOkAsync($"/api/participations/{id}/timeline");
        Assert.Equal(
            ["participation.enrolled.v2", "participation.activity_recorded.v1", "participation.paused.v1", "participation.resumed.v1", "participation.exited.v1"],
            timeline.EnumerateArray().Select(e => e.GetProperty("eventType").GetString()));
        Assert.All(timeline.EnumerateArray(), e => Assert.Equal("handlaggare-1", e.GetProperty("recordedBy").GetString()));
        Assert.Equal("2024-06-14", timeline[4].GetProperty("on").GetString());

        var identity = await s.CaseWorker.GetOkAsync($"/api/people/{view.GetProperty("participantId").GetString()}/identity");
        Assert.Equal("199003152387", identity.GetProperty("personnummer").GetString());
    }

    [Fact]
    public async Task an_exit_is_corrected_only_against_the_version_the_caller_read()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync(birthYear: 1985);
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit",
            new { exitedOn = "2024-05-31", reasonCode = "flyttat", meansOfSupportAtExit = "social_assistance", occupationAtExit = "none" });
        var read = await s.CaseWorker.GetAsync($"/api/participations/{id}");
        var etag = read.Headers.ETag!.Tag;
        var correction = new { exitedOn = "2024-05-30", reasonCode = "studier", meansOfSupportAtExit = "other", occupationAtExit = "studying", correctionReason = "Fel orsak registrerad" };

        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/participations/{id}/exit-correction", correction), HttpStatusCode.PreconditionRequired, "precondition_required");
        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/participations/{id}/exit-correction", correction, ifMatch: "\"1\""), HttpStatusCode.PreconditionFailed, "version_mismatch");
        var corrected = await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit-correction", correction, ifMatch: etag);

        Assert.Equal(3, corrected.GetProperty("version").GetInt64());
        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.Equal("studies", view.GetProperty("exitCategory").GetString());
        Assert.Equal("2024-05-30", view.GetProperty("exitedOn").GetString());
    }

    [Fact]
    public async Task no_personnummer_or_name_reaches_the_logs_the_events_or_any_read_model()
    {
        var s = await Scenario.CreateAsync(factory);
        var referral = await s.Group.PostOkAsync("/api/referrals", new
        {
            beredningsgruppId = s.GroupId, referringParty = "fk", receivedOn = "2024-01-10", gender = "man", person = new { personnummer = Samordningsnummer },
        });
        await s.Group.PostOkAsync($"/api/referrals/{Scenario.Id(referral)}/accept", new { insatsId = s.InsatsId, decidedOn = "2024-01-11" });
        var id = await s.EnrolAsync(personnummer: Personnummer);
        var bad = await s.CaseWorker.PostAsync("/api/participations", new
        {
            insatsId = s.InsatsId, enrolledOn = "2024-02-01", gender = "woman", consent = true, baseline = Scenario.Baseline(),
            person = new { personnummer = "19900315-2388" },
        });
        await ApiClient.ProblemAsync(bad, HttpStatusCode.BadRequest, "validation");
        Assert.DoesNotContain("2388", await bad.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit",
            new { exitedOn = "2024-03-01", reasonCode = "studier", meansOfSupportAtExit = "other", occupationAtExit = "studying" });

        var forbidden = new[] { "199003152387", "9003152387", "900315-2387", "199003152388", "900315", "199508613313", "9508613313", "950861" };
        foreach (var entry in factory.Logs.Entries)
        {
            Assert.DoesNotContain(forbidden, f => entry.Contains(f, StringComparison.Ordinal));
        }

        await using var db = NpgsqlDataSource.Create(factory.ConnectionString);
        foreach (var table in new[] { "es_events", "es_streams", "rm_referrals", "rm_participations", "api_idempotency" })
        {
            await using var cmd = db.CreateCommand($"SELECT coalesce(string_agg(t::text, '\n'), '') FROM {table} t");
            var dump = (string)(await cmd.ExecuteScalarAsync())!;
            Assert.DoesNotContain(forbidden, f => dump.Contains(f, StringComparison.Ordinal));
        }

        // the capture saw this test's requests (the tests log at Information and write only warnings to the console),
        // the refused one included, so the search above searched them
        Assert.Contains(factory.Logs.Entries, e => e.Contains("Route=/api/participations/; StatusCode=400;", StringComparison.Ordinal));
        Assert.Contains(factory.Logs.Entries, e => e.Contains("Route=/api/referrals/; StatusCode=201;", StringComparison.Ordinal));
    }

    [Fact]
    public async Task free_text_with_a_personnummer_and_a_token_whose_subject_is_one_are_refused_before_anything_is_recorded()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync(birthYear: 1980);

        var exit = await s.CaseWorker.PostAsync($"/api/participations/{id}/exit",
            new { exitedOn = "2024-03-01", reasonCode = "flyttat", meansOfSupportAtExit = "none", occupationAtExit = "none" });
        await ApiClient.OkJsonAsync(exit);
        var read = await s.CaseWorker.GetAsync($"/api/participations/{id}");
        var correction = await s.CaseWorker.PostAsync($"/api/participations/{id}/exit-correction",
            new { exitedOn = "2024-03-01", reasonCode = "flyttat", meansOfSupportAtExit = "none", occupationAtExit = "none", correctionReason = "Gällde 900315-2387, inte denna" },
            ifMatch: read.Headers.ETag!.Tag);
        var problem = await ApiClient.ProblemAsync(correction, HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty("correctionReason", out _));
        Assert.DoesNotContain("2387", problem.GetRawText(), StringComparison.Ordinal);

        var personalSubject = ApiClient.As(factory, FinsamOutcomes.Api.Infrastructure.Roles.CaseWorker, s.ForbundId, [s.InsatsId], actor: "199003152387");
        await ApiClient.ProblemAsync(await personalSubject.GetAsync($"/api/participations/{id}"), HttpStatusCode.Unauthorized, "unauthorized");

        // the personnummer in each of its written forms: its last four digits alone also occur in other tests' random ids
        // in this shared database (a fresh-clone CI run found three events with "2387" in a GUID)
        await using var db = NpgsqlDataSource.Create(factory.ConnectionString);
        await using var cmd = db.CreateCommand(
            "SELECT count(*) FROM es_events e, unnest(@forms) AS f (form) WHERE strpos(e.data::text, f.form) > 0 OR strpos(e.metadata::text, f.form) > 0");
        cmd.Parameters.AddWithValue("forms", new[] { "900315-2387", "9003152387", "199003152387", "19900315-2387" });
        Assert.Equal(0L, await cmd.ExecuteScalarAsync());
    }
}
