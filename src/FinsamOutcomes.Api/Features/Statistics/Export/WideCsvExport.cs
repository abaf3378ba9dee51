using System.Globalization;
using System.Text;

namespace FinsamOutcomes.Api.Features.Statistics.Export;

/// <summary>
/// The wide CSV: the same tables as the xlsx, one after the other, each as its title, its headings and one row
/// per group (genders as columns), a blank line between tables. It starts with the basis (period, scope, log
/// position, when produced) and the two marks. UTF-8 with BOM, semicolons, decimal comma, like the long CSV.
/// </summary>
public static class WideCsvExport
{
    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>Decimal comma as in Swedish Excel, and a plain hyphen-minus (sv-SE's U+2212 minus sign is not read as a number by Excel).</summary>
    public static readonly NumberFormatInfo Swedish = new() { NumberDecimalSeparator = ",", NegativeSign = "-", NumberGroupSeparator = "" };

    public static byte[] Write(string heading, ExportBasis basis, IReadOnlyList<ExportTable> tables)
    {
        var text = new StringBuilder();
        Line(text, [heading]);
        foreach (var (label, value) in basis.Lines)
        {
            Line(text, [label, Format(value)]);
        }

        Line(text, ["Tecken", SwedishLabels.Suppressed, SwedishLabels.SuppressedExplanation]);
        Line(text, ["Tecken", SwedishLabels.NoDenominator, SwedishLabels.NoDenominatorExplanation]);
        foreach (var table in tables)
        {
            text.Append("\r\n");
            Line(text, [table.Title]);
            Line(text, table.Headings);
            foreach (var row in table.Rows)
            {
                Line(text, row.Select(Format));
            }
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    /// <summary>A cell as written in Swedish CSV: counts whole, shares and days with one decimal comma, marks as themselves.</summary>
    public static string Format(ExportCell cell) => cell.Kind switch
    {
        CellKind.Count => cell.Number!.Value.ToString("0", Swedish),
        CellKind.Percent or CellKind.Days => cell.Number!.Value.ToString("0.0", Swedish),
        CellKind.Number => cell.Number!.Value.ToString("0.##########", Swedish),
        CellKind.Money => cell.Number!.Value.ToString("0.00", Swedish),
        CellKind.Suppressed => SwedishLabels.Suppressed,
        CellKind.NoDenominator => SwedishLabels.NoDenominator,
        _ => cell.Text ?? "",
    };

    public static void Line(StringBuilder text, IEnumerable<string> fields)
    {
        text.Append(string.Join(';', fields.Select(Quote))).Append("\r\n");
    }

    public static string Quote(string field) =>
        field.IndexOfAny([';', '"', '\r', '\n']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
