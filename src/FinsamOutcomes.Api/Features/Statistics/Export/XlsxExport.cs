using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace FinsamOutcomes.Api.Features.Statistics.Export;

/// <summary>
/// An Excel workbook: an "Underlag" sheet first (what the report covers, the log position, when it was produced,
/// the marks and the definitions), then one sheet per table. Row 1 of a table sheet is its title, row 2 its
/// headings, the rows follow. Counts are numeric cells formatted <c>0</c>, shares and days numeric cells
/// formatted <c>0.0</c>, money (the economy's kronor) numeric cells formatted <c>0.00</c>; a suppressed figure is the text <c>..</c>, a share without denominator the text <c>.</c>.
/// </summary>
public static class XlsxExport
{
    public const string ContentType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";

    public const string BasisSheet = "Underlag";

    // style indexes in the stylesheet below
    private const uint Plain = 0;
    private const uint Bold = 1;
    private const uint WholeNumber = 2;
    private const uint OneDecimal = 3;
    private const uint Mark = 4;
    private const uint GeneralNumber = 5;
    private const uint Title = 6;
    private const uint Money = 7;

    public static byte[] Write(string heading, ExportBasis basis, IReadOnlyList<ExportTable> tables)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            var styles = workbookPart.AddNewPart<WorkbookStylesPart>();
            styles.Stylesheet = Stylesheet();
            var sheets = workbookPart.Workbook.AppendChild(new Sheets());
            var names = SheetNames(tables);

            AddSheet(workbookPart, sheets, BasisSheet, BasisRows(heading, basis, tables, names), [34, 110]);
            for (var i = 0; i < tables.Count; i++)
            {
                AddTableSheet(workbookPart, sheets, names[i], tables[i]);
            }

