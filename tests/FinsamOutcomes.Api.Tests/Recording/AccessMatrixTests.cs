using System.Net;
using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static FinsamOutcomes.Api.Tests.Recording.Recorded;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>
/// A förbund (F) with an individual insats I, a head-count insats H, a beredningsgrupp G allocating to I, a second insats
/// I2 with its group G2; and a foreign förbund X with its own. Created once for the matrix; every row makes the fresh
/// resources it acts on.
/// </summary>
public sealed class AccessWorld : IAsyncLifetime
{
    public ApiFactory Factory { get; } = new();

    public Scenario Home { get; private set; } = null!;

    public Scenario Foreign { get; private set; } = null!;

    public string OtherInsatsId { get; private set; } = null!;

    public string OtherGroupId { get; private set; } = null!;

    public JsonElement DefaultExitReasons { get; private set; }

    public async Task InitializeAsync()
    {
        await Factory.InitializeAsync();
        Home = await Scenario.CreateAsync(Factory, weeklyCap: 1000);
        Foreign = await Scenario.CreateAsync(Factory);
        OtherInsatsId = await AnotherInsatsAsync(Home);
        OtherGroupId = Scenario.Id(await Home.Admin.PostOkAsync("/api/beredningsgrupper",
            new { forbundId = Home.ForbundId, name = "BG Piteå", insatsIds = new[] { OtherInsatsId }, weeklyIntakeCap = 8 }));
        DefaultExitReasons = (await Home.Admin.GetOkAsync($"/api/forbund/{Home.ForbundId}")).GetProperty("exitReasons");
    }

    public async Task DisposeAsync() => await Factory.DisposeAsync();

    /// <summary>A direct enrolment in I by its case worker; returns the participation and participant ids.</summary>
    public async Task<(string Id, string ParticipantId)> EnrolAsync(string? personnummer = null)
    {
        var id = Scenario.Id(await Home.CaseWorker.PostOkAsync("/api/participations", Enrolment(Home.InsatsId, personnummer: personnummer)));
        var participant = (await Home.CaseWorker.GetOkAsync($"/api/participations/{id}")).GetProperty("participantId").GetString()!;
        return (id, participant);
    }

    public async Task<string> AnotherGroupAsync() => Scenario.Id(await Home.Admin.PostOkAsync("/api/beredningsgrupper",
        new { forbundId = Home.ForbundId, name = "BG extra", insatsIds = new[] { Home.InsatsId }, weeklyIntakeCap = 1000 }));

    public async Task<string> ReferralAsync() => Scenario.Id(await Home.Group.PostOkAsync("/api/referrals", Referral(Home.GroupId)));
}

/// <summary>
/// Issue item 8: every endpoint against every role in its own scope, and the allowed roles in a foreign scope
/// (another förbund; another insats or beredningsgrupp of the same förbund). Allowed is 2xx, everything else 403
/// <c>forbidden</c> with nothing appended.
/// </summary>
public sealed class AccessMatrixTests(AccessWorld world) : IClassFixture<AccessWorld>
{
    // The eight callers: the seven roles in their own scope, and the administrator with national scope.
    private const string CaseWorker = Roles.CaseWorker;
    private const string InsatsManager = Roles.InsatsManager;
    private const string GroupMember = Roles.AssessmentGroupMember;
    private const string Analyst = Roles.ForbundAnalyst;
    private const string NationalReader = Roles.NationalReader;
    private const string Administrator = Roles.Administrator;
    private const string Economist = Roles.Economist;
    private const string NationalAdministrator = "national_administrator";

    private static readonly string[] Callers = [CaseWorker, InsatsManager, GroupMember, Analyst, NationalReader, Administrator, Economist, NationalAdministrator];

    private static readonly string[] EconomyWriters = [Economist, Administrator, NationalAdministrator];
    private static readonly string[] EconomyReaders = [Economist, Analyst, Administrator, NationalAdministrator];
    private static int _economyYear = 1950;

    /// <summary>The roles whose scope is an insats or a beredningsgrupp, not a whole förbund.</summary>
    private static readonly string[] NarrowlyScoped = [CaseWorker, InsatsManager, GroupMember];

