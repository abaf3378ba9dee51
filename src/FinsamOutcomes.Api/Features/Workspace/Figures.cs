using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Html;

namespace FinsamOutcomes.Api.Features.Workspace;

/// <summary>
/// Writes a report's figures into a page. Every number carries <c>data-figure</c> (its path in the report JSON);
/// the element around it carries <c>data-report</c> (the API query of that report), so anyone — and the browser
/// test — can check each shown number against <c>GET /api/statistics/report?…</c>. A suppressed count
/// (national view) is shown as "..", marked; a share without denominator as "–".
/// </summary>
public static class Figures
{
    public static string Encode(string? text) => WebUtility.HtmlEncode(text ?? "");

    /// <summary>True when the report has disclosure control applied (national output).</summary>
    public static bool Suppressed(JsonNode report) => report["basis"]?["disclosureControl"] is JsonObject;

    public static HtmlString Fig(JsonNode report, string path) => new(FigText(report, path));

    /// <summary>A count stored as a number with no decimals (a count goal's value), shown as a whole number.</summary>
    public static HtmlString Count(JsonNode report, string path) => new(FigText(report, path, wholeNumber: true));

    public static string FigText(JsonNode report, string path, bool wholeNumber = false)
    {
        var node = Sv.At(report, path);
        var attr = $"data-figure=\"{Encode(path)}\"";
        if (node is not null)
        {
            var oneDecimal = !wholeNumber && (path.EndsWith(".value", StringComparison.Ordinal) || path.EndsWith("Days", StringComparison.Ordinal)) && Sv.Decimal(node) is { } d;
            return $"<span class=\"num\" {attr}>{Encode(oneDecimal ? Sv.Decimal(node)!.Value.ToString("0.0", Sv.Culture) : Sv.Number(node))}</span>";
        }

        if (IsSuppressedNull(report, path))
        {
            return $"<span class=\"num suppressed\" {attr} title=\"Undertryckt: färre än {Threshold(report)} personer\" aria-label=\"undertryckt\">..</span>";
        }

        return $"<span class=\"num empty\" {attr} title=\"Ingen nämnare: inget att räkna andelen på\" aria-label=\"saknas\">–</span>";
    }

    /// <summary>A share as "60,0 % (6 av 10)".</summary>
    public static HtmlString Share(JsonNode report, string path) =>
        new($"{FigText(report, path + ".value")}&nbsp;% <span class=\"counts\">({FigText(report, path + ".numerator")} av {FigText(report, path + ".denominator")})</span>");

    private static int Threshold(JsonNode report) => report["basis"]?["disclosureControl"]?["threshold"]?.GetValue<int>() ?? 3;

    private static bool IsSuppressedNull(JsonNode report, string path)
    {
        if (!Suppressed(report))
        {
            return false;
        }

        if (path.EndsWith(".value", StringComparison.Ordinal) || path.EndsWith("Days", StringComparison.Ordinal))
        {
            var parent = Sv.At(report, path[..path.LastIndexOf('.')]);
            return parent?["denominator"] is not JsonValue d || d.GetValue<int>() != 0;
        }

        return true;
    }

    public static int Int(JsonNode report, string path) => Sv.At(report, path) is JsonValue v && v.TryGetValue<int>(out var i) ? i : 0;

    /// <summary>One bar of a chart: its label, value (null when suppressed or missing) and the figure path it shows.</summary>
    public sealed record Bar(string Series, decimal? Value, string Path, string? Report = null);

    public sealed record BarGroup(string Label, IReadOnlyList<Bar> Bars);

    private static readonly string[] Colours = ["#1f4e79", "#c55a11", "#548235", "#7030a0", "#5f5f5f"];