            workbookPart.Workbook.Save();
        }

        return stream.ToArray();
    }

    /// <summary>
    /// A workbook of table sheets only, laid out as in <see cref="Write"/> (title, headings, rows), without the "Underlag" sheet:
    /// for files that carry their basis in their own rows (the economy's reports, docs/economy.md).
    /// </summary>
    public static byte[] WriteTables(IReadOnlyList<ExportTable> tables)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbookPart = document.AddWorkbookPart();
            workbookPart.Workbook = new Workbook();
            workbookPart.AddNewPart<WorkbookStylesPart>().Stylesheet = Stylesheet();
            var sheets = workbookPart.Workbook.AppendChild(new Sheets());
            var names = SheetNames(tables);
            for (var i = 0; i < tables.Count; i++)
            {
                AddTableSheet(workbookPart, sheets, names[i], tables[i]);
            }

            workbookPart.Workbook.Save();
        }

        return stream.ToArray();
    }

    private static void AddTableSheet(WorkbookPart workbookPart, Sheets sheets, string name, ExportTable table)
    {
        var widths = table.Headings.Select((h, c) => Math.Clamp(Math.Max(h.Length, table.Rows.Select(row => c < row.Count ? (row[c].Text?.Length ?? 6) : 0).DefaultIfEmpty(0).Max()) + 2, 8, 60)).ToArray();
        AddSheet(workbookPart, sheets, name, TableRows(table), widths.Select(w => (double)w).ToArray());
    }

    /// <summary>A table sheet's rows, made one at a time as the sheet is written.</summary>
    private static IEnumerable<Row> TableRows(ExportTable table)
    {
        yield return TextRow(1, [table.Title], Title);
        yield return TextRow(2, table.Headings, Bold);
        for (var r = 0; r < table.Rows.Count; r++)
        {
            yield return CellRow((uint)(r + 3), table.Rows[r]);
        }
    }

    /// <summary>Sheet names: at most 31 characters, none of : \ / ? * [ ], unique regardless of case.</summary>
    public static IReadOnlyList<string> SheetNames(IReadOnlyList<ExportTable> tables)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { BasisSheet };
        var names = new List<string>();
        foreach (var table in tables)
        {
            var clean = new string(table.Title.Select(c => c is ':' or '\\' or '/' or '?' or '*' or '[' or ']' ? ' ' : c).ToArray()).Replace("  ", " ", StringComparison.Ordinal).Trim();
            if (clean.Length > 31)
            {
                clean = clean.Replace("Aktualiseringar", "Aktual.", StringComparison.Ordinal).Replace("Volyminsatser", "Volym", StringComparison.Ordinal);
            }

            var name = clean.Length <= 31 ? clean : clean[..31].TrimEnd();
            for (var i = 2; !seen.Add(name); i++)
            {
                var suffix = $" ({i})";
                name = (clean.Length + suffix.Length <= 31 ? clean : clean[..(31 - suffix.Length)].TrimEnd()) + suffix;
            }

            names.Add(name);
        }

        return names;
    }

    private static List<Row> BasisRows(string heading, ExportBasis basis, IReadOnlyList<ExportTable> tables, IReadOnlyList<string> names)
    {
        var rows = new List<Row>();
        uint n = 1;
        rows.Add(TextRow(n++, [heading], Title));
        foreach (var (label, value) in basis.Lines)
        {
            rows.Add(CellRow(n++, [ExportCell.Of(label), value], firstBold: true));
        }

        n++;
        rows.Add(TextRow(n++, ["Tecken"], Bold));
        rows.Add(TextRow(n++, [SwedishLabels.Suppressed, SwedishLabels.SuppressedExplanation]));
        rows.Add(TextRow(n++, [SwedishLabels.NoDenominator, SwedishLabels.NoDenominatorExplanation]));
        rows.Add(TextRow(n++, ["Andelar", "anges som antal (n), av (N) och andel i procent med en decimal, så att varje andel kan räknas om."]));
        n++;
        rows.Add(TextRow(n++, ["Definitioner"], Bold));
        foreach (var (term, definition) in ReportTables.Definitions)
        {
            rows.Add(TextRow(n++, [term, definition]));
        }

        n++;
        rows.Add(TextRow(n++, ["Flik", "Tabell"], Bold));
        for (var i = 0; i < tables.Count; i++)
        {
            rows.Add(TextRow(n++, [names[i], tables[i].Title]));
        }

        n++;
        rows.Add(TextRow(n++, ["Källa", "FinsamOutcomes: varje siffra är räknad ur registrerade händelser; definitionerna i sin helhet finns i docs/statistics.md."]));
        return rows;
    }

    /// <summary>
    /// Writes the sheet's XML straight into its part, a row at a time (OpenXmlWriter), instead of building the sheet's
    /// whole element tree first: the country's workbook (about 800 insatser per per-insats table) allocated 192 MB that way.
    /// </summary>
    private static void AddSheet(WorkbookPart workbookPart, Sheets sheets, string name, IEnumerable<Row> rows, double[] widths)
    {
        var part = workbookPart.AddNewPart<WorksheetPart>();
        using (var writer = OpenXmlWriter.Create(part))
        {
            writer.WriteStartElement(new Worksheet());
            if (name != BasisSheet)
            {
                writer.WriteElement(new SheetViews(new SheetView(
                    new Pane { VerticalSplit = 2, TopLeftCell = "A3", ActivePane = PaneValues.BottomLeft, State = PaneStateValues.Frozen })
                { WorkbookViewId = 0 }));
            }

            writer.WriteElement(new Columns(widths.Select((w, i) => new Column { Min = (uint)(i + 1), Max = (uint)(i + 1), Width = w, CustomWidth = true })));
            writer.WriteStartElement(new SheetData());
            foreach (var row in rows)
            {
                writer.WriteElement(row);
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        sheets.Append(new Sheet { Id = workbookPart.GetIdOfPart(part), SheetId = (uint)(sheets.Count() + 1), Name = name });
    }

    private static Row TextRow(uint index, IEnumerable<string> texts, uint style = Plain) =>
        new(texts.Select((t, c) => TextCell(Reference(c, index), t, style))) { RowIndex = index };

    private static Row CellRow(uint index, IReadOnlyList<ExportCell> cells, bool firstBold = false) =>
        new(cells.Select((cell, c) => Cell(Reference(c, index), cell, firstBold && c == 0))) { RowIndex = index };

    private static Cell Cell(string reference, ExportCell cell, bool bold) => cell.Kind switch
    {
        CellKind.Count => NumberCell(reference, cell.Number!.Value, WholeNumber),
        CellKind.Percent or CellKind.Days => NumberCell(reference, cell.Number!.Value, OneDecimal),
        CellKind.Number => NumberCell(reference, cell.Number!.Value, GeneralNumber),
        // kronor with öre: the number as recorded (trailing zeros of numeric(…,2) dropped), shown "0.00"
        CellKind.Money => NumberCell(reference, cell.Number!.Value / 1.0000000000000000000000000000m, Money),
        CellKind.Suppressed => TextCell(reference, SwedishLabels.Suppressed, Mark),
        CellKind.NoDenominator => TextCell(reference, SwedishLabels.NoDenominator, Mark),
        _ => TextCell(reference, cell.Text ?? "", bold ? Bold : Plain),
    };

    private static Cell NumberCell(string reference, decimal value, uint style) =>
        new() { CellReference = reference, DataType = CellValues.Number, CellValue = new CellValue(value.ToString(CultureInfo.InvariantCulture)), StyleIndex = style };

    private static Cell TextCell(string reference, string text, uint style) =>
        new(new InlineString(new Text(text) { Space = SpaceProcessingModeValues.Preserve })) { CellReference = reference, DataType = CellValues.InlineString, StyleIndex = style };

    public static string Reference(int column, uint row)
    {
        var name = "";
        for (var c = column + 1; c > 0; c = (c - 1) / 26)
        {
            name = (char)('A' + ((c - 1) % 26)) + name;
        }

        return name + row.ToString(CultureInfo.InvariantCulture);
    }

    private static Stylesheet Stylesheet() => new(
        new NumberingFormats(new NumberingFormat { NumberFormatId = 164, FormatCode = "0.0" }) { Count = 1 },
        new Fonts(
            new Font(new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 11 }, new FontName { Val = "Calibri" }),
            new Font(new Bold(), new FontSize { Val = 13 }, new FontName { Val = "Calibri" }))
        { Count = 3 },
        new Fills(new Fill(new PatternFill { PatternType = PatternValues.None }), new Fill(new PatternFill { PatternType = PatternValues.Gray125 })) { Count = 2 },
        new Borders(new Border(new LeftBorder(), new RightBorder(), new TopBorder(), new BottomBorder(), new DiagonalBorder())) { Count = 1 },
        new CellStyleFormats(new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0 }) { Count = 1 },
        new CellFormats(
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new CellFormat { NumberFormatId = 0, FontId = 1, FillId = 0, BorderId = 0, FormatId = 0, ApplyFont = true },
            new CellFormat { NumberFormatId = 1, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true },
            new CellFormat { NumberFormatId = 164, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true },
            new CellFormat(new Alignment { Horizontal = HorizontalAlignmentValues.Right }) { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyAlignment = true },
            new CellFormat { NumberFormatId = 0, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0 },
            new CellFormat { NumberFormatId = 0, FontId = 2, FillId = 0, BorderId = 0, FormatId = 0, ApplyFont = true },
            new CellFormat { NumberFormatId = 2, FontId = 0, FillId = 0, BorderId = 0, FormatId = 0, ApplyNumberFormat = true })
        { Count = 8 },
        new CellStyles(new CellStyle { Name = "Normal", FormatId = 0, BuiltinId = 0 }) { Count = 1 });
}
