namespace FinsamOutcomes.Api.Features.Statistics.Export;

/// <summary>
/// Swedish names for the report's property names and for the codes of its vocabularies, shared by every export
/// (long CSV, wide CSV, xlsx). A code is named in the context of the property that holds it, since the same code
/// means different things in different lists (<c>none</c>: ingen sysselsättning / ingen ersättning).
/// A key or code without a Swedish name is written as it is, so a new figure still appears.
/// </summary>
public static class SwedishLabels
{
    /// <summary>The mark of a figure hidden by disclosure control (national output), as in Swedish official statistics.</summary>
    public const string Suppressed = "..";

    /// <summary>The mark of a share, median or mean that cannot be computed because nothing was counted (0 in the denominator).</summary>
    public const string NoDenominator = ".";

    public const string SuppressedExplanation =
        "undertryckt: röjandekontroll i nationell redovisning (ett litet antal, eller ett värde som annars kunde räknas fram ur det)";

    public const string NoDenominatorExplanation =
        "kan inte beräknas: nämnaren är 0 (inga avslut, inskrivningar eller fall att räkna på under perioden)";

    private static readonly Dictionary<string, string> Keys = new(StringComparer.Ordinal)
    {
        ["basis"] = "Underlag", ["participants"] = "Deltagare", ["exits"] = "Avslut", ["beforeAfter"] = "Före och efter", ["time"] = "Tid",
        ["uniqueIndividuals"] = "Unika individer", ["referrals"] = "Aktualiseringar", ["goals"] = "Måluppfyllelse", ["surveyGoals"] = "Måluppfyllelse enkätmål", ["headCount"] = "Volyminsatser",
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
        ["awaitingCompletionAtEnd"] = "Väntar på komplettering vid periodens slut", ["daysReceivedToDecision"] = "Dagar från mottagen till beslut",
        ["daysDecisionToEnrolment"] = "Dagar från beslut till inskrivning",
        ["acceptedPerWeek"] = "Anvisade per vecka", ["occurrences"] = "Tillfällen", ["attendees"] = "Deltagare", ["attendeesByGender"] = "Deltagare per kön",
        ["byInsats"] = "Per insats", ["threshold"] = "Målvärde", ["status"] = "Status",
        ["scopeKind"] = "Omfattning", ["insatsId"] = "Insats", ["forbundId"] = "Förbund", ["kommun"] = "Kommun", ["includePredecessors"] = "Med föregångare",
        ["forbundIds"] = "Förbund som räknas", ["period"] = "Period", ["from"] = "Från", ["to"] = "Till", ["name"] = "Namn", ["today"] = "Dagens datum",
        ["position"] = "Loggposition", ["positionRecordedAt"] = "Händelsen registrerad", ["asOf"] = "Tidigare läge", ["producedAt"] = "Framtagen",
        ["disclosureControl"] = "Röjandekontroll", ["cutoff"] = "Brytdatum", ["description"] = "Beskrivning", ["metric"] = "Mått",
        ["comparison"] = "Jämförelse", ["goalPeriod"] = "Målperiod", ["reason"] = "Skäl", ["insatsName"] = "Insatsens namn", ["label"] = "Benämning",
        ["positive"] = "Positiv lösning", ["category"] = "Kategori", ["code"] = "Kod", ["week"] = "Vecka", ["monday"] = "Måndag", ["cap"] = "Intagstak",
        ["accepted"] = "Anvisade", ["overCap"] = "Över taket", ["overrides"] = "Med skäl för att överskrida taket",
        ["beredningsgruppId"] = "Beredningsgrupp", ["beredningsgruppIds"] = "Beredningsgrupper", ["share"] = "Andel", ["goalId"] = "Mål",
        ["key"] = "Grupp", ["atStart"] = "Vid start",
        ["surveyId"] = "Enkät", ["questionId"] = "Fråga", ["version"] = "Frågans version", ["minAnswers"] = "Minsta antal svar", ["options"] = "Svarsalternativ som räknas", ["summary"] = "Sammanfattning",
        ["weeks"] = "Veckor",
        ["receivedShareByGender"] = "Andel av mottagna per kön",
        ["occupationAtEnd"] = "Sysselsättning vid periodens slut",
        ["byKind"] = "Per slag",
        ["inOccupation"] = "Andel i sysselsättning",
        ["inWorkOrStudies"] = "Andel i arbete eller studier",
        ["activities"] = "Aktiviteter",
        ["occasions"] = "Aktivitetstillfällen",
        ["occasionsByKind"] = "Tillfällen per slag",
        ["participantsByKind"] = "Deltagare med minst en per slag",
        ["background"] = "Bakgrund",
        ["educationAtStart"] = "Utbildning vid start",
        ["ageBands"] = "Åldersgrupp",
        ["timeOnSupportBefore"] = "Tid med offentlig försörjning före insatsen",
        ["referringPartyOfNew"] = "Remittent för nya deltagare",
        ["susGroups"] = "SUS-grupper",
        ["byGroupAtExit"] = "Efter insatsen",
        ["byGroupAtStart"] = "Före insatsen",
        ["transitions"] = "Före och efter",
        ["workOrStudiesAtStart"] = "Andel arbete/studier vid start",
        ["workOrStudiesAtExit"] = "Andel arbete/studier vid avslut",
        ["intakePauses"] = "Intagsstopp",
        ["daysInPeriod"] = "Dagar i perioden",
        ["kind"] = "Slag",
        ["id"] = "Id",
        ["daysPaused"] = "Dagar med intagsstopp",
    };

