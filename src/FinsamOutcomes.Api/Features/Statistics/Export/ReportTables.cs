using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace FinsamOutcomes.Api.Features.Statistics.Export;

/// <summary>How a cell is written: text, a count (whole number), a percentage or a number of days (one decimal), kronor (two decimals), or a mark.</summary>
public enum CellKind
{
    Text,
    Count,
    Percent,
    Days,
    Number,
    Suppressed,
    NoDenominator,

    /// <summary>Kronor with öre (the economy's amounts): a number formatted 0.00.</summary>
    Money,
}

public sealed record ExportCell(CellKind Kind, string? Text = null, decimal? Number = null)
{
    public static ExportCell Of(string? text) => new(CellKind.Text, text ?? "");

    public static readonly ExportCell Empty = new(CellKind.Text, "");

    public bool IsNumber => Kind is CellKind.Count or CellKind.Percent or CellKind.Days or CellKind.Number or CellKind.Money;
}

/// <summary>One table of an export: a title, the column headings and the rows (the first cells of a row name its group).</summary>
public sealed record ExportTable(string Title, IReadOnlyList<string> Headings, IReadOnlyList<IReadOnlyList<ExportCell>> Rows);

/// <summary>The report's basis as label/value lines (the "Underlag" of a file).</summary>
public sealed record ExportBasis(IReadOnlyList<(string Label, ExportCell Value)> Lines, int? SuppressionThreshold);

/// <summary>
/// Turns a report's JSON into tables by its shapes, not by its names, so a figure added to the report appears in
/// every export without a change here: an object with <c>total</c> and <c>byGender</c> is a row of a table per gender
/// (genders as columns); <c>byAgeBand</c> a row of a table per age band; a share <c>{numerator, denominator, value}</c>
/// three cells n, N and %; a share per gender a row of a share table; <c>{rows, atExitTotals, total}</c> a
/// transition table; a list of other objects a table with a column per property; the remaining single figures of a
/// section a table of key figures. Numbers are taken from the JSON exactly as they are: nothing is recomputed.
/// A new property gets its Swedish heading from <see cref="SwedishLabels"/> (until it has one, its JSON name is shown).
/// </summary>
public static class ReportTables
{
    private static readonly string[] Genders = ["woman", "man", "nonBinary", "notStated"];

    private static readonly HashSet<string> OneDecimal = new(StringComparer.Ordinal) { "medianDays", "meanDays" };

    public static IReadOnlyList<ExportTable> Build(JsonObject report)
    {
        var tables = new List<ExportTable>();
        foreach (var (section, node) in report)
        {
            if (section == "basis" || node is null)
            {
                continue;
            }

            var title = SwedishLabels.Key(section);
            var keyFigures = new List<IReadOnlyList<ExportCell>>();
            switch (node)
            {
                case JsonObject obj:
                    Walk(tables, keyFigures, title, section, obj, "");
                    break;
                case JsonArray array:
                    AddArray(tables, keyFigures, title, title, section, array);
                    break;
                default:
                    keyFigures.Add(KeyFigure(title, section, node, null));
                    break;
            }

            if (keyFigures.Count > 0)
            {
                tables.Add(new ExportTable($"{title} – nyckeltal", KeyFigureHeadings, keyFigures));
            }
        }

        return Unique(tables);
    }

    private static readonly string[] KeyFigureHeadings = ["Mått", "Värde", "Antal (n)", "Av (N)", "Andel (%)"];

