using System.Net;
using System.Security.Cryptography;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Microsoft.IdentityModel.Tokens;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>Unknown ids are 404 problems; a missing or forged token is 401; a token with a role we do not know is refused.</summary>
public sealed class NotFoundAndAuthenticationTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task unknown_participations_referrals_insatser_and_groups_are_404_not_found()
    {
        var s = await Scenario.CreateAsync(factory);
        const string unknown = "participation-0000000000";

        var cases = new (ApiClient Client, HttpMethod Method, string Url, object? Body)[]
        {
            (s.CaseWorker, HttpMethod.Get, $"/api/participations/{unknown}", null),
            (s.CaseWorker, HttpMethod.Get, $"/api/participations/{unknown}/timeline", null),
            (s.CaseWorker, HttpMethod.Post, $"/api/participations/{unknown}/exit", Exit()),
            (s.CaseWorker, HttpMethod.Post, $"/api/participations/{unknown}/activities", new { kind = "phone_contact", on = "2024-02-02", durationMinutes = 5 }),
            (s.CaseWorker, HttpMethod.Post, "/api/participations", Enrolment("insats-unknown")),
            (s.CaseWorker, HttpMethod.Get, "/api/insatser/insats-unknown/participations", null),
            (s.CaseWorker, HttpMethod.Post, "/api/insatser/insats-unknown/occurrences", new { on = "2024-03-01", title = "Dag", women = 1, men = 0, nonBinary = 0, notStated = 0 }),
            (s.Admin, HttpMethod.Get, "/api/insatser/insats-unknown", null),
            (s.Admin, HttpMethod.Post, "/api/insatser/insats-unknown/close", new { closedOn = "2024-03-01" }),
            (s.Group, HttpMethod.Get, "/api/referrals/referral-unknown", null),
            (s.Group, HttpMethod.Post, "/api/referrals/referral-unknown/accept", Accept(s.InsatsId)),
            (s.Group, HttpMethod.Post, "/api/referrals/referral-unknown/reject", new { decidedOn = "2024-01-16", reason = "Nej" }),
            (s.Group, HttpMethod.Post, "/api/referrals", Referral("bg-unknown")),
            (s.Admin, HttpMethod.Get, "/api/beredningsgrupper/bg-unknown", null),
            (s.National, HttpMethod.Get, "/api/forbund/forbund-unknown", null),
            (s.National, HttpMethod.Post, "/api/forbund/mergers", new { successorId = (string?)null, name = "Ny", predecessorIds = new[] { "forbund-unknown" }, on = "2024-01-01" }),
        };

        foreach (var (client, method, url, body) in cases)
        {
            var response = await client.SendAsync(method, url, body, method == HttpMethod.Post ? Guid.NewGuid().ToString() : null, null);
            await ApiClient.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
        }
    }

    [Fact]
    public async Task an_unknown_route_is_a_404_problem()
    {
        var s = await Scenario.CreateAsync(factory);

        var response = await s.Admin.GetAsync("/api/nothing-here");

        await ApiClient.ProblemAsync(response, HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task no_token_is_401_and_nothing_is_written()
    {
        var s = await Scenario.CreateAsync(factory);
        var anonymous = new ApiClient(factory.CreateClient());
        var events = await CountEventsAsync(factory);

        var read = await anonymous.GetAsync($"/api/insatser/{s.InsatsId}");
        var write = await anonymous.PostAsync("/api/participations", Enrolment(s.InsatsId, personnummer: Anna));

        await ApiClient.ProblemAsync(read, HttpStatusCode.Unauthorized, "unauthorized");
        await ApiClient.ProblemAsync(write, HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Contains(read.Headers.WwwAuthenticate, h => h.Scheme == "Bearer");
        Assert.Equal(events, await CountEventsAsync(factory));
    }

    [Fact]
    public async Task a_token_signed_with_another_key_is_401()
    {
        var s = await Scenario.CreateAsync(factory);
        var forged = WithToken(factory, Roles.Administrator, "*", new SymmetricSecurityKey(RandomNumberGenerator.GetBytes(32)));

        var read = await forged.GetAsync($"/api/forbund/{s.ForbundId}");
        var write = await forged.PostAsync("/api/forbund", new { forbundId = "forged", name = "Förfalskat", registeredOn = "2024-01-01" });

        await ApiClient.ProblemAsync(read, HttpStatusCode.Unauthorized, "unauthorized");
        await ApiClient.ProblemAsync(write, HttpStatusCode.Unauthorized, "unauthorized");
        await ApiClient.ProblemAsync(await s.National.GetAsync("/api/forbund/forged"), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task a_garbled_token_is_401()
    {
        var s = await Scenario.CreateAsync(factory);
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", "not.a.token");

        var response = await new ApiClient(client).GetAsync($"/api/insatser/{s.InsatsId}");

        await ApiClient.ProblemAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Theory]
    [InlineData("superuser")]
    [InlineData("")]
    [InlineData("Administrator")]
    public async Task a_token_with_a_role_we_do_not_know_is_403_on_reads_and_writes(string role)
    {
        var s = await Scenario.CreateAsync(factory);
        var stranger = WithToken(factory, role, s.ForbundId, insatser: [s.InsatsId]);
        var events = await CountEventsAsync(factory);

        var read = await stranger.GetAsync($"/api/forbund/{s.ForbundId}");
        var write = await stranger.PostAsync("/api/participations", Enrolment(s.InsatsId));

        await ApiClient.ProblemAsync(read, HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(write, HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(events, await CountEventsAsync(factory));
    }
}
