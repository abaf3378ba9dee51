using System.Net;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>Every statistics and operations route against every role in its own scope, and against another förbund.</summary>
public sealed class StatisticsAccessTests(ApiFactory factory) : IClassFixture<ApiFactory>, IAsyncLifetime
{
    private Scenario _s = null!;

    public async Task InitializeAsync() => _s = await Scenario.CreateAsync(factory);

    public Task DisposeAsync() => Task.CompletedTask;

    public static TheoryData<string, string, string> Matrix()
    {
        string[] roles = ["case_worker", "insats_manager", "assessment_group_member", "forbund_analyst", "administrator", "national_reader", "national_administrator"];
        var routes = new (string Route, string[] Allowed)[]
        {
            ("report_forbund", ["forbund_analyst", "administrator", "national_reader", "national_administrator"]),
            ("report_insats", ["insats_manager", "forbund_analyst", "administrator", "national_reader", "national_administrator"]),
            ("report_country", ["national_reader", "national_administrator"]),
            ("report_csv", ["forbund_analyst", "administrator", "national_reader", "national_administrator"]),
            ("oldest", ["case_worker", "administrator"]),
            ("freeze", ["forbund_analyst", "administrator"]),
            ("operations", ["national_administrator"]),
        };
        var data = new TheoryData<string, string, string>();
        foreach (var (route, allowed) in routes)
        {
            foreach (var role in roles)
            {
                data.Add(route, role, allowed.Contains(role) ? "allowed" : "forbidden");
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task statistics_routes_answer_each_role_as_the_domain_says(string route, string role, string expected)
    {
        var own = Client(role, _s.ForbundId);
        var response = await CallAsync(own, route);
        if (expected == "allowed")
        {
            Assert.True(response.IsSuccessStatusCode, $"{role} on {route}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        else
        {
            await ApiClient.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
        }

        if (expected == "allowed" && !role.StartsWith("national", StringComparison.Ordinal) && route != "operations")
        {
            // the same role, scoped to another förbund (and its own insats there), is refused
            var foreign = Client(role, "another-forbund");
            await ApiClient.ProblemAsync(await CallAsync(foreign, route), HttpStatusCode.Forbidden, "forbidden");
        }
    }

    private ApiClient Client(string role, string forbund) => role switch
    {
        "national_reader" => ApiClient.As(factory, Roles.NationalReader, "*"),
        "national_administrator" => ApiClient.As(factory, Roles.Administrator, "*"),
        "assessment_group_member" => ApiClient.As(factory, role, forbund, grupper: [_s.GroupId]),
        _ => ApiClient.As(factory, role, forbund, [_s.InsatsId]),
    };

    private Task<HttpResponseMessage> CallAsync(ApiClient client, string route)
    {
        var report = $"/api/statistics/report?period=2024&scope=";
        return route switch
        {
            "report_forbund" => client.GetAsync($"{report}forbund&forbundId={_s.ForbundId}"),
            "report_insats" => client.GetAsync($"{report}insats&insatsId={_s.InsatsId}"),
            "report_country" => client.GetAsync($"{report}country"),
            "report_csv" => client.GetAsync($"{report}forbund&forbundId={_s.ForbundId}&format=csv"),
            "oldest" => client.GetAsync($"/api/statistics/oldest?insatsId={_s.InsatsId}&period=2024"),
            "freeze" => client.PostAsync("/api/statistics/frozen", new { name = "Delår", scope = "forbund", forbundId = _s.ForbundId, period = "2024-D" }),
            "operations" => client.GetAsync("/api/operations/projections"),
            _ => throw new ArgumentOutOfRangeException(nameof(route)),
        };
    }
}
