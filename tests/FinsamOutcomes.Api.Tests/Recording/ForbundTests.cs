using System.Net;
using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>The organisation register over HTTP: members joining and leaving, the förbund's own exit reasons, and mergers.</summary>
public sealed class ForbundTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static readonly object[] OwnReasons =
    [
        new { code = "anstallning", category = "work", label = "Anställning", positive = true },
        new { code = "komvux", category = "studies", label = "Komvux", positive = true },
        new { code = "aterremiss", category = "returned", label = "Åter till remittent", positive = false },
        new { code = "annat", category = "other", label = "Annat", positive = false },
    ];

    [Fact]
    public async Task a_kommun_joins_mid_year_and_another_leaves_and_the_forbund_shows_both_with_their_dates()
    {
        var s = await Scenario.CreateAsync(factory);
        await s.Admin.PostOkAsync($"/api/forbund/{s.ForbundId}/members", new { memberId = "region-norrbotten", kind = "region", name = "Region Norrbotten", from = "2020-01-01" });
        await s.Admin.PostOkAsync($"/api/forbund/{s.ForbundId}/members", new { memberId = "kommun-lulea", kind = "kommun", name = "Luleå kommun", from = "2020-01-01" });
        await s.Admin.PostOkAsync($"/api/forbund/{s.ForbundId}/members", new { memberId = "kommun-boden", kind = "kommun", name = "Bodens kommun", from = "2021-06-01" });

        var left = await s.Admin.PostOkAsync($"/api/forbund/{s.ForbundId}/members/kommun-lulea/leave", new { to = "2023-12-31" });
        await ApiClient.ProblemAsync(
            await s.Admin.PostAsync($"/api/forbund/{s.ForbundId}/members", new { memberId = "region-2", kind = "region", name = "Region Västerbotten", from = "2022-01-01" }),
            HttpStatusCode.Conflict, "member_kind_already_present");
        await ApiClient.ProblemAsync(
            await s.Admin.PostAsync($"/api/forbund/{s.ForbundId}/members/kommun-pitea/leave", new { to = "2023-12-31" }),
            HttpStatusCode.Conflict, "not_a_member");

        Assert.Equal(1, left.GetProperty("eventsAppended").GetInt32());
        var forbund = await s.Admin.GetOkAsync($"/api/forbund/{s.ForbundId}");
        var members = forbund.GetProperty("members").EnumerateArray().ToDictionary(m => m.GetProperty("memberId").GetString()!);
        Assert.Equal(["kommun-boden", "kommun-lulea", "region-norrbotten"], members.Keys.Order());
        Assert.Equal("2021-06-01", members["kommun-boden"].GetProperty("from").GetString());
        Assert.Equal(JsonValueKind.Null, members["kommun-boden"].GetProperty("to").ValueKind);
        Assert.Equal("2023-12-31", members["kommun-lulea"].GetProperty("to").GetString());
        Assert.Equal("kommun", members["kommun-lulea"].GetProperty("kind").GetString());
        Assert.Equal(2, await ScalarAsync(factory, "SELECT count(*) FROM rm_forbund_members WHERE forbund_id = $1 AND left_on IS NULL", s.ForbundId));
    }

    [Fact]
    public async Task replaced_exit_reasons_are_the_only_ones_an_exit_may_use()
    {
        var s = await Scenario.CreateAsync(factory);
        var first = await s.EnrolAsync();
        var second = await s.EnrolAsync(birthYear: 1984);

        var set = await s.Admin.PutAsync($"/api/forbund/{s.ForbundId}/exit-reasons", new { reasons = OwnReasons });

        await Status(set, HttpStatusCode.OK);
        var forbund = await s.Admin.GetOkAsync($"/api/forbund/{s.ForbundId}");
        Assert.Equal(["anstallning", "komvux", "aterremiss", "annat"], forbund.GetProperty("exitReasons").EnumerateArray().Select(r => r.GetProperty("code").GetString()));
        await ApiClient.ProblemAsync(await s.CaseWorker.PostAsync($"/api/participations/{first}/exit", Exit(reasonCode: "flyttat")), HttpStatusCode.Conflict, "unknown_exit_reason");
        await s.CaseWorker.PostOkAsync($"/api/participations/{second}/exit", Exit(reasonCode: "komvux"));
        var exited = await s.CaseWorker.GetOkAsync($"/api/participations/{second}");
        Assert.Equal("studies", exited.GetProperty("exitCategory").GetString());
        Assert.Equal("active", (await s.CaseWorker.GetOkAsync($"/api/participations/{first}")).GetProperty("status").GetString());
    }

    [Fact]
    public async Task an_exit_reason_list_without_every_category_is_refused_and_the_old_list_stays()
    {
        var s = await Scenario.CreateAsync(factory);

        var response = await s.Admin.PutAsync($"/api/forbund/{s.ForbundId}/exit-reasons", new { reasons = OwnReasons[..3] });

        await ApiClient.ProblemAsync(response, HttpStatusCode.Conflict, "exit_category_missing");
        Assert.Equal(16, (await s.Admin.GetOkAsync($"/api/forbund/{s.ForbundId}")).GetProperty("exitReasons").GetArrayLength());
    }

    [Fact]
    public async Task a_merger_moves_the_insatser_to_the_successor_keeps_old_participations_workable_and_a_retry_adds_nothing()
    {
        var pyramis = await Scenario.CreateAsync(factory);
        var activus = await Scenario.CreateAsync(factory);
        var before = await pyramis.EnrolAsync(personnummer: Anna);
        var successor = TestIds.New("sodra-", 18);
        var key = Guid.NewGuid().ToString();
        var merger = new { successorId = successor, name = "Samordningsförbundet Södra Norrbotten", predecessorIds = new[] { pyramis.ForbundId, activus.ForbundId }, on = "2024-06-01" };

        var merged = await pyramis.National.PostAsync("/api/forbund/mergers", merger, key);

        await Status(merged, HttpStatusCode.Created);
        Assert.Equal(successor, (await Json(merged)).GetProperty("id").GetString());
        var admin = ApiClient.As(factory, Roles.Administrator, successor, actor: "sodra-admin");
        foreach (var insats in new[] { pyramis.InsatsId, pyramis.HeadCountInsatsId, activus.InsatsId, activus.HeadCountInsatsId })
        {
            Assert.Equal(successor, (await admin.GetOkAsync($"/api/insatser/{insats}")).GetProperty("forbundId").GetString());
        }

        Assert.Equal(4, (await admin.GetOkAsync($"/api/insatser?forbundId={successor}")).GetArrayLength());
        Assert.Equal(0, (await pyramis.Admin.GetOkAsync($"/api/insatser?forbundId={pyramis.ForbundId}")).GetArrayLength());
        var old = await pyramis.Admin.GetOkAsync($"/api/forbund/{pyramis.ForbundId}");
        Assert.Equal(successor, old.GetProperty("successorId").GetString());
        Assert.Equal("2024-06-01", old.GetProperty("mergedOn").GetString());
        var formed = await admin.GetOkAsync($"/api/forbund/{successor}");
        Assert.Equal([pyramis.ForbundId, activus.ForbundId], formed.GetProperty("predecessorIds").EnumerateArray().Select(p => p.GetString()));

        // the successor's case worker of the moved insats works with the participation enrolled before the merger
        var worker = ApiClient.As(factory, Roles.CaseWorker, successor, [pyramis.InsatsId], actor: "sodra-handlaggare");
        var view = await worker.GetOkAsync($"/api/participations/{before}");
        Assert.Equal("active", view.GetProperty("status").GetString());
        await worker.GetOkAsync($"/api/participations/{before}/timeline");
        Assert.Single((await worker.GetOkAsync($"/api/insatser/{pyramis.InsatsId}/participations")).EnumerateArray());
        Assert.Equal(Anna, (await worker.GetOkAsync($"/api/people/{view.GetProperty("participantId").GetString()}/identity")).GetProperty("personnummer").GetString());
        await worker.PostOkAsync($"/api/participations/{before}/exit", Exit(exitedOn: "2024-06-14"));
        await worker.PostOkAsync("/api/participations", Enrolment(pyramis.InsatsId, birthYear: 1983, enrolledOn: "2024-06-03"));
        await ApiClient.ProblemAsync(await pyramis.CaseWorker.GetAsync($"/api/participations/{before}"), HttpStatusCode.Forbidden, "forbidden");
        var erased = await admin.PostOkAsync($"/api/people/{view.GetProperty("participantId").GetString()}/erasure", new { reason = "Begäran om radering" });
        Assert.True(erased.GetProperty("identityRemoved").GetBoolean());

        // the same merger again: replayed with the key, and appended nothing even when its first answer was lost
        var events = await CountEventsAsync(factory);
        var replayed = await pyramis.National.PostAsync("/api/forbund/mergers", merger, key);
        await Status(replayed, HttpStatusCode.Created);
        Assert.Equal(["true"], replayed.Headers.GetValues("Idempotency-Replayed"));
        await ForgetStoredAnswersAsync(factory);
        var retried = await pyramis.National.PostAsync("/api/forbund/mergers", merger, key);
        Assert.True(retried.IsSuccessStatusCode, $"{(int)retried.StatusCode}: {await retried.Content.ReadAsStringAsync()}");
        Assert.Equal(0, (await Json(retried)).GetProperty("eventsAppended").GetInt32());
        Assert.Equal(events, await CountEventsAsync(factory));
        Assert.Equal(4, await ScalarAsync(factory, "SELECT count(*) FROM es_events WHERE event_type = 'insats.transferred.v1' AND data->>'toForbundId' = $1", successor));
    }

    [Fact]
    public async Task a_merger_by_a_forbund_administrator_or_into_an_existing_forbund_is_refused()
    {
        var a = await Scenario.CreateAsync(factory);
        var b = await Scenario.CreateAsync(factory);

        await ApiClient.ProblemAsync(
            await a.Admin.PostAsync("/api/forbund/mergers", new { successorId = "ny-1", name = "Ny", predecessorIds = new[] { a.ForbundId, b.ForbundId }, on = "2024-06-01" }),
            HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(
            await a.National.PostAsync("/api/forbund/mergers", new { successorId = a.ForbundId, name = "Ny", predecessorIds = new[] { b.ForbundId }, on = "2024-06-01" }),
            HttpStatusCode.Conflict, "already_registered");

        Assert.Equal(a.ForbundId, (await a.Admin.GetOkAsync($"/api/insatser/{a.InsatsId}")).GetProperty("forbundId").GetString());
        Assert.Equal(b.ForbundId, (await b.Admin.GetOkAsync($"/api/insatser/{b.InsatsId}")).GetProperty("forbundId").GetString());
    }
}