    /// <summary>
    /// A horizontal grouped bar chart as inline SVG, drawn on the server: one group per row, one bar per series,
    /// each bar labelled with its value (and the value's figure path), so the chart reads without colour too.
    /// </summary>
    public static HtmlString BarChart(string title, string reportQuery, IReadOnlyList<BarGroup> groups, string unit = "", decimal? max = null)
    {
        var series = groups.SelectMany(g => g.Bars.Select(b => b.Series)).Distinct().ToList();
        const int labelWidth = 190, barHeight = 14, gap = 10, chartWidth = 360, valueWidth = 60;
        var top = series.Count > 1 ? 28 : 8;
        var height = top + groups.Count * (series.Count * barHeight + gap) + 4;
        var scale = max ?? Math.Max(1, groups.SelectMany(g => g.Bars).Select(b => b.Value ?? 0).DefaultIfEmpty(0).Max());
        var svg = new StringBuilder();
        svg.Append(CultureInfo.InvariantCulture, $"<svg class=\"chart\" role=\"img\" aria-label=\"{Encode(title)}\" data-report=\"{Encode(reportQuery)}\" viewBox=\"0 0 {labelWidth + chartWidth + valueWidth} {height}\" width=\"100%\" xmlns=\"http://www.w3.org/2000/svg\">");
        svg.Append(CultureInfo.InvariantCulture, $"<title>{Encode(title)}</title>");
        var x = labelWidth;
        foreach (var (name, i) in series.Select((s, i) => (s, i)))
        {
            if (series.Count > 1)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"6\" width=\"12\" height=\"12\" fill=\"{Colours[i % Colours.Length]}\"/><text x=\"{x + 16}\" y=\"16\" class=\"legend\">{Encode(name)}</text>");
                x += 24 + name.Length * 7;
            }
        }

        var y = top;
        foreach (var group in groups)
        {
            var groupHeight = series.Count * barHeight;
            svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth - 6}\" y=\"{y + groupHeight / 2 + 4}\" text-anchor=\"end\" class=\"label\">{Encode(group.Label)}</text>");
            foreach (var bar in group.Bars)
            {
                var index = series.IndexOf(bar.Series);
                var width = bar.Value is { } v && scale > 0 ? (double)(v / scale) * chartWidth : 0;
                var by = y + index * barHeight;
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{labelWidth}\" y=\"{by + 1}\" width=\"{width:0.#}\" height=\"{barHeight - 2}\" fill=\"{Colours[index % Colours.Length]}\"><title>{Encode(group.Label)}, {Encode(bar.Series)}: {Encode(bar.Value is { } t ? t.ToString(Sv.Culture) : "undertryckt eller saknas")}</title></rect>");
                var text = bar.Value is { } value ? (value == decimal.Truncate(value) && unit.Length == 0 ? value.ToString("0", Sv.Culture) : value.ToString("0.0", Sv.Culture)) : "..";
                var own = bar.Report is null ? "" : $" data-report=\"{Encode(bar.Report)}\"";
                svg.Append(CultureInfo.InvariantCulture, $"<g{own}><text x=\"{labelWidth + width + 4:0.#}\" y=\"{by + barHeight - 3}\" class=\"value\" data-figure=\"{Encode(bar.Path)}\">{Encode(text)}</text></g>");
                if (unit.Length > 0 && bar.Value is not null)
                {
                    svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{labelWidth + width + 8 + text.Length * 7:0.#}\" y=\"{by + barHeight - 3}\" class=\"value\">{Encode(unit)}</text>");
                }
            }

            y += groupHeight + gap;
        }

        svg.Append("</svg>");
        return new HtmlString(svg.ToString());
    }

    /// <summary>The keys of the rows of a list in the report (e.g. the seven kinds of occupationAtEnd.byKind), in the report's order.</summary>
    public static IReadOnlyList<string> Keys(JsonNode report, string list) =>
        (Sv.At(report, list) as JsonArray)?.Select(row => row?["key"]?.GetValue<string>() ?? "").ToArray() ?? [];

    /// <summary>
    /// A table of a list of rows split by gender (columns Totalt and the four genders), each row labelled by its code's
    /// Swedish name in <paramref name="codeContext"/>, and the list's own total as the last row when it has one.
    /// </summary>
    public static HtmlString GenderTable(JsonNode report, string reportQuery, string labelledBy, string list, string codeContext, string firstHeading, (string Label, string Path)? totalRow = null)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<table data-report=\"{Encode(reportQuery)}\" aria-labelledby=\"{Encode(labelledBy)}\"><thead><tr><th scope=\"col\">{Encode(firstHeading)}</th><th scope=\"col\" class=\"n\">Totalt</th>");
        foreach (var g in Sv.Genders)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th scope=\"col\" class=\"n\">{Encode(Sv.Label(g))}</th>");
        }

        html.Append("</tr></thead><tbody>");
        void Row(string label, string path, string tag)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><{tag} scope=\"row\">{Encode(label)}</{tag}><td class=\"n\">{FigText(report, path + ".total")}</td>");
            foreach (var g in Sv.Genders)
            {
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{FigText(report, $"{path}.byGender.{g}")}</td>");
            }

            html.Append("</tr>");
        }

        foreach (var key in Keys(report, list))
        {
            Row(Statistics.Export.SwedishLabels.Code(codeContext, key), $"{list}.{key}", "th");
        }

        if (totalRow is { } total)
        {
            Row(total.Label, total.Path, "th");
        }

        html.Append("</tbody></table>");
        return new HtmlString(html.ToString());
    }

    /// <summary>Shares split by gender, one row per share ({total, woman, man, nonBinary, notStated} of {numerator, denominator, value}), each cell "x,x % (n av N)".</summary>
    public static HtmlString ShareTable(JsonNode report, string reportQuery, string labelledBy, string firstHeading, IEnumerable<(string Label, string Path)> rows)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<table data-report=\"{Encode(reportQuery)}\" aria-labelledby=\"{Encode(labelledBy)}\"><thead><tr><th scope=\"col\">{Encode(firstHeading)}</th><th scope=\"col\" class=\"n\">Totalt</th>");
        foreach (var g in Sv.Genders)
        {
            html.Append(CultureInfo.InvariantCulture, $"<th scope=\"col\" class=\"n\">{Encode(Sv.Label(g))}</th>");
        }

        html.Append("</tr></thead><tbody>");
        foreach (var (label, path) in rows)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr><th scope=\"row\">{Encode(label)}</th>");
            foreach (var part in new[] { "total" }.Concat(Sv.Genders))
            {
                html.Append(CultureInfo.InvariantCulture, $"<td class=\"n\">{Share(report, $"{path}.{part}")}</td>");
            }

            html.Append("</tr>");
        }

        html.Append("</tbody></table>");
        return new HtmlString(html.ToString());
    }

    /// <summary>The bars of a list's totals: one group per row, one bar, labelled by the code's Swedish name.</summary>
    public static IReadOnlyList<BarGroup> TotalBars(JsonNode report, string list, string codeContext) =>
        Keys(report, list).Select(k => new BarGroup(Statistics.Export.SwedishLabels.Code(codeContext, k), [new Bar("Antal", Sv.Decimal(Sv.At(report, $"{list}.{k}.total")), $"{list}.{k}.total")])).ToArray();

    /// <summary>The bars of a gender split: one per gender, with the figure paths under <paramref name="prefix"/>.byGender.</summary>
    public static IReadOnlyList<Bar> GenderBars(JsonNode report, string prefix) =>
        Sv.Genders.Select(g => new Bar(Sv.Label(g), Sv.Decimal(Sv.At(report, $"{prefix}.byGender.{g}")), $"{prefix}.byGender.{g}")).ToArray();
}
