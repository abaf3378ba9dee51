using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Gallring;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Gallring;

/// <summary>
/// The scheduled gallring job over the real service and PostgreSQL, driven by a fake clock: identities go exactly when
/// their förbund's retention time has passed after the end of the person's last participation or referral, and nothing
/// else changes. The one test of this class owns its clock from <see cref="GallringFactory.Start"/> on.
/// </summary>
public sealed class GallringScheduleTests(GallringFactory factory) : IClassFixture<GallringFactory>
{
    private const string Plan = "Dokumenthanteringsplan 2025 §4";

    internal sealed record Person(string Name, string ParticipantId, string Personnummer);

    [Fact]
    public async Task identities_are_erased_by_the_schedule_once_the_retention_time_after_the_last_end_has_passed_and_statistics_stay()
    {
        await factory.WaitUntilStartedAsync();
        var s = await Scenario.CreateAsync(factory);
        var unruled = await Scenario.CreateAsync(factory);

        // exited 2024-06-14: due after 2026-06-14
        var exitedEarly = await EnrolAsync(s, "exited early");
        await s.CaseWorker.PostOkAsync($"/api/participations/{exitedEarly.Participation}/exit", Exit("2024-06-14"));
        // exited 2025-03-31: due after 2027-03-31
        var exitedLater = await EnrolAsync(s, "exited later");
        await s.CaseWorker.PostOkAsync($"/api/participations/{exitedLater.Participation}/exit", Exit("2025-03-31"));
        // exited 2024-04-30, enrolled again (recognised: the same participant) and exited 2025-09-30: the later end counts
        var twice = await EnrolAsync(s, "twice");
        await s.CaseWorker.PostOkAsync($"/api/participations/{twice.Participation}/exit", Exit("2024-04-30"));
        var again = await EnrolAsync(s, "twice", twice.Person.Personnummer, "2025-01-02");
        Assert.Equal(twice.Person.ParticipantId, again.Person.ParticipantId);
        await s.CaseWorker.PostOkAsync($"/api/participations/{again.Participation}/exit", Exit("2025-09-30"));
        // never exited: kept for good
        var active = await EnrolAsync(s, "active");
        // paused, never exited: kept for good
        var paused = await EnrolAsync(s, "paused");
        await s.CaseWorker.PostOkAsync($"/api/participations/{paused.Participation}/pause", new { on = "2024-03-01", reason = "ill_health" });
        // registered in error, never exited: counts from its enrolment date 2024-02-01, due after 2026-02-01
        var inError = await EnrolAsync(s, "in error");
        await s.CaseWorker.PostOkAsync($"/api/participations/{inError.Participation}/registered-in-error", new { correctionReason = "Fel insats vald" }, ifMatch: "\"1\"");
        // a referral rejected on 2024-03-15 that never led to a participation: due after 2026-03-15
        var rejected = await ReferAsync(s, "rejected");
        await s.Group.PostOkAsync($"/api/referrals/{rejected.Referral}/reject", new { decidedOn = "2024-03-15", reason = "Utanför målgruppen" });
        // a referral still waiting for its decision: kept for good
        var waiting = await ReferAsync(s, "waiting");
        // exited 2024-06-14 in a förbund that never set a rule: kept
        var noRule = await EnrolAsync(unruled, "no rule");
        await unruled.CaseWorker.PostOkAsync($"/api/participations/{noRule.Participation}/exit", Exit("2024-06-14"));

        var everyone = new[] { exitedEarly.Person, exitedLater.Person, twice.Person, active.Person, paused.Person, inError.Person, rejected.Person, waiting.Person };
        var set = await s.Admin.PutAsync($"/api/forbund/{s.ForbundId}/retention", new { monthsAfterEnd = 24, reason = Plan });
        await Status(set, HttpStatusCode.OK);
        var analyst = ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId);
        var reportsBefore = await ReportsAsync(analyst, s.ForbundId);
        var eventsBefore = await CountEventsAsync(factory);

        // 2026-02-01: the last day of the registered-in-error one's retention; nothing goes
        var first = await factory.RunScheduledOnAsync(new DateOnly(2026, 2, 1));
        Assert.Equal(0, first.Erased);
        foreach (var person in everyone)
        {
            await AssertIdentityKeptAsync(s, person);
        }

        // the day after: only the registered-in-error one
        Assert.Equal(1, (await factory.RunScheduledOnAsync(new DateOnly(2026, 2, 2))).Erased);
        await AssertErasedAsync(s, inError.Person);
        await AssertIdentityKeptAsync(s, exitedEarly.Person);

        // 2026-07-01: the rejected referral and the early exit too
        Assert.Equal(2, (await factory.RunScheduledOnAsync(new DateOnly(2026, 7, 1))).Erased);
        await AssertErasedAsync(s, rejected.Person);
        await AssertErasedAsync(s, exitedEarly.Person);
        foreach (var person in new[] { exitedLater.Person, twice.Person, active.Person, paused.Person, waiting.Person })
        {
            await AssertIdentityKeptAsync(s, person);
        }

