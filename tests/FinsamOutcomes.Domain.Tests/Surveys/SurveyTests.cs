using FinsamOutcomes.Domain.Surveys;

namespace FinsamOutcomes.Domain.Tests.Surveys;

public class SurveyCatalogueTests
{
    private static readonly AnswerOption[] YesNo = [new("ja", "Ja", true), new("nej", "Nej", false)];
    private static readonly SurveyDefined Defined = new("s1", RespondentGroup.Board, "Styrelseenkät");
    private static readonly SurveyQuestionVersionPublished V1 = new("s1", "q1", 1, 1, "Första lydelsen.", "ja_nej", YesNo);

    private static Scenario<SurveyState> Given(params object[] events) => Spec.Given(Survey.Initial, Survey.Evolve, events);

    private static PublishQuestionVersion Publish(string text, bool used, int version = 1) => new("s1", "q1", version, 1, text, "ja_nej", YesNo, used);

    [Fact]
    public void a_question_version_is_published_once_and_publishing_it_again_unchanged_adds_nothing()
    {
        Given(Defined).When(s => Survey.Decide(Publish("Första lydelsen.", used: false), s)).Then(V1);
        Given(Defined, V1).When(s => Survey.Decide(Publish("Första lydelsen.", used: true), s)).ThenNothing();
    }

    [Fact]
    public void an_unused_version_may_be_corrected_but_a_used_one_is_never_reworded()
    {
        Given(Defined, V1).When(s => Survey.Decide(Publish("Rättad.", used: false), s)).Then(V1 with { Text = "Rättad." });
        Given(Defined, V1).When(s => Survey.Decide(Publish("Ny lydelse.", used: true), s)).ThenRefused("question_version_in_use");
        Given(Defined, V1).When(s => Survey.Decide(Publish("Ny lydelse.", used: true, version: 2), s)).Then(V1 with { Version = 2, Text = "Ny lydelse." });
    }

    [Fact]
    public void a_scale_needs_two_distinct_options_and_the_survey_must_exist()
    {
        Given(Defined).When(s => Survey.Decide(Publish("Text.", false) with { Options = [new("ja", "Ja", true)] }, s)).ThenRefused("invalid_answer_scale");
        Given(Defined).When(s => Survey.Decide(Publish("Text.", false) with { Options = [new("ja", "Ja", true), new("JA", "Nej", false)] }, s)).ThenRefused("invalid_answer_scale");
        Given().When(s => Survey.Decide(Publish("Text.", false), s)).ThenRefused("survey_not_defined");
    }

    [Fact]
    public void the_seed_defines_every_respondent_group_and_seeding_twice_adds_nothing()
    {
        Assert.Equal(Enum.GetValues<RespondentGroup>().Order(), SurveyCatalogueSeed.Surveys.Select(s => s.Group).Order());
        foreach (var (_, commands) in SurveyCatalogueSeed.Commands())
        {
            var state = Survey.Initial;
            foreach (var command in commands)
            {
                state = Survey.Decide(command, state).Aggregate(state, Survey.Evolve);
            }

            Assert.All(commands, command => Assert.Empty(Survey.Decide(command, state)));
        }
    }
}

public class SurveyRoundTests
{
    private static readonly DateOnly Today = new(2025, 6, 1);
    private static readonly RoundQuestion Q1 = new("q1", 1, ["ja", "delvis", "nej"], ["ja"]);
    private static readonly SurveyRoundOpened Opened = new("r1", "f1", "i1", "deltagare-under", RespondentGroup.ParticipantDuring, new(2025, 1, 1), new(2025, 12, 31), 4, [Q1]);
    private static readonly SurveyResponse A = new("a", [new("q1", "ja")]);

    private static Scenario<SurveyRoundState> Given(params object[] events) => Spec.Given(SurveyRound.Initial, SurveyRound.Evolve, events);

    private static Outcome When(Scenario<SurveyRoundState> given, SurveyRoundCommand command) => given.When(s => SurveyRound.Decide(command, s, Today));

    [Fact]
    public void a_participant_round_needs_an_insats_and_a_board_round_has_none()
    {
        var open = new OpenSurveyRound("r1", "f1", null, "deltagare-under", RespondentGroup.ParticipantDuring, new(2025, 1, 1), new(2025, 12, 31), 4, [Q1]);
        When(Given(), open).ThenRefused("insats_required");
        When(Given(), open with { RespondentGroup = RespondentGroup.Board, InsatsId = "i1" }).ThenRefused("forbund_round_only");
        When(Given(), open with { RespondentGroup = RespondentGroup.Board }).Then(Opened with { InsatsId = null, RespondentGroup = RespondentGroup.Board });
    }

    [Fact]
    public void the_same_responses_again_add_nothing_and_a_changed_one_is_refused()
    {
        var given = Given(Opened, new SurveyResponsesRecorded("r1", "csv", [A]));
        When(given, new RecordResponses("r1", "api", [A])).ThenNothing();
        When(given, new RecordResponses("r1", "api", [A with { Answers = [new("q1", "nej")] }])).ThenRefused("response_already_recorded");
        When(given, new RecordResponses("r1", "api", [A, new("b", [])])).Then(new SurveyResponsesRecorded("r1", "api", [new("b", [])]));
    }

    [Fact]
    public void counts_and_responses_are_never_mixed_in_one_round_and_never_exceed_the_number_sent()
    {
        When(Given(Opened, new SurveyResponsesRecorded("r1", "csv", [A])), new RecordAnswerCounts("r1", "b1", 1, [new("q1", "ja", 1)])).ThenRefused("answer_mode_mixed");
        When(Given(Opened, new SurveyAnswerCountsRecorded("r1", "b1", 1, [new("q1", "ja", 1)])), new RecordResponses("r1", "api", [A])).ThenRefused("answer_mode_mixed");
        When(Given(Opened, new SurveyAnswerCountsRecorded("r1", "b1", 3, [])), new RecordAnswerCounts("r1", "b2", 2, [])).ThenRefused("more_answers_than_sent");
        When(Given(Opened, new SurveyAnswerCountsRecorded("r1", "b1", 3, [])), new RecordAnswerCounts("r1", "b1", 3, [])).ThenNothing();
        When(Given(Opened, new SurveyAnswerCountsRecorded("r1", "b1", 3, [])), new CorrectSent("r1", 2)).ThenRefused("more_answers_than_sent");
    }
}