    private static readonly string[] ForbundReaders = [CaseWorker, InsatsManager, GroupMember, Analyst, Administrator, Economist, NationalAdministrator];
    private static readonly string[] ForbundAdministrators = [Administrator, NationalAdministrator];

    /// <summary>What a row calls. InsatsId and GroupId are what the narrowly scoped callers' tokens name (default I and G).</summary>
    public sealed record Call(string Url, object? Body = null, string? InsatsId = null, string? GroupId = null, string? IfMatch = null);

    /// <param name="ForbundWide">Readable by the allowed roles anywhere in their förbund, not only in their own insats or group.</param>
    public sealed record Route(string Name, string Method, string[] Allowed, Func<AccessWorld, Task<Call>> Prepare, bool ForbundWide = false);

    private static readonly Route[] Routes =
    [
        // Forbund
        new("POST /api/forbund", "POST", [NationalAdministrator], _ => Task.FromResult(new Call("/api/forbund",
            new { forbundId = (string?)null, name = "Samordningsförbundet Nytt", registeredOn = "2024-01-01" }))),
        new("GET /api/forbund/{id}", "GET", [.. ForbundReaders, NationalReader], w => Task.FromResult(new Call($"/api/forbund/{w.Home.ForbundId}")), ForbundWide: true),
        new("POST /api/forbund/{id}/members", "POST", ForbundAdministrators, w => Task.FromResult(new Call($"/api/forbund/{w.Home.ForbundId}/members",
            new { memberId = TestIds.New("kommun-", 20), kind = "kommun", name = "Kommun", from = "2021-06-01" }))),
        new("POST /api/forbund/{id}/members/{memberId}/leave", "POST", ForbundAdministrators, async w =>
        {
            var member = TestIds.New("kommun-", 20);
            await w.Home.Admin.PostOkAsync($"/api/forbund/{w.Home.ForbundId}/members", new { memberId = member, kind = "kommun", name = "Kommun", from = "2021-06-01" });
            return new Call($"/api/forbund/{w.Home.ForbundId}/members/{member}/leave", new { to = "2023-12-31" });
        }),
        new("PUT /api/forbund/{id}/exit-reasons", "PUT", ForbundAdministrators, w => Task.FromResult(new Call($"/api/forbund/{w.Home.ForbundId}/exit-reasons",
            new { reasons = w.DefaultExitReasons }))),
        new("PUT /api/forbund/{id}/retention", "PUT", ForbundAdministrators, w => Task.FromResult(new Call($"/api/forbund/{w.Home.ForbundId}/retention",
            new { monthsAfterEnd = 600, reason = "Dokumenthanteringsplan §4" }))),
        new("GET /api/forbund/{id}/erasures", "GET", ForbundAdministrators, w => Task.FromResult(new Call($"/api/forbund/{w.Home.ForbundId}/erasures?from=2024-01-01"))),
        new("POST /api/forbund/mergers", "POST", [NationalAdministrator], async w =>
        {
            var predecessors = new List<string>();
            for (var i = 0; i < 2; i++)
            {
                predecessors.Add(Scenario.Id(await w.Home.National.PostOkAsync("/api/forbund", new { forbundId = (string?)null, name = "Gammalt förbund", registeredOn = "2015-01-01" })));
            }

            return new Call("/api/forbund/mergers", new { successorId = (string?)null, name = "Sammanslaget", predecessorIds = predecessors, on = "2024-01-01" });
        }),

        // Insatser
        new("POST /api/insatser", "POST", ForbundAdministrators, w => Task.FromResult(new Call("/api/insatser", new
        {
            forbundId = w.Home.ForbundId, name = "Ny insats", description = "", kind = "individual", kommuner = new[] { "Lulea" }, startDate = "2024-01-01",
            endDate = (string?)null, targetGroup = new { minAge = 16, maxAge = 64, description = "16–64" }, followUp = "per_person_identified", plannedParticipantsPerYear = 20,
        }))),
        new("GET /api/insatser?forbundId=", "GET", ForbundReaders, w => Task.FromResult(new Call($"/api/insatser?forbundId={w.Home.ForbundId}")), ForbundWide: true),
        new("GET /api/insatser/{id}", "GET", ForbundReaders, w => Task.FromResult(new Call($"/api/insatser/{w.Home.InsatsId}")), ForbundWide: true),
        new("PUT /api/insatser/{id}/goals/{goalId}", "PUT", [InsatsManager, .. ForbundAdministrators], w => Task.FromResult(new Call(
            $"/api/insatser/{w.Home.InsatsId}/goals/{TestIds.New("goal-", 20)}",
            new { metric = "share_exits_to_work_or_studies", comparison = "at_least", threshold = 40, period = "year", description = "Minst 40 % till arbete eller studier" }))),
        new("DELETE /api/insatser/{id}/goals/{goalId}", "DELETE", [InsatsManager, .. ForbundAdministrators], async w =>
        {
            var goal = TestIds.New("goal-", 20);
            await Status(await w.Home.Admin.PutAsync($"/api/insatser/{w.Home.InsatsId}/goals/{goal}",
                new { metric = "new_participants", comparison = "at_least", threshold = 160, period = "year", description = "160 nya per år" }), HttpStatusCode.OK);
            return new Call($"/api/insatser/{w.Home.InsatsId}/goals/{goal}");
        }),
        new("POST /api/insatser/{id}/close", "POST", [InsatsManager, .. ForbundAdministrators], async w =>
        {
            var insats = await AnotherInsatsAsync(w.Home);
            return new Call($"/api/insatser/{insats}/close", new { closedOn = "2024-03-01" }, InsatsId: insats);
        }),
        new("POST /api/insatser/{id}/occurrences", "POST", [CaseWorker, InsatsManager], w => Task.FromResult(new Call(
            $"/api/insatser/{w.Home.HeadCountInsatsId}/occurrences",
            new { occurrenceId = (string?)null, on = "2024-03-14", title = "Utbildningsdag", women = 4, men = 3, nonBinary = 0, notStated = 1 }, InsatsId: w.Home.HeadCountInsatsId))),
        new("POST /api/insatser/{id}/intake-pause", "POST", [InsatsManager, .. ForbundAdministrators], async w =>
        {
            var insats = await AnotherInsatsAsync(w.Home);
            return new Call($"/api/insatser/{insats}/intake-pause", new { on = "2024-03-01", reason = "inflow_exceeds_outflow" }, InsatsId: insats);
        }),
        new("POST /api/insatser/{id}/intake-resume", "POST", [InsatsManager, .. ForbundAdministrators], async w =>
        {
            var insats = await AnotherInsatsAsync(w.Home);
            await w.Home.Admin.PostOkAsync($"/api/insatser/{insats}/intake-pause", new { on = "2024-03-01", reason = "inflow_exceeds_outflow" });
            return new Call($"/api/insatser/{insats}/intake-resume", new { on = "2024-04-01" }, InsatsId: insats);
        }),

        // Beredningsgrupper
        new("POST /api/beredningsgrupper", "POST", ForbundAdministrators, w => Task.FromResult(new Call("/api/beredningsgrupper",
            new { forbundId = w.Home.ForbundId, name = "BG Ny", insatsIds = new[] { w.Home.InsatsId }, weeklyIntakeCap = 4 }))),
        new("GET /api/beredningsgrupper/{id}", "GET", ForbundReaders, w => Task.FromResult(new Call($"/api/beredningsgrupper/{w.Home.GroupId}")), ForbundWide: true),
        new("PUT /api/beredningsgrupper/{id}", "PUT", ForbundAdministrators, w => Task.FromResult(new Call($"/api/beredningsgrupper/{w.Home.GroupId}",
            new { insatsIds = new[] { w.Home.InsatsId }, weeklyIntakeCap = 1000 }))),
        new("POST /api/beredningsgrupper/{id}/intake-pause", "POST", [GroupMember, .. ForbundAdministrators], async w =>
        {
            var group = await w.AnotherGroupAsync();
            return new Call($"/api/beredningsgrupper/{group}/intake-pause", new { on = "2024-03-01", reason = "inflow_exceeds_outflow" }, GroupId: group);
        }),
        new("POST /api/beredningsgrupper/{id}/intake-resume", "POST", [GroupMember, .. ForbundAdministrators], async w =>
        {
            var group = await w.AnotherGroupAsync();
            await w.Home.Admin.PostOkAsync($"/api/beredningsgrupper/{group}/intake-pause", new { on = "2024-03-01", reason = "inflow_exceeds_outflow" });
            return new Call($"/api/beredningsgrupper/{group}/intake-resume", new { on = "2024-04-01" }, GroupId: group);
        }),

        // Referrals
        new("POST /api/referrals", "POST", [GroupMember], w => Task.FromResult(new Call("/api/referrals", Referral(w.Home.GroupId)))),
        new("GET /api/referrals/{id}", "GET", [GroupMember], async w => new Call($"/api/referrals/{await w.ReferralAsync()}")),
        new("POST /api/referrals/{id}/accept", "POST", [GroupMember], async w => new Call($"/api/referrals/{await w.ReferralAsync()}/accept", Accept(w.Home.InsatsId))),
        new("POST /api/referrals/{id}/reject", "POST", [GroupMember], async w => new Call($"/api/referrals/{await w.ReferralAsync()}/reject", new { decidedOn = "2024-01-15", reason = "Utanför målgruppen" })),
        new("POST /api/referrals/{id}/return", "POST", [GroupMember], async w => new Call($"/api/referrals/{await w.ReferralAsync()}/return", new { decidedOn = "2024-01-15", reason = "Annan insats passar bättre" })),
        new("POST /api/referrals/{id}/completion", "POST", [GroupMember], async w => new Call($"/api/referrals/{await w.ReferralAsync()}/completion", new { requestedOn = "2024-01-15", note = "Läkarintyg saknas" })),
        new("POST /api/referrals/{id}/withdraw", "POST", [GroupMember], async w => new Call($"/api/referrals/{await w.ReferralAsync()}/withdraw", new { decidedOn = "2024-01-15", reason = "Fått arbete" })),

        // Participations
        new("POST /api/participations", "POST", [CaseWorker], w => Task.FromResult(new Call("/api/participations", Enrolment(w.Home.InsatsId)))),
        new("GET /api/participations/{id}", "GET", [CaseWorker], async w => new Call($"/api/participations/{(await w.EnrolAsync()).Id}")),
        // a case worker of any insats of the förbund may send a file; rows of insatser outside the token are refused row by row
        new("POST /api/forbund/{id}/history-imports", "POST", [CaseWorker], w => Task.FromResult(new Call($"/api/forbund/{w.Home.ForbundId}/history-imports?dryRun=true",
            new StringContent($"insats;inskriven;kön;födelseår;samtycke;försörjning_start;sysselsättning_start;utbildning;hemkommun\r\n{w.Home.InsatsId};2024-02-01;kvinna;1990;nej;social_assistance;none;primary;Lulea\r\n",
                System.Text.Encoding.UTF8, "text/csv"))), ForbundWide: true),
        new("GET /api/participations/{id}/timeline", "GET", [CaseWorker], async w => new Call($"/api/participations/{(await w.EnrolAsync()).Id}/timeline")),
        new("POST /api/participations/{id}/activities", "POST", [CaseWorker], async w => new Call($"/api/participations/{(await w.EnrolAsync()).Id}/activities",
            new { kind = "individual_meeting", on = "2024-02-05", durationMinutes = 60 })),
        new("POST /api/participations/{id}/pause", "POST", [CaseWorker], async w => new Call($"/api/participations/{(await w.EnrolAsync()).Id}/pause", new { on = "2024-03-01", reason = "ill_health" })),
        new("POST /api/participations/{id}/resume", "POST", [CaseWorker], async w =>
        {
            var (id, _) = await w.EnrolAsync();
            await w.Home.CaseWorker.PostOkAsync($"/api/participations/{id}/pause", new { on = "2024-03-01", reason = "ill_health" });
            return new Call($"/api/participations/{id}/resume", new { on = "2024-04-01" });
        }),
        new("POST /api/participations/{id}/occupation-changes", "POST", [CaseWorker], async w => new Call(
            $"/api/participations/{(await w.EnrolAsync()).Id}/occupation-changes", new { on = "2024-03-01", kind = "internship", extentPercent = 50 })),
        new("POST /api/participations/{id}/occupation-changes/{changeId}/correction", "POST", [CaseWorker], async w =>
        {
            var (id, _) = await w.EnrolAsync();
            await w.Home.CaseWorker.PostOkAsync($"/api/participations/{id}/occupation-changes", new { on = "2024-03-01", kind = "internship", changeId = "occ-1" });
            return new Call($"/api/participations/{id}/occupation-changes/occ-1/correction",
                new { on = "2024-03-04", kind = "work_training", extentPercent = 25, correctionReason = "Fel slag" }, IfMatch: "\"2\"");
        }),
        new("POST /api/participations/{id}/exit", "POST", [CaseWorker], async w => new Call($"/api/participations/{(await w.EnrolAsync()).Id}/exit", Exit())),
        new("POST /api/participations/{id}/exit-correction", "POST", [CaseWorker], async w =>
        {
            var (id, _) = await w.EnrolAsync();
            await w.Home.CaseWorker.PostOkAsync($"/api/participations/{id}/exit", Exit());
            return new Call($"/api/participations/{id}/exit-correction",
                new { exitedOn = "2024-06-13", reasonCode = "flyttat", meansOfSupportAtExit = "other", occupationAtExit = "none", correctionReason = "Fel orsak" }, IfMatch: "\"2\"");
        }),
        new("POST /api/participations/{id}/enrolment-correction", "POST", [CaseWorker], async w => new Call($"/api/participations/{(await w.EnrolAsync()).Id}/enrolment-correction",
            new { enrolledOn = "2024-02-02", baseline = Scenario.Baseline(), correctionReason = "Fel datum" }, IfMatch: "\"1\"")),
        new("POST /api/participations/{id}/registered-in-error", "POST", [CaseWorker], async w => new Call($"/api/participations/{(await w.EnrolAsync()).Id}/registered-in-error",
            new { correctionReason = "Fel person" }, IfMatch: "\"1\"")),
        new("GET /api/insatser/{id}/participations", "GET", [CaseWorker], w => Task.FromResult(new Call($"/api/insatser/{w.Home.InsatsId}/participations"))),

        // People
        new("GET /api/people/{id}/identity", "GET", [CaseWorker], async w => new Call($"/api/people/{(await w.EnrolAsync(NewPersonnummer())).ParticipantId}/identity")),
        new("POST /api/people/{id}/erasure", "POST", ForbundAdministrators, async w => new Call($"/api/people/{(await w.EnrolAsync(NewPersonnummer())).ParticipantId}/erasure",
            new { reason = "Begäran om radering" })),
        new("POST /api/people/{id}/protected-identity", "POST", [CaseWorker], async w => new Call($"/api/people/{(await w.EnrolAsync(NewPersonnummer())).ParticipantId}/protected-identity")),
        new("POST /api/people/{id}/rekey", "POST", [CaseWorker], async w => new Call($"/api/people/{(await w.EnrolAsync(NewPersonnummer())).ParticipantId}/rekey",
            new { personnummer = NewPersonnummer() })),

        // Economy
        new("GET /api/economy/{id}/{year}", "GET", EconomyReaders, w => Task.FromResult(new Call($"/api/economy/{w.Home.ForbundId}/2025")), ForbundWide: true),
        new("PUT /api/economy/{id}/{year}/contributions/{memberId}", "PUT", EconomyWriters, async w =>
        {
            await w.Home.Admin.PostAsync($"/api/forbund/{w.Home.ForbundId}/members", new { memberId = "region-access", kind = "region", name = "Region", from = "2020-01-01" });
            return new Call($"/api/economy/{w.Home.ForbundId}/2025/contributions/region-access", new { amount = 1_000_000m });
        }),
        new("PUT /api/economy/{id}/{year}/other-income/{incomeId}", "PUT", EconomyWriters, w => Task.FromResult(new Call($"/api/economy/{w.Home.ForbundId}/2025/other-income/esf",
            new { source = "ESF", description = "ESF-projekt", amount = 100_000m }))),
        new("POST /api/economy/{id}/{year}/budget", "POST", EconomyWriters, w => Task.FromResult(new Call($"/api/economy/{w.Home.ForbundId}/2025/budget",
            new { adoptedOn = "2025-01-10", reason = "Budget", lines = new object[] { new { type = "administration", description = "Kansli", amount = 500_000m } } }))),
        new("POST /api/economy/{id}/{year}/outcomes", "POST", EconomyWriters, w => Task.FromResult(new Call($"/api/economy/{w.Home.ForbundId}/2025/outcomes",
            new { month = 2, type = "administration", account = "6420", description = "Kansli", amount = 40_000m }))),
        new("POST /api/economy/{id}/{year}/outcomes/{entryId}/correction", "POST", EconomyWriters, async w =>
        {
            var entry = TestIds.New("access-", 20);
            await w.Home.Admin.PostOkAsync($"/api/economy/{w.Home.ForbundId}/2025/outcomes", new { entryId = entry, month = 3, type = "administration", account = "6420", description = "Kansli", amount = 40_000m });
            return new Call($"/api/economy/{w.Home.ForbundId}/2025/outcomes/{entry}/correction", new { amount = 41_000m, reason = "Rättad" });
        }),
        new("POST /api/economy/{id}/{year}/imports", "POST", EconomyWriters, w => Task.FromResult(new Call($"/api/economy/{w.Home.ForbundId}/2025/imports?dryRun=true",
            new ByteArrayContent("Konto;Period;Belopp;Kostnadsställe\r\n6420;2025-04;100,00;100\r\n"u8.ToArray()) { Headers = { ContentType = new("text/csv") } }))),
        new("PUT /api/economy/{id}/{year}/opening-equity", "PUT", EconomyWriters, w => Task.FromResult(new Call($"/api/economy/{w.Home.ForbundId}/2025/opening-equity", new { amount = 300_000m }))),
        new("POST /api/economy/{id}/{year}/close", "POST", EconomyWriters, async w =>
        {
            var year = Interlocked.Increment(ref _economyYear);
            await Status(await w.Home.Admin.PutAsync($"/api/economy/{w.Home.ForbundId}/{year}/opening-equity", new { amount = 1m }), HttpStatusCode.OK);
            return new Call($"/api/economy/{w.Home.ForbundId}/{year}/close", new { closedOn = $"{year + 1}-02-01" });
        }),
        new("GET /api/economy/{id}/cost-centres", "GET", EconomyReaders, w => Task.FromResult(new Call($"/api/economy/{w.Home.ForbundId}/cost-centres")), ForbundWide: true),
        new("PUT /api/economy/{id}/cost-centres", "PUT", EconomyWriters, w => Task.FromResult(new Call($"/api/economy/{w.Home.ForbundId}/cost-centres",
            new { mappings = new object[] { new { costCentre = "100", type = "administration" } } }))),
        new("GET /api/economy/{id}/{year}/report", "GET", EconomyReaders, w => Task.FromResult(new Call($"/api/economy/{w.Home.ForbundId}/2025/report")), ForbundWide: true),
        new("GET /api/economy/{id}/{year}/uppfoljning-finsam", "GET", EconomyReaders, w => Task.FromResult(new Call($"/api/economy/{w.Home.ForbundId}/2025/uppfoljning-finsam?format=csv")), ForbundWide: true),
        new("GET /api/economy/compilation/{year}", "GET", [NationalReader, NationalAdministrator], w => Task.FromResult(new Call("/api/economy/compilation/2025"))),
        new("POST /api/economy/{id}/{year}/frozen", "POST", EconomyReaders, w => Task.FromResult(new Call($"/api/economy/{w.Home.ForbundId}/2025/frozen", new { name = "Delår" }))),
        new("GET /api/economy/frozen/{frozenId}", "GET", EconomyReaders, async w =>
            new Call($"/api/economy/frozen/{(await w.Home.Admin.PostOkAsync($"/api/economy/{w.Home.ForbundId}/2025/frozen", new { name = "Delår" })).GetProperty("frozenId").GetString()}"), ForbundWide: true),
        new("GET /api/economy/frozen/{frozenId}/comparison", "GET", EconomyReaders, async w =>
            new Call($"/api/economy/frozen/{(await w.Home.Admin.PostOkAsync($"/api/economy/{w.Home.ForbundId}/2025/frozen", new { name = "Delår" })).GetProperty("frozenId").GetString()}/comparison"), ForbundWide: true),
    ];

