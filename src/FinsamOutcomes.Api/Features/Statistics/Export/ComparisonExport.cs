using System.Globalization;

namespace FinsamOutcomes.Api.Features.Statistics.Export;

/// <summary>A comparison of a frozen report with today as two tables: the figures that changed, and the events recorded since.</summary>
public static class ComparisonExport
{
    public static (ExportBasis Basis, IReadOnlyList<ExportTable> Tables) Tables(ReportComparison comparison, FrozenReport frozen, ReportBasis current)
    {
        var period = frozen.Report["basis"]?["period"];
        var basis = new ExportBasis(
        [
            ("Fryst rapport", ExportCell.Of(frozen.Name)),
            ("Fryst rapports id", ExportCell.Of(frozen.FrozenId)),
            ("Period", ExportCell.Of(period?["name"]?.ToString())),
            ("Från och med", ExportCell.Of(period?["from"]?.ToString())),
            ("Till och med", ExportCell.Of(period?["to"]?.ToString())),
            ("Omfattning", ExportCell.Of(SwedishLabels.Code("scopeKind", current.ScopeKind))),
            ("Förbund som räknas", ExportCell.Of(string.Join(", ", current.ForbundIds))),
            ("Fryst (svensk tid)", ExportCell.Of(ReportTables.SwedishTime(frozen.FrozenAt))),
            ("Fryst vid loggposition", Count(comparison.FrozenPosition)),
            ("Jämförd med loggposition", Count(comparison.CurrentPosition)),
            ("Framtagen (svensk tid)", ExportCell.Of(ReportTables.SwedishTime(current.ProducedAt))),
            ("Tomt värde", ExportCell.Of("siffran fanns inte, eller hade inget värde (ingen nämnare), i den ena rapporten")),
        ], null);
        var changes = new ExportTable(
            "Ändrade siffror",
            ["Siffra", "Sökväg i rapporten", "Fryst", "Nu", "Skillnad"],
            comparison.Changes.Select(c => (IReadOnlyList<ExportCell>)[ExportCell.Of(c.Label), ExportCell.Of(c.Figure), Number(c.Figure, c.Frozen), Number(c.Figure, c.Current), Number(c.Figure, c.Difference)]).ToList());
        var causes = new ExportTable(
            "Händelser sedan frysningen",
            ["Loggposition", "Händelsetyp", "Datum", "Registrerad (svensk tid)"],
            comparison.Causes.Select(c => (IReadOnlyList<ExportCell>)[Count(c.Position), ExportCell.Of(c.EventType),
                ExportCell.Of(c.On?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ExportCell.Of(ReportTables.SwedishTime(c.RecordedAt))]).ToList());
        return (basis, [changes, causes]);
    }

    private static ExportCell Count(long n) => new(CellKind.Count, null, n);

    private static ExportCell Number(string figure, decimal? value) =>
        value is not { } v ? ExportCell.Empty
        : figure.EndsWith(".value", StringComparison.Ordinal) || figure.EndsWith("Days", StringComparison.Ordinal) ? new(CellKind.Percent, null, v)
        : new(v == decimal.Truncate(v) ? CellKind.Count : CellKind.Number, null, v);

}
