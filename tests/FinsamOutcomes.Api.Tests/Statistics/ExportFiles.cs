using System.Globalization;
using System.Text;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>One cell as a reader of the workbook sees it: a number with its number format, or a text.</summary>
public sealed record XlsxCell(decimal? Number, string? Text, string? NumberFormat)
{
    public override string ToString() => Number is { } n ? n.ToString(CultureInfo.InvariantCulture) : Text ?? "";
}

/// <summary>An xlsx opened with the OpenXml SDK: its sheets in order, each as rows of cells (row 1 first, blank cells as null).</summary>
public sealed class Workbook
{
    private Workbook(IReadOnlyList<(string Name, List<List<XlsxCell?>> Rows)> sheets) => Sheets = sheets;

    public IReadOnlyList<(string Name, List<List<XlsxCell?>> Rows)> Sheets { get; }

    public IReadOnlyList<string> Names => Sheets.Select(s => s.Name).ToArray();

    public List<List<XlsxCell?>> this[string name] => Sheets.Single(s => s.Name == name).Rows;

    /// <summary>What the OpenXml SDK's schema validator finds wrong with the package (Excel refuses or "repairs" such files).</summary>
    public static IReadOnlyList<string> SchemaErrors(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var document = SpreadsheetDocument.Open(stream, false);
        return new DocumentFormat.OpenXml.Validation.OpenXmlValidator(DocumentFormat.OpenXml.FileFormatVersions.Office2016)
            .Validate(document).Select(e => $"{e.Part?.Uri} {e.Path?.XPath}: {e.Description}").ToArray();
    }

    public static Workbook Open(byte[] bytes)
    {
        using var stream = new MemoryStream(bytes);
        using var document = SpreadsheetDocument.Open(stream, false);
        var workbook = document.WorkbookPart!;
        var formats = workbook.WorkbookStylesPart?.Stylesheet;
        var cellFormats = formats?.CellFormats?.Elements<CellFormat>().ToArray() ?? [];
        var custom = formats?.NumberingFormats?.Elements<NumberingFormat>().ToDictionary(f => f.NumberFormatId!.Value, f => f.FormatCode!.Value!) ?? [];
        var shared = workbook.SharedStringTablePart?.SharedStringTable.Elements<SharedStringItem>().Select(i => i.InnerText).ToArray() ?? [];
        var sheets = new List<(string, List<List<XlsxCell?>>)>();
        foreach (var sheet in workbook.Workbook.Sheets!.Elements<Sheet>())
        {
            var part = (WorksheetPart)workbook.GetPartById(sheet.Id!);
            var rows = new List<List<XlsxCell?>>();
            foreach (var row in part.Worksheet.GetFirstChild<SheetData>()!.Elements<Row>())
            {
                var index = (int)row.RowIndex!.Value;
                while (rows.Count < index)
                {
                    rows.Add([]);
                }

                var cells = rows[index - 1];
                foreach (var cell in row.Elements<Cell>())
                {
                    var column = Column(cell.CellReference!.Value!);
                    while (cells.Count <= column)
                    {
                        cells.Add(null);
                    }

                    var style = cell.StyleIndex?.Value ?? 0;
                    var numFmt = style < cellFormats.Length ? cellFormats[style].NumberFormatId?.Value ?? 0 : 0;
                    var format = custom.TryGetValue(numFmt, out var code) ? code : numFmt switch { 0 => "General", 1 => "0", 2 => "0.00", _ => numFmt.ToString(CultureInfo.InvariantCulture) };
                    var type = cell.DataType?.Value;
                    cells[column] = type == CellValues.InlineString ? new XlsxCell(null, cell.InlineString!.InnerText, null)
                        : type == CellValues.SharedString ? new XlsxCell(null, shared[int.Parse(cell.CellValue!.Text, CultureInfo.InvariantCulture)], null)
                        : type == CellValues.String ? new XlsxCell(null, cell.CellValue?.Text, null)
                        : new XlsxCell(decimal.Parse(cell.CellValue!.Text, NumberStyles.Float, CultureInfo.InvariantCulture), null, format);
                }
            }

            sheets.Add((sheet.Name!.Value!, rows));
        }

        return new Workbook(sheets);
    }

