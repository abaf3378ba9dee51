using System.Globalization;
using System.Text.Json.Nodes;

namespace FinsamOutcomes.Api.Features.Workspace;

/// <summary>Swedish labels for the report's codes and the one way the workspace writes a number.</summary>
public static class Sv
{
    public static readonly CultureInfo Culture = CultureInfo.GetCultureInfo("sv-SE");

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        // genders
        ["woman"] = "Kvinnor", ["man"] = "Män", ["nonBinary"] = "Icke-binära", ["notStated"] = "Ej angivet",
        // exit categories
        ["work"] = "Arbete", ["studies"] = "Studier", ["returned"] = "Återremiss", ["other"] = "Annat",
        // occupation
        ["working"] = "Arbetar", ["studying"] = "Studerar", ["job_seeking"] = "Arbetssökande", ["none"] = "Ingen",
        // means of support
        ["sickness_benefit"] = "Sjukpenning", ["activity_compensation"] = "Aktivitetsersättning", ["sickness_compensation"] = "Sjukersättning",
        ["unemployment_benefit"] = "A-kassa/aktivitetsstöd", ["social_assistance"] = "Försörjningsstöd", ["establishment_benefit"] = "Etableringsersättning",
        ["salary"] = "Lön",
        // referring parties and decisions
        ["af"] = "Arbetsförmedlingen", ["fk"] = "Försäkringskassan", ["region"] = "Region/hälso- och sjukvård",
        ["kommun_social_services"] = "Kommun, socialtjänst", ["kommun_social_assistance"] = "Kommun, försörjningsstöd",
        ["kommun_labour_market"] = "Kommun, arbetsmarknad",
        ["accepted"] = "Anvisad", ["rejected"] = "Avslag", ["completion_requested"] = "Komplettering begärd",
        // goals
        ["met"] = "Uppfyllt", ["not_met"] = "Ej uppfyllt", ["not_measurable"] = "Går inte att mäta",
        ["no_exits_in_period"] = "inga avslut under perioden", ["no_enrolments_due_in_period"] = "inga inskrivningar vars 30 dagar har gått ut",
        ["period_is_not_a_whole_goal_period"] = "perioden är inte en hel målperiod",
        ["no_survey_round_in_period"] = "ingen enkätomgång under perioden", ["too_few_answers"] = "för få svar på enkäten",
        ["share_exits_to_work_or_studies"] = "Andel avslutade till arbete/studier", ["share_positive_outcome"] = "Andel avslutade med positiv lösning",
        ["share_first_activity_within30_days"] = "Andel med aktivitet inom 30 dagar", ["new_participants"] = "Nya deltagare", ["active_participants"] = "Aktiva deltagare",
        ["at_least"] = "minst", ["at_most"] = "högst", ["year"] = "år", ["half_year"] = "halvår", ["tertial"] = "tertial",
        // scopes
        ["forbund"] = "Förbund", ["kommun"] = "Kommun", ["insats"] = "Insats", ["country"] = "Hela landet",
    };

    /// <summary>Returns the Swedish label of a code, or the code itself when it has none (a förbund's own exit reason codes).</summary>
    public static string Label(string? code)
    {
        if (code is null)
        {
            return "";
        }

        return Labels.GetValueOrDefault(code)
            ?? (code.StartsWith("share_first_activity", StringComparison.Ordinal) ? Labels["share_first_activity_within30_days"] : code);
    }

    public static readonly string[] Genders = ["woman", "man", "nonBinary", "notStated"];

    /// <summary>A count or share value as shown: integers plainly, decimals with one decimal and a decimal comma.</summary>
    public static string Number(JsonNode? node)
    {
        if (node is not JsonValue v)
        {
            return "";
        }

        if (v.TryGetValue<int>(out var i))
        {
            return i.ToString(Culture);
        }

        if (v.TryGetValue<long>(out var l))
        {
            return l.ToString(Culture);
        }

        return v.TryGetValue<decimal>(out var d) ? d.ToString("0.0", Culture) : v.ToString();
    }

    public static decimal? Decimal(JsonNode? node) => node is JsonValue v && v.TryGetValue<decimal>(out var d) ? d : null;

    /// <summary>The node at a dotted path (array items by their key, code, goalId, atStart or insatsId).</summary>
    public static JsonNode? At(JsonNode? node, string path)
    {
        foreach (var part in path.Split('.'))
        {
            node = node switch
            {
                JsonObject o => o[part],
                JsonArray a when int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) => index < a.Count ? a[index] : null,
                JsonArray a => a.FirstOrDefault(item => item is JsonObject o
                    && (Is(o["key"], part) || Is(o["code"], part) || Is(o["goalId"], part) || Is(o["atStart"], part) || Is(o["insatsId"], part))),
                _ => null,
            };
        }

        return node;
    }

    private static bool Is(JsonNode? n, string value) => n is JsonValue v && v.TryGetValue<string>(out var s) && s == value;

    private static readonly TimeZoneInfo Sweden = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    /// <summary>A moment in Swedish time, to the minute.</summary>
    public static string Time(DateTimeOffset moment) => TimeZoneInfo.ConvertTime(moment, Sweden).ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    public static string Date(DateOnly d) => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A period's Swedish name: "2025", "2025 halvår 1", "2025 tertial 2", "2025 delår (jan–aug)" or the dates.</summary>
    public static string PeriodName(string name)
    {
        var parts = name.Split('-');
        return parts switch
        {
            [var y] => y,
            [var y, "H1"] => $"{y} halvår 1 (jan–jun)",
            [var y, "H2"] => $"{y} halvår 2 (jul–dec)",
            [var y, "T1"] => $"{y} tertial 1 (jan–apr)",
            [var y, "T2"] => $"{y} tertial 2 (maj–aug)",
            [var y, "T3"] => $"{y} tertial 3 (sep–dec)",
            [var y, "D"] => $"{y} delår (jan–aug)",
            _ => name.Replace("..", " – ", StringComparison.Ordinal),
        };
    }
}
