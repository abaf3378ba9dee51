using System.Net.Http.Headers;
using FinsamOutcomes.Api.Features.Economy;
using FinsamOutcomes.Api.Tests.Infrastructure;

namespace FinsamOutcomes.Api.Tests.Economy;

/// <summary>The accounting import from an xlsx workbook: the same columns as the CSV, numbers as numbers, the same plan.</summary>
public sealed class XlsxImportTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task an_xlsx_export_is_planned_and_recorded_like_the_csv_and_a_second_import_adds_nothing()
    {
        var s = await Scenario.CreateAsync(factory);
        var b = $"/api/economy/{s.ForbundId}/2025";
        await ApiClient.OkJsonAsync(await s.Admin.PutAsync($"/api/economy/{s.ForbundId}/cost-centres", new
        {
            mappings = new object[] { new { costCentre = "100 Kansli", type = "administration" }, new { costCentre = "210", type = "insats_cost", insatsId = s.InsatsId } },
        }));
        var workbook = TestWorkbook.Write("Huvudbok",
        [
            new object?[] { "Konto", "Period", "Belopp", "Kostnadsställe" },
            new object?[] { "6420", "2025-05", 50_000.25m, "100 Kansli" },
            new object?[] { 5410, "202506", 1_250_000m, "210" },
            new object?[] { "5410", "2025-07", 10m, "999" },
        ]);
        ByteArrayContent Body()
        {
            var body = new ByteArrayContent(workbook);
            body.Headers.ContentType = new MediaTypeHeaderValue(AccountingImport.XlsxContentType);
            return body;
        }

        var dry = await s.Admin.PostOkAsync($"{b}/imports?dryRun=true&fileName=huvudbok.xlsx", Body());
        Assert.Equal(3, dry.GetProperty("rows").GetInt32());
        Assert.Equal([50_000.25m, 1_250_000m], dry.GetProperty("recorded").EnumerateArray().Select(r => r.GetProperty("amount").GetDecimal()));
        Assert.Equal([5, 6], dry.GetProperty("recorded").EnumerateArray().Select(r => r.GetProperty("month").GetInt32()));
        Assert.Equal(["4 unknown_cost_centre"], dry.GetProperty("unmapped").EnumerateArray().Select(u => $"{u.GetProperty("row").GetInt32()} {u.GetProperty("reason").GetString()}"));

        Assert.Equal(3, (await s.Admin.PostOkAsync($"{b}/imports?fileName=huvudbok.xlsx", Body())).GetProperty("eventsAppended").GetInt32());
        Assert.Equal(0, (await s.Admin.PostOkAsync($"{b}/imports?fileName=huvudbok.xlsx", Body())).GetProperty("eventsAppended").GetInt32());
        var report = await s.Admin.GetOkAsync($"{b}/report");
        var rows = report.GetProperty("driftredovisning").GetProperty("rows").EnumerateArray().ToDictionary(r => r.GetProperty("key").GetString()!);
        Assert.Equal(50_000.25m, rows["administration"].GetProperty("outcome").GetDecimal());
        Assert.Equal(1_250_000m, rows["insatser"].GetProperty("outcome").GetDecimal());
    }

    [Fact]
    public async Task a_file_that_only_looks_like_a_workbook_is_a_400()
    {
        var s = await Scenario.CreateAsync(factory);
        var body = new ByteArrayContent([(byte)'P', (byte)'K', 3, 4, 0, 0, 1, 2, 3]);
        body.Headers.ContentType = new MediaTypeHeaderValue(AccountingImport.XlsxContentType);
        await ApiClient.ProblemAsync(await s.Admin.PostAsync($"/api/economy/{s.ForbundId}/2025/imports?dryRun=true", body), System.Net.HttpStatusCode.BadRequest, "validation");
    }
}