        // 2027-10-01: the later exit and the one enrolled twice; the active, the paused and the waiting ones stay
        Assert.Equal(2, (await factory.RunScheduledOnAsync(new DateOnly(2027, 10, 1))).Erased);
        await AssertErasedAsync(s, exitedLater.Person);
        await AssertErasedAsync(s, twice.Person);
        foreach (var person in new[] { active.Person, paused.Person, waiting.Person })
        {
            await AssertIdentityKeptAsync(s, person);
        }

        Assert.True(await factory.Services.GetRequiredService<Features.People.IdentityVault>().HasIdentityAsync(noRule.Person.ParticipantId));

        // the next run, an interval later, erases nothing more
        var again2 = await factory.RunScheduledAtAsync(factory.Clock.GetUtcNow().AddHours(1));
        Assert.Equal(0, again2.Erased);

        // the audit: one erasure each, by gallring, with the rule
        var erased = new[] { inError.Person, rejected.Person, exitedEarly.Person, exitedLater.Person, twice.Person };
        foreach (var person in erased)
        {
            Assert.Equal(1, await ScalarAsync(factory,
                "SELECT count(*) FROM identity_audit WHERE participant_id = $1 AND action = 'erased' AND actor = 'gallring' AND reason = $2",
                person.ParticipantId, "Gallring: 24 månader efter avslut enligt förbundets regel"));
        }

        Assert.Equal(erased.Length, await ScalarAsync(factory, "SELECT count(*) FROM identity_audit WHERE action = 'erased' AND forbund_id = $1", s.ForbundId));

        // the förbund's list shows them, with when and why, and no personal data
        var response = await s.Admin.GetAsync($"/api/forbund/{s.ForbundId}/erasures?from=2026-01-01&to=2027-12-31");
        var text = await response.Content.ReadAsStringAsync();
        var list = await ApiClient.OkJsonAsync(response);
        var entries = list.GetProperty("erasures").EnumerateArray().ToArray();
        Assert.Equal(
            [inError.Person.ParticipantId, .. new[] { rejected.Person.ParticipantId, exitedEarly.Person.ParticipantId }.Order(StringComparer.Ordinal),
             .. new[] { exitedLater.Person.ParticipantId, twice.Person.ParticipantId }.Order(StringComparer.Ordinal)],
            [entries[0].GetProperty("participantId").GetString()!, .. entries[1..3].Select(e => e.GetProperty("participantId").GetString()!).Order(StringComparer.Ordinal),
             .. entries[3..].Select(e => e.GetProperty("participantId").GetString()!).Order(StringComparer.Ordinal)]);
        Assert.All(entries, e => Assert.Equal("gallring", e.GetProperty("actor").GetString()));
        Assert.All(entries, e => Assert.Equal("Gallring: 24 månader efter avslut enligt förbundets regel", e.GetProperty("reason").GetString()));
        Assert.Equal(new DateTimeOffset(2026, 2, 2, 12, 0, 0, TimeSpan.Zero), entries[0].GetProperty("erasedAt").GetDateTimeOffset());
        foreach (var person in everyone)
        {
            Assert.DoesNotContain(person.Personnummer, text, StringComparison.Ordinal);
            Assert.DoesNotContain(person.Personnummer[2..8], text, StringComparison.Ordinal);
        }

        // a period narrows the list (days in Swedish time)
        var only2026 = await s.Admin.GetOkAsync($"/api/forbund/{s.ForbundId}/erasures?from=2026-02-02&to=2026-06-30");
        Assert.Equal([inError.Person.ParticipantId], only2026.GetProperty("erasures").EnumerateArray().Select(e => e.GetProperty("participantId").GetString()));
        Assert.Empty((await s.Admin.GetOkAsync($"/api/forbund/{s.ForbundId}/erasures?to=2026-02-01")).GetProperty("erasures").EnumerateArray());
        Assert.Equal(5, (await s.Admin.GetOkAsync($"/api/forbund/{s.ForbundId}/erasures")).GetProperty("erasures").GetArrayLength());
        // days within the API's date range (1900–2199); outside it a 400 naming the field (9999-12-31 answered 500, found by the fuzzer)
        Assert.Equal(5, (await s.Admin.GetOkAsync($"/api/forbund/{s.ForbundId}/erasures?from=1900-01-01&to=2199-12-31")).GetProperty("erasures").GetArrayLength());
        foreach (var query in new[] { "to=9999-12-31", "from=9999-12-31", "from=1899-12-31", "to=2200-01-01" })
        {
            var outside = await ApiClient.ProblemAsync(await s.Admin.GetAsync($"/api/forbund/{s.ForbundId}/erasures?{query}"), System.Net.HttpStatusCode.BadRequest, "validation");
            Assert.True(outside.GetProperty("errors").TryGetProperty(query[..query.IndexOf('=')], out _), query);
        }
        Assert.Empty((await unruled.Admin.GetOkAsync($"/api/forbund/{unruled.ForbundId}/erasures")).GetProperty("erasures").EnumerateArray());