    private static void Walk(List<ExportTable> tables, List<IReadOnlyList<ExportCell>> keyFigures, string title, string key, JsonObject obj, string prefix)
    {
        var genderRows = new List<(string Label, JsonObject Row)>();
        var ageRows = new List<(string Label, JsonObject Row)>();
        var shareRows = new List<(string Label, JsonObject Shares)>();
        var genderArrays = new List<(string Key, JsonArray Rows)>();
        if (IsGenderRow(obj) && prefix.Length == 0)
        {
            genderRows.Add(("Totalt", obj));
        }

        foreach (var (childKey, child) in obj)
        {
            var label = Join(prefix, SwedishLabels.Key(key, childKey));
            switch (child)
            {
                case JsonObject c when IsGenderRow(c):
                    genderRows.Add((label, c));
                    if (c["byAgeBand"] is JsonArray)
                    {
                        ageRows.Add((label, c));
                    }

                    break;
                case JsonObject c when IsGenderShares(c):
                    shareRows.Add((label, c));
                    break;
                case JsonObject c when IsShare(c):
                    keyFigures.Add(ShareFigure(label, c));
                    break;
                case JsonObject c when IsDays(c):
                    keyFigures.Add(KeyFigure($"{label}: antal", "count", c["count"], c));
                    keyFigures.Add(KeyFigure($"{label}: median (dagar)", "medianDays", c["medianDays"], c));
                    keyFigures.Add(KeyFigure($"{label}: medel (dagar)", "meanDays", c["meanDays"], c));
                    break;
                case JsonObject c when IsTransition(c):
                    tables.Add(Transition($"{title} – {label}", childKey, c));
                    break;
                case JsonObject c when IsGenderCounts(c):
                    break; // the genders of the object itself, written with its gender row
                case JsonObject c:
                    Walk(tables, keyFigures, title, childKey, c, label);
                    break;
                case JsonArray a when a.Count > 0 && a.All(i => i is JsonObject o && IsGenderRow(o)):
                    genderArrays.Add((childKey, a));
                    break;
                case JsonArray a when childKey == "byAgeBand":
                    break;
                case JsonArray a:
                    AddArray(tables, keyFigures, Title(title, label), label, childKey, a);
                    break;
                default:
                    if (!(IsGenderRow(obj) && childKey is "total" or "attendees") && !(obj.ContainsKey("key") && childKey == "key"))
                    {
                        keyFigures.Add(KeyFigure(label, childKey, child, obj));
                    }

                    break;
            }
        }

        // a table's own total row joins the list it totals (exits by category + exits.total; head count by insats + head count)
        var plain = genderArrays.Where(a => a.Rows.OfType<JsonObject>().All(r => r.ContainsKey("key"))).ToList();
        var totalled = genderRows.Count == 1 ? plain.Count == 1 ? plain[0].Key : genderArrays.Count == 1 ? genderArrays[0].Key : null : null;
        foreach (var (arrayKey, rows) in genderArrays)
        {
            var withTotal = arrayKey == totalled ? genderRows[0] : ((string, JsonObject)?)null;
            tables.Add(GenderTable(Title(title, Join(prefix, SwedishLabels.Key(arrayKey))), arrayKey, rows, withTotal));
        }

        if (totalled is not null)
        {
            genderRows.Clear();
        }

        if (genderRows.Count > 0)
        {
            tables.Add(SimpleGenderTable(prefix.Length == 0 ? $"{title} per kön" : $"{title} – {prefix} per kön", genderRows));
        }

        if (ageRows.Count > 0)
        {
            tables.Add(AgeTable(prefix.Length == 0 ? $"{title} per åldersgrupp" : $"{title} – {prefix} per åldersgrupp", ageRows));
        }

        if (shareRows.Count > 0)
        {
            tables.Add(ShareTable(prefix.Length == 0 ? $"{title} – andelar per kön" : $"{title} – {prefix} andelar", shareRows));
        }
    }

    /// <summary>"Avslut" and "Per kategori" make "Avslut per kategori"; other parts follow a dash: "Före och efter – Sysselsättning".</summary>
    private static string Title(string section, string part) =>
        part.StartsWith("Per ", StringComparison.Ordinal) ? $"{section} per {part[4..]}" : $"{section} – {part}";

