using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>
/// A report as CSV that opens correctly in Excel with Swedish settings: UTF-8 with BOM, semicolon
/// separator, decimal comma, Swedish headings. One row per figure: section, measure, group and value;
/// a suppressed figure is written "..", as Swedish official statistics do.
/// </summary>
public static class CsvExport
{
    private static readonly CultureInfo Swedish = CultureInfo.GetCultureInfo("sv-SE");

    private static readonly Dictionary<string, string> Labels = new(StringComparer.Ordinal)
    {
        ["basis"] = "Underlag", ["participants"] = "Deltagare", ["exits"] = "Avslut", ["beforeAfter"] = "Före och efter", ["time"] = "Tid",
        ["uniqueIndividuals"] = "Unika individer", ["referrals"] = "Aktualiseringar", ["goals"] = "Måluppfyllelse", ["headCount"] = "Volyminsatser",
        ["active"] = "Aktiva under perioden", ["new"] = "Nya under perioden", ["exited"] = "Avslutade under perioden", ["activeAtEnd"] = "Aktiva vid periodens slut",
        ["pausedAtEnd"] = "Vilande vid periodens slut", ["total"] = "Totalt", ["byGender"] = "Kön", ["byAgeBand"] = "Åldersgrupp",
        ["woman"] = "Kvinnor", ["man"] = "Män", ["nonBinary"] = "Icke-binära", ["notStated"] = "Ej angivet",
        ["byCategory"] = "Per kategori", ["byReason"] = "Per avslutsorsak", ["workOrStudies"] = "Andel till arbete/studier", ["positiveOutcome"] = "Andel positiv lösning",
        ["numerator"] = "Täljare", ["denominator"] = "Nämnare", ["value"] = "Andel (%)", ["occupation"] = "Sysselsättning", ["meansOfSupport"] = "Försörjning",
        ["workingOrStudyingAtStart"] = "Arbetar/studerar vid start", ["workingOrStudyingAtExit"] = "Arbetar/studerar vid avslut", ["atExit"] = "Vid avslut",
        ["atExitTotals"] = "Summa vid avslut", ["rows"] = "Vid start", ["inInsats"] = "Tid i insats", ["inInsatsExcludingPauses"] = "Tid i insats utan vilande",
        ["firstActivity"] = "Första aktivitet", ["within30Days"] = "Inom 30 dagar", ["count"] = "Antal", ["medianDays"] = "Median (dagar)", ["meanDays"] = "Medel (dagar)",
        ["individuals"] = "Individer", ["participations"] = "Deltaganden", ["received"] = "Mottagna", ["receivedByParty"] = "Per remitterande part",
        ["decisions"] = "Beslut", ["decisionsByKind"] = "Beslut per typ", ["withdrawn"] = "Återtagna", ["waitingAtEnd"] = "Väntar vid periodens slut",
        ["awaitingCompletionAtEnd"] = "Väntar på komplettering", ["daysReceivedToDecision"] = "Dagar till beslut", ["daysDecisionToEnrolment"] = "Dagar från beslut till inskrivning",
        ["acceptedPerWeek"] = "Anvisade per vecka", ["occurrences"] = "Tillfällen", ["attendees"] = "Deltagare", ["attendeesByGender"] = "Deltagare per kön",
        ["byInsats"] = "Per insats", ["threshold"] = "Målvärde", ["status"] = "Status",
        ["scopeKind"] = "Omfattning", ["insatsId"] = "Insats", ["forbundId"] = "Förbund", ["kommun"] = "Kommun", ["includePredecessors"] = "Med föregångare",
        ["forbundIds"] = "Förbund som räknas", ["period"] = "Period", ["from"] = "Från", ["to"] = "Till", ["name"] = "Namn", ["today"] = "Dagens datum",
        ["position"] = "Loggposition", ["positionRecordedAt"] = "Registrerad", ["asOf"] = "Tidigare läge", ["producedAt"] = "Framtagen",
        ["disclosureControl"] = "Röjandekontroll", ["cutoff"] = "Brytdatum", ["description"] = "Beskrivning", ["metric"] = "Mått",
        ["comparison"] = "Jämförelse", ["goalPeriod"] = "Målperiod", ["reason"] = "Skäl", ["insatsName"] = "Insats", ["label"] = "Benämning",
        ["positive"] = "Positiv lösning", ["category"] = "Kategori", ["week"] = "Vecka", ["monday"] = "Måndag", ["cap"] = "Intagstak",
        ["beredningsgruppId"] = "Beredningsgrupp", ["beredningsgruppIds"] = "Beredningsgrupper", ["share"] = "Andel",
        ["weeks"] = "Veckor", ["receivedShareByGender"] = "Andel av mottagna per kön",
        ["occupationAtEnd"] = "Sysselsättning vid periodens slut", ["byKind"] = "Per slag", ["inOccupation"] = "Andel i sysselsättning",
        ["inWorkOrStudies"] = "Andel i arbete eller studier",
        ["activities"] = "Aktiviteter", ["occasions"] = "Aktivitetstillfällen", ["occasionsByKind"] = "Tillfällen per slag",
        ["participantsByKind"] = "Deltagare med minst en per slag",
        ["background"] = "Bakgrund", ["educationAtStart"] = "Utbildning vid start", ["ageBands"] = "Åldersgrupp",
        ["timeOnSupportBefore"] = "Tid med offentlig försörjning före insatsen", ["referringPartyOfNew"] = "Remittent för nya deltagare",
        ["susGroups"] = "SUS-grupper", ["byGroupAtExit"] = "Efter insatsen", ["byGroupAtStart"] = "Före insatsen", ["transitions"] = "Före och efter",
        ["workOrStudiesAtStart"] = "Andel arbete/studier vid start", ["workOrStudiesAtExit"] = "Andel arbete/studier vid avslut",
        ["intakePauses"] = "Intagsstopp", ["daysInPeriod"] = "Dagar i perioden", ["kind"] = "Slag", ["id"] = "Id",
        ["daysPaused"] = "Dagar med intagsstopp", ["pausedAtEnd"] = "Intagsstopp vid periodens slut",
    };