    private static readonly Dictionary<string, string> Gender = new(StringComparer.Ordinal)
    {
        ["woman"] = "Kvinnor", ["man"] = "Män", ["non_binary"] = "Icke-binära", ["not_stated"] = "Ej angivet", ["total"] = "Totalt",
    };

    private static readonly Dictionary<string, string> Category = new(StringComparer.Ordinal)
    {
        ["work"] = "Arbete", ["studies"] = "Studier", ["returned"] = "Återremiss", ["other"] = "Annat", ["total"] = "Totalt",
    };

    private static readonly Dictionary<string, string> Occupation = new(StringComparer.Ordinal)
    {
        ["working"] = "Arbetar", ["studying"] = "Studerar", ["job_seeking"] = "Arbetssökande", ["none"] = "Ingen sysselsättning",
    };

    private static readonly Dictionary<string, string> Support = new(StringComparer.Ordinal)
    {
        ["sickness_benefit"] = "Sjukpenning", ["activity_compensation"] = "Aktivitetsersättning", ["sickness_compensation"] = "Sjukersättning",
        ["unemployment_benefit"] = "Arbetslöshetsersättning/aktivitetsstöd", ["social_assistance"] = "Försörjningsstöd",
        ["establishment_benefit"] = "Etableringsersättning", ["salary"] = "Lön", ["none"] = "Ingen ersättning", ["other"] = "Annan ersättning",
    };

    private static readonly Dictionary<string, string> Party = new(StringComparer.Ordinal)
    {
        ["af"] = "Arbetsförmedlingen", ["fk"] = "Försäkringskassan", ["region"] = "Regionen", ["kommun_social_services"] = "Kommunens socialtjänst",
        ["kommun_social_assistance"] = "Kommunens försörjningsstöd", ["kommun_labour_market"] = "Kommunens arbetsmarknadsenhet", ["other"] = "Annan part",
        ["not_recorded"] = "Ej registrerad",
        ["total"] = "Totalt",
    };

    private static readonly Dictionary<string, string> Decision = new(StringComparer.Ordinal)
    {
        ["accepted"] = "Anvisad", ["rejected"] = "Avslag", ["returned"] = "Återremitterad", ["completion_requested"] = "Komplettering begärd",
    };

    private static readonly Dictionary<string, string> Metric = new(StringComparer.Ordinal)
    {
        ["share_exits_to_work_or_studies"] = "Andel avslut till arbete/studier", ["share_positive_outcome"] = "Andel avslut med positiv lösning",
        ["share_first_activity_within30_days"] = "Andel med första aktivitet inom 30 dagar", ["new_participants"] = "Antal nya deltagare",
        ["active_participants"] = "Antal aktiva deltagare",
    };

    private static readonly Dictionary<string, string> OccupationKind = new(StringComparer.Ordinal)
    {
        ["paid_work"] = "Lönearbete", ["subsidised_employment"] = "Subventionerad anställning", ["studies"] = "Studier", ["internship"] = "Praktik",
        ["work_training"] = "Arbetsträning", ["job_seeking"] = "Arbetssökande", ["none"] = "Ingen sysselsättning",
    };

    private static readonly Dictionary<string, string> ActivityKind = new(StringComparer.Ordinal)
    {
        ["individual_meeting"] = "Enskilt möte", ["phone_contact"] = "Telefonmöte", ["group_activity"] = "Gruppaktivitet",
        ["work_training"] = "Arbetsträning", ["internship"] = "Praktik", ["studies"] = "Studier", ["health_talk"] = "Hälsosamtal", ["other"] = "Annan aktivitet",
    };

    private static readonly Dictionary<string, string> Education = new(StringComparer.Ordinal)
    {
        ["primary_not_completed"] = "Ej slutförd grundskola", ["primary"] = "Grundskola", ["upper_secondary"] = "Gymnasium",
        ["post_secondary"] = "Eftergymnasial utbildning", ["other_or_foreign"] = "Annan/utländsk utbildning", ["unknown"] = "Okänd",
    };

    private static readonly Dictionary<string, string> SupportTime = new(StringComparer.Ordinal)
    {
        ["under_1_year"] = "Under 1 år", ["1_2_years"] = "1–2 år", ["3_5_years"] = "3–5 år", ["6_years_or_more"] = "6 år eller mer", ["unknown"] = "Okänd",
    };

