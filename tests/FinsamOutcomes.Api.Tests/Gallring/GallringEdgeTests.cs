using System.Net;
using FinsamOutcomes.Api.Features.Gallring;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using static FinsamOutcomes.Api.Tests.Gallring.GallringScheduleTests;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Gallring;

/// <summary>The gallring job's edges, each moving the fake clock forward from wherever it is: mergers, recent recognitions, identities nothing refers to, the lock.</summary>
public sealed class GallringEdgeTests(GallringFactory factory) : IClassFixture<GallringFactory>
{
    [Fact]
    public async Task a_merged_forbunds_people_follow_the_rule_of_the_successor_that_owns_their_insats_now()
    {
        await factory.WaitUntilStartedAsync();
        var predecessor = await Scenario.CreateAsync(factory);
        var person = await EnrolAsync(predecessor, "before the merger");
        await predecessor.CaseWorker.PostOkAsync($"/api/participations/{person.Participation}/exit", Exit("2024-06-14"));
        // the predecessor's own rule would keep the identity for ten years
        await Status(await predecessor.Admin.PutAsync($"/api/forbund/{predecessor.ForbundId}/retention", new { monthsAfterEnd = 120, reason = "Gamla planen" }), HttpStatusCode.OK);
        var successorId = TestIds.New("s", 12);
        await predecessor.National.PostOkAsync("/api/forbund/mergers", new { successorId, name = "Nya förbundet", predecessorIds = new[] { predecessor.ForbundId }, on = "2025-01-01" });
        var successorAdmin = ApiClient.As(factory, Roles.Administrator, successorId, actor: "successor-admin");
        await ApiClient.ProblemAsync(
            await predecessor.Admin.PutAsync($"/api/forbund/{predecessor.ForbundId}/retention", new { monthsAfterEnd = 12, reason = "För sent" }),
            HttpStatusCode.Conflict, "already_merged");
        await AssertIdentityKeptAsync(predecessor, person.Person);

        await Status(await successorAdmin.PutAsync($"/api/forbund/{successorId}/retention", new { monthsAfterEnd = 18, reason = "Nya planen" }), HttpStatusCode.OK);
        var run = await factory.RunScheduledAtAsync(factory.Clock.GetUtcNow().AddDays(2));

        Assert.True(run.Erased >= 1);
        Assert.False(await factory.Services.GetRequiredService<Features.People.IdentityVault>().HasIdentityAsync(person.Person.ParticipantId));
        Assert.Equal(1, await ScalarAsync(factory,
            "SELECT count(*) FROM identity_audit WHERE participant_id = $1 AND action = 'erased' AND actor = 'gallring' AND reason = $2",
            person.Person.ParticipantId, "Gallring: 18 månader efter avslut enligt förbundets regel"));
        var list = await successorAdmin.GetOkAsync($"/api/forbund/{successorId}/erasures");
        Assert.Contains(list.GetProperty("erasures").EnumerateArray(), e => e.GetProperty("participantId").GetString() == person.Person.ParticipantId);
    }

    [Fact]
    public async Task a_person_recognised_during_the_last_day_and_an_identity_nothing_refers_to_wait_their_turn()
    {
        await factory.WaitUntilStartedAsync();
        var s = await Scenario.CreateAsync(factory);
        var vault = factory.Services.GetRequiredService<Features.People.IdentityVault>();
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        var returning = await EnrolAsync(s, "returning");
        await s.CaseWorker.PostOkAsync($"/api/participations/{returning.Participation}/exit",
            Exit(today.AddMonths(-3).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)));
        var later = await factory.RunScheduledAtAsync(factory.Clock.GetUtcNow().AddDays(2));

        // two days after the enrolment the person is recognised again (their new enrolment is on its way), and
        // someone new is registered whose enrolment never comes
        var recognised = await vault.RegisterOrRecogniseAsync(s.ForbundId, Domain.People.Personnummer.Parse(returning.Person.Personnummer, later.Today), "handlaggare-1");
        Assert.Equal((returning.Person.ParticipantId, true), recognised);
        var (orphan, known) = await vault.RegisterOrRecogniseAsync(s.ForbundId, Domain.People.Personnummer.Parse(NewPersonnummer(), later.Today), "handlaggare-1");
        Assert.False(known);
        await Status(await s.Admin.PutAsync($"/api/forbund/{s.ForbundId}/retention", new { monthsAfterEnd = 1, reason = "Kort gallringsfrist" }), HttpStatusCode.OK);

        // due by the rule, but recognised within the last day: kept; the registration a month ago has not yet passed
        await factory.RunScheduledAtAsync(factory.Clock.GetUtcNow().AddHours(2));
        Assert.True(await vault.HasIdentityAsync(returning.Person.ParticipantId));
        Assert.True(await vault.HasIdentityAsync(orphan));

        // forty days later no new enrolment came: both go
        await factory.RunScheduledAtAsync(factory.Clock.GetUtcNow().AddDays(40));
        Assert.False(await vault.HasIdentityAsync(returning.Person.ParticipantId));
        Assert.False(await vault.HasIdentityAsync(orphan));
        Assert.Equal(2, await ScalarAsync(factory, "SELECT count(*) FROM identity_audit WHERE forbund_id = $1 AND action = 'erased' AND actor = 'gallring'", s.ForbundId));
    }

    [Fact]
    public async Task one_instance_at_a_time_runs_gallring()
    {
        await factory.WaitUntilStartedAsync();
        await using var other = await Db(factory).OpenConnectionAsync();
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(x'4741'::int, 1)", other))
        {
            await take.ExecuteNonQueryAsync();
        }

        var job = factory.Services.GetRequiredService<GallringJob>();
        Assert.False((await job.RunAsync()).Ran);

        await using (var release = new NpgsqlCommand("SELECT pg_advisory_unlock(x'4741'::int, 1)", other))
        {
            await release.ExecuteNonQueryAsync();
        }

        Assert.True((await job.RunAsync()).Ran);
    }
}
