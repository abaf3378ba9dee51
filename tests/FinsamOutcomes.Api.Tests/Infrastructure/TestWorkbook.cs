using System.Globalization;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace FinsamOutcomes.Api.Tests.Infrastructure;

/// <summary>
/// A workbook as another system exports one (an accounting system, a spreadsheet of old participants): one worksheet,
/// the header in row 1, numbers as number cells, text as inline strings.
/// </summary>
public static class TestWorkbook
{
    public static byte[] Write(string sheetName, IReadOnlyList<IReadOnlyList<object?>> rows)
    {
        using var stream = new MemoryStream();
        using (var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook))
        {
            var workbook = document.AddWorkbookPart();
            workbook.Workbook = new Workbook();
            var sheet = workbook.AddNewPart<WorksheetPart>();
            sheet.Worksheet = new Worksheet(new SheetData(rows.Select(values => new Row(values.Select(value => value switch
            {
                decimal d => new Cell { DataType = CellValues.Number, CellValue = new CellValue(d) },
                int i => new Cell { DataType = CellValues.Number, CellValue = new CellValue(i) },
                _ => new Cell { DataType = CellValues.InlineString, InlineString = new InlineString(new Text(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")) },
            })))));
            workbook.Workbook.AppendChild(new Sheets()).Append(new Sheet { Id = workbook.GetIdOfPart(sheet), SheetId = 1, Name = sheetName });
            workbook.Workbook.Save();
        }

        return stream.ToArray();
    }
}
