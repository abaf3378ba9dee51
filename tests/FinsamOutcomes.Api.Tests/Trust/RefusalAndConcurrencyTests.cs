using System.Net;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Trust;

/// <summary>
/// Refused means nothing stored: a refused request leaves no event, vault row, audit row, read-model row or
/// stored answer. Rules that count across streams hold under concurrency, and so does one Idempotency-Key.
/// </summary>
public sealed class RefusalAndConcurrencyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    /// <summary>Every table a write touches synchronously, dumped in a stable order (the statistics facts follow asynchronously).</summary>
    private async Task<string> SnapshotAsync()
    {
        var tables = new List<string> { "es_events", "es_streams", "identity_vault", "identity_audit", "api_idempotency" };
        await using (var list = Db(factory).CreateCommand(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name LIKE 'rm\\_%' ORDER BY table_name"))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        Assert.Contains("rm_participations", tables);
        var dump = new System.Text.StringBuilder();
        foreach (var table in tables)
        {
            await using var cmd = Db(factory).CreateCommand($"SELECT count(*)::text || E'\\n' || coalesce(string_agg(t::text, E'\\n' ORDER BY t::text), '') FROM {table} t");
            dump.Append(table).Append(": ").AppendLine((string)(await cmd.ExecuteScalarAsync())!);
        }

        return dump.ToString();
    }

    private static object DirectEnrolment(string insatsId, string personnummer, string homeKommun = "Lulea") => new
    {
        insatsId,
        enrolledOn = "2024-02-01",
        gender = "woman",
        consent = true,
        person = new { personnummer },
        baseline = new { meansOfSupport = "social_assistance", occupation = "none", education = "upper_secondary", homeKommun, monthsOnSupportBefore = 30, hasSgi = false },
    };

    [Fact]
    public async Task a_new_person_enrolled_with_a_malformed_or_stale_if_match_leaves_no_identity_and_nothing_else()
    {
        var s = await Scenario.CreateAsync(factory);
        var before = await SnapshotAsync();

        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync("/api/participations", DirectEnrolment(s.InsatsId, NewPersonnummer()), ifMatch: "garbage"), HttpStatusCode.BadRequest, "bad_header");
        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync("/api/participations", DirectEnrolment(s.InsatsId, NewPersonnummer()), ifMatch: "\"5\""), HttpStatusCode.PreconditionFailed, "version_mismatch");
        await ApiClient.ProblemAsync(
            await s.Group.PostAsync("/api/referrals", Referral(s.GroupId, personnummer: NewPersonnummer()), ifMatch: "garbage"), HttpStatusCode.BadRequest, "bad_header");
        await ApiClient.ProblemAsync(
            await s.Group.PostAsync("/api/referrals", Referral(s.GroupId, personnummer: NewPersonnummer()), ifMatch: "\"3\""), HttpStatusCode.PreconditionFailed, "version_mismatch");

        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task an_enrolment_refused_because_the_person_is_already_active_writes_no_audit_row()
    {
        var s = await Scenario.CreateAsync(factory);
        var anna = NewPersonnummer();
        await s.EnrolAsync(personnummer: anna);
        var auditRows = await ScalarAsync(factory, "SELECT count(*) FROM identity_audit WHERE forbund_id = $1", s.ForbundId);
        Assert.Equal(1L, auditRows); // registered
        var before = await SnapshotAsync();

        var again = await s.CaseWorker.PostAsync("/api/participations", DirectEnrolment(s.InsatsId, anna));

        await ApiClient.ProblemAsync(again, HttpStatusCode.Conflict, "already_active_in_insats");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Fact]
    public async Task an_enrolment_from_a_referral_refused_by_the_rules_leaves_no_audit_of_the_identity_read()
    {
        var s = await Scenario.CreateAsync(factory);
        var referral = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId, personnummer: NewPersonnummer())));
        await s.Group.PostOkAsync($"/api/referrals/{referral}/accept", Accept(s.InsatsId));
        var before = await SnapshotAsync();

        // enrolled before the insats started: refused by the rules after the referral's identity was read
        var early = await s.CaseWorker.PostAsync("/api/participations", new
        {
            insatsId = s.InsatsId, referralId = referral, enrolledOn = "2023-06-01", gender = "woman", consent = true, baseline = Scenario.Baseline(),
        });

        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);
        Assert.Equal(before, await SnapshotAsync());

        var enrolled = await s.CaseWorker.PostOkAsync("/api/participations", new
        {
            insatsId = s.InsatsId, referralId = referral, enrolledOn = "2024-02-01", gender = "woman", consent = true, baseline = Scenario.Baseline(),
        });
        Assert.NotNull(Scenario.Id(enrolled));
        Assert.Equal(1L, await ScalarAsync(factory, "SELECT count(*) FROM identity_audit WHERE forbund_id = $1 AND action = 'revealed'", s.ForbundId));
    }

    [Fact]
    public async Task sixteen_simultaneous_acceptances_against_a_cap_of_three_let_exactly_three_in()
    {
        const int cap = 3;
        var s = await Scenario.CreateAsync(factory, weeklyCap: cap);
        var referrals = new List<string>();
        for (var i = 0; i < 16; i++)
        {
            referrals.Add(Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId))));
        }

        using var start = new SemaphoreSlim(0);
        var attempts = referrals.Select(async id =>
        {
            await start.WaitAsync();
            return await s.Group.PostAsync($"/api/referrals/{id}/accept", Accept(s.InsatsId, decidedOn: "2024-01-17"));
        }).ToArray();
        start.Release(referrals.Count);
        var answers = await Task.WhenAll(attempts);

        Assert.Equal(cap, answers.Count(a => a.StatusCode == HttpStatusCode.OK));
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.OK))
        {
            await ApiClient.ProblemAsync(refused, HttpStatusCode.Conflict, "intake_cap_reached");
        }

        Assert.Equal(cap, await ScalarAsync(factory,
            "SELECT count(*) FROM rm_referrals WHERE beredningsgrupp_id = $1 AND status = 'accepted'", s.GroupId));
        Assert.Equal(cap, await ScalarAsync(factory,
            "SELECT count(*) FROM es_events WHERE event_type = 'referral.accepted.v1' AND forbund_id = $1", s.ForbundId));
    }

    [Fact]
    public async Task the_cap_counts_what_was_accepted_before_and_an_override_still_lets_one_in()
    {
        var s = await Scenario.CreateAsync(factory, weeklyCap: 2);
        var first = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId)));
        await s.Group.PostOkAsync($"/api/referrals/{first}/accept", Accept(s.InsatsId, decidedOn: "2024-01-16"));
        var two = new[]
        {
            Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId))),
            Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId))),
        };

        var answers = await Task.WhenAll(two.Select(id => s.Group.PostAsync($"/api/referrals/{id}/accept", Accept(s.InsatsId, decidedOn: "2024-01-18"))));

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.OK);
        var refusedId = two[Array.FindIndex(answers, a => a.StatusCode != HttpStatusCode.OK)];
        await s.Group.PostOkAsync($"/api/referrals/{refusedId}/accept", Accept(s.InsatsId, decidedOn: "2024-01-18", overrideReason: "Akut behov, beslut i gruppen"));
        Assert.Equal(3L, await ScalarAsync(factory, "SELECT count(*) FROM rm_referrals WHERE beredningsgrupp_id = $1 AND status = 'accepted'", s.GroupId));
    }

    [Fact]
    public async Task sixteen_simultaneous_requests_with_one_key_and_different_bodies_record_one_and_refuse_fifteen()
    {
        var s = await Scenario.CreateAsync(factory);
        var eventsBefore = await CountEventsAsync(factory);
        var key = Guid.NewGuid().ToString();

        using var start = new SemaphoreSlim(0);
        var attempts = Enumerable.Range(1, 16).Select(async day =>
        {
            await start.WaitAsync();
            return await s.Group.PostAsync("/api/referrals", Referral(s.GroupId, receivedOn: $"2024-02-{day:00}"), key: key);
        }).ToArray();
        start.Release(16);
        var answers = await Task.WhenAll(attempts);

        Assert.Single(answers, a => a.StatusCode == HttpStatusCode.Created);
        foreach (var refused in answers.Where(a => a.StatusCode != HttpStatusCode.Created))
        {
            await ApiClient.ProblemAsync(refused, HttpStatusCode.UnprocessableEntity, "idempotency_key_reused");
        }

        Assert.Equal(eventsBefore + 1, await CountEventsAsync(factory));
        var winner = Array.FindIndex(answers, a => a.StatusCode == HttpStatusCode.Created);
        var recorded = await s.Group.GetOkAsync($"/api/referrals/{Scenario.Id(await Json(answers[winner]))}");
        Assert.Equal($"2024-02-{winner + 1:00}", recorded.GetProperty("receivedOn").GetString()); // the body that won is the one recorded
    }

    [Fact]
    public async Task sixteen_simultaneous_identical_requests_with_one_key_record_once_and_replay_the_answer()
    {
        var s = await Scenario.CreateAsync(factory);
        var eventsBefore = await CountEventsAsync(factory);
        var key = Guid.NewGuid().ToString();

        var answers = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => s.Group.PostAsync("/api/referrals", Referral(s.GroupId), key: key)));

        Assert.All(answers, a => Assert.Equal(HttpStatusCode.Created, a.StatusCode));
        Assert.Equal(15, answers.Count(a => a.Headers.Contains("Idempotency-Replayed")));
        Assert.Single((await Task.WhenAll(answers.Select(a => a.Content.ReadAsStringAsync()))).Distinct());
        Assert.Equal(eventsBefore + 1, await CountEventsAsync(factory));
    }

    [Fact]
    public async Task a_retry_after_a_lost_answer_with_another_body_is_refused_by_the_store_not_taken_as_a_replay()
    {
        var s = await Scenario.CreateAsync(factory);
        var key = Guid.NewGuid().ToString();
        await ApiClient.OkJsonAsync(await s.Group.PostAsync("/api/referrals", Referral(s.GroupId, receivedOn: "2024-02-01"), key: key));
        await ForgetStoredAnswersAsync(factory); // as if the process died between the commit and storing the answer
        var before = await SnapshotAsync();

        var other = await s.Group.PostAsync("/api/referrals", Referral(s.GroupId, receivedOn: "2024-02-02"), key: key);

        // the decider sees the stream the key names already received (409); never a 2xx for what was not recorded
        await ApiClient.ProblemAsync(other, HttpStatusCode.Conflict, "already_received");
        Assert.Equal(before, await SnapshotAsync());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public async Task a_token_without_a_usable_subject_is_refused_with_401_and_records_nothing(string? subject)
    {
        var s = await Scenario.CreateAsync(factory);
        var participation = await s.EnrolAsync();
        var events = await CountEventsAsync(factory);
        var anonymous = WithToken(factory, FinsamOutcomes.Api.Infrastructure.Roles.CaseWorker, s.ForbundId, insatser: [s.InsatsId], subject: subject);

        await ApiClient.ProblemAsync(await anonymous.PostAsync($"/api/participations/{participation}/activities",
            new { kind = "phone_contact", on = "2024-02-02", durationMinutes = 10 }), HttpStatusCode.Unauthorized, "unauthorized");
        await ApiClient.ProblemAsync(await anonymous.GetAsync($"/api/participations/{participation}"), HttpStatusCode.Unauthorized, "unauthorized");

        Assert.Equal(events, await CountEventsAsync(factory));
        Assert.Equal(0L, await ScalarAsync(factory, "SELECT count(*) FROM es_events WHERE metadata->>'actor' = 'unknown'"));
    }
}
