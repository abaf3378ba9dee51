using System.Text;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>One problem of an imported file: the row (the heading is row 1, as in a spreadsheet), the column when there is one, a code and a sentence. Never the cell's value.</summary>
public sealed record ImportProblem(int Row, string? Column, string Code, string Message);

/// <summary>The CSV reading every import shares (survey answers, history files).</summary>
public static class TabularFile
{
    /// <summary>RFC 4180 records; the separator is the heading's semicolon or comma, whichever occurs more often outside quotes.</summary>
    public static List<List<string>> ParseCsv(string text)
    {
        var firstLine = text.Split('\n', 2)[0];
        var separator = firstLine.Count(c => c == ';') >= firstLine.Count(c => c == ',') ? ';' : ',';
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
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

                continue;
            }

            switch (c)
            {
                case '"' when field.Length == 0:
                    quoted = true;
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    record.Add(field.ToString());
                    field.Clear();
                    if (record.Count > 1 || record[0].Length > 0 || any)
                    {
                        records.Add(record);
                    }

                    record = [];
                    any = false;
                    break;
                default:
                    if (c == separator)
                    {
                        record.Add(field.ToString());
                        field.Clear();
                        any = true;
                    }
                    else
                    {
                        field.Append(c);
                        any = true;
                    }

                    break;
            }
        }

        if (field.Length > 0 || record.Count > 0 || any)
        {
            record.Add(field.ToString());
            records.Add(record);
        }

        return records;
    }
}