        // statistics: not one figure changed, and not one event was written
        Assert.Equal(eventsBefore, await CountEventsAsync(factory));
        var reportsAfter = await ReportsAsync(analyst, s.ForbundId);
        Assert.Equal(reportsBefore, reportsAfter);

        // the participations are still there, under the same participant ids
        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{exitedEarly.Participation}");
        Assert.Equal(exitedEarly.Person.ParticipantId, view.GetProperty("participantId").GetString());
        Assert.Equal("exited", view.GetProperty("status").GetString());

        // nothing personal in any log line
        foreach (var person in everyone)
        {
            Assert.DoesNotContain(factory.Logs.Entries, e => e.Contains(person.Personnummer, StringComparison.Ordinal));
        }
    }

    internal static async Task<(string Participation, Person Person)> EnrolAsync(Scenario s, string name, string? personnummer = null, string enrolledOn = "2024-02-01")
    {
        personnummer ??= NewPersonnummer();
        var id = Scenario.Id(await s.CaseWorker.PostOkAsync("/api/participations", Enrolment(s.InsatsId, personnummer: personnummer, enrolledOn: enrolledOn)));
        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.True(view.GetProperty("identified").GetBoolean());
        return (id, new Person(name, view.GetProperty("participantId").GetString()!, personnummer));
    }

    private static async Task<(string Referral, Person Person)> ReferAsync(Scenario s, string name)
    {
        var personnummer = NewPersonnummer();
        var id = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId, personnummer: personnummer, receivedOn: "2024-03-04")));
        var view = await s.Group.GetOkAsync($"/api/referrals/{id}");
        return (id, new Person(name, view.GetProperty("participantId").GetString()!, personnummer));
    }

    internal static Task<string> AssertIdentityKeptAsync(Scenario s, Person person) => RevealAsync(s, person);

    private static async Task<string> RevealAsync(Scenario s, Person person)
    {
        var vault = s.Factory.Services.GetRequiredService<Features.People.IdentityVault>();
        Assert.True(await vault.HasIdentityAsync(person.ParticipantId), $"{person.Name}: the identity should still be there");
        // a case worker of an insats the person is in can still reveal it (people only referred have no case worker)
        var response = await s.CaseWorker.GetAsync($"/api/people/{person.ParticipantId}/identity");
        if (response.StatusCode == HttpStatusCode.OK)
        {
            Assert.Equal(person.Personnummer, (await ApiClient.OkJsonAsync(response)).GetProperty("personnummer").GetString());
        }
        else
        {
            await Status(response, HttpStatusCode.Forbidden);
        }

        return person.ParticipantId;
    }

    private static async Task AssertErasedAsync(Scenario s, Person person)
    {
        var vault = s.Factory.Services.GetRequiredService<Features.People.IdentityVault>();
        Assert.False(await vault.HasIdentityAsync(person.ParticipantId), $"{person.Name}: the identity should be erased");
        var response = await s.CaseWorker.GetAsync($"/api/people/{person.ParticipantId}/identity");
        Assert.True(response.StatusCode is HttpStatusCode.NotFound or HttpStatusCode.Forbidden, $"{person.Name}: {(int)response.StatusCode}");
        Assert.Equal(1, await ScalarAsync(s.Factory, "SELECT count(*) FROM identity_vault WHERE participant_id = $1 AND erased_at IS NOT NULL AND ciphertext IS NULL", person.ParticipantId));
    }

    /// <summary>The förbund's reports for 2024 and 2025 once the projection has caught up with the log, without the time they were produced.</summary>
    private async Task<string> ReportsAsync(ApiClient analyst, string forbundId)
    {
        var head = await ScalarAsync(factory, "SELECT coalesce(max(position), 0) FROM es_events");
        var reports = new List<string>();
        foreach (var period in new[] { "2024", "2025" })
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (true)
            {
                var report = JsonNode.Parse((await analyst.GetOkAsync($"/api/statistics/report?scope=forbund&forbundId={forbundId}&period={period}")).GetRawText())!.AsObject();
                var basis = report["basis"]!.AsObject();
                if (basis["position"]!.GetValue<long>() >= head)
                {
                    basis.Remove("producedAt");
                    basis.Remove("today");
                    reports.Add(report.ToJsonString());
                    break;
                }

                Assert.True(DateTime.UtcNow < deadline, "the statistics projection did not catch up");
                await Task.Delay(50);
            }
        }

        return string.Join("\n", reports);
    }
}
