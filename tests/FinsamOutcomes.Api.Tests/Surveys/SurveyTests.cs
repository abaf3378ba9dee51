using System.Net;
using System.Text;
using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;

namespace FinsamOutcomes.Api.Tests.Surveys;

/// <summary>Indicator surveys over HTTP on a real PostgreSQL: rounds recorded both ways, figures, goals, suppression, CSV import, the fixed catalogue.</summary>
public sealed class SurveyTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    internal const string During = "deltagare-under";

    /// <summary>The worked example of docs/surveys.md: sent to 20, 16 answered; q1 Ja 12, Nej 2, Delvis 2; q2 6/5/3/1 (one left it blank); q3 Ja 10, Delvis 4, Nej 2.</summary>
    internal static readonly (string Question, string Option, int Count)[] Example =
    [
        ("q1", "ja", 12), ("q1", "nej", 2), ("q1", "delvis", 2),
        ("q2", "stammer_helt", 6), ("q2", "stammer_ganska_bra", 5), ("q2", "stammer_ganska_daligt", 3), ("q2", "stammer_inte_alls", 1),
        ("q3", "ja", 10), ("q3", "delvis", 4), ("q3", "nej", 2),
    ];

    [Fact]
    public async Task a_round_recorded_as_counts_and_the_same_round_as_individual_responses_give_identical_figures()
    {
        var s = await Scenario.CreateAsync(factory);
        var other = await SecondInsatsAsync(s);

        var counted = await OpenRoundAsync(s.Admin, s.ForbundId, s.InsatsId, During, "2025-01-01", "2025-12-31", 20);
        await s.Admin.PostOkAsync($"/api/surveys/rounds/{counted}/counts", new
        {
            respondents = 16,
            counts = Example.Select(e => new { questionId = e.Question, optionCode = e.Option, count = e.Count }).ToArray(),
        });

        // the same answers as 16 anonymous responses, recorded by the case worker of the other insats
        var caseWorker = ApiClient.As(factory, Roles.CaseWorker, s.ForbundId, [other], actor: "handlaggare-2");
        var individual = await OpenRoundAsync(caseWorker, s.ForbundId, other, During, "2025-01-01", "2025-12-31", 20);
        var responses = Responses(Example, 16);
        await caseWorker.PostOkAsync($"/api/surveys/rounds/{individual}/responses", new { responses = responses.Take(10).ToArray() });
        await caseWorker.PostOkAsync($"/api/surveys/rounds/{individual}/responses", new { responses = responses.Skip(10).ToArray() });

        var a = await s.Admin.GetOkAsync($"/api/surveys/report?scope=insats&insatsId={s.InsatsId}&period=2025");
        var b = await s.Admin.GetOkAsync($"/api/surveys/report?scope=insats&insatsId={other}&period=2025");
        Assert.Equal(a.GetProperty("surveys").GetRawText(), b.GetProperty("surveys").GetRawText());

        var survey = a.GetProperty("surveys").EnumerateArray().Single();
        Assert.Equal((1, 20, 16, 80.0m), (survey.GetProperty("rounds").GetInt32(), survey.GetProperty("sent").GetInt32(), survey.GetProperty("answered").GetInt32(),
            survey.GetProperty("responseRate").GetProperty("value").GetDecimal()));
        Assert.Equal("Enkäten gick ut till 20, 16 svarade (80 %).", survey.GetProperty("summary").GetString());
        var q1 = Question(survey, "q1");
        Assert.Equal(16, q1.GetProperty("answered").GetInt32());
        Assert.Equal(
            [("ja", 12, 75.0m), ("delvis", 2, 12.5m), ("nej", 2, 12.5m)],
            q1.GetProperty("options").EnumerateArray().Select(o => (o.GetProperty("code").GetString()!, o.GetProperty("count").GetInt32(), o.GetProperty("share").GetProperty("value").GetDecimal())).ToArray());
        Assert.Equal((12, 16, 75.0m), ShareOf(q1.GetProperty("positiveShare")));
        Assert.Equal("q1: Ja 12, Delvis 2, Nej 2 — 75 % anger ja (12 av 16)", q1.GetProperty("summary").GetString());
        var q2 = Question(survey, "q2");
        Assert.Equal(15, q2.GetProperty("answered").GetInt32());
        Assert.Equal((11, 15, 73.3m), ShareOf(q2.GetProperty("positiveShare")));

        // both rounds together, for the whole förbund: every count doubles, every share stays
        var forbund = await s.Admin.GetOkAsync($"/api/surveys/report?scope=forbund&forbundId={s.ForbundId}&period=2025");
        var both = forbund.GetProperty("surveys").EnumerateArray().Single();
        Assert.Equal((2, 40, 32), (both.GetProperty("rounds").GetInt32(), both.GetProperty("sent").GetInt32(), both.GetProperty("answered").GetInt32()));
        Assert.Equal((24, 32, 75.0m), ShareOf(Question(both, "q1").GetProperty("positiveShare")));
        Assert.Equal(2, forbund.GetProperty("rounds").GetArrayLength());
    }

    [Fact]
    public async Task the_report_compares_with_the_year_before_and_exports_csv_for_excel()
    {
        var s = await Scenario.CreateAsync(factory);
        var y2024 = await OpenRoundAsync(s.Admin, s.ForbundId, s.InsatsId, During, "2024-01-01", "2024-12-31", 12);
        await s.Admin.PostOkAsync($"/api/surveys/rounds/{y2024}/counts", new
        {
            respondents = 10,
            counts = new[] { new { questionId = "q1", optionCode = "ja", count = 5 }, new { questionId = "q1", optionCode = "nej", count = 3 }, new { questionId = "q1", optionCode = "delvis", count = 2 } },
        });
        var y2025 = await OpenRoundAsync(s.Admin, s.ForbundId, s.InsatsId, During, "2025-01-01", "2025-12-31", 20);
        await s.Admin.PostOkAsync($"/api/surveys/rounds/{y2025}/counts", new
        {
            respondents = 16,
            counts = Example.Select(e => new { questionId = e.Question, optionCode = e.Option, count = e.Count }).ToArray(),
        });

        var report = await s.Admin.GetOkAsync($"/api/surveys/report?scope=insats&insatsId={s.InsatsId}&period=2025");
        Assert.Equal("2024", report.GetProperty("basis").GetProperty("previousPeriod").GetProperty("name").GetString());
        var survey = report.GetProperty("surveys").EnumerateArray().Single();
        Assert.Equal((12, 10, 83.3m), (survey.GetProperty("previous").GetProperty("sent").GetInt32(), survey.GetProperty("previous").GetProperty("answered").GetInt32(),
            survey.GetProperty("previous").GetProperty("responseRate").GetProperty("value").GetDecimal()));
        var q1 = Question(survey, "q1");
        Assert.Equal((5, 10, 50.0m), ShareOf(q1.GetProperty("previous").GetProperty("positiveShare")));
        Assert.Equal(25.0m, q1.GetProperty("changeInPoints").GetDecimal());

        var csv = await s.Admin.GetAsync($"/api/surveys/report?scope=insats&insatsId={s.InsatsId}&period=2025&format=csv");
        Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
        Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
        var bytes = await csv.Content.ReadAsByteArrayAsync();
        Assert.Equal(Encoding.UTF8.GetPreamble(), bytes[..3]);
        var lines = Encoding.UTF8.GetString(bytes[3..]).Split("\r\n");
        Assert.Equal("Område;Mått;Grupp;Värde", lines[0]);
        const string Area = "Deltagarenkät under insatsen (deltagare-under)";
        const string Q1 = "q1 v1: Jag får det stöd jag behöver för att komma närmare arbete eller studier.";
        Assert.Contains($"{Area};Svarsfrekvens (%);;80,0", lines);
        Assert.Contains($"{Area};{Q1};Ja / Antal;12", lines);
        Assert.Contains($"{Area};{Q1};Positiva svar / Andel (%);75,0", lines);
        Assert.Contains($"{Area};{Q1};Positiva svar / Föregående period (%);50,0", lines);
        Assert.Contains($"{Area};{Q1};Förändring (procentenheter);25,0", lines);
    }

    [Fact]
    public async Task an_indicator_goal_is_met_not_met_or_not_measurable_with_the_counts_behind_it()
    {
        var s = await Scenario.CreateAsync(factory);
        var round = await OpenRoundAsync(s.Admin, s.ForbundId, s.InsatsId, During, "2025-01-01", "2025-12-31", 20);
        await s.Admin.PostOkAsync($"/api/surveys/rounds/{round}/counts", new
        {
            respondents = 16,
            counts = Example.Select(e => new { questionId = e.Question, optionCode = e.Option, count = e.Count }).ToArray(),
        });
        var manager = ApiClient.As(factory, Roles.InsatsManager, s.ForbundId, [s.InsatsId], actor: "insatsansvarig");
        await Goal(manager, s, "ja-fraga-1", new { surveyId = During, questionId = "q1", version = 1, comparison = "at_least", threshold = 70, description = "Minst 70 % anger ja på fråga 1", insatsId = s.InsatsId });
        await Goal(manager, s, "samverkan", new { surveyId = During, questionId = "q2", version = 1, comparison = "at_least", threshold = 80, description = "Minst 80 % instämmer i fråga 2", insatsId = s.InsatsId });
        await Goal(manager, s, "for-fa-svar", new { surveyId = During, questionId = "q3", version = 1, comparison = "at_least", threshold = 50, description = "Minst hälften anger ja eller delvis på fråga 3", insatsId = s.InsatsId, optionCodes = new[] { "ja", "delvis" }, minAnswers = 20 });
        await Goal(s.Admin, s, "avslut", new { surveyId = "deltagare-avslut", questionId = "q1", version = 1, comparison = "at_least", threshold = 60, description = "Minst 60 % vid avslut" });

        var report = await s.Admin.GetOkAsync($"/api/surveys/report?scope=forbund&forbundId={s.ForbundId}&period=2025");
        var goals = report.GetProperty("goals").EnumerateArray().ToDictionary(g => g.GetProperty("goalId").GetString()!);
        Assert.Equal(4, goals.Count);
        Assert.Equal(("met", (string?)null, (12, 16, 75.0m)), (goals["ja-fraga-1"].GetProperty("status").GetString()!, goals["ja-fraga-1"].GetProperty("reason").GetString(), ShareOf(goals["ja-fraga-1"].GetProperty("share"))));
        Assert.Equal("75 % (12 av 16), indikator minst 70 %: målet uppnått.", goals["ja-fraga-1"].GetProperty("summary").GetString());
        Assert.Equal(("not_met", (11, 15, 73.3m)), (goals["samverkan"].GetProperty("status").GetString()!, ShareOf(goals["samverkan"].GetProperty("share"))));
        Assert.Equal(("not_measurable", "too_few_answers", (14, 16, 87.5m)), (goals["for-fa-svar"].GetProperty("status").GetString()!, goals["for-fa-svar"].GetProperty("reason").GetString(), ShareOf(goals["for-fa-svar"].GetProperty("share"))));
        Assert.Equal(("not_measurable", "no_survey_round_in_period"), (goals["avslut"].GetProperty("status").GetString()!, goals["avslut"].GetProperty("reason").GetString()));

        // the insats scope shows the insats's goals only; the manager sees them, a goal naming an unknown option is refused
        var insats = await manager.GetOkAsync($"/api/surveys/report?scope=insats&insatsId={s.InsatsId}&period=2025");
        Assert.Equal(new[] { "for-fa-svar", "ja-fraga-1", "samverkan" }, insats.GetProperty("goals").EnumerateArray().Select(g => g.GetProperty("goalId").GetString()!).ToArray());
        await ApiClient.ProblemAsync(
            await manager.PutAsync($"/api/surveys/goals/{s.ForbundId}/fel", new { surveyId = During, questionId = "q1", version = 1, comparison = "at_least", threshold = 70, description = "Fel", insatsId = s.InsatsId, optionCodes = new[] { "kanske" } }),
            HttpStatusCode.Conflict, "unknown_option");
        await ApiClient.ProblemAsync(
            await manager.PutAsync($"/api/surveys/goals/{s.ForbundId}/forbundsmal", new { surveyId = During, questionId = "q1", version = 1, comparison = "at_least", threshold = 70, description = "Förbundets mål" }),
            HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task national_readers_get_small_counts_suppressed_and_the_forbund_gets_them_exact()
    {
        var s = await Scenario.CreateAsync(factory);
        var round = await OpenRoundAsync(s.Admin, s.ForbundId, s.InsatsId, During, "2025-01-01", "2025-12-31", 10);
        await s.Admin.PostOkAsync($"/api/surveys/rounds/{round}/counts", new
        {
            respondents = 6,
            counts = new[]
            {
                new { questionId = "q1", optionCode = "ja", count = 4 }, new { questionId = "q1", optionCode = "nej", count = 1 }, new { questionId = "q1", optionCode = "delvis", count = 1 },
                new { questionId = "q3", optionCode = "ja", count = 2 }, new { questionId = "q3", optionCode = "delvis", count = 4 },
                new { questionId = "q2", optionCode = "stammer_helt", count = 3 }, new { questionId = "q2", optionCode = "stammer_ganska_bra", count = 3 },
            },
        });
        var reader = ApiClient.As(factory, Roles.NationalReader, "*", actor: "nationell");
        var national = await reader.GetOkAsync($"/api/surveys/report?scope=forbund&forbundId={s.ForbundId}&period=2025");
        Assert.Equal(3, national.GetProperty("basis").GetProperty("disclosureThreshold").GetInt32());
        var survey = national.GetProperty("surveys").EnumerateArray().Single();
        Assert.Equal((10, 6, 60.0m), (survey.GetProperty("sent").GetInt32(), survey.GetProperty("answered").GetInt32(), survey.GetProperty("responseRate").GetProperty("value").GetDecimal()));

        // q1: Nej 1 and Delvis 1 hidden; Ja 4 shown, but its share would give away the other 2
        var q1 = Question(survey, "q1");
        Assert.Equal([("ja", (int?)4), ("delvis", null), ("nej", null)], Counts(q1));
        Assert.Equal(JsonValueKind.Null, q1.GetProperty("options")[0].GetProperty("share").GetProperty("value").ValueKind);
        Assert.Equal(JsonValueKind.Null, q1.GetProperty("positiveShare").GetProperty("value").ValueKind);
        Assert.Equal(JsonValueKind.Null, q1.GetProperty("summary").ValueKind);
        // q3: only Ja 2 is small, so Delvis 4 is hidden too (else 6 − 4 gives it away); Nej 0 is shown
        Assert.Equal([("ja", (int?)null), ("delvis", null), ("nej", 0)], Counts(Question(survey, "q3")));
        // q2: nothing small, shown exactly
        var q2 = Question(survey, "q2");
        Assert.Equal([("stammer_helt", (int?)3), ("stammer_ganska_bra", 3), ("stammer_ganska_daligt", 0), ("stammer_inte_alls", 0)], Counts(q2));
        Assert.Equal((6, 6, 100.0m), ShareOf(q2.GetProperty("positiveShare")));

        var own = await s.Admin.GetOkAsync($"/api/surveys/report?scope=forbund&forbundId={s.ForbundId}&period=2025");
        Assert.Equal(JsonValueKind.Null, own.GetProperty("basis").GetProperty("disclosureThreshold").ValueKind);
        Assert.Equal([("ja", (int?)4), ("delvis", 1), ("nej", 1)], Counts(Question(own.GetProperty("surveys")[0], "q1")));

        // another förbund's analyst sees nothing of it
        var stranger = ApiClient.As(factory, Roles.ForbundAnalyst, "annat-forbund", actor: "analytiker");
        await ApiClient.ProblemAsync(await stranger.GetAsync($"/api/surveys/report?scope=forbund&forbundId={s.ForbundId}&period=2025"), HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task a_csv_import_dry_run_lists_exactly_the_bad_rows_and_importing_twice_adds_nothing_the_second_time()
    {
        var s = await Scenario.CreateAsync(factory);
        var round = await OpenRoundAsync(s.Admin, s.ForbundId, s.InsatsId, During, "2025-01-01", "2025-12-31", 10);
        var csv = string.Join("\r\n",
            "svar_id;q1;q2;q3",
            "r1;Ja;Stämmer helt;ja",
            "r2;nej;;Delvis",
            "r3;kanske;Stämmer helt;ja",
            "r1;Ja;Stämmer helt;ja",
            "r4;Ja;191212121212;ja",
            "r5;Ja;Stämmer helt",
            "\"r6\";\"Delvis\";stammer_inte_alls;",
            "");

        var dry = await ImportAsync(s.Admin, round, csv, dryRun: true);
        Assert.Equal((true, 7, 3, 0, 4), (dry.GetProperty("dryRun").GetBoolean(), dry.GetProperty("rows").GetInt32(), dry.GetProperty("recorded").GetInt32(),
            dry.GetProperty("alreadyPresent").GetInt32(), dry.GetProperty("refused").GetInt32()));
        Assert.Equal(
            [(4, "unknown_option"), (5, "duplicate_response"), (6, "personnummer_refused"), (7, "wrong_number_of_fields")],
            dry.GetProperty("problems").EnumerateArray().Select(p => (p.GetProperty("row").GetInt32(), p.GetProperty("code").GetString()!)).ToArray());
        Assert.DoesNotContain("191212121212", dry.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(0, (await s.Admin.GetOkAsync($"/api/surveys/rounds/{round}")).GetProperty("answered").GetInt32());

        var first = await ImportAsync(s.Admin, round, csv, dryRun: false);
        Assert.Equal((false, 3, 0, 4), (first.GetProperty("dryRun").GetBoolean(), first.GetProperty("recorded").GetInt32(), first.GetProperty("alreadyPresent").GetInt32(), first.GetProperty("refused").GetInt32()));
        var version = first.GetProperty("version").GetInt64();

        var second = await ImportAsync(s.Admin, round, csv, dryRun: false);
        Assert.Equal((0, 3, 4, version), (second.GetProperty("recorded").GetInt32(), second.GetProperty("alreadyPresent").GetInt32(), second.GetProperty("refused").GetInt32(), second.GetProperty("version").GetInt64()));

        var view = await s.Admin.GetOkAsync($"/api/surveys/rounds/{round}");
        Assert.Equal((3, "individual_responses", version), (view.GetProperty("answered").GetInt32(), view.GetProperty("answerMode").GetString()!, view.GetProperty("version").GetInt64()));
        var report = await s.Admin.GetOkAsync($"/api/surveys/report?scope=insats&insatsId={s.InsatsId}&period=2025");
        var q1 = Question(report.GetProperty("surveys")[0], "q1");
        Assert.Equal([("ja", (int?)1), ("delvis", 1), ("nej", 1)], Counts(q1));
        Assert.Equal(2, Question(report.GetProperty("surveys")[0], "q2").GetProperty("answered").GetInt32());

        // a heading naming no question of the round refuses the whole file; counts on a round of responses are refused
        var badHeading = await ImportAsync(s.Admin, round, "svar_id;q1;fraga_9\r\nr9;Ja;Ja\r\n", dryRun: false);
        Assert.Equal((0, 1, "unknown_column"), (badHeading.GetProperty("recorded").GetInt32(), badHeading.GetProperty("problems")[0].GetProperty("row").GetInt32(), badHeading.GetProperty("problems")[0].GetProperty("code").GetString()!));
        await ApiClient.ProblemAsync(
            await s.Admin.PostAsync($"/api/surveys/rounds/{round}/counts", new { respondents = 1, counts = new[] { new { questionId = "q1", optionCode = "ja", count = 1 } } }),
            HttpStatusCode.Conflict, "answer_mode_mixed");
    }

    [Fact]
    public async Task a_question_version_used_in_a_round_cannot_be_reworded_and_a_new_wording_is_a_new_version()
    {
        var national = ApiClient.As(factory, Roles.Administrator, "*", actor: "national-admin");
        var surveyId = TestIds.New("test-", 16);
        await OkAsync(await national.PutAsync($"/api/surveys/{surveyId}", new { respondentGroup = "board", name = "Prövoenkät" }));
        var yesNo = new[] { new { code = "ja", label = "Ja", positive = true }, new { code = "nej", label = "Nej", positive = false } };
        var url = $"/api/surveys/{surveyId}/questions/q1/versions/1";
        await OkAsync(await national.PutAsync(url, new { order = 1, text = "Första lydelsen.", scale = "ja_nej", options = yesNo }));
        // not yet used: it may still be corrected
        await OkAsync(await national.PutAsync(url, new { order = 1, text = "Rättad lydelse.", scale = "ja_nej", options = yesNo }));

        var s = await Scenario.CreateAsync(factory);
        await OpenRoundAsync(s.Admin, s.ForbundId, null, surveyId, "2025-01-01", "2025-12-31", 8);

        await ApiClient.ProblemAsync(
            await national.PutAsync(url, new { order = 1, text = "Ny lydelse.", scale = "ja_nej", options = yesNo }),
            HttpStatusCode.Conflict, "question_version_in_use");
        var same = await OkAsync(await national.PutAsync(url, new { order = 1, text = "Rättad lydelse.", scale = "ja_nej", options = yesNo }));
        Assert.Equal(0, same.GetProperty("eventsAppended").GetInt32());
        await OkAsync(await national.PutAsync($"/api/surveys/{surveyId}/questions/q1/versions/2", new { order = 1, text = "Ny lydelse.", scale = "ja_nej", options = yesNo }));

        var view = await national.GetOkAsync($"/api/surveys/{surveyId}");
        Assert.Equal(
            [(1, "Rättad lydelse.", false, true), (2, "Ny lydelse.", true, false)],
            view.GetProperty("questions").EnumerateArray().Select(q => (q.GetProperty("version").GetInt32(), q.GetProperty("text").GetString()!, q.GetProperty("current").GetBoolean(), q.GetProperty("used").GetBoolean())).ToArray());

        // a förbund administrator does not edit the national catalogue; a board round belongs to the förbund, not an insats
        await ApiClient.ProblemAsync(await s.Admin.PutAsync(url, new { order = 1, text = "Egen lydelse.", scale = "ja_nej", options = yesNo }), HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(
            await s.Admin.PostAsync("/api/surveys/rounds", new { surveyId, forbundId = s.ForbundId, insatsId = s.InsatsId, periodFrom = "2025-01-01", periodTo = "2025-12-31", sent = 8 }),
            HttpStatusCode.Conflict, "forbund_round_only");
    }

    [Fact]
    public async Task the_seeded_catalogue_has_a_survey_for_every_respondent_group()
    {
        var reader = ApiClient.As(factory, Roles.ForbundAnalyst, "nagot-forbund", actor: "analytiker");
        var surveys = await reader.GetOkAsync("/api/surveys");
        var seeded = surveys.EnumerateArray().ToDictionary(x => x.GetProperty("surveyId").GetString()!, x => x.GetProperty("respondentGroup").GetString()!);
        Assert.Equal("participant_during", seeded["deltagare-under"]);
        Assert.Equal("participant_at_exit", seeded["deltagare-avslut"]);
        Assert.Equal("insats_staff", seeded["insatspersonal"]);
        Assert.Equal("board", seeded["styrelse"]);
        Assert.Equal("managers", seeded["chefer"]);
        Assert.Equal("referrers", seeded["remittenter"]);
        var during = surveys.EnumerateArray().Single(x => x.GetProperty("surveyId").GetString() == During);
        Assert.Equal(new[] { "q1", "q2", "q3" }, during.GetProperty("questions").EnumerateArray().Select(q => q.GetProperty("questionId").GetString()!).ToArray());
    }

    [Fact]
    public async Task more_answers_than_sent_are_refused_nothing_is_recorded_and_strangers_may_not_record()
    {
        var s = await Scenario.CreateAsync(factory);
        var round = await OpenRoundAsync(s.Admin, s.ForbundId, s.InsatsId, During, "2025-01-01", "2025-12-31", 5);
        await ApiClient.ProblemAsync(
            await s.Admin.PostAsync($"/api/surveys/rounds/{round}/counts", new { respondents = 6, counts = new[] { new { questionId = "q1", optionCode = "ja", count = 6 } } }),
            HttpStatusCode.Conflict, "more_answers_than_sent");
        await ApiClient.ProblemAsync(
            await s.Admin.PostAsync($"/api/surveys/rounds/{round}/counts", new { respondents = 2, counts = new[] { new { questionId = "q1", optionCode = "ja", count = 3 } } }),
            HttpStatusCode.Conflict, "more_answers_than_respondents");
        await ApiClient.ProblemAsync(
            await s.Admin.PostAsync($"/api/surveys/rounds/{round}/counts", new { respondents = 2, counts = new[] { new { questionId = "q1", optionCode = "kanske", count = 1 } } }),
            HttpStatusCode.Conflict, "unknown_option");
        Assert.Equal(0, (await s.Admin.GetOkAsync($"/api/surveys/rounds/{round}")).GetProperty("answered").GetInt32());

        // only the förbund's administrator or the insats's own staff record its rounds
        var stranger = ApiClient.As(factory, Roles.Administrator, "annat-forbund", actor: "annan-admin");
        await ApiClient.ProblemAsync(
            await stranger.PostAsync("/api/surveys/rounds", new { surveyId = During, forbundId = s.ForbundId, insatsId = s.InsatsId, periodFrom = "2025-01-01", periodTo = "2025-12-31", sent = 5 }),
            HttpStatusCode.Forbidden, "forbidden");
        await ApiClient.ProblemAsync(
            await stranger.PostAsync($"/api/surveys/rounds/{round}/counts", new { respondents = 1, counts = new[] { new { questionId = "q1", optionCode = "ja", count = 1 } } }),
            HttpStatusCode.Forbidden, "forbidden");
        var otherCaseWorker = ApiClient.As(factory, Roles.CaseWorker, s.ForbundId, ["insats-annan"], actor: "handlaggare-3");
        await ApiClient.ProblemAsync(
            await otherCaseWorker.PostAsync($"/api/surveys/rounds/{round}/responses", new { responses = new[] { new { responseId = "x1", answers = new[] { new { questionId = "q1", optionCode = "ja" } } } } }),
            HttpStatusCode.Forbidden, "forbidden");
    }

    internal static async Task<string> OpenRoundAsync(ApiClient client, string forbundId, string? insatsId, string surveyId, string from, string to, int sent)
    {
        var body = await client.PostOkAsync("/api/surveys/rounds", new { surveyId, forbundId, insatsId, periodFrom = from, periodTo = to, sent });
        return body.GetProperty("id").GetString()!;
    }

    private async Task<string> SecondInsatsAsync(Scenario s)
    {
        var body = await s.Admin.PostOkAsync("/api/insatser", new
        {
            forbundId = s.ForbundId,
            name = "Unga vuxna",
            description = "Insats för unga 16–29",
            kind = "individual",
            kommuner = new[] { "Lulea" },
            startDate = "2024-01-01",
            targetGroup = new { minAge = 16, maxAge = 29, description = "16–29 år" },
            followUp = "per_person_anonymous",
        });
        return body.GetProperty("id").GetString()!;
    }

    /// <summary>Anonymous responses giving exactly the counts: response i answers each question with the option its running count reaches.</summary>
    private static object[] Responses((string Question, string Option, int Count)[] counts, int respondents)
    {
        var answers = Enumerable.Range(0, respondents).Select(_ => new List<object>()).ToArray();
        foreach (var question in counts.GroupBy(c => c.Question))
        {
            var i = 0;
            foreach (var (q, option, n) in question)
            {
                for (var k = 0; k < n; k++)
                {
                    answers[i++].Add(new { questionId = q, optionCode = option });
                }
            }
        }

        return answers.Select((a, i) => (object)new { responseId = $"svar-{i + 1}", answers = a.ToArray() }).ToArray();
    }

    private static JsonElement Question(JsonElement survey, string questionId) =>
        survey.GetProperty("questions").EnumerateArray().Single(q => q.GetProperty("questionId").GetString() == questionId);

    internal static (int, int, decimal) ShareOf(JsonElement share) =>
        (share.GetProperty("numerator").GetInt32(), share.GetProperty("denominator").GetInt32(), share.GetProperty("value").GetDecimal());

    private static (string, int?)[] Counts(JsonElement question) =>
        question.GetProperty("options").EnumerateArray()
            .Select(o => (o.GetProperty("code").GetString()!, o.GetProperty("count").ValueKind == JsonValueKind.Null ? (int?)null : o.GetProperty("count").GetInt32()))
            .ToArray();

    internal static async Task Goal(ApiClient client, Scenario s, string goalId, object body) =>
        await OkAsync(await client.PutAsync($"/api/surveys/goals/{s.ForbundId}/{goalId}", body));

    private static async Task<JsonElement> ImportAsync(ApiClient client, string roundId, string csv, bool dryRun)
    {
        var content = new StringContent(csv, Encoding.UTF8, "text/csv");
        return await ApiClient.OkJsonAsync(await client.PostAsync($"/api/surveys/rounds/{roundId}/import?dryRun={(dryRun ? "true" : "false")}", content));
    }

    private static Task<JsonElement> OkAsync(HttpResponseMessage response) => ApiClient.OkJsonAsync(response);
}
