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
/// of participations with activities, pauses, exits of every kind and a correction, and a merger of two
/// smaller förbund into it. Every person is made up; the numbers are drawn from a fixed seed, so two
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
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            logger.LogWarning("Demo data loading stopped with the service");
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
