using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using FinsamOutcomes.Api.Features.Statistics.Export;

namespace FinsamOutcomes.Api.Features.Economy;

/// <summary>The first worksheet of an xlsx as rows of cell text (numbers in invariant form, shared strings resolved), empty cells kept in place.</summary>
public static class XlsxReader
{
    public static List<string[]> Read(byte[] content)
    {
        try
        {
            using var stream = new MemoryStream(content, writable: false);
            using var document = SpreadsheetDocument.Open(stream, false);
            var workbook = document.WorkbookPart ?? throw AccountingImport.Invalid("file", "The xlsx has no workbook.");
            var sheet = workbook.Workbook.Sheets?.Elements<Sheet>().FirstOrDefault() ?? throw AccountingImport.Invalid("file", "The xlsx has no worksheet.");
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!.Value!);
            var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(s => s.InnerText).ToArray() ?? [];
            var rows = new List<string[]>();
            foreach (var row in part.Worksheet.Descendants<Row>())
            {
                var index = (int)(row.RowIndex?.Value ?? (uint)(rows.Count + 1));
                while (rows.Count < index - 1)
                {
                    rows.Add([]);
                }

                var cells = new List<string>();
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : cells.Count;
                    while (cells.Count < column)
                    {
                        cells.Add("");
                    }

                    cells.Add(Text(cell, shared));
                }

                rows.Add([.. cells]);
            }

            return rows;
        }
        catch (Exception ex) when (ex is OpenXmlPackageException or InvalidDataException or FileFormatException or InvalidOperationException or ArgumentException or KeyNotFoundException)
        {
            throw AccountingImport.Invalid("file", "The file is not a readable xlsx workbook.");
        }
    }

    private static string Text(Cell cell, string[] shared)
    {
        var value = cell.CellValue?.Text ?? cell.InlineString?.InnerText ?? "";
        if (cell.DataType?.Value == CellValues.SharedString)
        {
            return int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var i) && i < shared.Length ? shared[i] : "";
        }

        return value;
    }

    private static int ColumnIndex(string reference)
    {
        var index = 0;
        foreach (var ch in reference.TakeWhile(char.IsAsciiLetter))
        {
            index = (index * 26) + (char.ToUpperInvariant(ch) - 'A' + 1);
        }

        return Math.Max(index - 1, 0);
    }
}

/// <summary>
/// The economy's tables (first row the headings, as in the CSV) as an xlsx through the shared writer
/// (<see cref="XlsxExport.WriteTables"/>): row 1 the title, row 2 the headings, then the rows; kronor are numbers formatted 0.00,
/// percentages 0.0, tkr and counts whole numbers, text as text.
/// </summary>
public static class EconomyXlsx
{
    public static byte[] Write(string title, IReadOnlyList<IReadOnlyList<object?>> rows)
    {
        var headings = rows[0].Select(h => Convert.ToString(h, CultureInfo.InvariantCulture) ?? "").ToArray();
        var cells = rows.Skip(1).Select(row => (IReadOnlyList<ExportCell>)row.Select((value, c) => Cell(c < headings.Length ? headings[c] : "", value)).ToArray()).ToArray();
        return XlsxExport.WriteTables([new ExportTable(title, headings, cells)]);
    }

    private static ExportCell Cell(string heading, object? value) => value switch
    {
        null => ExportCell.Empty,
        int i => new ExportCell(CellKind.Count, null, i),
        long l => new ExportCell(CellKind.Count, null, l),
        decimal d when heading.EndsWith("(%)", StringComparison.Ordinal) => new ExportCell(CellKind.Percent, null, d),
        decimal d when heading.EndsWith("(tkr)", StringComparison.Ordinal) => new ExportCell(CellKind.Count, null, d),
        decimal d => new ExportCell(CellKind.Money, null, d),
        _ => ExportCell.Of(Convert.ToString(value, CultureInfo.InvariantCulture)),
    };
}
