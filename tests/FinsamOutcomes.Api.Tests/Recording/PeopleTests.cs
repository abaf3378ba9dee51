using System.Net;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>Identity apart from the events: revealed only to the person's case workers, erased on request, removed when protected, re-keyed.</summary>
public sealed class PeopleTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    /// <summary>The personnummer of the person whose samordningsnummer is <see cref="Recorded.Samordningsnummer"/> (born 1995-08-01).</summary>
    private const string SamordningsPersonnummer = "199508013316";

    private static async Task<(string ParticipationId, string ParticipantId)> EnrolIdentifiedAsync(ApiClient worker, string insatsId, string personnummer)
    {
        var id = Scenario.Id(await worker.PostOkAsync("/api/participations", Enrolment(insatsId, personnummer: personnummer)));
        var view = await worker.GetOkAsync($"/api/participations/{id}");
        Assert.True(view.GetProperty("identified").GetBoolean());
        return (id, view.GetProperty("participantId").GetString()!);
    }

    [Fact]
    public async Task erasure_by_the_forbund_administrator_forgets_the_identity_and_keeps_the_participation_and_its_events()
    {
        var s = await Scenario.CreateAsync(factory);
        var (id, participant) = await EnrolIdentifiedAsync(s.CaseWorker, s.InsatsId, Anna);
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit", Exit());
        Assert.Equal(Anna, (await s.CaseWorker.GetOkAsync($"/api/people/{participant}/identity")).GetProperty("personnummer").GetString());
        var eventsBefore = await DumpStreamAsync(factory, ParticipationStream(id));
        var allEvents = await CountEventsAsync(factory);

        var erased = await s.Admin.PostOkAsync($"/api/people/{participant}/erasure", new { reason = "Begäran om radering enligt GDPR art. 17" });

        Assert.True(erased.GetProperty("identityRemoved").GetBoolean());
        await ApiClient.ProblemAsync(await s.CaseWorker.GetAsync($"/api/people/{participant}/identity"), HttpStatusCode.NotFound, "not_found");
        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.Equal(participant, view.GetProperty("participantId").GetString());
        Assert.Equal("exited", view.GetProperty("status").GetString());
        Assert.Equal(eventsBefore, await DumpStreamAsync(factory, ParticipationStream(id)));
        Assert.Equal(allEvents, await CountEventsAsync(factory));
        Assert.Equal(1, await ScalarAsync(factory, "SELECT count(*) FROM identity_audit WHERE participant_id = $1 AND action = 'erased' AND actor = 'forbund-admin'", participant));
        Assert.False((await s.Admin.PostOkAsync($"/api/people/{participant}/erasure", new { reason = "Upprepad begäran" })).GetProperty("identityRemoved").GetBoolean());
    }

    [Fact]
    public async Task an_erased_person_enrolled_again_is_not_recognised_as_the_old_participant()
    {
        var s = await Scenario.CreateAsync(factory);
        var (id, participant) = await EnrolIdentifiedAsync(s.CaseWorker, s.InsatsId, Berit);
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit", Exit());
        await s.Admin.PostOkAsync($"/api/people/{participant}/erasure", new { reason = "Begäran om radering" });

        var (_, again) = await EnrolIdentifiedAsync(s.CaseWorker, s.InsatsId, Berit);

        Assert.NotEqual(participant, again);
        Assert.Equal(Berit, (await s.CaseWorker.GetOkAsync($"/api/people/{again}/identity")).GetProperty("personnummer").GetString());
    }

    [Fact]
    public async Task only_an_administrator_of_the_persons_forbund_may_erase()
    {
        var s = await Scenario.CreateAsync(factory);
        var other = await Scenario.CreateAsync(factory);
        var (_, participant) = await EnrolIdentifiedAsync(s.CaseWorker, s.InsatsId, Cecilia);

        await ApiClient.ProblemAsync(await other.Admin.PostAsync($"/api/people/{participant}/erasure", new { reason = "x" }), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/people/{participant}/erasure", new { reason = "x" }), HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(Cecilia, (await s.CaseWorker.GetOkAsync($"/api/people/{participant}/identity")).GetProperty("personnummer").GetString());
    }

    [Fact]
    public async Task protected_identity_starting_mid_insats_removes_the_identity_and_keeps_the_participation()
    {
        var s = await Scenario.CreateAsync(factory);
        var (id, participant) = await EnrolIdentifiedAsync(s.CaseWorker, s.InsatsId, Doris);

        var removed = await s.CaseWorker.PostOkAsync($"/api/people/{participant}/protected-identity", null!);

        Assert.True(removed.GetProperty("identityRemoved").GetBoolean());
        await ApiClient.ProblemAsync(await s.CaseWorker.GetAsync($"/api/people/{participant}/identity"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal("active", (await s.CaseWorker.GetOkAsync($"/api/participations/{id}")).GetProperty("status").GetString());
        Assert.Equal(1, await ScalarAsync(factory, "SELECT count(*) FROM identity_audit WHERE participant_id = $1 AND action = 'protected'", participant));
    }

    [Theory]
    [InlineData(true, true)]
    [InlineData(false, false)]
    public async Task a_person_with_protected_identity_or_without_consent_is_enrolled_anonymously(bool protectedIdentity, bool consent)
    {
        var s = await Scenario.CreateAsync(factory);
        var personnummer = NewPersonnummer();

        var id = Scenario.Id(await s.CaseWorker.PostOkAsync("/api/participations",
            Enrolment(s.InsatsId, personnummer: personnummer, consent: consent, protectedIdentity: protectedIdentity, gender: "not_stated")));

        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.False(view.GetProperty("identified").GetBoolean());
        Assert.Equal(int.Parse(personnummer[..4], System.Globalization.CultureInfo.InvariantCulture), view.GetProperty("birthYear").GetInt32());
        var participant = view.GetProperty("participantId").GetString()!;
        await ApiClient.ProblemAsync(await s.CaseWorker.GetAsync($"/api/people/{participant}/identity"), HttpStatusCode.NotFound, "not_found");
        Assert.Equal(0, await ScalarAsync(factory, "SELECT count(*) FROM identity_vault WHERE forbund_id = $1", s.ForbundId));
    }

    [Fact]
    public async Task a_refused_enrolment_or_referral_leaves_no_identity_behind()
    {
        var s = await Scenario.CreateAsync(factory);
        await s.Admin.PostOkAsync($"/api/insatser/{s.InsatsId}/close", new { closedOn = "2024-03-01" });
        var future = DateOnly.FromDateTime(DateTime.Today.AddDays(7)).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync("/api/participations", Enrolment(s.InsatsId, personnummer: NewPersonnummer(), enrolledOn: "2024-03-04")),
            HttpStatusCode.Conflict, "insats_closed");
        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync("/api/participations", Enrolment(s.InsatsId, personnummer: "194001015553", enrolledOn: "2024-02-01")),
            HttpStatusCode.Conflict, "age_outside_target_group");
        await ApiClient.ProblemAsync(await s.Group.PostAsync("/api/referrals", Referral(s.GroupId, personnummer: NewPersonnummer(), receivedOn: future)),
            HttpStatusCode.Conflict, "date_in_future");

        // nothing leads to such an identity again (no participation, no referral), so it could never be revealed or erased
        Assert.Equal(0, await ScalarAsync(factory, "SELECT count(*) FROM identity_vault WHERE forbund_id = $1", s.ForbundId));
        Assert.Equal(0, await ScalarAsync(factory, "SELECT count(*) FROM identity_audit WHERE forbund_id = $1", s.ForbundId));
    }

    [Fact]
    public async Task a_samordningsnummer_rekeyed_to_a_personnummer_keeps_the_participant_who_is_then_recognised_by_it()
    {
        var s = await Scenario.CreateAsync(factory);
        var other = await AnotherInsatsAsync(s);
        var worker = ApiClient.As(factory, Roles.CaseWorker, s.ForbundId, [s.InsatsId, other], actor: "handlaggare-1");
        var (_, participant) = await EnrolIdentifiedAsync(worker, s.InsatsId, Samordningsnummer);
        Assert.True((await worker.GetOkAsync($"/api/people/{participant}/identity")).GetProperty("isSamordningsnummer").GetBoolean());

        var rekeyed = await worker.PostOkAsync($"/api/people/{participant}/rekey", new { personnummer = "19950801-3316" });

        Assert.Equal(participant, rekeyed.GetProperty("participantId").GetString());
        var identity = await worker.GetOkAsync($"/api/people/{participant}/identity");
        Assert.Equal(SamordningsPersonnummer, identity.GetProperty("personnummer").GetString());
        Assert.False(identity.GetProperty("isSamordningsnummer").GetBoolean());
        var (_, elsewhere) = await EnrolIdentifiedAsync(worker, other, SamordningsPersonnummer);
        Assert.Equal(participant, elsewhere);
    }

    [Fact]
    public async Task rekeying_to_the_number_of_another_participant_is_refused_without_the_number()
    {
        var s = await Scenario.CreateAsync(factory);
        var (_, first) = await EnrolIdentifiedAsync(s.CaseWorker, s.InsatsId, Anna);
        var (_, second) = await EnrolIdentifiedAsync(s.CaseWorker, s.InsatsId, Berit);

        var response = await s.CaseWorker.PostAsync($"/api/people/{second}/rekey", new { personnummer = Anna });

        await ApiClient.ProblemAsync(response, HttpStatusCode.Conflict, "identity.already_registered");
        await AssertClean(response);
        Assert.Equal(Berit, (await s.CaseWorker.GetOkAsync($"/api/people/{second}/identity")).GetProperty("personnummer").GetString());
        Assert.Equal(Anna, (await s.CaseWorker.GetOkAsync($"/api/people/{first}/identity")).GetProperty("personnummer").GetString());
    }

    [Fact]
    public async Task only_a_case_worker_of_an_insats_the_person_is_in_sees_the_identity()
    {
        var s = await Scenario.CreateAsync(factory);
        var other = await AnotherInsatsAsync(s);
        var (_, participant) = await EnrolIdentifiedAsync(s.CaseWorker, s.InsatsId, Anna);
        var url = $"/api/people/{participant}/identity";

        var otherInsats = ApiClient.As(factory, Roles.CaseWorker, s.ForbundId, [other], actor: "handlaggare-annan");
        var otherForbund = ApiClient.As(factory, Roles.CaseWorker, TestIds.New("f", 12), [s.InsatsId], actor: "handlaggare-annat-forbund");
        var manager = ApiClient.As(factory, Roles.InsatsManager, s.ForbundId, [s.InsatsId], actor: "insatsansvarig");

        foreach (var client in new[] { otherInsats, otherForbund, manager, s.Admin, s.National, s.Group })
        {
            var response = await client.GetAsync(url);
            await ApiClient.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
            await AssertClean(response);
        }

        Assert.Equal(0, await ScalarAsync(factory, "SELECT count(*) FROM identity_audit WHERE participant_id = $1 AND action = 'revealed'", participant));
        await s.CaseWorker.GetOkAsync(url);
        Assert.Equal(1, await ScalarAsync(factory, "SELECT count(*) FROM identity_audit WHERE participant_id = $1 AND action = 'revealed' AND actor = 'handlaggare-1'", participant));
    }
}
