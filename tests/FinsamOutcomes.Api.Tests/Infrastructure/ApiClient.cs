using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FinsamOutcomes.Api.Tests.Infrastructure;

/// <summary>An HTTP client holding one role's token; every POST gets a fresh Idempotency-Key unless one is given.</summary>
public sealed class ApiClient(HttpClient http)
{
    public HttpClient Http => http;

    public static ApiClient As(ApiFactory factory, string role, string forbund, IEnumerable<string>? insatser = null, IEnumerable<string>? grupper = null, string actor = "tester")
    {
        var settings = factory.Services.GetRequiredService<AuthSettings>();
        var token = Auth.MintToken(settings, actor, role, forbund, insatser ?? [], grupper ?? [], TimeSpan.FromHours(1));
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ApiClient(client);
    }

    public Task<HttpResponseMessage> PostAsync(string url, object? body, string? key = null, string? ifMatch = null) =>
        SendAsync(HttpMethod.Post, url, body, key ?? Guid.NewGuid().ToString(), ifMatch);

    public Task<HttpResponseMessage> PutAsync(string url, object body, string? ifMatch = null) => SendAsync(HttpMethod.Put, url, body, null, ifMatch);

    public Task<HttpResponseMessage> GetAsync(string url) => http.GetAsync(new Uri(url, UriKind.Relative));

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string url, object? body, string? key, string? ifMatch)
    {
        using var request = new HttpRequestMessage(method, new Uri(url, UriKind.Relative));
        if (body is not null)
        {
            request.Content = body as HttpContent ?? JsonContent.Create(body);
        }

        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        if (ifMatch is not null)
        {
            request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
        }

        return await http.SendAsync(request);
    }

    /// <summary>POSTs and asserts a success; returns the JSON body.</summary>
    public async Task<JsonElement> PostOkAsync(string url, object body, string? ifMatch = null)
    {
        var response = await PostAsync(url, body, ifMatch: ifMatch);
        return await OkJsonAsync(response);
    }

    public async Task<JsonElement> GetOkAsync(string url) => await OkJsonAsync(await GetAsync(url));

    public static async Task<JsonElement> OkJsonAsync(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
        return JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Asserts a problem response with the given status and code; returns the problem JSON.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status} {code}, got {(int)response.StatusCode}: {text}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = JsonDocument.Parse(text).RootElement.Clone();
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }
}
