using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using FinsamOutcomes.Api.Tests.Infrastructure;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>
/// A request of the wrong shape is a 400 problem naming the field, never a 500 and never a silent default;
/// no answer carries a stack trace, SQL, a library's name or the personnummer it was sent.
/// </summary>
public sealed class ShapeErrorTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    /// <summary>A valid direct enrolment with a personnummer, as JSON text, for tests to break in one place.</summary>
    private static string ValidEnrolment(string insatsId) => JsonSerializer.Serialize(new
    {
        insatsId,
        referralId = (string?)null,
        enrolledOn = "2024-02-01",
        gender = "woman",
        person = new { personnummer = Anna, birthYear = (int?)null, protectedIdentity = false },
        consent = true,
        baseline = Scenario.Baseline(),
        ageOverrideReason = (string?)null,
    });

    private static StringContent Raw(string json) => new(json, Encoding.UTF8, "application/json");

    public static TheoryData<string, string, string> BrokenEnrolments => new()
    {
        // name, how to break the valid body (old → new), the field the error must name
        { "malformed_json", "\"consent\":true,|\"consent\":tru,", "consent" },
        { "unknown_enum_value", "\"gender\":\"woman\"|\"gender\":\"x\"", "gender" },
        { "integer_for_enum", "\"gender\":\"woman\"|\"gender\":1", "gender" },
        { "impossible_date", "\"enrolledOn\":\"2024-02-01\"|\"enrolledOn\":\"2024-02-30\"", "enrolledOn" },
        { "date_of_wrong_format", "\"enrolledOn\":\"2024-02-01\"|\"enrolledOn\":\"01/02/2024\"", "enrolledOn" },
        { "nested_unknown_enum", "\"meansOfSupport\":\"social_assistance\"|\"meansOfSupport\":\"lottery\"", "baseline.meansOfSupport" },
        { "unknown_property", "\"consent\":true,|\"consent\":true,\"favouriteColour\":\"blue\",", "favouriteColour" },
        { "missing_gender", "\"gender\":\"woman\",|", "gender" },
        { "missing_consent", "\"consent\":true,|", "consent" },
        { "missing_enrolment_date", "\"enrolledOn\":\"2024-02-01\",|", "enrolledOn" },
        { "missing_nested_field", "\"occupation\":\"none\",|", "baseline.occupation" },
        { "null_for_a_value", "\"consent\":true,|\"consent\":null,", "consent" },
        { "missing_insats", "\"insatsId\":\"{insats}\",|", "insatsId" },
        { "string_for_a_number", "\"monthsOnSupportBefore\":30|\"monthsOnSupportBefore\":\"thirty\"", "baseline.monthsOnSupportBefore" },
        { "too_long_text", "\"ageOverrideReason\":null|\"ageOverrideReason\":\"" + new string('a', 501) + "\"", "ageOverrideReason" },
        { "too_long_home_kommun", "\"homeKommun\":\"Lulea\"|\"homeKommun\":\"" + new string('k', 101) + "\"", "baseline.homeKommun" },
        { "invalid_personnummer", Anna + "|19900315-2388", "person.personnummer" },
    };

    [Theory]
    [MemberData(nameof(BrokenEnrolments))]
    public async Task a_broken_enrolment_is_a_400_naming_the_field_and_appends_nothing(string name, string breakIt, string field)
    {
        var s = await Scenario.CreateAsync(factory);
        var (from, to) = (breakIt.Split('|')[0].Replace("{insats}", s.InsatsId, StringComparison.Ordinal), breakIt.Split('|')[1]);
        var valid = ValidEnrolment(s.InsatsId);
        Assert.True(valid.Contains(from, StringComparison.Ordinal), $"{name}: the valid body has no '{from}'");
        var events = await CountEventsAsync(factory);

        var response = await s.CaseWorker.PostAsync("/api/participations", Raw(valid.Replace(from, to, StringComparison.Ordinal)));

        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty(field, out var messages), $"{name}: no error for '{field}' in {errors}");
        Assert.NotEqual(0, messages.GetArrayLength());
        await AssertClean(response);
        Assert.Equal(events, await CountEventsAsync(factory));
    }

    [Fact]
    public async Task the_valid_body_the_broken_ones_come_from_is_accepted()
    {
        var s = await Scenario.CreateAsync(factory);

        var response = await s.CaseWorker.PostAsync("/api/participations", Raw(ValidEnrolment(s.InsatsId)));

        await Status(response, HttpStatusCode.Created);
    }

    [Fact]
    public async Task an_empty_or_absent_body_is_a_400()
    {
        var s = await Scenario.CreateAsync(factory);

        var empty = await s.CaseWorker.PostAsync("/api/participations", Raw(""));
        var none = await s.CaseWorker.PostAsync("/api/participations", null);
        var jsonNull = await s.CaseWorker.PostAsync("/api/participations", Raw("null"));
        var array = await s.CaseWorker.PostAsync("/api/participations", Raw("[]"));

        foreach (var response in new[] { empty, none, jsonNull, array })
        {
            await Status(response, HttpStatusCode.BadRequest);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            await AssertClean(response);
        }
    }

    [Fact]
    public async Task a_body_that_is_not_json_is_refused_without_a_500()
    {
        var s = await Scenario.CreateAsync(factory);

        var response = await s.CaseWorker.PostAsync("/api/participations", new StringContent("insatsId=1", Encoding.UTF8, "text/plain"));

        await ApiClient.ProblemAsync(response, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
        await AssertClean(response);
    }

    [Theory]
    [InlineData("POST", "/api/participations")]
    [InlineData("PUT", "/api/forbund/{forbund}/exit-reasons")]
    public async Task an_oversized_body_is_refused_as_payload_too_large(string method, string url)
    {
        var s = await Scenario.CreateAsync(factory);
        var huge = ValidEnrolment(s.InsatsId).Replace("\"ageOverrideReason\":null", "\"ageOverrideReason\":\"" + new string('x', 70 * 1024) + "\"", StringComparison.Ordinal);
        var client = method == "POST" ? s.CaseWorker : s.Admin;

        var response = await client.SendAsync(new HttpMethod(method), url.Replace("{forbund}", s.ForbundId, StringComparison.Ordinal), Raw(huge), Guid.NewGuid().ToString(), null);

        await ApiClient.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        await AssertClean(response);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("\"-1\"")]
    [InlineData("\"1\", \"2\"")]
    public async Task an_if_match_that_is_not_an_etag_of_this_api_is_a_400(string ifMatch)
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();

        var response = await s.CaseWorker.PostAsync($"/api/participations/{id}/exit", Exit(), ifMatch: ifMatch);

        await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest, "bad_header");
        Assert.Equal(1, await CountEventsAsync(factory, ParticipationStream(id)));
    }

    [Fact]
    public async Task a_missing_query_parameter_is_a_400()
    {
        var s = await Scenario.CreateAsync(factory);

        var response = await s.Admin.GetAsync("/api/insatser");

        var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
        Assert.Equal("Required: this parameter is missing.", problem.GetProperty("errors").GetProperty("forbundId")[0].GetString());
        await AssertClean(response);
    }

    [Fact]
    public async Task shape_errors_on_other_endpoints_name_their_fields_too()
    {
        var s = await Scenario.CreateAsync(factory);
        var id = await s.EnrolAsync();
        var referral = Scenario.Id(await s.Group.PostOkAsync("/api/referrals", Referral(s.GroupId)));

        var cases = new (ApiClient Client, HttpMethod Method, string Url, string Body, string Field)[]
        {
            (s.CaseWorker, HttpMethod.Post, $"/api/participations/{id}/activities", """{"kind":"juggling","on":"2024-02-02","durationMinutes":10}""", "kind"),
            (s.CaseWorker, HttpMethod.Post, $"/api/participations/{id}/activities", """{"kind":"phone_contact","on":"2024-02-02"}""", "durationMinutes"),
            (s.CaseWorker, HttpMethod.Post, $"/api/participations/{id}/pause", """{"on":"2024-13-01","reason":"other"}""", "on"),
            (s.CaseWorker, HttpMethod.Post, $"/api/participations/{id}/exit", """{"exitedOn":"2024-05-31","reasonCode":"","meansOfSupportAtExit":"other","occupationAtExit":"none"}""", "reasonCode"),
            (s.CaseWorker, HttpMethod.Post, $"/api/participations/{id}/exit", """{"exitedOn":"2024-05-31","reasonCode":"studier","meansOfSupportAtExit":"other","occupationAtExit":"sleeping"}""", "occupationAtExit"),
            (s.Group, HttpMethod.Post, $"/api/referrals/{referral}/reject", """{"decidedOn":"2024-01-16","reason":""}""", "reason"),
            (s.Group, HttpMethod.Post, $"/api/referrals/{referral}/accept", """{"decidedOn":"2024-01-16"}""", "insatsId"),
            (s.Group, HttpMethod.Post, "/api/referrals", $$$"""{"beredningsgruppId":"{{{s.GroupId}}}","referringParty":"nav","receivedOn":"2024-01-10","gender":"man","person":{"birthYear":1990}}""", "referringParty"),
            (s.Admin, HttpMethod.Put, $"/api/forbund/{s.ForbundId}/exit-reasons", """{"reasons":[{"code":"Bad Code","category":"work","label":"Arbete","positive":true}]}""", "reasons[0].code"),
            (s.Admin, HttpMethod.Put, $"/api/forbund/{s.ForbundId}/exit-reasons", """{"reasons":[{"code":"arbete","category":"luck","label":"Arbete","positive":true}]}""", "reasons[0].category"),
            (s.Admin, HttpMethod.Post, $"/api/forbund/{s.ForbundId}/members", """{"memberId":"k1","kind":"kommun","name":"Boden"}""", "from"),
            (s.Admin, HttpMethod.Put, $"/api/insatser/{s.InsatsId}/goals/g1", """{"metric":"happiness","comparison":"at_least","threshold":40,"period":"year","description":"x"}""", "metric"),
            (s.CaseWorker, HttpMethod.Post, $"/api/insatser/{s.HeadCountInsatsId}/occurrences", """{"on":"2024-03-01","title":"Utbildningsdag","women":-1,"men":3,"nonBinary":0,"notStated":0}""", "women"),
        };

        foreach (var (client, method, url, body, field) in cases)
        {
            var response = await client.SendAsync(method, url, Raw(body), Guid.NewGuid().ToString(), null);
            var problem = await ApiClient.ProblemAsync(response, HttpStatusCode.BadRequest, "validation");
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _), $"{method} {url} {body}: no error for '{field}' in {problem}");
            await AssertClean(response);
        }
    }
}