    /// <summary>Route, caller and scope ("own", "other_forbund", "other_insats_or_group").</summary>
    public static TheoryData<string, string, string> Matrix()
    {
        var rows = new TheoryData<string, string, string>();
        foreach (var route in Routes)
        {
            foreach (var caller in Callers)
            {
                rows.Add(route.Name, caller, "own");
            }

            foreach (var caller in route.Allowed)
            {
                rows.Add(route.Name, caller, "other_forbund");
                if (NarrowlyScoped.Contains(caller))
                {
                    rows.Add(route.Name, caller, "other_insats_or_group");
                }
            }
        }

        return rows;
    }

    [Theory]
    [MemberData(nameof(Matrix))]
    public async Task each_endpoint_answers_only_its_roles_in_their_own_scope(string routeName, string caller, string scope)
    {
        var route = Routes.Single(r => r.Name == routeName);
        var call = await route.Prepare(world);
        var client = Client(caller, scope, call);
        var allowed = route.Allowed.Contains(caller) && (scope == "own" || (scope == "other_insats_or_group" && route.ForbundWide));
        var events = allowed ? 0 : await CountEventsAsync(world.Factory);

        var response = await client.SendAsync(new HttpMethod(route.Method), call.Url, call.Body, route.Method == "POST" ? Guid.NewGuid().ToString() : null, call.IfMatch);

        if (allowed)
        {
            Assert.True(response.IsSuccessStatusCode, $"{routeName} as {caller} ({scope}): {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }
        else
        {
            await ApiClient.ProblemAsync(response, HttpStatusCode.Forbidden, "forbidden");
            Assert.Equal(events, await CountEventsAsync(world.Factory));
        }

        await AssertClean(response);
    }

    [Fact]
    public void the_matrix_lists_every_mapped_api_route()
    {
        var mapped = world.Factory.Services.GetServices<Microsoft.AspNetCore.Routing.EndpointDataSource>()
            .SelectMany(source => source.Endpoints)
            .OfType<Microsoft.AspNetCore.Routing.RouteEndpoint>()
            .Where(e => e.Metadata.GetMetadata<Microsoft.AspNetCore.Http.Metadata.ITagsMetadata>()?.Tags.Any(RecordingTags.Contains) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.IHttpMethodMetadata>()?.HttpMethods ?? []).Select(m => $"{m} {Normalise(e.RoutePattern.RawText!)}"))
            .ToHashSet();
        var listed = Routes.Select(r => $"{r.Method} {Normalise(r.Name[(r.Name.IndexOf(' ', StringComparison.Ordinal) + 1)..].Split('?')[0])}").ToHashSet();

        Assert.Empty(mapped.Except(listed));
        Assert.Empty(listed.Except(mapped));
    }

    /// <summary>The feature folders of the write side (issue 3); statistics are read-only and tested with their feature.</summary>
    private static readonly string[] RecordingTags = ["Forbund", "Insatser", "Beredningsgrupper", "Referrals", "Participations", "History import", "People", "Economy"];

    /// <summary>"/api/insatser/{insatsId}/goals/{goalId}" and "/api/insatser/{id}/goals/{goalId}" are the same route.</summary>
    private static string Normalise(string pattern) =>
        System.Text.RegularExpressions.Regex.Replace(pattern.TrimEnd('/'), "{[^}]+}", "{}");

    private ApiClient Client(string caller, string scope, Call call)
    {
        var role = caller == NationalAdministrator ? Administrator : caller;
        var national = caller is NationalAdministrator or NationalReader;
        var (forbund, insats, group) = scope switch
        {
            "own" => (national ? "*" : world.Home.ForbundId, call.InsatsId ?? world.Home.InsatsId, call.GroupId ?? world.Home.GroupId),
            "other_forbund" => (world.Foreign.ForbundId, world.Foreign.InsatsId, world.Foreign.GroupId),
            _ => (world.Home.ForbundId, world.OtherInsatsId, world.OtherGroupId),
        };
        return ApiClient.As(world.Factory, role, forbund, [insats], [group], actor: $"{caller}-{scope}");
    }
}