    private static readonly Dictionary<string, string> SusGroup = new(StringComparer.Ordinal)
    {
        ["employment"] = "Förvärvsarbete", ["studies"] = "Studier", ["job_seeking"] = "Aktivt arbetssökande", ["other"] = "Övriga avslutade",
    };

    private static readonly Dictionary<string, string> Misc = new(StringComparer.Ordinal)
    {
        ["at_least"] = "minst", ["at_most"] = "högst", ["year"] = "år", ["half_year"] = "halvår", ["tertial"] = "tertial",
        ["met"] = "uppfyllt", ["not_met"] = "ej uppfyllt", ["not_measurable"] = "kan inte mätas",
        ["no_exits_in_period"] = "inga avslut under perioden", ["no_enrolments_due_in_period"] = "inga inskrivningar att mäta under perioden",
        ["period_is_not_a_whole_goal_period"] = "perioden är inte en hel målperiod",
        ["insats"] = "Insats", ["kommun"] = "Kommun", ["forbund"] = "Förbund", ["country"] = "Hela landet",
        ["beredningsgrupp"] = "Beredningsgrupp",
    };

    /// <summary>The Swedish name of a property of the report, or the property itself.</summary>
    public static string Key(string key) => Keys.TryGetValue(key, out var label) ? label : key;

    /// <summary>
    /// The Swedish name of a property held by <paramref name="parent"/> (the property or list that holds it), where the name
    /// alone would mislead: the rows of intakePauses are insatser and beredningsgrupper, not "Vid start" (the rows of a
    /// before/after table), and their pausedAtEnd is a stopped intake, not a participant vilande.
    /// </summary>
    public static string Key(string parent, string key) => (parent, key) switch
    {
        ("intakePauses", "rows") => "Per insats och beredningsgrupp",
        ("intakePauses" or "rows", "pausedAtEnd") => "Intagsstopp vid periodens slut",
        ("intakePauses" or "rows", "id") => "Insats eller beredningsgrupp (id)",
        _ => Key(key),
    };

    /// <summary>The Swedish name of a code held by the property (or table) <paramref name="context"/>, or the code itself.</summary>
    public static string Code(string context, string code)
    {
        var list = context switch
        {
            "byCategory" or "category" => Category,
            "occupation" => Occupation,
            "meansOfSupport" => Support,
            "receivedByParty" or "referringPartyOfNew" => Party,
            "byKind" => OccupationKind,
            "occasionsByKind" or "participantsByKind" => ActivityKind,
            "educationAtStart" => Education,
            "timeOnSupportBefore" => SupportTime,
            "byGroupAtExit" or "byGroupAtStart" or "transitions" => SusGroup,
            "decisionsByKind" => Decision,
            "metric" => Metric,
            "byGender" or "gender" => Gender,
            _ => Misc,
        };
        return list.TryGetValue(code, out var label) ? label : code == "total" ? "Totalt" : code;
    }

    /// <summary>
    /// The code whose Swedish name (in the list of <paramref name="context"/>, as in <see cref="Code"/>) is <paramref name="label"/>,
    /// ignoring case; null when none is. An import reads the names the exports write.
    /// </summary>
    public static string? CodeOf(string context, string label)
    {
        var list = context switch
        {
            "occupation" => Occupation,
            "meansOfSupport" => Support,
            "receivedByParty" => Party,
            "educationAtStart" => Education,
            "byGender" => Gender,
            _ => Misc,
        };
        return list.FirstOrDefault(p => p.Key != "total" && string.Equals(p.Value, label.Trim(), StringComparison.OrdinalIgnoreCase)).Key;
    }

    /// <summary>
    /// A figure's path in the report (as a comparison names it) in Swedish, part by part: <c>exits.byReason[flyttat].byGender.woman</c>
    /// is "Avslut / Per avslutsorsak: flyttat / Kvinnor", <c>exits.workOrStudies.total.value</c> "Avslut / Andel till arbete/studier /
    /// Totalt / Andel (%)". A row of a list is named by its code in Swedish where the list has names for its codes.
    /// </summary>
    public static string Figure(string path)
    {
        var parts = new List<string>();
        var parent = "";
        var context = "";
        foreach (var segment in path.Split('.'))
        {
            var open = segment.IndexOf('[', StringComparison.Ordinal);
            var key = open < 0 ? segment : segment[..open];
            if (key is not ("rows" or "atExit" or "atExitTotals"))
            {
                context = key;
            }

            if (key != "byGender")
            {
                parts.Add(Key(parent, key));
            }

            if (open >= 0 && segment.EndsWith(']'))
            {
                var code = segment[(open + 1)..^1];
                parts[^1] += ": " + Code(context, code);
            }

            parent = key;
        }

        return string.Join(" / ", parts);
    }

    /// <summary>Goal metrics whose value is a percentage; the others are counts.</summary>
    public static bool IsShareMetric(string? metric) => metric is not null && metric.StartsWith("share_", StringComparison.Ordinal);
}