    private static void AddArray(List<ExportTable> tables, List<IReadOnlyList<ExportCell>> keyFigures, string title, string label, string key, JsonArray array)
    {
        if (array.All(i => i is not JsonObject and not JsonArray))
        {
            keyFigures.Add([ExportCell.Of(label), ExportCell.Of(string.Join(", ", array.Select(i => i?.ToString()))), ExportCell.Empty, ExportCell.Empty, ExportCell.Empty]);
            return;
        }

        var items = array.OfType<JsonObject>().ToList();
        if (items.Count > 0 && items.All(i => i.Count == 2 && i.ContainsKey("key") && i.ContainsKey("count")))
        {
            tables.Add(new ExportTable(title, [SwedishLabels.Key("key"), "Antal"],
                items.Select(i => (IReadOnlyList<ExportCell>)[ExportCell.Of(SwedishLabels.Code(key, i["key"]!.ToString())), Number("count", i["count"], i)]).ToList()));
            return;
        }

        tables.Add(Records(title, key, items));
    }

    /// <summary>A list of objects: a column per property, in the order of the first object; a share gives n, N and %.</summary>
    private static ExportTable Records(string title, string key, List<JsonObject> items)
    {
        var columns = new List<(string Property, string? Part)>();
        foreach (var item in items)
        {
            foreach (var (property, value) in item)
            {
                string?[] parts = value switch
                {
                    JsonObject s when IsShare(s) => ["numerator", "denominator", "value"],
                    JsonObject g when IsGenderCounts(g) => [.. Genders],
                    JsonObject o => [.. o.Select(p => p.Key)],
                    _ => [(string?)null],
                };
                var placeholder = columns.IndexOf((property, null));
                if (value is JsonObject && placeholder >= 0)
                {
                    // a property null in the rows before (a count goal's share) and an object here: its parts replace it
                    columns.RemoveAt(placeholder);
                    columns.InsertRange(placeholder, parts.Select(p => (property, p)));
                    continue;
                }

                if (value is null && columns.Any(c => c.Property == property))
                {
                    continue;
                }

                foreach (var part in parts)
                {
                    if (!columns.Contains((property, part)))
                    {
                        columns.Add((property, part));
                    }
                }
            }
        }

        var headings = columns.Select(c => c.Part is null ? Heading(key, c.Property) : $"{SwedishLabels.Key(c.Property)}: {PartHeading(c.Part)}").ToList();
        var rows = items.Select(item => (IReadOnlyList<ExportCell>)columns.Select(c =>
        {
            if (c.Part is null)
            {
                return Value(c.Property, item[c.Property], item);
            }

            var holder = item[c.Property] as JsonObject;
            if (holder is null)
            {
                return ExportCell.Empty;
            }

            return c.Part == "value" ? Percent(holder["value"], holder) : Value(c.Part, holder[c.Part], holder);
        }).ToList()).ToList();
        return new ExportTable(title, headings, rows);
    }

    private static string PartHeading(string part) => part switch
    {
        "numerator" => "antal (n)",
        "denominator" => "av (N)",
        "value" => "andel (%)",
        _ => SwedishLabels.Key(part).ToLowerInvariant(),
    };

    private static string Heading(string table, string property) => (table, property) switch
    {
        ("goals", "value") => "Värde",
        ("goals", "threshold") => "Målvärde",
        _ => SwedishLabels.Key(table, property),
    };

    private static ExportTable SimpleGenderTable(string title, List<(string Label, JsonObject Row)> rows) =>
        new(title, ["Mått", "Totalt", .. Genders.Select(SwedishLabels.Key)],
            rows.Select(r => (IReadOnlyList<ExportCell>)[ExportCell.Of(r.Label), .. GenderCells(r.Row)]).ToList());

