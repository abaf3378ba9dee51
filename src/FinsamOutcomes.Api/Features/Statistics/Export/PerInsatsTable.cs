using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Infrastructure;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Statistics.Export;

/// <summary>An insats as the per-insats table lists it.</summary>
public sealed record InsatsInfo(string InsatsId, string ForbundId, string Name, string Kind, string FollowUp, DateOnly Start, DateOnly? End);

/// <summary>
/// The delårsrapport's per-insats table of a förbund report: one row per individual insats of the förbund (and of the
/// predecessors counted), each row taken from that insats's own report for the period — deltagare with the gender split,
/// nya, avslutade, aktiva vid periodens slut, till arbete/studier and positiv lösning as n, N and %, mål uppfyllda.
/// The workspace's Standardrapport shows the same rows, in the same order, from the same reports.
/// </summary>
public static class PerInsatsTable
{
    public const string Title = "Per insats";

    private static readonly string[] Genders = ["woman", "man", "nonBinary", "notStated"];

    /// <summary>The insatser of these förbund that ran at some time in the period, by name.</summary>
    public static async Task<IReadOnlyList<InsatsInfo>> InsatserAsync(NpgsqlDataSource db, IReadOnlyList<string> forbundIds, DateOnly from, DateOnly to, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            """
            SELECT insats_id, forbund_id, name, kind, follow_up, start_date, coalesce(closed_on, end_date)
            FROM rm_insatser WHERE forbund_id = ANY($1) AND start_date <= $3 AND coalesce(closed_on, end_date, $2) >= $2
            ORDER BY name, insats_id
            """, forbundIds.ToArray(), from, to);
        var list = new List<InsatsInfo>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            list.Add(new InsatsInfo(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetFieldValue<DateOnly>(5), reader.IsDBNull(6) ? null : reader.GetFieldValue<DateOnly>(6)));
        }

        return list;
    }

    public static ExportTable Build(IReadOnlyList<(InsatsInfo Insats, JsonNode Report)> rows)
    {
        List<string> headings =
        [
            "Insats", "Deltagare totalt", .. Genders.Select(SwedishLabels.Key), "Nya", "Avslutade", "Aktiva vid periodens slut",
            .. ShareHeadings("Till arbete/studier"), .. ShareHeadings("Positiv lösning"), "Mål uppfyllda", "Mål",
        ];
        return new ExportTable(Title, headings, rows.Select(r => (IReadOnlyList<ExportCell>)Row(r.Insats, r.Report)).ToList());
    }

    private static string[] ShareHeadings(string name) => [$"{name}: antal (n)", $"{name}: av (N)", $"{name}: andel (%)"];

    private static List<ExportCell> Row(InsatsInfo insats, JsonNode report)
    {
        var active = report["participants"]?["active"] as JsonObject;
        var genders = active?["byGender"] as JsonObject;
        var goals = report["goals"]?.AsArray() ?? [];
        return
        [
            ExportCell.Of(insats.Name),
            ReportTables.Value("total", active?["total"], active),
            .. Genders.Select(g => ReportTables.Value(g, genders?[g], genders)),
            Count(report, "new"),
            Count(report, "exited"),
            Count(report, "activeAtEnd"),
            .. Share(report["exits"]?["workOrStudies"]?["total"] as JsonObject),
            .. Share(report["exits"]?["positiveOutcome"]?["total"] as JsonObject),
            new(CellKind.Count, null, goals.Count(g => g?["status"]?.GetValue<string>() == GoalStatus.Met)),
            new(CellKind.Count, null, goals.Count),
        ];
    }

    private static ExportCell Count(JsonNode report, string figure)
    {
        var row = report["participants"]?[figure] as JsonObject;
        return ReportTables.Value("total", row?["total"], row);
    }

    private static IEnumerable<ExportCell> Share(JsonObject? share) =>
        new[] { "numerator", "denominator", "value" }.Select(part => ReportTables.Value(part, share?[part], share));
}
