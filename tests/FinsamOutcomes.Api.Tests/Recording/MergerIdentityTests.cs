using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>After a merger the successor recognises the people of the förbund it was formed from: a person is one individual.</summary>
public sealed class MergerIdentityTests(ApiFactory factory) : IClassFixture<ApiFactory>
{
    [Fact]
    public async Task a_person_enrolled_before_a_merger_keeps_their_participant_id_in_the_successor()
    {
        var before = await Scenario.CreateAsync(factory);
        var first = await before.EnrolAsync(personnummer: "198511229828", enrolledOn: "2024-02-01");
        var participantBefore = (await before.CaseWorker.GetOkAsync($"/api/participations/{first}")).GetProperty("participantId").GetString();
        await before.CaseWorker.PostOkAsync($"/api/participations/{first}/exit",
            new { exitedOn = "2024-06-01", reasonCode = "aterremiss_af", meansOfSupportAtExit = "unemployment_benefit", occupationAtExit = "job_seeking" });

        var successorId = TestIds.New("s", 12);
        await before.National.PostOkAsync("/api/forbund/mergers", new { successorId, name = "Nya förbundet", predecessorIds = new[] { before.ForbundId }, on = "2025-01-01" });
        var admin = ApiClient.As(factory, Roles.Administrator, successorId);
        var group = Scenario.Id(await admin.PostOkAsync("/api/beredningsgrupper", new { forbundId = successorId, name = "BG", insatsIds = new[] { before.InsatsId }, weeklyIntakeCap = 4 }));
        var member = ApiClient.As(factory, Roles.AssessmentGroupMember, successorId, grupper: [group]);

        var referral = await member.PostOkAsync("/api/referrals", new
        {
            beredningsgruppId = group, referringParty = "af", receivedOn = "2025-02-03", gender = "woman", person = new { personnummer = "19851122-9828" },
        });
        var view = await member.GetOkAsync($"/api/referrals/{Scenario.Id(referral)}");

        Assert.Equal(participantBefore, view.GetProperty("participantId").GetString());
        Assert.Equal(successorId, view.GetProperty("forbundId").GetString());
    }
}
