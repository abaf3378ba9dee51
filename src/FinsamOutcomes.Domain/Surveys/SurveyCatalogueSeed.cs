namespace FinsamOutcomes.Domain.Surveys;

/// <summary>
/// The indicator catalogue the service starts with, kept as data: one survey per respondent group of the national
/// indicator package, with neutral question texts of our own (not the network's exact wording; a förbund that holds
/// the official texts publishes them as new question versions). Seeded through <see cref="Survey.Decide"/>, so
/// seeding again adds nothing and a used version can never be reworded.
/// </summary>
public static class SurveyCatalogueSeed
{
    public const string YesNoPartly = "ja_nej_delvis";
    public const string Agreement = "instammer_4";
    public const string FreeChoice = "fritt_val";

    public static IReadOnlyList<AnswerOption> YesNoPartlyOptions { get; } =
    [
        new("ja", "Ja", true),
        new("delvis", "Delvis", false),
        new("nej", "Nej", false),
    ];

    public static IReadOnlyList<AnswerOption> AgreementOptions { get; } =
    [
        new("stammer_helt", "Stämmer helt", true),
        new("stammer_ganska_bra", "Stämmer ganska bra", true),
        new("stammer_ganska_daligt", "Stämmer ganska dåligt", false),
        new("stammer_inte_alls", "Stämmer inte alls", false),
    ];

    public sealed record SeedQuestion(string QuestionId, string Text, string Scale, IReadOnlyList<AnswerOption> Options);

    public sealed record SeedSurvey(string SurveyId, RespondentGroup Group, string Name, IReadOnlyList<SeedQuestion> Questions);

    public static IReadOnlyList<SeedSurvey> Surveys { get; } =
    [
        new("deltagare-under", RespondentGroup.ParticipantDuring, "Deltagarenkät under insatsen",
        [
            new("q1", "Jag får det stöd jag behöver för att komma närmare arbete eller studier.", YesNoPartly, YesNoPartlyOptions),
            new("q2", "De som stöttar mig från olika myndigheter samarbetar kring mig.", Agreement, AgreementOptions),
            new("q3", "Jag är med och bestämmer om planeringen av mitt stöd.", YesNoPartly, YesNoPartlyOptions),
        ]),
        new("deltagare-avslut", RespondentGroup.ParticipantAtExit, "Deltagarenkät vid avslut",
        [
            new("q1", "Insatsen har hjälpt mig att komma närmare arbete eller studier.", YesNoPartly, YesNoPartlyOptions),
            new("q2", "Jag vet vad som händer för mig efter insatsen.", YesNoPartly, YesNoPartlyOptions),
            new("q3", "Vad gör du närmast efter insatsen?", FreeChoice,
            [
                new("arbete", "Arbetar", false),
                new("studier", "Studerar", false),
                new("annan_insats", "Annan insats eller myndighet", false),
                new("annat", "Annat", false),
            ]),
        ]),
        new("insatspersonal", RespondentGroup.InsatsStaff, "Enkät till insatspersonal",
        [
            new("q1", "Insatsen har en tydlig inriktning mot arbete eller studier.", Agreement, AgreementOptions),
            new("q2", "Samverkan mellan parterna fungerar i det dagliga arbetet.", Agreement, AgreementOptions),
        ]),
        new("styrelse", RespondentGroup.Board, "Styrelseenkät",
        [
            new("q1", "Styrelsen får underlag som räcker för att följa insatsernas resultat.", Agreement, AgreementOptions),
            new("q2", "Förbundets insatser bidrar till att samverkan mellan parterna utvecklas.", Agreement, AgreementOptions),
        ]),
        new("chefer", RespondentGroup.Managers, "Enkät till chefer i samverkan",
        [
            new("q1", "Min organisation har nytta av förbundets insatser.", Agreement, AgreementOptions),
            new("q2", "Det som insatserna lär oss tas tillvara i min organisation.", Agreement, AgreementOptions),
        ]),
        new("remittenter", RespondentGroup.Referrers, "Remittentenkät",
        [
            new("q1", "Det är tydligt vilka personer insatsen riktar sig till.", Agreement, AgreementOptions),
            new("q2", "Jag får återkoppling om hur det har gått för den jag har remitterat.", YesNoPartly, YesNoPartlyOptions),
        ]),
    ];

    /// <summary>The commands that seed the catalogue, per survey stream, in order.</summary>
    public static IEnumerable<(string SurveyId, IReadOnlyList<SurveyCommand> Commands)> Commands() =>
        Surveys.Select(s => (s.SurveyId, (IReadOnlyList<SurveyCommand>)
        [
            new DefineSurvey(s.SurveyId, s.Group, s.Name),
            .. s.Questions.Select((q, i) => new PublishQuestionVersion(s.SurveyId, q.QuestionId, 1, i + 1, q.Text, q.Scale, q.Options, Used: false)),
        ]));
}
