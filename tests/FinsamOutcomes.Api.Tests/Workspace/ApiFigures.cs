using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace FinsamOutcomes.Api.Tests.Workspace;

/// <summary>
/// The economy and survey pages' numbers against the API: every element with data-figure (a dotted path, array items by index)
/// inside an element with data-api (the API route) is compared with the JSON that route answers the same role over HTTP with a
/// bearer token. A figure marked data-unit="tkr" must show the kronor / 1000 rounded half away from zero; any other the value
/// itself. A JSON null must show as ".." (suppressed: only where the report says it applies disclosure control) or "–".
/// </summary>
internal static class ApiFigures
{
    public sealed record Checked(int Count, int Suppressed, IReadOnlyDictionary<string, JsonNode> Answers);

    public static async Task<Checked> CheckAsync(WorkspaceFactory factory, IPage page, string role, string forbund, params string[] insatser)
    {
        var cells = await page.EvaluateAsync<JsonElement>(
            """
            () => [...document.querySelectorAll('[data-figure]')].map(e => ({
              path: e.getAttribute('data-figure'), api: e.closest('[data-api]')?.getAttribute('data-api') ?? '',
              unit: e.getAttribute('data-unit') ?? '', text: e.textContent.trim() }))
            """);
        using var http = factory.Api(role, forbund, insatser);
        var answers = new Dictionary<string, JsonNode>(StringComparer.Ordinal);
        var (count, suppressed) = (0, 0);
        foreach (var cell in cells.EnumerateArray())
        {
            var api = cell.GetProperty("api").GetString()!;
            var path = cell.GetProperty("path").GetString()!;
            var text = cell.GetProperty("text").GetString()!;
            Assert.False(string.IsNullOrEmpty(api), $"figure {path} is outside any data-api");
            if (!answers.TryGetValue(api, out var json))
            {
                using var response = await http.GetAsync(new Uri(api, UriKind.Relative));
                var body = await response.Content.ReadAsStringAsync();
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{api}: {(int)response.StatusCode} {body}");
                answers[api] = json = JsonNode.Parse(body)!;
            }

            var expected = Resolve(json, path);
            if (expected is null)
            {
                Assert.True(text is ".." or "–", $"{api} {path}: the JSON has null, the page shows '{text}'");
                if (text == "..")
                {
                    Assert.True(json["basis"]?["disclosureThreshold"] is JsonValue, $"{api} {path}: '..' on a report without disclosure control");
                    suppressed++;
                }
            }
            else
            {
                var value = expected.GetValue<decimal>();
                if (cell.GetProperty("unit").GetString() == "tkr")
                {
                    value = Math.Round(value / 1000m, 0, MidpointRounding.AwayFromZero);
                }

                Assert.True(value == Parse(text), $"{api} {path}: the JSON has {expected.ToJsonString()}, the page shows '{text}'");
            }

            count++;
        }

        return new Checked(count, suppressed, answers);
    }

    /// <summary>A number as the page writes it in Swedish: spaces (also non-breaking) between thousands, a decimal comma, a minus sign.</summary>
    public static decimal Parse(string text) =>
        decimal.Parse(text.Replace("\u00a0", "", StringComparison.Ordinal).Replace("\u202f", "", StringComparison.Ordinal).Replace(" ", "", StringComparison.Ordinal)
            .Replace('\u2212', '-').Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture);

    private static JsonValue? Resolve(JsonNode node, string path)
    {
        JsonNode? current = node;
        foreach (var part in path.Split('.'))
        {
            current = current switch
            {
                JsonObject o => o.TryGetPropertyValue(part, out var child) ? child : throw new InvalidOperationException($"{path}: no '{part}' in the JSON"),
                JsonArray a => a[int.Parse(part, NumberStyles.None, CultureInfo.InvariantCulture)],
                _ => throw new InvalidOperationException($"{path}: '{part}' is below a value"),
            };
        }

        return current as JsonValue;
    }
}
