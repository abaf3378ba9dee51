using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Demo;

/// <summary>
/// <c>dotnet run --project src/FinsamOutcomes.Api -- --demo</c>: once the service listens, loads a fictional
/// förbund through its own HTTP API (the same write path as every client): kommuner, individual and
/// head-count insatser with goals, a beredningsgrupp, referrals with every kind of decision, three years
/// of participations with activities, occupation changes, pauses, exits of every kind and a correction, referring parts
/// of direct enrolments, intake paused for a while at an insats and at the beredningsgrupp, and a merger of two
/// smaller förbund into it; Älvdalen's economy for 2025 (closed) and 2026, and indicator surveys with goals. Every person is made up; the numbers are drawn from a fixed seed, so two
/// loads give the same data. Development only; skipped when the database already holds the demo.
/// </summary>
public static class DemoDataSetup
{
    public static void AddDemoData(this WebApplicationBuilder builder)
    {
        if (!builder.Environment.IsDevelopment())
        {
            throw new InvalidOperationException("Demo data loads only in the Development environment.");
        }

        builder.Services.AddHostedService<DemoData>();
    }
}

public sealed class DemoData(IServer server, AuthSettings auth, NpgsqlDataSource db, IHostApplicationLifetime lifetime, ILogger<DemoData> logger) : BackgroundService
{
    public const string ForbundId = "alvdalen";
    private static readonly DateOnly LastDay = new(2026, 10, 31);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await LoadOnceAsync(stoppingToken);
        }
        // stopped while loading: the web server stops before this service is told to (its requests are refused), so the
        // application's stopping counts too; a load that fails while the service runs still fails the host
        catch (Exception ex) when (stoppingToken.IsCancellationRequested || lifetime.ApplicationStopping.IsCancellationRequested)
        {
            logger.LogWarning("Demo data loading stopped with the service ({Error})", ex.GetType().Name);
        }
    }

    private async Task LoadOnceAsync(CancellationToken stoppingToken)
    {
        await WaitForStartAsync(stoppingToken);
        await using (var exists = Sql.Command(db, "SELECT count(*) FROM rm_forbund WHERE forbund_id = $1", ForbundId))
        {
            if ((long)(await exists.ExecuteScalarAsync(stoppingToken))! > 0)
            {
                logger.LogInformation("Demo data is already loaded");
                return;
            }
        }

        var address = server.Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("[::]", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal);
        using var http = new HttpClient { BaseAddress = new Uri(address) };
        var loader = new Loader(http, auth, stoppingToken);
        await loader.LoadAsync();
        logger.LogInformation("Demo data loaded: {Participations} participations, {Referrals} referrals", loader.Participations, loader.Referrals);
    }

    private Task WaitForStartAsync(CancellationToken ct)
    {
        var started = new TaskCompletionSource();
        lifetime.ApplicationStarted.Register(() => started.TrySetResult());
        ct.Register(() => started.TrySetCanceled(ct));
        return started.Task;
    }

    /// <summary>Loads the demo through an HTTP client of a running service (the browser tests use it on their own database).</summary>
    public static Task LoadThroughAsync(HttpClient http, AuthSettings auth, CancellationToken ct) => new Loader(http, auth, ct).LoadAsync();

    private sealed class Loader(HttpClient http, AuthSettings auth, CancellationToken ct)
    {
        private readonly Random _random = new(20240101);

        // occupation changes, referring parts of direct enrolments: drawn from a seed of their own, so the draws above stay as they were
        private readonly Random _situation = new(20250901);
        private int _serial = 900;

        public int Participations { get; private set; }

        public int Referrals { get; private set; }

        public async Task LoadAsync()
        {
            var national = Token(Roles.Administrator, "*");
            // two small förbund that merge into Älvdalen on 2025-01-01
            foreach (var (id, name) in new[] { ("norrdalen", "Samordningsförbundet Norrdalen"), ("sodermo", "Samordningsförbundet Södermo") })
            {
                await PostAsync(national, "/api/forbund", new { forbundId = id, name, registeredOn = "2015-01-01" });
                var admin = Token(Roles.Administrator, id);
                await AddMembersAsync(admin, id, id == "norrdalen" ? ["Norrby"] : ["Söderby"]);
                var insats = await RegisterInsatsAsync(admin, id, $"Arbetsträning {name[21..]}", [id == "norrdalen" ? "Norrby" : "Söderby"], new DateOnly(2022, 1, 1), 18, 64);
                var caseWorker = Token(Roles.CaseWorker, id, insats);
                for (var i = 0; i < 25; i++)
                {
                    await PersonAsync(caseWorker, null, null, insats, Date(new DateOnly(2024, 1, 1), new DateOnly(2024, 11, 30)), 18, 64, new DateOnly(2024, 12, 31));
                }

                await PredecessorEconomyAsync(admin, id, insats, id == "norrdalen" ? "norrby" : "soderby", id == "norrdalen" ? 1.0m : 1.6m, id == "norrdalen" ? 300_000m : 250_000m);
            }

            await PostAsync(national, "/api/forbund/mergers", new { successorId = ForbundId, name = "Samordningsförbundet Älvdalen", predecessorIds = new[] { "norrdalen", "sodermo" }, on = "2025-01-01" });
            var alvAdmin = Token(Roles.Administrator, ForbundId);
            await AddMembersAsync(alvAdmin, ForbundId, ["Norrby", "Söderby", "Älvby"], "2025-01-01");
            var team = await RegisterInsatsAsync(alvAdmin, ForbundId, "Samverkansteamet", ["Norrby", "Söderby", "Älvby"], new DateOnly(2024, 1, 1), 16, 64);
            var youth = await RegisterInsatsAsync(alvAdmin, ForbundId, "Unga vuxna 16–29", ["Älvby"], new DateOnly(2024, 3, 1), 16, 29);
            var course = await PostAsync(alvAdmin, "/api/insatser", new
            {
                forbundId = ForbundId, name = "Utbildningsdagar för handläggare", description = "Strukturinsats: gemensamma utbildningsdagar", kind = "structural",
                kommuner = new[] { "Norrby", "Söderby", "Älvby" }, startDate = "2024-01-01", endDate = (string?)null,
                targetGroup = new { minAge = 18, maxAge = 67, description = "Personal hos parterna" }, followUp = "head_count", plannedParticipantsPerYear = (int?)null,
            });
            var courseId = course.GetProperty("id").GetString()!;
            foreach (var (goal, body) in new (string, object)[]
            {
                ("arbete-studier", new { metric = "share_exits_to_work_or_studies", comparison = "at_least", threshold = 40, period = "year", description = "Minst 40 % av de avslutade går till arbete eller studier" }),
                ("nya-deltagare", new { metric = "new_participants", comparison = "at_least", threshold = 160, period = "year", description = "160 nya deltagare per år" }),
                ("aktivitet-30", new { metric = "share_first_activity_within30_days", comparison = "at_least", threshold = 50, period = "year", description = "Minst 50 % i aktivitet inom en månad" }),
            })
            {
                await SendAsync(HttpMethod.Put, alvAdmin, $"/api/insatser/{team}/goals/{goal}", body);
            }

            var group = (await PostAsync(alvAdmin, "/api/beredningsgrupper", new { forbundId = ForbundId, name = "Beredningsgruppen Älvdalen", insatsIds = new[] { team, youth }, weeklyIntakeCap = 6 }))
                .GetProperty("id").GetString()!;
            var bg = GroupToken(ForbundId, group);
            var caseWorkerAlv = Token(Roles.CaseWorker, ForbundId, team, youth, courseId);
            for (var i = 0; i < 260; i++)
            {
                var youthInsats = i % 4 == 0;
                var (insats, min, max) = youthInsats ? (youth, 16, 29) : (team, 16, 64);
                var start = youthInsats ? new DateOnly(2024, 3, 1) : new DateOnly(2024, 1, 1);
                await PersonAsync(caseWorkerAlv, i % 3 == 2 ? null : bg, group, insats, Date(start, new DateOnly(2026, 9, 30)), min, max, LastDay);
            }

            for (var month = new DateOnly(2024, 1, 15); month <= LastDay; month = month.AddMonths(1))
            {
                await PostAsync(caseWorkerAlv, $"/api/insatser/{courseId}/occurrences", new
                {
                    on = month, title = "Utbildningsdag", women = _random.Next(5, 25), men = _random.Next(2, 12), nonBinary = _random.Next(0, 2), notStated = _random.Next(0, 3),
                });
            }

            // intake paused for a while, after the fact (the participations above were recorded as they came): the youth insats in
            // May 2025 (inflow outgrew outflow), the beredningsgrupp for the summer of 2025
            await PostAsync(alvAdmin, $"/api/insatser/{youth}/intake-pause", new { on = "2025-05-05", reason = "inflow_exceeds_outflow" });
            await PostAsync(alvAdmin, $"/api/insatser/{youth}/intake-resume", new { on = "2025-06-02" });
            await PostAsync(alvAdmin, $"/api/beredningsgrupper/{group}/intake-pause", new { on = "2025-07-01", reason = "staffing" });
            await PostAsync(alvAdmin, $"/api/beredningsgrupper/{group}/intake-resume", new { on = "2025-08-11" });

            await EconomyAsync(alvAdmin, team, youth, courseId);
            await SurveysAsync(alvAdmin, team, youth);
        }

        /// <summary>
        /// Älvdalen's economy: 2025 recorded in full and closed (contributions per member, ESF income, a budget and its revision,
        /// monthly outcomes, opening eget kapital), 2026 budgeted with outcomes through October and not yet closed.
        /// </summary>
        private async Task EconomyAsync(string admin, string team, string youth, string course)
        {
            var f = ForbundId;
            foreach (var (year, scale) in new[] { (2025, 1.00m), (2026, 1.03m) })
            {
                var b = $"/api/economy/{f}/{year}";
                foreach (var (member, amount) in new[] { ("fk", 2_000_000m), ("region", 1_000_000m), ("norrby", 450_000m), ("soderby", 350_000m), ("alvby", 200_000m) })
                {
                    await SendAsync(HttpMethod.Put, admin, $"{b}/contributions/{member}", new { amount = amount * scale });
                }

                await SendAsync(HttpMethod.Put, admin, $"{b}/other-income/esf-unga", new { source = "ESF", description = "ESF-projekt Unga vuxna", amount = 250_000m, insatsId = youth });
                object[] Lines(decimal teamBudget) =>
                [
                    new { type = "member_contributions", insatsId = (string?)null, description = "Medlemsbidrag", amount = 4_000_000m * scale },
                    new { type = "other_income", insatsId = (string?)null, description = "ESF", amount = 250_000m },
                    new { type = "administration", insatsId = (string?)null, description = "Kansli, styrelse, revision", amount = 650_000m * scale },
                    new { type = "insats_cost", insatsId = (string?)team, description = "Samverkansteamet", amount = teamBudget * scale, plannedParticipants = 120 },
                    new { type = "insats_cost", insatsId = (string?)youth, description = "Unga vuxna 16–29", amount = 900_000m * scale, plannedParticipants = 40 },
                    new { type = "esf_insats_cost", insatsId = (string?)youth, description = "ESF-del", amount = 250_000m },
                    new { type = "insats_cost", insatsId = (string?)course, description = "Utbildningsdagar", amount = 150_000m * scale },
                ];
                await PostAsync(admin, $"{b}/budget", new { adoptedOn = $"{year - 1}-11-20", reason = $"Styrelsen antog budget {year}", lines = Lines(2_400_000m) });
                if (year == 2025)
                {
                    await PostAsync(admin, $"{b}/budget", new { adoptedOn = "2025-06-10", reason = "Reviderad budget: teamet utökas", lines = Lines(2_550_000m) });
                    await SendAsync(HttpMethod.Put, admin, $"{b}/opening-equity", new { amount = 1_450_000m });
                }

                for (var month = 1; month <= (year == 2025 ? 12 : 10); month++)
                {
                    var summer = month is 7 ? 0.4m : 1m;
                    await PostAsync(admin, $"{b}/outcomes", new { month, type = "administration", account = "6420", description = "Kansli", amount = Math.Round((51_000m + month * 420m) * scale, 2) });
                    await PostAsync(admin, $"{b}/outcomes", new { month, type = "insats_cost", insatsId = team, account = "5410", description = "Lön team", amount = Math.Round((205_000m + month * 1_150.50m) * summer * scale, 2) });
                    await PostAsync(admin, $"{b}/outcomes", new { month, type = "insats_cost", insatsId = youth, account = "5410", description = "Lön Unga vuxna", amount = Math.Round(71_500m * summer * scale, 2) });
                    await PostAsync(admin, $"{b}/outcomes", new { month, type = "esf_insats_cost", insatsId = youth, account = "5411", description = "ESF-del", amount = 19_000m });
                }

                for (var tertial = 1; tertial <= (year == 2025 ? 3 : 2); tertial++)
                {
                    await PostAsync(admin, $"{b}/outcomes", new { tertial, type = "insats_cost", insatsId = course, account = "4010", description = "Utbildningsdagar", amount = 46_000m * scale });
                }

                if (year == 2025)
                {
                    await PostAsync(admin, $"{b}/close", new { closedOn = "2026-02-20" });
                }
            }
        }

        /// <summary>A predecessor's last year, 2024, closed: so the national compilation of 2024 has a row per förbund.</summary>
        private async Task PredecessorEconomyAsync(string admin, string forbund, string insats, string kommun, decimal scale, decimal openingEquity)
        {
            var b = $"/api/economy/{forbund}/2024";
            foreach (var (member, amount) in new[] { ("fk", 900_000m), ("region", 450_000m), (kommun, 450_000m) })
            {
                await SendAsync(HttpMethod.Put, admin, $"{b}/contributions/{member}", new { amount = amount * scale });
            }

            await PostAsync(admin, $"{b}/budget", new
            {
                adoptedOn = "2023-11-15", reason = "Styrelsen antog budget 2024",
                lines = new object[]
                {
                    new { type = "member_contributions", insatsId = (string?)null, description = "Medlemsbidrag", amount = 1_800_000m * scale },
                    new { type = "administration", insatsId = (string?)null, description = "Kansli", amount = 360_000m * scale },
                    new { type = "insats_cost", insatsId = (string?)insats, description = "Arbetsträning", amount = 1_440_000m * scale, plannedParticipants = 30 },
                },
            });
            await SendAsync(HttpMethod.Put, admin, $"{b}/opening-equity", new { amount = openingEquity });
            for (var tertial = 1; tertial <= 3; tertial++)
            {
                await PostAsync(admin, $"{b}/outcomes", new { tertial, type = "administration", account = "6420", description = "Kansli", amount = 118_500m * scale });
                await PostAsync(admin, $"{b}/outcomes", new { tertial, type = "insats_cost", insatsId = insats, account = "5410", description = "Arbetsträning", amount = (452_000m + tertial * 3_250.25m) * scale });
            }

            await PostAsync(admin, $"{b}/close", new { closedOn = "2025-02-14" });
        }

        /// <summary>Participant surveys for the two individual insatser in 2024 and 2025, a board survey for 2025, and two indicator goals.</summary>
        private async Task SurveysAsync(string admin, string team, string youth)
        {
            var rounds = new (string RoundId, string Survey, string? Insats, int Year, int Sent, (string Question, string Option, int Count)[] Counts, int Respondents)[]
            {
                ("demo-team-2024", "deltagare-under", team, 2024, 40, [("q1", "ja", 19), ("q1", "nej", 6), ("q1", "delvis", 6), ("q2", "stammer_helt", 9), ("q2", "stammer_ganska_bra", 11), ("q2", "stammer_ganska_daligt", 7), ("q2", "stammer_inte_alls", 3), ("q3", "ja", 17), ("q3", "delvis", 9), ("q3", "nej", 5)], 31),
                ("demo-team-2025", "deltagare-under", team, 2025, 52, [("q1", "ja", 31), ("q1", "nej", 5), ("q1", "delvis", 7), ("q2", "stammer_helt", 15), ("q2", "stammer_ganska_bra", 16), ("q2", "stammer_ganska_daligt", 8), ("q2", "stammer_inte_alls", 3), ("q3", "ja", 26), ("q3", "delvis", 12), ("q3", "nej", 5)], 43),
                ("demo-unga-2025", "deltagare-under", youth, 2025, 14, [("q1", "ja", 6), ("q1", "nej", 2), ("q1", "delvis", 3), ("q2", "stammer_helt", 4), ("q2", "stammer_ganska_bra", 4), ("q2", "stammer_ganska_daligt", 2), ("q2", "stammer_inte_alls", 1), ("q3", "ja", 7), ("q3", "delvis", 3), ("q3", "nej", 1)], 11),
                ("demo-styrelse-2025", "styrelse", null, 2025, 12, [("q1", "stammer_helt", 3), ("q1", "stammer_ganska_bra", 6), ("q1", "stammer_ganska_daligt", 1), ("q2", "stammer_helt", 5), ("q2", "stammer_ganska_bra", 4), ("q2", "stammer_ganska_daligt", 1)], 10),
            };
            foreach (var r in rounds)
            {
                await PostAsync(admin, "/api/surveys/rounds", new
                {
                    roundId = r.RoundId, surveyId = r.Survey, forbundId = ForbundId, insatsId = r.Insats, periodFrom = $"{r.Year}-09-01", periodTo = $"{r.Year}-10-31", sent = r.Sent,
                });
                await PostAsync(admin, $"/api/surveys/rounds/{r.RoundId}/counts", new
                {
                    respondents = r.Respondents, counts = r.Counts.Select(c => new { questionId = c.Question, optionCode = c.Option, count = c.Count }).ToArray(),
                });
            }

            await SendAsync(HttpMethod.Put, admin, $"/api/surveys/goals/{ForbundId}/stod-ja-70", new
            {
                surveyId = "deltagare-under", questionId = "q1", version = 1, comparison = "at_least", threshold = 70, insatsId = team,
                description = "Minst 70 % av deltagarna i Samverkansteamet anger ja på fråga 1",
            });
            await SendAsync(HttpMethod.Put, admin, $"/api/surveys/goals/{ForbundId}/samverkan-80", new
            {
                surveyId = "deltagare-under", questionId = "q2", version = 1, comparison = "at_least", threshold = 80,
                description = "Minst 80 % av deltagarna upplever att myndigheterna samarbetar (fråga 2)",
            });
        }

        private async Task AddMembersAsync(string admin, string forbund, string[] kommuner, string from = "2015-01-01")
        {
            await PostAsync(admin, $"/api/forbund/{forbund}/members", new { memberId = "fk", kind = "fk", name = "Försäkringskassan", from });
            await PostAsync(admin, $"/api/forbund/{forbund}/members", new { memberId = "af", kind = "af", name = "Arbetsförmedlingen", from });
            await PostAsync(admin, $"/api/forbund/{forbund}/members", new { memberId = "region", kind = "region", name = "Region Mellanland", from });
            foreach (var kommun in kommuner)
            {
                await PostAsync(admin, $"/api/forbund/{forbund}/members", new { memberId = MemberId(kommun), kind = "kommun", name = $"{kommun} kommun", from });
            }
        }

        /// <summary>Member ids are ASCII: "Söderby" becomes "soderby".</summary>
        private static string MemberId(string kommun) =>
            kommun.ToLowerInvariant().Replace('å', 'a').Replace('ä', 'a').Replace('ö', 'o');

        private async Task<string> RegisterInsatsAsync(string admin, string forbund, string name, string[] kommuner, DateOnly start, int min, int max)
        {
            var body = await PostAsync(admin, "/api/insatser", new
            {
                forbundId = forbund, name, description = $"{name}: individinriktad insats", kind = "individual", kommuner, startDate = start, endDate = (string?)null,
                targetGroup = new { minAge = min, maxAge = max, description = $"{min}–{max} år" }, followUp = "per_person_identified", plannedParticipantsPerYear = 160,
            });
            return body.GetProperty("id").GetString()!;
        }

        private async Task PersonAsync(string caseWorker, string? bg, string? group, string insats, DateOnly referredOn, int minAge, int maxAge, DateOnly lastDay)
        {
            var age = _random.Next(minAge, maxAge + 1);
            var gender = Pick(("woman", 50), ("man", 45), ("non_binary", 2), ("not_stated", 3));
            var consent = _random.Next(10) < 8;
            var personnummer = MakePersonnummer(referredOn.Year - age, gender == "man");
            string? referralId = null;
            var enrolOn = referredOn;
            if (bg is not null)
            {
                Referrals++;
                var referral = await PostAsync(bg, "/api/referrals", new
                {
                    beredningsgruppId = group, referringParty = Pick(("af", 30), ("fk", 25), ("region", 15), ("kommun_social_assistance", 20), ("kommun_social_services", 10)),
                    receivedOn = referredOn, gender, person = new { personnummer = consent ? personnummer : null, birthYear = consent ? (int?)null : referredOn.Year - age },
                });
                referralId = referral.GetProperty("id").GetString()!;
                var decidedOn = Min(referredOn.AddDays(_random.Next(3, 15)), LastDay);
                var decision = Pick(("accept", 75), ("reject", 8), ("return", 7), ("completion", 6), ("withdraw", 2), ("waiting", 2));
                if (decision == "completion")
                {
                    await PostAsync(bg, $"/api/referrals/{referralId}/completion", new { requestedOn = decidedOn, note = "Läkarintyg saknas" });
                    decidedOn = Min(decidedOn.AddDays(7), LastDay);
                    decision = "accept";
                }

                switch (decision)
                {
                    case "reject":
                        await PostAsync(bg, $"/api/referrals/{referralId}/reject", new { decidedOn, reason = "Tillhör inte målgruppen" });
                        return;
                    case "return":
                        await PostAsync(bg, $"/api/referrals/{referralId}/return", new { decidedOn, reason = "Behöver först medicinsk utredning" });
                        return;
                    case "withdraw":
                        await PostAsync(bg, $"/api/referrals/{referralId}/withdraw", new { decidedOn, reason = "Har fått arbete" });
                        return;
                    case "waiting":
                        return;
                }

                await PostAsync(bg, $"/api/referrals/{referralId}/accept", new { insatsId = insats, decidedOn, overrideReason = "Demo: intag utöver taket" });
                enrolOn = Min(decidedOn.AddDays(_random.Next(0, 21)), LastDay);
            }

            var enrolled = await PostAsync(caseWorker, "/api/participations", new
            {
                insatsId = insats, referralId, enrolledOn = enrolOn, gender, consent,
                person = referralId is null ? new { personnummer = consent ? personnummer : null, birthYear = consent ? (int?)null : enrolOn.Year - age, protectedIdentity = false } : null,
                baseline = new
                {
                    meansOfSupport = Pick(("social_assistance", 30), ("sickness_benefit", 20), ("activity_compensation", 15), ("unemployment_benefit", 15), ("none", 10), ("sickness_compensation", 5), ("establishment_benefit", 5)),
                    occupation = Pick(("none", 60), ("job_seeking", 30), ("studying", 5), ("working", 5)),
                    education = Pick(("primary_not_completed", 10), ("primary", 25), ("upper_secondary", 40), ("post_secondary", 15), ("other_or_foreign", 5), ("unknown", 5)),
                    homeKommun = Pick(("Norrby", 40), ("Söderby", 30), ("Älvby", 30)),
                    monthsOnSupportBefore = _random.Next(3, 120),
                    hasSgi = _random.Next(3) == 0,
                },
                ageOverrideReason = "Demo",
                referringParty = referralId is null
                    ? Pick(_situation, ("af", 25), ("fk", 20), ("region", 15), ("kommun_social_services", 10), ("kommun_labour_market", 15), ("other", 5), ((string?)null, 10))
                    : null,
            });
            Participations++;
            var id = enrolled.GetProperty("id").GetString()!;
            var day = enrolOn;
            for (var a = _random.Next(0, 7); a > 0; a--)
            {
                day = day.AddDays(_random.Next(1, 40));
                if (day > lastDay)
                {
                    break;
                }

                await PostAsync(caseWorker, $"/api/participations/{id}/activities", new
                {
                    kind = Pick(("individual_meeting", 40), ("phone_contact", 15), ("group_activity", 15), ("work_training", 15), ("internship", 5), ("studies", 5), ("health_talk", 5)),
                    on = day, durationMinutes = 60,
                });
            }

            // what the participant does during the insats: one change of occupation for about half, a second for some
            var changeOn = enrolOn;
            for (var change = _situation.Next(4) switch { 0 or 1 => 0, 2 => 1, _ => 2 }; change > 0 && changeOn < day; change--)
            {
                changeOn = changeOn.AddDays(1 + _situation.Next(day.DayNumber - changeOn.DayNumber));
                await PostAsync(caseWorker, $"/api/participations/{id}/occupation-changes", new
                {
                    on = changeOn,
                    kind = Pick(_situation, ("paid_work", 15), ("subsidised_employment", 10), ("studies", 15), ("internship", 20), ("work_training", 25), ("job_seeking", 10), ("none", 5)),
                    extentPercent = Pick(_situation, ((int?)25, 1), (50, 2), (75, 1), (100, 2), (null, 1)),
                });
            }

            if (_random.Next(8) == 0 && day.AddDays(40) < lastDay)
            {
                await PostAsync(caseWorker, $"/api/participations/{id}/pause", new { on = day.AddDays(1), reason = "ill_health" });
                day = day.AddDays(_random.Next(10, 40));
                await PostAsync(caseWorker, $"/api/participations/{id}/resume", new { on = day });
            }

            var exitOn = day.AddDays(_random.Next(20, 300));
            if (exitOn > lastDay)
            {
                return;
            }

            var (reason, support, occupation) = Pick(
                (("arbete_osubventionerat", "salary", "working"), 14), (("arbete_subventionerat", "salary", "working"), 12), (("eget_foretag", "none", "working"), 2),
                (("studier", "other", "studying"), 14), (("folkhogskola", "other", "studying"), 6),
                (("aterremiss_af", "unemployment_benefit", "job_seeking"), 14), (("aterremiss_fk", "sickness_benefit", "none"), 8),
                (("aterremiss_kommun", "social_assistance", "none"), 8), (("aterremiss_region", "sickness_benefit", "none"), 4),
                (("flyttat", "social_assistance", "none"), 4), (("ohalsa", "sickness_benefit", "none"), 6), (("avbrutit", "social_assistance", "none"), 5),
                (("daglig_sysselsattning", "activity_compensation", "none"), 2), (("okant", "other", "none"), 1));
            var exit = await PostAsync(caseWorker, $"/api/participations/{id}/exit", new { exitedOn = exitOn, reasonCode = reason, meansOfSupportAtExit = support, occupationAtExit = occupation });
            if (_random.Next(25) == 0)
            {
                await PostAsync(caseWorker, $"/api/participations/{id}/exit-correction",
                    new { exitedOn = exitOn, reasonCode = "studier", meansOfSupportAtExit = "other", occupationAtExit = "studying", correctionReason = "Fel avslutsorsak registrerad" },
                    ifMatch: $"\"{exit.GetProperty("version").GetInt64()}\"");
            }
        }

        private string MakePersonnummer(int year, bool man)
        {
            var month = _random.Next(1, 13);
            var dayOfMonth = _random.Next(1, 29);
            var serial = _serial++ % 1000;
            var genderDigit = (serial % 10 / 2 * 2) + (man ? 1 : 0);
            var nine = $"{year % 100:00}{month:00}{dayOfMonth:00}{serial / 10:00}{genderDigit}";
            var sum = 0;
            for (var i = 0; i < 9; i++)
            {
                var v = (nine[i] - '0') * (i % 2 == 0 ? 2 : 1);
                sum += (v / 10) + (v % 10);
            }

            return $"{year:0000}{nine[2..]}{(10 - (sum % 10)) % 10}";
        }

        private T Pick<T>(params (T Value, int Weight)[] choices) => _random.Pick(choices);

        private static T Pick<T>(Random random, params (T Value, int Weight)[] choices) => random.Pick(choices);

        private DateOnly Date(DateOnly from, DateOnly to) => from.AddDays(_random.Next(to.DayNumber - from.DayNumber + 1));

        private static DateOnly Min(DateOnly a, DateOnly b) => a < b ? a : b;

        private string Token(string role, string forbund, params string[] insatser) =>
            Auth.MintToken(auth, $"demo-{role}", role, forbund, insatser, [], TimeSpan.FromHours(2));

        private string GroupToken(string forbund, string beredningsgrupp) =>
            Auth.MintToken(auth, "demo-beredningsgrupp", Roles.AssessmentGroupMember, forbund, [], [beredningsgrupp], TimeSpan.FromHours(2));

        private Task<JsonElement> PostAsync(string token, string url, object body, string? ifMatch = null) => SendAsync(HttpMethod.Post, token, url, body, ifMatch);

        private async Task<JsonElement> SendAsync(HttpMethod method, string token, string url, object body, string? ifMatch = null)
        {
            using var request = new HttpRequestMessage(method, url) { Content = JsonContent.Create(body) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Add(IdempotencyMiddleware.Header, Guid.NewGuid().ToString());
            if (ifMatch is not null)
            {
                request.Headers.TryAddWithoutValidation("If-Match", ifMatch);
            }

            using var response = await http.SendAsync(request, ct);
            var text = await response.Content.ReadAsStringAsync(ct);
            if (!response.IsSuccessStatusCode)
            {
                throw new InvalidOperationException($"Demo data: {method} {url} answered {(int)response.StatusCode}: {text}");
            }

            return JsonDocument.Parse(text).RootElement.Clone();
        }
    }
}
