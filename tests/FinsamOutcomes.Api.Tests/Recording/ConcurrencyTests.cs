using System.Net;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>ETag is the stream version; If-Match pins it (412 when it moved); corrections require it (428).</summary>
public sealed class ConcurrencyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task every_resource_read_carries_its_version_as_etag()
    {
        var s = await Scenario.CreateAsync(factory);
        var participation = await s.EnrolAsync();
        await s.CaseWorker.PostOkAsync($"/api/participations/{participation}/activities", new { kind = "phone_contact", on = "2024-02-02", durationMinutes = 10 });
        var referral = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId)));

        Assert.Equal("\"2\"", (await s.CaseWorker.GetAsync($"/api/participations/{participation}")).Headers.ETag?.Tag);
        Assert.Equal("\"1\"", (await s.Group.GetAsync($"/api/referrals/{referral}")).Headers.ETag?.Tag);
        Assert.Equal("\"1\"", (await s.Admin.GetAsync($"/api/insatser/{s.InsatsId}")).Headers.ETag?.Tag);
        Assert.Equal("\"1\"", (await s.Admin.GetAsync($"/api/beredningsgrupper/{s.GroupId}")).Headers.ETag?.Tag);
        Assert.Equal("\"2\"", (await s.Admin.GetAsync($"/api/forbund/{s.ForbundId}")).Headers.ETag?.Tag); // registered + default exit reasons
    }

    [Fact]
    public async Task a_stale_if_match_is_refused_with_both_versions_and_changes_nothing()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();
        var etag = (await s.CaseWorker.GetAsync($"/api/participations/{id}")).Headers.ETag!.Tag;
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/activities", new { kind = "phone_contact", on = "2024-02-02", durationMinutes = 10 });

        var stale = await s.CaseWorker.PostAsync($"/api/participations/{id}/exit", Exit(), ifMatch: etag);

        var problem = await ApiClient.ProblemAsync(stale, HttpStatusCode.PreconditionFailed, "version_mismatch");
        Assert.Equal(1, problem.GetProperty("expectedVersion").GetInt64());
        Assert.Equal(2, problem.GetProperty("actualVersion").GetInt64());
        var view = await s.CaseWorker.GetOkAsync($"/api/participations/{id}");
        Assert.Equal("active", view.GetProperty("status").GetString());
        Assert.Equal(2, await CountEventsAsync(factory, ParticipationStream(id)));
    }

    [Fact]
    public async Task the_current_if_match_is_accepted_and_the_answer_carries_the_new_etag()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();
        var etag = (await s.CaseWorker.GetAsync($"/api/participations/{id}")).Headers.ETag!.Tag;

        var exited = await s.CaseWorker.PostAsync($"/api/participations/{id}/exit", Exit(), ifMatch: etag);

        await Status(exited, HttpStatusCode.OK);
        Assert.Equal("\"2\"", exited.Headers.ETag?.Tag);
        Assert.Equal(2, (await Json(exited)).GetProperty("version").GetInt64());
        Assert.True(long.Parse(exited.Headers.GetValues("X-Log-Position").Single(), System.Globalization.CultureInfo.InvariantCulture) > 0);
        Assert.Equal("\"2\"", (await s.CaseWorker.GetAsync($"/api/participations/{id}")).Headers.ETag?.Tag);
    }

    [Fact]
    public async Task a_weak_etag_is_read_as_the_same_version()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();

        var paused = await s.CaseWorker.PostAsync($"/api/participations/{id}/pause", new { on = "2024-03-01", reason = "other" }, ifMatch: "W/\"1\"");

        await Status(paused, HttpStatusCode.OK);
        Assert.Equal("\"2\"", paused.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task every_correction_without_if_match_is_refused_as_precondition_required()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit", Exit(exitedOn: "2024-05-31"));

        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync($"/api/participations/{id}/exit-correction",
                new { exitedOn = "2024-05-30", reasonCode = "flyttat", meansOfSupportAtExit = "other", occupationAtExit = "none", correctionReason = "Fel orsak" }),
            HttpStatusCode.PreconditionRequired, "precondition_required");
        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync($"/api/participations/{id}/enrolment-correction",
                new { enrolledOn = "2024-02-02", baseline = Scenario.Baseline(), correctionReason = "Fel datum" }),
            HttpStatusCode.PreconditionRequired, "precondition_required");
        await ApiClient.ProblemAsync(
            await s.CaseWorker.PostAsync($"/api/participations/{id}/registered-in-error", new { correctionReason = "Fel person" }),
            HttpStatusCode.PreconditionRequired, "precondition_required");

        Assert.Equal(2, await CountEventsAsync(factory, ParticipationStream(id)));
        var corrected = await s.CaseWorker.PostAsync($"/api/participations/{id}/enrolment-correction",
            new { enrolledOn = "2024-02-02", baseline = Scenario.Baseline(), correctionReason = "Fel datum" }, ifMatch: "\"2\"");
        await Status(corrected, HttpStatusCode.OK);
        Assert.Equal("\"3\"", corrected.Headers.ETag?.Tag);
        Assert.Equal("2024-02-02", (await s.CaseWorker.GetOkAsync($"/api/participations/{id}")).GetProperty("enrolledOn").GetString());
    }

    [Fact]
    public async Task if_match_pins_a_forbund_change_as_well()
    {
        var s = await Scenario.CreateAsync(factory);
        var member = new { memberId = "kommun-boden", kind = "kommun", name = "Bodens kommun", from = "2021-06-01" };

        await ApiClient.ProblemAsync(await s.Admin.PostAsync($"/api/forbund/{s.ForbundId}/members", member, ifMatch: "\"1\""), HttpStatusCode.PreconditionFailed, "version_mismatch");
        var joined = await s.Admin.PostAsync($"/api/forbund/{s.ForbundId}/members", member, ifMatch: "\"2\"");

        await Status(joined, HttpStatusCode.OK);
        Assert.Equal("\"3\"", joined.Headers.ETag?.Tag);
    }

    [Fact]
    public async Task two_changes_from_the_same_read_the_second_is_refused()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();
        await s.CaseWorker.PostOkAsync($"/api/participations/{id}/exit", Exit(exitedOn: "2024-05-31"));
        var etag = (await s.CaseWorker.GetAsync($"/api/participations/{id}")).Headers.ETag!.Tag;
        object Correction(string reason) => new { exitedOn = "2024-05-31", reasonCode = reason, meansOfSupportAtExit = "other", occupationAtExit = "none", correctionReason = "Rättad orsak" };

        var responses = await Task.WhenAll(
            s.CaseWorker.PostAsync($"/api/participations/{id}/exit-correction", Correction("flyttat"), ifMatch: etag),
            s.CaseWorker.PostAsync($"/api/participations/{id}/exit-correction", Correction("ohalsa"), ifMatch: etag));

        Assert.Equal([HttpStatusCode.OK, HttpStatusCode.PreconditionFailed], responses.Select(r => r.StatusCode).Order());
        Assert.Equal(3, await CountEventsAsync(factory, ParticipationStream(id)));
    }
}
