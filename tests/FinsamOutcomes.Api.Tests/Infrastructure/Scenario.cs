using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;

namespace FinsamOutcomes.Api.Tests.Infrastructure;

/// <summary>
/// A förbund with one individual insats (ages 16–64, identified follow-up), one head-count insats and a
/// beredningsgrupp allocating to the first, set up over HTTP by administrators; and clients for each role.
/// </summary>
public sealed class Scenario
{
    public required ApiFactory Factory { get; init; }
    public required string ForbundId { get; init; }
    public required string InsatsId { get; init; }
    public required string HeadCountInsatsId { get; init; }
    public required string GroupId { get; init; }
    public required ApiClient National { get; init; }
    public required ApiClient Admin { get; init; }
    public required ApiClient CaseWorker { get; init; }
    public required ApiClient Group { get; init; }

    public static readonly DateOnly InsatsStart = new(2024, 1, 1);

    public static async Task<Scenario> CreateAsync(ApiFactory factory, string? forbundId = null, int weeklyCap = 4)
    {
        forbundId ??= TestIds.New("f", 12);
        var national = ApiClient.As(factory, Roles.Administrator, "*", actor: "national-admin");
        await national.PostOkAsync("/api/forbund", new { forbundId, name = "Samordningsförbundet Test", registeredOn = "2020-01-01" });
        var admin = ApiClient.As(factory, Roles.Administrator, forbundId, actor: "forbund-admin");
        var insats = await admin.PostOkAsync("/api/insatser", new
        {
            forbundId,
            name = "Samverkansteamet",
            description = "Team för personer 16–64 långt från arbetsmarknaden",
            kind = "individual",
            kommuner = new[] { "Lulea" },
            startDate = "2024-01-01",
            endDate = (string?)null,
            targetGroup = new { minAge = 16, maxAge = 64, description = "16–64 år" },
            followUp = "per_person_identified",
            plannedParticipantsPerYear = 160,
        });
        var insatsId = insats.GetProperty("id").GetString()!;
        var headCount = await admin.PostOkAsync("/api/insatser", new
        {
            forbundId,
            name = "Utbildningsdag",
            description = "Strukturinsats",
            kind = "structural",
            kommuner = new[] { "Lulea", "Pitea" },
            startDate = "2024-01-01",
            endDate = "2026-12-31",
            targetGroup = new { minAge = 0, maxAge = 120, description = "Personal" },
            followUp = "head_count",
            plannedParticipantsPerYear = (int?)null,
        });
        var group = await admin.PostOkAsync("/api/beredningsgrupper", new { forbundId, name = "BG Luleå", insatsIds = new[] { insatsId }, weeklyIntakeCap = weeklyCap });
        var groupId = group.GetProperty("id").GetString()!;
        var headCountId = headCount.GetProperty("id").GetString()!;
        return new Scenario
        {
            Factory = factory,
            ForbundId = forbundId,
            InsatsId = insatsId,
            HeadCountInsatsId = headCountId,
            GroupId = groupId,
            National = national,
            Admin = admin,
            CaseWorker = ApiClient.As(factory, Roles.CaseWorker, forbundId, [insatsId, headCountId], actor: "handlaggare-1"),
            Group = ApiClient.As(factory, Roles.AssessmentGroupMember, forbundId, grupper: [groupId], actor: "bg-member-1"),
        };
    }

    public static object Baseline(string support = "social_assistance", string occupation = "none") => new
    {
        meansOfSupport = support,
        occupation,
        education = "upper_secondary",
        homeKommun = "Lulea",
        monthsOnSupportBefore = 30,
        hasSgi = false,
    };

    /// <summary>Enrols a person directly (no referral); returns the participation id.</summary>
    public async Task<string> EnrolAsync(string? personnummer = null, int birthYear = 1990, string enrolledOn = "2024-02-01", string gender = "woman", bool consent = true)
    {
        var body = await CaseWorker.PostOkAsync("/api/participations", new
        {
            insatsId = InsatsId,
            referralId = (string?)null,
            enrolledOn,
            gender,
            person = new { personnummer, birthYear = personnummer is null ? birthYear : (int?)null, protectedIdentity = false },
            consent,
            baseline = Baseline(),
            ageOverrideReason = (string?)null,
        });
        return body.GetProperty("id").GetString()!;
    }

    public static string Id(JsonElement body) => body.GetProperty("id").GetString()!;
}