    /// <summary>A list of rows split by gender; the scalar properties of its rows (category, code, label…) come first; its own total last.</summary>
    private static ExportTable GenderTable(string title, string key, JsonArray array, (string Label, JsonObject Row)? totalRow)
    {
        var rows = array.OfType<JsonObject>().ToList();
        var extra = rows.SelectMany(r => r.Where(p => p.Value is not JsonObject and not JsonArray && p.Key is not "total" and not "attendees").Select(p => p.Key))
            .Distinct().DefaultIfEmpty("key").ToList();
        var headings = new List<string>();
        headings.AddRange(extra.Select(e => e == "key" ? KeyHeading(key) : SwedishLabels.Key(e)));
        headings.Add(rows[0].ContainsKey("attendees") ? "Deltagare totalt" : "Totalt");
        headings.AddRange(Genders.Select(SwedishLabels.Key));
        var result = rows.Select(r => (IReadOnlyList<ExportCell>)[.. extra.Select(e => Value(e == "key" ? key : e, r[e], r, e == "key" ? key : null)), .. GenderCells(r)]).ToList();
        if (totalRow is { } t)
        {
            result.Add([.. extra.Select((e, i) => i == 0 ? ExportCell.Of("Totalt") : TotalRowCell(e, t.Row)), .. GenderCells(t.Row)]);
        }

        return new ExportTable(title, headings, result);
    }

    private static string KeyHeading(string list) => list switch
    {
        "byCategory" => "Kategori",
        "receivedByParty" => "Remitterande part",
        _ => "Grupp",
    };

    /// <summary>In a list's total row, the counts the total has of its own (occurrences of the head count) and nothing else.</summary>
    private static ExportCell TotalRowCell(string property, JsonObject total) =>
        total.ContainsKey(property) && total[property] is not JsonObject and not JsonArray && property is not "key" ? Value(property, total[property], total) : ExportCell.Empty;

    private static IEnumerable<ExportCell> GenderCells(JsonObject row)
    {
        var (totalName, gendersName) = row.ContainsKey("attendeesByGender") ? ("attendees", "attendeesByGender") : ("total", "byGender");
        var genders = row[gendersName] as JsonObject;
        yield return Number(totalName, row[totalName], row);
        foreach (var g in Genders)
        {
            yield return Number(g, genders?[g], genders);
        }
    }

    private static ExportTable AgeTable(string title, List<(string Label, JsonObject Row)> rows)
    {
        var bands = rows.SelectMany(r => ((JsonArray)r.Row["byAgeBand"]!).OfType<JsonObject>().Select(b => b["key"]!.ToString())).Distinct().ToList();
        return new ExportTable(title, ["Mått", "Totalt", .. bands.Select(b => $"{b} år")],
            rows.Select(r =>
            {
                var byBand = ((JsonArray)r.Row["byAgeBand"]!).OfType<JsonObject>().ToDictionary(b => b["key"]!.ToString());
                return (IReadOnlyList<ExportCell>)[ExportCell.Of(r.Label), Number("total", r.Row["total"], r.Row),
                    .. bands.Select(b => byBand.TryGetValue(b, out var band) ? Number("count", band["count"], band) : ExportCell.Empty)];
            }).ToList());
    }

    private static readonly string[] ShareParts = ["total", .. Genders];

    private static ExportTable ShareTable(string title, List<(string Label, JsonObject Shares)> rows) =>
        new(title,
            ["Mått", .. ShareParts.SelectMany(p => new[] { $"{SwedishLabels.Key(p)}: antal (n)", $"{SwedishLabels.Key(p)}: av (N)", $"{SwedishLabels.Key(p)}: andel (%)" })],
            rows.Select(r => (IReadOnlyList<ExportCell>)[ExportCell.Of(r.Label), .. ShareParts.SelectMany(p => ShareCells(r.Shares[p] as JsonObject))]).ToList());

