using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Statistics.Export;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>
/// A report as CSV that opens correctly in Excel with Swedish settings: UTF-8 with BOM, semicolon
/// separator, decimal comma, Swedish headings. One row per figure: section, measure, group and value.
/// Groups and codes are written with their Swedish names (Arbete, Försörjningsstöd, Arbetsförmedlingen…);
/// a suppressed figure is written "..", as Swedish official statistics do, and a share without denominator ".".
/// The wide CSV and the xlsx (namespace Export) give the same figures as tables.
/// </summary>
public static class CsvExport
{
    public static byte[] Write(JsonNode report, IEnumerable<(string Label, string Value)>? before = null)
    {
        var text = new StringBuilder();
        text.Append("Område;Mått;Grupp;Värde\r\n");
        foreach (var (label, value) in before ?? [])
        {
            Row(text, "Fryst rapport", label, "", value);
        }

        Row(text, "Tecken", SwedishLabels.Suppressed, "", SwedishLabels.SuppressedExplanation);
        Row(text, "Tecken", SwedishLabels.NoDenominator, "", SwedishLabels.NoDenominatorExplanation);
        foreach (var (section, node) in (JsonObject)report)
        {
            Flatten(text, Label(section), "", "", node, section, null);
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static void Flatten(StringBuilder text, string section, string measure, string group, JsonNode? node, string context, JsonObject? holder)
    {
        switch (node)
        {
            case JsonObject obj when obj["key"] is JsonValue key && obj.Count <= 3 && obj.ContainsKey("count"):
                Row(text, section, measure, Join(group, SwedishLabels.Code(context, key.ToString())), Format("count", obj["count"], obj));
                break;
            case JsonObject obj:
                var name = Name(obj, context);
                var inner = name is null ? group : Join(group, name);
                foreach (var (key, child) in obj)
                {
                    if (name is not null && key is "key" or "code" or "goalId" or "atStart" or "insatsId" or "beredningsgruppId" or "week" or "id")
                    {
                        continue;
                    }

                    var label = LabelIn(obj, measure, context, key);
                    var childContext = key is "rows" or "atExit" or "atExitTotals" ? context : key;
                    if (child is JsonObject or JsonArray)
                    {
                        Flatten(text, section, Join(measure, label), inner, child, childContext, obj);
                    }
                    else
                    {
                        Row(text, section, Join(measure, label), inner, Format(key, child, obj));
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Flatten(text, section, measure, group, item, context, holder);
                }

                break;
            default:
                Row(text, section, measure, group, Format(context, node, holder));
                break;
        }
    }

    /// <summary>The group a row of a list stands for, in Swedish: a category, a referring part, a support kind; a goal by insats and goal; a week by group.</summary>
    private static string? Name(JsonObject obj, string context)
    {
        if (obj["goalId"] is { } goal)
        {
            return obj["insatsId"] is { } insats ? $"{insats} / {goal}" : goal.ToString();
        }

        if (obj["week"] is { } week)
        {
            return obj["beredningsgruppId"] is { } bg ? $"{bg} / {week}" : week.ToString();
        }

        var code = obj["key"] ?? obj["atStart"];
        if (code is not null)
        {
            return SwedishLabels.Code(context, code.ToString());
        }

        return obj["code"]?.ToString() ?? obj["insatsId"]?.ToString() ?? obj["id"]?.ToString();
    }

    /// <summary>A property's heading; a goal's value and target say whether they are a percentage or a count.</summary>
    private static string LabelIn(JsonObject obj, string measure, string context, string key)
    {
        if (obj["metric"] is { } metric && key is "value" or "threshold")
        {
            var share = SwedishLabels.IsShareMetric(metric.ToString());
            return (key == "value" ? "Värde" : "Målvärde") + (share ? " (%)" : " (antal)");
        }

        if (key == "threshold" && measure == Label("disclosureControl"))
        {
            return "Tröskel";
        }

        return SwedishLabels.Key(context, key);
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : $"{a} / {b}";

    private static string Label(string key) => SwedishLabels.Key(key);

    /// <summary>Decimal comma; shares and averages with one decimal; booleans in Swedish; codes in Swedish; a missing number is its mark.</summary>
    private static string Format(string key, JsonNode? value, JsonObject? holder)
    {
        if (value is JsonValue v && v.GetValueKind() == System.Text.Json.JsonValueKind.Number && key is "value" or "threshold" && holder?["metric"] is { } metric
            && !SwedishLabels.IsShareMetric(metric.ToString()))
        {
            return decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString("0.##########", WideCsvExport.Swedish);
        }

        if (value is JsonValue n && n.GetValueKind() == System.Text.Json.JsonValueKind.Number && key is "threshold")
        {
            return decimal.Parse(n.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString("0.##########", WideCsvExport.Swedish);
        }

        return WideCsvExport.Format(ReportTables.Value(key, value, holder));
    }

    private static void Row(StringBuilder text, string section, string measure, string group, string value) =>
        text.Append(Quote(section)).Append(';').Append(Quote(measure)).Append(';').Append(Quote(group)).Append(';').Append(Quote(value)).Append("\r\n");

    private static string Quote(string field) =>
        field.IndexOfAny([';', '"', '\r', '\n']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
