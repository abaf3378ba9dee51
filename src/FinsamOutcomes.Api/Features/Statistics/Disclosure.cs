using System.Text.Json.Nodes;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>
/// Disclosure control for figures that leave a förbund (national users): a count from 1 to threshold−1
/// is suppressed (null), and where a group (a total and its parts: genders, age bands, categories of a
/// row) would then have exactly one part hidden, the smallest other non-zero part is hidden too, so the
/// hidden cell cannot be worked out from the total and the rest. A total below the threshold hides the
/// whole group. Shares are hidden when their numerator, the rest of their denominator, or the
/// denominator itself is a small count. Zeros are shown. A förbund's own reports are never suppressed.
/// Works on the report's JSON, so it covers every table of the report the same way.
/// </summary>
public static class Disclosure
{
    public const int DefaultThreshold = 3;

    private static readonly string[] Genders = ["woman", "man", "nonBinary", "notStated"];

    private static readonly HashSet<string> Counts = new(StringComparer.Ordinal)
    {
        "total", "count", "exits", "decisions", "withdrawn", "waitingAtEnd", "awaitingCompletionAtEnd", "individuals", "participations",
        "occurrences", "attendees", "accepted", "overCap", "overrides",
    };

    public static JsonNode Apply(JsonNode report, int threshold)
    {
        Walk(report, threshold);
        return report;
    }

    private static void Walk(JsonNode? node, int t)
    {
        switch (node)
        {
            case JsonArray array:
                foreach (var item in array)
                {
                    Walk(item, t);
                }

                break;
            case JsonObject obj:
                // children first, so groups see their own totals before the parent decides
                foreach (var (_, child) in obj.ToArray())
                {
                    Walk(child, t);
                }

                SuppressObject(obj, t);
                break;
        }
    }

    private static void SuppressObject(JsonObject obj, int t)
    {
        if (obj.ContainsKey("numerator") && obj.ContainsKey("denominator"))
        {
            SuppressShare(obj, t);
            return;
        }

        if (obj["byGender"] is JsonObject byGender)
        {
            SuppressGroup(obj, "total", Genders.Select(g => (byGender, g)).ToArray(), t);
        }

        if (obj["byAgeBand"] is JsonArray bands)
        {
            SuppressGroup(obj, "total", bands.OfType<JsonObject>().Select(b => (b, "count")).ToArray(), t);
        }

        if (obj["atExit"] is JsonArray atExit)
        {
            SuppressGroup(obj, "total", atExit.OfType<JsonObject>().Select(c => (c, "count")).ToArray(), t);
        }

        if (obj["atExitTotals"] is JsonArray columnTotals)
        {
            SuppressGroup(obj, "total", columnTotals.OfType<JsonObject>().Select(c => (c, "count")).ToArray(), t);
        }

        if (obj["attendeesByGender"] is JsonObject attendees)
        {
            SuppressGroup(obj, "attendees", Genders.Select(g => (attendees, g)).ToArray(), t);
        }

        foreach (var name in Counts)
        {
            if (obj[name] is JsonValue v && v.TryGetValue<int>(out var n) && IsSmall(n, t))
            {
                obj[name] = null;
            }
        }

        // a goal's value repeats its share's percentage, or is a count: it goes with the share, or as a count
        if (obj.ContainsKey("metric") && obj.ContainsKey("value"))
        {
            if (obj["share"] is JsonObject goalShare)
            {
                obj["value"] = goalShare["value"]?.DeepClone();
            }
            else if (obj["value"] is JsonValue gv && gv.TryGetValue<decimal>(out var count) && count > 0 && count < t)
            {
                obj["value"] = null;
            }
        }

        if (obj.ContainsKey("medianDays") && obj["count"] is null)
        {
            obj["medianDays"] = null;
            obj["meanDays"] = null;
        }
    }

    private static void SuppressGroup(JsonObject owner, string totalName, (JsonObject Holder, string Name)[] parts, int t)
    {
        var total = owner[totalName] is JsonValue tv && tv.TryGetValue<int>(out var tn) ? tn : (int?)null;
        if (total is { } whole && IsSmall(whole, t))
        {
            owner[totalName] = null;
            foreach (var (holder, name) in parts)
            {
                holder[name] = null;
            }

            return;
        }

        var hidden = 0;
        foreach (var (holder, name) in parts)
        {
            if (holder[name] is JsonValue v && v.TryGetValue<int>(out var n) && IsSmall(n, t))
            {
                holder[name] = null;
                hidden++;
            }
            else if (holder[name] is null && holder.ContainsKey(name))
            {
                hidden++;
            }
        }

        if (hidden == 1)
        {
            var next = parts
                .Select(p => (p.Holder, p.Name, Value: p.Holder[p.Name] is JsonValue v && v.TryGetValue<int>(out var n) ? n : 0))
                .Where(p => p.Value > 0)
                .OrderBy(p => p.Value)
                .FirstOrDefault();
            if (next.Holder is not null)
            {
                next.Holder[next.Name] = null;
            }
        }
    }

    private static void SuppressShare(JsonObject share, int t)
    {
        var numerator = share["numerator"] is JsonValue nv && nv.TryGetValue<int>(out var n) ? n : (int?)null;
        var denominator = share["denominator"] is JsonValue dv && dv.TryGetValue<int>(out var d) ? d : (int?)null;
        if (denominator is null || IsSmall(denominator.Value, t))
        {
            share["numerator"] = null;
            share["denominator"] = null;
            share["value"] = null;
            return;
        }

        if (numerator is null || IsSmall(numerator.Value, t) || IsSmall(denominator.Value - numerator.Value, t))
        {
            share["numerator"] = null;
            share["value"] = null;
        }
    }

    private static bool IsSmall(int n, int t) => n > 0 && n < t;
}