    private static ExportTable Transition(string title, string key, JsonObject table)
    {
        var rows = ((JsonArray)table["rows"]!).OfType<JsonObject>().ToList();
        var columns = ((JsonArray)table["atExitTotals"]!).OfType<JsonObject>().Select(c => c["key"]!.ToString()).ToList();
        var result = rows.Select(r =>
        {
            var cells = ((JsonArray)r["atExit"]!).OfType<JsonObject>().ToDictionary(c => c["key"]!.ToString());
            return (IReadOnlyList<ExportCell>)[ExportCell.Of(SwedishLabels.Code(key, r["atStart"]!.ToString())),
                .. columns.Select(c => cells.TryGetValue(c, out var cell) ? Number("count", cell["count"], cell) : ExportCell.Empty),
                Number("total", r["total"], r)];
        }).ToList();
        var totals = ((JsonArray)table["atExitTotals"]!).OfType<JsonObject>().ToDictionary(c => c["key"]!.ToString());
        result.Add([ExportCell.Of("Totalt"), .. columns.Select(c => Number("count", totals[c]["count"], totals[c])), Number("total", table["total"], table)]);
        return new ExportTable(title, ["Vid start \\ vid avslut", .. columns.Select(c => SwedishLabels.Code(key, c)), "Totalt"], result);
    }

    private static IReadOnlyList<ExportCell> ShareFigure(string label, JsonObject share) => [ExportCell.Of(label), ExportCell.Empty, .. ShareCells(share)];

    private static IEnumerable<ExportCell> ShareCells(JsonObject? share)
    {
        if (share is null)
        {
            return [ExportCell.Empty, ExportCell.Empty, ExportCell.Empty];
        }

        return [Number("numerator", share["numerator"], share), Number("denominator", share["denominator"], share), Percent(share["value"], share)];
    }

    private static IReadOnlyList<ExportCell> KeyFigure(string label, string key, JsonNode? value, JsonObject? holder) =>
        [ExportCell.Of(label), Value(key, value, holder), ExportCell.Empty, ExportCell.Empty, ExportCell.Empty];

    /// <summary>A property's cell: numbers as numbers (days and averages with one decimal), booleans as ja/nej, codes in Swedish, null as its mark.</summary>
    public static ExportCell Value(string key, JsonNode? value, JsonObject? holder, string? codeContext = null)
    {
        switch (value)
        {
            case null:
                return IsNumeric(key, holder) ? Missing(key, holder) : ExportCell.Empty;
            case JsonValue v when v.GetValueKind() == JsonValueKind.Number:
                if (key is "value" or "threshold" && holder is not null && (SwedishLabels.IsShareMetric(holder["metric"]?.ToString()) || holder.ContainsKey("numerator")))
                {
                    return Percent(value, holder);
                }

                return Number(key, value, holder);
            case JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False:
                return ExportCell.Of(v.GetValue<bool>() ? "ja" : "nej");
            case JsonValue v:
                var text = v.ToString();
                return ExportCell.Of(key is "metric" or "status" or "reason" or "comparison" or "goalPeriod" or "scopeKind" or "category" or "kind"
                    ? SwedishLabels.Code(key, text)
                    : codeContext is not null ? SwedishLabels.Code(codeContext, text) : text);
            default:
                return ExportCell.Of(value.ToJsonString());
        }
    }