    private static int Column(string reference)
    {
        var n = 0;
        foreach (var c in reference.TakeWhile(char.IsLetter))
        {
            n = n * 26 + (c - 'A' + 1);
        }

        return n - 1;
    }
}

/// <summary>A table of a sheet or of the wide CSV: its headings and rows, read by the label in the first column.</summary>
public sealed record Table(string Title, IReadOnlyList<string> Headings, IReadOnlyList<IReadOnlyList<string>> Rows)
{
    public IReadOnlyList<string> Row(string label) => Rows.Single(r => r[0] == label);

    public string Cell(string label, string heading) => Row(label)[Column(heading)];

    public int Column(string heading)
    {
        var index = Headings.ToList().IndexOf(heading);
        Assert.True(index >= 0, $"{Title} has no column \"{heading}\": {string.Join(" | ", Headings)}");
        return index;
    }
}

/// <summary>Reads the Swedish CSV files: UTF-8 with BOM, semicolons, quoted fields, CRLF.</summary>
public static class Csv
{
    public static string Text(byte[] bytes)
    {
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        return Encoding.UTF8.GetString(bytes, 3, bytes.Length - 3);
    }

    public static List<List<string>> Parse(string text)
    {
        var rows = new List<List<string>>();
        var row = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ';')
            {
                row.Add(field.ToString());
                field.Clear();
            }
            else if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                row.Add(field.ToString());
                field.Clear();
                rows.Add(row);
                row = [];
                i++;
            }
            else
            {
                Assert.NotEqual('\n', c);
                field.Append(c);
            }
        }

        Assert.True(field.Length == 0 && row.Count == 0, "the file ends with CRLF");
        return rows;
    }

    /// <summary>The wide CSV's tables: after the basis, each table is a blank line, a title line, a heading line and its rows.</summary>
    public static Dictionary<string, Table> WideTables(string text)
    {
        var lines = Parse(text);
        var tables = new Dictionary<string, Table>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i] is [""] && i + 2 < lines.Count)
            {
                var title = Assert.Single(lines[i + 1]);
                var headings = lines[i + 2];
                var rows = new List<IReadOnlyList<string>>();
                for (i += 3; i < lines.Count && lines[i] is not [""]; i++)
                {
                    Assert.Equal(headings.Count, lines[i].Count);
                    rows.Add(lines[i]);
                }

                i--;
                tables.Add(title, new Table(title, headings, rows));
            }
        }

        return tables;
    }

    /// <summary>A number as the Swedish CSV writes it ("60,0", "3"), or null for a mark or a text.</summary>
    public static decimal? Number(string field) =>
        decimal.TryParse(field, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingSign, new NumberFormatInfo { NumberDecimalSeparator = ",", NegativeSign = "-" }, out var d) ? d : null;
}

public static class WorkbookTables
{
    /// <summary>A table sheet: row 1 is its title, row 2 its headings, the rows follow (cells as the CSV would write them).</summary>
    public static Table Table(this Workbook book, string sheet)
    {
        var rows = book[sheet];
        var title = rows[0][0]!.Text!;
        var headings = rows[1].Select(c => c?.Text ?? "").ToList();
        return new Table(title, headings, rows.Skip(2).Select(r => (IReadOnlyList<string>)Enumerable.Range(0, headings.Count).Select(i => i < r.Count ? Swedish(r[i]) : "").ToList()).ToList());
    }

    /// <summary>A cell written as the Swedish CSV writes it: a count whole, a "0.0" cell with one decimal, with a decimal comma.</summary>
    public static string Swedish(XlsxCell? cell)
    {
        var numbers = new NumberFormatInfo { NumberDecimalSeparator = ",", NegativeSign = "-" };
        return cell switch
        {
            null => "",
            { Number: { } n, NumberFormat: "0.0" } => n.ToString("0.0", numbers),
            { Number: { } n, NumberFormat: "0" } => n.ToString("0", numbers),
            { Number: { } n } => n.ToString("0.##########", numbers),
            _ => cell.Text ?? "",
        };
    }

    /// <summary>The label/value lines of the Underlag sheet.</summary>
    public static Dictionary<string, XlsxCell?> Basis(this Workbook book) =>
        book["Underlag"].Where(r => r.Count >= 2 && r[0]?.Text is { Length: > 0 }).GroupBy(r => r[0]!.Text!).ToDictionary(g => g.Key, g => g.First()[1]);
}
