using System.Net;
using System.Text.Json;
using FinsamOutcomes.Api.Tests.Infrastructure;

namespace FinsamOutcomes.Api.Tests;

public sealed class HealthTests : IClassFixture<ApiFactory>
{
    private readonly ApiFactory _factory;

    public HealthTests(ApiFactory factory) => _factory = factory;

    [Fact]
    public async Task live_answers_ok()
    {
        var response = await _factory.CreateClient().GetAsync(new Uri("/health/live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task ready_answers_ok_with_migrations_applied_and_every_projection_healthy()
    {
        var client = _factory.CreateClient();

        var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("ready", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("applied", body.RootElement.GetProperty("migrations").GetString());
        Assert.All(body.RootElement.GetProperty("projections").EnumerateArray(), p => Assert.True(p.GetProperty("healthy").GetBoolean()));
    }
}