    private static ExportCell Number(string key, JsonNode? value, JsonObject? holder)
    {
        if (value is null)
        {
            return Missing(key, holder);
        }

        var number = decimal.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture);
        var kind = OneDecimal.Contains(key) ? CellKind.Days : number == decimal.Truncate(number) ? CellKind.Count : CellKind.Number;
        return new ExportCell(kind, null, number);
    }

    private static ExportCell Percent(JsonNode? value, JsonObject? holder) =>
        value is null ? Missing("value", holder) : new ExportCell(CellKind.Percent, null, decimal.Parse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture));

    /// <summary>
    /// Why a number is missing: a share whose denominator is 0, or a median of nothing, has no value
    /// (<see cref="CellKind.NoDenominator"/>); any other missing number was hidden by disclosure control.
    /// </summary>
    private static ExportCell Missing(string key, JsonObject? holder)
    {
        if (holder is not null)
        {
            var share = holder.ContainsKey("numerator") ? holder : holder["share"] as JsonObject;
            if (key is "value" or "threshold" && share is not null && IsZero(share["denominator"]))
            {
                return new ExportCell(CellKind.NoDenominator);
            }

            if (key is "medianDays" or "meanDays" && IsZero(holder["count"]))
            {
                return new ExportCell(CellKind.NoDenominator);
            }
        }

        return new ExportCell(CellKind.Suppressed);
    }

    private static bool IsZero(JsonNode? node) => node is JsonValue v && v.TryGetValue<int>(out var n) && n == 0;

    private static bool IsNumeric(string key, JsonObject? holder) =>
        key is "total" or "count" or "numerator" or "denominator" or "value" or "medianDays" or "meanDays" or "woman" or "man" or "nonBinary" or "notStated"
            or "exits" or "decisions" or "withdrawn" or "waitingAtEnd" or "awaitingCompletionAtEnd" or "individuals" or "participations" or "occurrences"
            or "attendees" or "accepted" or "overCap" or "overrides" or "cap" or "threshold"
        || (holder is not null && holder.Where(p => p.Key == key).Any() && key.EndsWith("Count", StringComparison.Ordinal));

    private static bool IsShare(JsonObject o) => o.ContainsKey("numerator") && o.ContainsKey("denominator") && o.ContainsKey("value");

    private static bool IsGenderShares(JsonObject o) => ShareParts.All(p => o[p] is JsonObject s && IsShare(s));

    private static bool IsGenderRow(JsonObject o) =>
        (o.ContainsKey("total") && o["byGender"] is JsonObject) || (o.ContainsKey("attendees") && o["attendeesByGender"] is JsonObject);

    private static bool IsGenderCounts(JsonObject o) => Genders.All(o.ContainsKey) && o.Count == Genders.Length;

    private static bool IsDays(JsonObject o) => o.ContainsKey("count") && o.ContainsKey("medianDays") && o.ContainsKey("meanDays");

    private static bool IsTransition(JsonObject o) => o["rows"] is JsonArray && o["atExitTotals"] is JsonArray && o.ContainsKey("total");

    private static string Join(string a, string b) => a.Length == 0 ? b : $"{a}: {b}";

    /// <summary>Titles made unique (a sheet name must be).</summary>
    private static List<ExportTable> Unique(List<ExportTable> tables)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var result = new List<ExportTable>();
        foreach (var table in tables)
        {
            var title = table.Title;
            for (var i = 2; !seen.Add(title); i++)
            {
                title = $"{table.Title} ({i})";
            }

            result.Add(table with { Title = title });
        }

        return result;
    }

    /// <summary>The basis of a report as Swedish lines: what it covers, which state of the log, when it was produced.</summary>
    public static ExportBasis Basis(JsonObject report, IEnumerable<(string Label, ExportCell Value)>? extra = null)
    {
        var basis = report["basis"] as JsonObject ?? [];
        var lines = new List<(string, ExportCell)>();
        if (extra is not null)
        {
            lines.AddRange(extra);
        }

        int? threshold = basis["disclosureControl"]?["threshold"] is JsonValue t && t.TryGetValue<int>(out var n) ? n : null;
        foreach (var (key, value) in basis)
        {
            switch (key)
            {
                case "period" when value is JsonObject period:
                    lines.Add(("Period", ExportCell.Of(period["name"]?.ToString())));
                    lines.Add(("Från och med", ExportCell.Of(period["from"]?.ToString())));
                    lines.Add(("Till och med", ExportCell.Of(period["to"]?.ToString())));
                    break;
                case "disclosureControl":
                    lines.Add(("Röjandekontroll", ExportCell.Of(threshold is { } th
                        ? $"ja: antal från 1 till {th - 1} är undertryckta ({SwedishLabels.Suppressed}), liksom värden som annars kunde räknas fram ur dem"
                        : "nej: exakta siffror för förbundets egen redovisning")));
                    break;
                case "position":
                    lines.Add((SwedishLabels.Key(key), Number("position", value, basis)));
                    break;
                case "producedAt" or "positionRecordedAt" when value is JsonValue moment && DateTimeOffset.TryParse(moment.ToString(), CultureInfo.InvariantCulture, out var at):
                    lines.Add(($"{SwedishLabels.Key(key)} (svensk tid)", ExportCell.Of(SwedishTime(at))));
                    break;
                case "forbundIds" when value is JsonArray ids:
                    lines.Add((SwedishLabels.Key(key), ExportCell.Of(string.Join(", ", ids.Select(i => i?.ToString())))));
                    break;
                default:
                    lines.Add((SwedishLabels.Key(key), value is null ? ExportCell.Empty : Value(key, value, basis)));
                    break;
            }
        }

        return new ExportBasis(lines, threshold);
    }

    private static readonly TimeZoneInfo Sweden = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    /// <summary>A moment as a Swedish reader writes it: local time in Sweden, to the second.</summary>
    public static string SwedishTime(DateTimeOffset moment) =>
        TimeZoneInfo.ConvertTime(moment, Sweden).ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);

    /// <summary>Short definitions of the figures (docs/statistics.md has them in full, with worked examples).</summary>
    public static readonly IReadOnlyList<(string Term, string Definition)> Definitions =
    [
        ("Aktiva under perioden", "Deltaganden inskrivna senast periodens sista dag och inte avslutade före periodens första dag."),
        ("Nya under perioden", "Deltaganden inskrivna under perioden."),
        ("Avslutade under perioden", "Deltaganden vars avslutsdatum (som senast rättat) ligger i perioden."),
        ("Aktiva vid periodens slut", "Inskrivna senast periodens sista dag och inte avslutade då."),
        ("Vilande vid periodens slut", "Aktiva vid periodens slut med ett vilande som inte har återupptagits."),
        ("Andel till arbete/studier", "Avslut till arbete eller studier / alla avslut under perioden (n av N), i procent med en decimal."),
        ("Andel positiv lösning", "Avslut med en orsak som förbundet räknar som positiv lösning / alla avslut under perioden."),
        ("Före och efter", "Avslutens sysselsättning och försörjning vid inskrivning (rader) mot vid avslut (kolumner)."),
        ("Tid i insats", "Dagar från inskrivning till avslut för periodens avslut; vilande räknas med. Utan vilande: vilande dagar dras av."),
        ("Första aktivitet inom 30 dagar", "Inskrivningar vars första aktivitet kom inom 30 dagar / inskrivningar under perioden vars 30 dagar har gått ut."),
        ("Unika individer", "Antal olika personer bland periodens aktiva deltaganden."),
        ("Aktualiseringar", "Mottagna per remitterande part och kön, beslut per typ, väntande vid periodens slut, dagar till beslut och inskrivning."),
        ("Måluppfyllelse", "Varje mål för insatserna: målvärde, värde, uppfyllt / ej uppfyllt / kan inte mätas och varför. Andelsmål i procent, antalsmål i antal."),
        ("Volyminsatser", "Tillfällen och deltagare per kön för insatser som följs upp med antal."),
        ("Sysselsättning vid periodens slut", "Vad de aktiva vid periodens slut gör då (senaste registrerade ändring, annars sysselsättningen vid start); i sysselsättning = lönearbete, subventionerad anställning, studier, praktik eller arbetsträning; i arbete eller studier = de tre första."),
        ("Aktiviteter", "Aktivitetstillfällen daterade i perioden per slag, och deltagare med minst ett tillfälle av varje slag (en deltagare kan räknas i flera slag)."),
        ("Bakgrund", "Utbildning vid start, ålder vid inskrivning och tid med offentlig försörjning före insatsen, över periodens deltagare; remittent över periodens nya."),
        ("SUS-grupper", "Periodens avslutade efter sysselsättning vid avslut (och vid start): förvärvsarbete, studier, aktivt arbetssökande, övriga avslutade."),
        ("Intagsstopp", "Dagar i perioden då en insats eller beredningsgrupp hade stoppat intaget."),
        ("Felregistrering", "Ett deltagande registrerat i fel räknas inte i någon siffra."),
        ("Avrundning", "Andelar, medianer och medelvärden avrundas till en decimal, halva bort från noll."),
    ];
}
