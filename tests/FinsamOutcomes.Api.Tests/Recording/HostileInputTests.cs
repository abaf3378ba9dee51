using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>
/// One regression test per input that once answered 5xx or leaked (the hostile trial of issue 7, and <see cref="FuzzTests"/>):
/// each is now a 4xx problem+json naming the field, whatever the Accept header, with nothing appended.
/// </summary>
public sealed class HostileInputTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    private static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    private Task<long> HeadAsync() => ScalarAsync(factory, "SELECT coalesce(max(position), 0) FROM es_events");

    private async Task<JsonElement> RefusedAsync(Func<Task<HttpResponseMessage>> send, HttpStatusCode status, string code, string? field = null)
    {
        var head = await HeadAsync();
        var response = await send();
        var problem = await ApiClient.ProblemAsync(response, status, code);
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"no error for '{field}' in {problem}");
        }

        await AssertClean(response);
        Assert.Equal(head, await HeadAsync());
        return problem;
    }

    [Theory]
    [InlineData("\\u0000")]
    [InlineData("\\u0001")]
    [InlineData("\\u001b")]
    [InlineData("\\u007f")]
    [InlineData("\\u0085")]
    [InlineData("\\ud800")]
    public async Task a_control_character_or_lone_surrogate_in_a_body_string_is_a_400_naming_the_field(string escaped)
    {
        var s = await Scenario.CreateAsync(factory);

        await RefusedAsync(() => s.Admin.PostAsync($"/api/forbund/{s.ForbundId}/members", Raw($$"""{"memberId":"k2","kind":"kommun","name":"Bo{{escaped}}den","from":"2024-01-01"}""")),
            HttpStatusCode.BadRequest, "validation", "name");
        await RefusedAsync(() => s.Admin.PostAsync("/api/insatser", Raw($$"""
            {"forbundId":"{{s.ForbundId}}","name":"N","description":"D","kind":"individual","kommuner":["Lu{{escaped}}lea"],"startDate":"2024-01-01",
             "targetGroup":{"minAge":16,"maxAge":64,"description":"x"},"followUp":"per_person_identified"}
            """)), HttpStatusCode.BadRequest, "validation", "kommuner[0]");
    }

    [Fact]
    public async Task tabs_and_line_breaks_are_allowed_in_free_text()
    {
        var s = await Scenario.CreateAsync(factory);

        var response = await s.Admin.PostAsync($"/api/forbund/{s.ForbundId}/members", Raw("""{"memberId":"k3","kind":"kommun","name":"Bodens\tkommun\r\nsocialtjänst","from":"2024-01-01"}"""));

        await Status(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_control_character_in_a_route_or_query_value_is_a_400_naming_the_parameter()
    {
        var s = await Scenario.CreateAsync(factory);

        await RefusedAsync(() => s.Admin.GetAsync("/api/forbund/%01x"), HttpStatusCode.BadRequest, "validation", "forbundId");
        await RefusedAsync(() => s.CaseWorker.PostAsync("/api/participations/p%0A1/exit", Exit()), HttpStatusCode.BadRequest, "validation", "participationId");
        await RefusedAsync(() => s.Admin.GetAsync($"/api/statistics/report?scope=kommun&forbundId={s.ForbundId}&kommun=Lu%00lea&period=2024"),
            HttpStatusCode.BadRequest, "validation", "kommun");
        await RefusedAsync(() => s.Admin.GetAsync($"/api/insatser?forbundId={s.ForbundId}%00"), HttpStatusCode.BadRequest, "validation", "forbundId");
    }

    [Theory]
    [InlineData("key\u0007bell")]
    [InlineData("key\u001bx")]
    public async Task a_control_character_in_the_idempotency_key_is_a_400(string key)
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();

        await RefusedAsync(() => s.CaseWorker.PostAsync($"/api/participations/{id}/exit", Exit(), key: key), HttpStatusCode.BadRequest, "bad_header");
        Assert.Equal(0L, await ScalarAsync(factory, "SELECT count(*) FROM api_idempotency WHERE key LIKE 'key%'"));
    }

    [Fact]
    public async Task a_null_in_a_list_is_a_400_naming_the_entry()
    {
        var s = await Scenario.CreateAsync(factory);

        await RefusedAsync(() => s.Admin.PutAsync($"/api/forbund/{s.ForbundId}/exit-reasons", Raw("""{"reasons":[null]}""")), HttpStatusCode.BadRequest, "validation", "reasons[0]");
        await RefusedAsync(() => s.Admin.PutAsync($"/api/beredningsgrupper/{s.GroupId}", Raw("""{"insatsIds":[null],"weeklyIntakeCap":4}""")), HttpStatusCode.BadRequest, "validation", "insatsIds[0]");
        await RefusedAsync(() => s.National.PostAsync("/api/forbund/mergers", Raw($$"""{"name":"Ny","predecessorIds":["{{s.ForbundId}}",null],"on":"2025-01-01"}""")),
            HttpStatusCode.BadRequest, "validation", "predecessorIds[1]");
    }

    [Theory]
    [InlineData("9999-12-31")]
    [InlineData("2200-01-01")]
    [InlineData("1899-12-31")]
    [InlineData("0001-01-01")]
    public async Task a_date_outside_1900_to_2199_is_a_400_naming_the_field(string date)
    {
        var s = await Scenario.CreateAsync(factory);
        var referral = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId)));
        var id = await s.EnrolAsync();

        await RefusedAsync(() => s.Group.PostAsync($"/api/referrals/{referral}/accept", Accept(s.InsatsId, decidedOn: date)), HttpStatusCode.BadRequest, "validation", "decidedOn");
        await RefusedAsync(() => s.CaseWorker.PostAsync($"/api/participations/{id}/pause", new { on = date, reason = "other" }), HttpStatusCode.BadRequest, "validation", "on");
        await RefusedAsync(() => s.Admin.PostAsync($"/api/insatser/{s.InsatsId}/close", new { closedOn = date }), HttpStatusCode.BadRequest, "validation", "closedOn");
    }

    [Fact]
    public async Task the_first_and_last_dates_of_the_range_are_accepted()
    {
        var s = await Scenario.CreateAsync(factory);
        var referral = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId)));

        var response = await s.Group.PostAsync($"/api/referrals/{referral}/accept", Accept(s.InsatsId, decidedOn: "2199-12-31"));

        Assert.True(response.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        await AssertClean(response);
    }

    [Theory]
    [InlineData(" ")]
    [InlineData("\t")]
    public async Task a_blank_forbund_id_for_a_frozen_report_is_a_400(string blank)
    {
        var s = await Scenario.CreateAsync(factory);
        var analyst = ApiClient.As(factory, FinsamOutcomes.Api.Infrastructure.Roles.ForbundAnalyst, s.ForbundId);

        await RefusedAsync(() => analyst.PostAsync("/api/statistics/frozen", new { name = "Delår", scope = "forbund", forbundId = blank, period = "2024-D" }),
            HttpStatusCode.BadRequest, "validation", "forbundId");
    }

    [Theory]
    [InlineData("application/xml")]
    [InlineData("text/plain")]
    [InlineData("text/html")]
    [InlineData("image/png")]
    public async Task every_error_is_problem_json_whatever_the_accept_header(string accept)
    {
        var s = await Scenario.CreateAsync(factory);

        async Task<HttpResponseMessage> Get(string url)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, UriKind.Relative));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(accept));
            return await s.CaseWorker.Http.SendAsync(request);
        }

        await RefusedAsync(() => Get("/api/participations/participation-nope"), HttpStatusCode.NotFound, "not_found");
        await RefusedAsync(() => Get("/api/no-such-route"), HttpStatusCode.NotFound, "not_found");
        await RefusedAsync(() => Get("/api/forbund/another-forbund"), HttpStatusCode.Forbidden, "forbidden");
        await RefusedAsync(() => Get("/api/statistics/report?scope=galaxy&period=2024"), HttpStatusCode.BadRequest, "validation", "scope");
    }

    [Theory]
    [InlineData("asOfPosition", "9223372036854775807")]
    [InlineData("asOfPosition", "-1")]
    [InlineData("waitForPosition", "9223372036854775807")]
    public async Task a_log_position_beyond_the_log_is_a_400_naming_the_parameter(string parameter, string value)
    {
        var s = await Scenario.CreateAsync(factory);

        await RefusedAsync(() => s.Admin.GetAsync($"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2024&{parameter}={value}"),
            HttpStatusCode.BadRequest, "validation", parameter);
    }

    [Theory]
    [InlineData("9999-H2")]
    [InlineData("9999-T3")]
    [InlineData("9999-12-01..9999-12-31")]
    [InlineData("0001-01-01..2024-12-31")]
    [InlineData("1899")]
    public async Task a_period_outside_1900_to_2199_is_a_400_naming_the_period(string period)
    {
        var s = await Scenario.CreateAsync(factory);

        await RefusedAsync(() => s.Admin.GetAsync($"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period={Uri.EscapeDataString(period)}"),
            HttpStatusCode.BadRequest, "validation", "period");
    }

    [Fact]
    public async Task a_log_position_the_log_has_reached_is_answered()
    {
        var s = await Scenario.CreateAsync(factory);
        var head = await HeadAsync();

        var response = await s.Admin.GetAsync($"/api/statistics/report?scope=forbund&forbundId={s.ForbundId}&period=2024&asOfPosition={head}&waitForPosition={head}");

        await Status(response, HttpStatusCode.OK);
    }

    [Fact]
    public async Task a_member_that_left_may_join_again_from_the_same_date()
    {
        var s = await Scenario.CreateAsync(factory);
        var member = new { memberId = "af", kind = "af", name = "Arbetsförmedlingen", from = "2024-01-01" };
        await s.Admin.PostOkAsync($"/api/forbund/{s.ForbundId}/members", member);
        await s.Admin.PostOkAsync($"/api/forbund/{s.ForbundId}/members/af/leave", new { to = "2024-06-30" });

        var again = await s.Admin.PostAsync($"/api/forbund/{s.ForbundId}/members", member);

        Assert.True(again.StatusCode is HttpStatusCode.OK or HttpStatusCode.Conflict, $"{(int)again.StatusCode}: {await again.Content.ReadAsStringAsync()}");
        await AssertClean(again);
    }

    [Theory]
    [InlineData("\"199003152387\"", "validation")] // the personnummer gate refuses it first, naming header.If-Match
    [InlineData("\"9003152387\"", "validation")]
    [InlineData("\"1000001\"", "bad_header")]
    public async Task an_if_match_too_large_to_be_a_version_is_a_400_that_does_not_repeat_it(string ifMatch, string code)
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();

        await RefusedAsync(() => s.CaseWorker.PostAsync($"/api/participations/{id}/exit", Exit(), ifMatch: ifMatch), HttpStatusCode.BadRequest, code);
    }

    [Fact]
    public async Task an_unknown_property_is_not_named_back_unless_it_is_a_plain_name()
    {
        var s = await Scenario.CreateAsync(factory);

        var problem = await RefusedAsync(() => s.Admin.PostAsync($"/api/forbund/{s.ForbundId}/members",
            Raw($$"""{"memberId":"k2","kind":"kommun","name":"Boden","from":"2024-01-01","x{{Anna}}":1}""")), HttpStatusCode.BadRequest, "validation", "body");
        Assert.DoesNotContain(Anna, problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task a_body_nested_too_deep_is_a_400()
    {
        var s = await Scenario.CreateAsync(factory);

        await RefusedAsync(() => s.Admin.PutAsync($"/api/forbund/{s.ForbundId}/exit-reasons", Raw("{\"reasons\":" + new string('[', 100) + new string(']', 100) + "}")),
            HttpStatusCode.BadRequest, "validation");
    }
}
