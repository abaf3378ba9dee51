using System.Net;
using System.Text;
using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Gallring;

/// <summary>The förbund's retention rule and its list of erased identities over HTTP: who may, what is refused, what is stored.</summary>
public sealed class RetentionAndErasureListTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private const string Plan = "Dokumenthanteringsplan 2025 §4";

    [Fact]
    public async Task the_administrator_sets_the_rule_the_forbund_shows_it_and_the_same_rule_again_appends_nothing()
    {
        var s = await Scenario.CreateAsync(factory);
        Assert.Equal(JsonValueKind.Null, (await s.Admin.GetOkAsync($"/api/forbund/{s.ForbundId}")).GetProperty("retention").ValueKind);

        var set = await ApiClient.OkJsonAsync(await s.Admin.PutAsync($"/api/forbund/{s.ForbundId}/retention", new { monthsAfterEnd = 24, reason = Plan }));
        var again = await ApiClient.OkJsonAsync(await s.Admin.PutAsync($"/api/forbund/{s.ForbundId}/retention", new { monthsAfterEnd = 24, reason = Plan }));

        Assert.Equal(1, set.GetProperty("eventsAppended").GetInt32());
        Assert.Equal(0, again.GetProperty("eventsAppended").GetInt32());
        var retention = (await s.Admin.GetOkAsync($"/api/forbund/{s.ForbundId}")).GetProperty("retention");
        Assert.Equal(24, retention.GetProperty("monthsAfterEnd").GetInt32());
        Assert.Equal(Plan, retention.GetProperty("reason").GetString());
        Assert.Equal(1, await ScalarAsync(factory,
            "SELECT count(*) FROM es_events WHERE stream_id = $1 AND event_type = 'forbund.retention_rule_set.v1' AND data = $2::jsonb",
            $"forbund-{s.ForbundId}", JsonSerializer.Serialize(new { forbundId = s.ForbundId, monthsAfterEnd = 24, reason = Plan })));
        Assert.Equal(24, await ScalarAsync(factory, "SELECT retention_months FROM rm_forbund WHERE forbund_id = $1", s.ForbundId));

        var changed = await ApiClient.OkJsonAsync(await s.Admin.PutAsync($"/api/forbund/{s.ForbundId}/retention", new { monthsAfterEnd = 36, reason = "Dokumenthanteringsplan 2026 §4" }));
        Assert.Equal(1, changed.GetProperty("eventsAppended").GetInt32());
        Assert.Equal(36, (await s.Admin.GetOkAsync($"/api/forbund/{s.ForbundId}")).GetProperty("retention").GetProperty("monthsAfterEnd").GetInt32());
        Assert.Equal(36, await ScalarAsync(factory, "SELECT retention_months FROM rm_forbund WHERE forbund_id = $1", s.ForbundId));
    }

    public static TheoryData<string, string> BrokenRules => new()
    {
        { """{"monthsAfterEnd":0,"reason":"Plan"}""", "monthsAfterEnd" },
        { """{"monthsAfterEnd":601,"reason":"Plan"}""", "monthsAfterEnd" },
        { """{"monthsAfterEnd":-24,"reason":"Plan"}""", "monthsAfterEnd" },
        { """{"monthsAfterEnd":"two years","reason":"Plan"}""", "monthsAfterEnd" },
        { """{"reason":"Plan"}""", "monthsAfterEnd" },
        { """{"monthsAfterEnd":24,"reason":""}""", "reason" },
        { """{"monthsAfterEnd":24}""", "reason" },
        { """{"monthsAfterEnd":24,"reason":"Beslut om 199003152387"}""", "reason" },
        { """{"monthsAfterEnd":24,"reason":"Beslut om 900315-2387"}""", "reason" },
        { $$"""{"monthsAfterEnd":24,"reason":"{{new string('a', 501)}}"}""", "reason" },
    };

    [Theory]
    [MemberData(nameof(BrokenRules))]
    public async Task a_broken_rule_is_a_400_naming_the_field_and_appends_nothing(string body, string field)
    {
        var s = await Scenario.CreateAsync(factory);
        var events = await CountEventsAsync(factory);

        var response = await s.Admin.PutAsync($"/api/forbund/{s.ForbundId}/retention", new StringContent(body, Encoding.UTF8, "application/json"));

        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
        await AssertClean(response);
        Assert.Equal(events, await CountEventsAsync(factory));
    }

    [Fact]
    public async Task only_the_forbunds_administrator_sets_its_rule()
    {
        var s = await Scenario.CreateAsync(factory);
        var other = await Scenario.CreateAsync(factory);
        var body = new { monthsAfterEnd = 24, reason = Plan };

        await ApiClient.ProblemAsync(await s.CaseWorker.PutAsync($"/api/forbund/{s.ForbundId}/retention", body), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId).PutAsync($"/api/forbund/{s.ForbundId}/retention", body), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await other.Admin.PutAsync($"/api/forbund/{s.ForbundId}/retention", body), HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(0, await ScalarAsync(factory, "SELECT count(*) FROM rm_forbund WHERE forbund_id = $1 AND retention_months IS NOT NULL", s.ForbundId));

        // a national administrator may, as for the förbund's other settings
        await ApiClient.OkJsonAsync(await s.National.PutAsync($"/api/forbund/{s.ForbundId}/retention", body));
    }

    [Fact]
    public async Task the_erasure_list_shows_erasures_on_request_but_never_removals_for_protected_identity()
    {
        var s = await Scenario.CreateAsync(factory);
        var erased = await EnrolIdentifiedAsync(s);
        var protectedPerson = await EnrolIdentifiedAsync(s);
        await s.Admin.PostOkAsync($"/api/people/{erased}/erasure", new { reason = "Begäran om radering enligt GDPR art. 17" });
        await s.CaseWorker.PostOkAsync($"/api/people/{protectedPerson}/protected-identity", null!);

        var list = await s.Admin.GetOkAsync($"/api/forbund/{s.ForbundId}/erasures");

        var entry = Assert.Single(list.GetProperty("erasures").EnumerateArray());
        Assert.Equal(erased, entry.GetProperty("participantId").GetString());
        Assert.Equal("forbund-admin", entry.GetProperty("actor").GetString());
        Assert.Equal("Begäran om radering enligt GDPR art. 17", entry.GetProperty("reason").GetString());
        Assert.Equal(["participantId", "erasedAt", "actor", "reason"], entry.EnumerateObject().Select(p => p.Name));
        Assert.Equal(s.ForbundId, list.GetProperty("forbundId").GetString());
        // a national administrator sees it too
        Assert.Equal(1, (await s.National.GetOkAsync($"/api/forbund/{s.ForbundId}/erasures")).GetProperty("erasures").GetArrayLength());
    }

    [Fact]
    public async Task only_the_forbunds_administrator_lists_its_erasures()
    {
        var s = await Scenario.CreateAsync(factory);
        var other = await Scenario.CreateAsync(factory);
        var url = $"/api/forbund/{s.ForbundId}/erasures";

        await ApiClient.ProblemAsync(await s.CaseWorker.GetAsync(url), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await ApiClient.As(factory, Roles.ForbundAnalyst, s.ForbundId).GetAsync(url), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await ApiClient.As(factory, Roles.NationalReader, "*").GetAsync(url), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await other.Admin.GetAsync(url), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(await s.National.GetAsync("/api/forbund/no-such-forbund/erasures"), HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData("?from=2026-02-01&to=2026-01-01", "from")]
    [InlineData("?from=yesterday", "from")]
    [InlineData("?to=2026-02-30", "to")]
    public async Task a_broken_period_is_a_400(string query, string field)
    {
        var s = await Scenario.CreateAsync(factory);

        var response = await s.Admin.GetAsync($"/api/forbund/{s.ForbundId}/erasures{query}");

        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
        await AssertClean(response);
    }

    private static async Task<string> EnrolIdentifiedAsync(Scenario s)
    {
        var id = Scenario.Id(await s.CaseWorker.PostOkAsync("/api/participations", Enrolment(s.InsatsId, personnummer: NewPersonnummer())));
        return (await s.CaseWorker.GetOkAsync($"/api/participations/{id}")).GetProperty("participantId").GetString()!;
    }
}