    public static byte[] Write(JsonNode report)
    {
        var text = new StringBuilder();
        text.Append("Område;Mått;Grupp;Värde\r\n");
        foreach (var (section, node) in (JsonObject)report)
        {
            Flatten(text, Label(section), "", "", node);
        }

        return [.. Encoding.UTF8.GetPreamble(), .. Encoding.UTF8.GetBytes(text.ToString())];
    }

    private static void Flatten(StringBuilder text, string section, string measure, string group, JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj when obj["key"] is JsonValue key && obj.Count <= 3 && obj.ContainsKey("count"):
                Row(text, section, measure, Join(group, key.ToString()), Format(obj["count"]));
                break;
            case JsonObject obj:
                var name = obj["key"]?.ToString() ?? obj["code"]?.ToString() ?? obj["goalId"]?.ToString() ?? obj["atStart"]?.ToString() ?? obj["insatsId"]?.ToString() ?? obj["id"]?.ToString();
                var inner = name is null ? group : Join(group, name);
                foreach (var (key, child) in obj)
                {
                    if (key is "key" or "code" or "goalId" or "atStart" or "id" || (key == "insatsId" && name is not null))
                    {
                        continue;
                    }

                    if (child is JsonObject or JsonArray)
                    {
                        Flatten(text, section, Join(measure, Label(key)), inner, child);
                    }
                    else
                    {
                        Row(text, section, Join(measure, Label(key)), inner, Format(child, OneDecimal.Contains(key)));
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Flatten(text, section, measure, group, item);
                }

                break;
            default:
                Row(text, section, measure, group, Format(node));
                break;
        }
    }

    private static string Join(string a, string b) => a.Length == 0 ? b : $"{a} / {b}";

    private static string Label(string key) => Labels.TryGetValue(key, out var label) ? label : key;

    /// <summary>Percentages and day averages, written with one decimal as published ("60,0").</summary>
    private static readonly HashSet<string> OneDecimal = new(StringComparer.Ordinal) { "value", "medianDays", "meanDays" };

    /// <summary>Decimal comma; shares and averages with one decimal; booleans in Swedish; a suppressed or missing value is "..".</summary>
    private static string Format(JsonNode? value, bool oneDecimal = false) => value switch
    {
        null => "..",
        JsonValue v when v.GetValueKind() == System.Text.Json.JsonValueKind.Number =>
            decimal.Parse(v.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture).ToString(oneDecimal ? "0.0" : "0.##########", Swedish),
        JsonValue v when v.TryGetValue<bool>(out var b) => b ? "ja" : "nej",
        JsonValue v => v.ToString(),
        _ => value.ToJsonString(),
    };

    private static void Row(StringBuilder text, string section, string measure, string group, string value) =>
        text.Append(Quote(section)).Append(';').Append(Quote(measure)).Append(';').Append(Quote(group)).Append(';').Append(Quote(value)).Append("\r\n");

    private static string Quote(string field) =>
        field.IndexOfAny([';', '"', '\r', '\n']) >= 0 ? $"\"{field.Replace("\"", "\"\"", StringComparison.Ordinal)}\"" : field;
}
