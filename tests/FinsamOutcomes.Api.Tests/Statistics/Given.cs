using FinsamOutcomes.Domain;
using FinsamOutcomes.Domain.Beredningsgrupper;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.Domain.Insatser;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.Domain.Referrals;
using FinsamOutcomes.EventStore;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>Appends the events of a scenario straight to the log, with defaults for whatever a test does not care about.</summary>
public sealed class Given(PostgresEventStore store)
{
    /// <summary>A förbund's exit reasons: arbete and studier count as positive, and so does a return to the region with a plan.</summary>
    public static IReadOnlyList<ExitReasonDefinition> StandardReasons { get; } =
    [
        new("arbete", ExitCategory.Work, "Arbete", true),
        new("studier", ExitCategory.Studies, "Studier", true),
        new("aterremiss_af", ExitCategory.Returned, "Återremiss till AF", false),
        new("aterremiss_region", ExitCategory.Returned, "Återremiss till regionen med plan", true),
        new("flyttat", ExitCategory.Other, "Flyttat", false),
        new("ohalsa", ExitCategory.Other, "Ohälsa", false),
    ];

    private readonly Dictionary<string, string> _forbundOfInsats = [];
    private readonly Dictionary<string, string> _forbundOfParticipation = [];
    private readonly Dictionary<string, string> _forbundOfReferral = [];

    /// <summary>Appends events to one stream in one transaction; returns the position of the last.</summary>
    public async Task<long> EventsAsync(string kind, string id, string forbundId, params object[] events)
    {
        var result = await store.AppendAsync(
            EventCatalogue.StreamOf(kind, id),
            kind,
            forbundId,
            ExpectedVersion.Any,
            events.Select(e => new EventToAppend(Guid.NewGuid(), e, new EventMetadata("test", Guid.NewGuid()))).ToArray());
        return result.LastPosition;
    }

    public Task<long> ForbundAsync(string forbundId, IReadOnlyList<ExitReasonDefinition>? reasons = null) =>
        EventsAsync("forbund", forbundId, forbundId,
            new ForbundRegistered(forbundId, $"Samordningsförbundet {forbundId}", new DateOnly(2010, 1, 1)),
            new ExitReasonsSet(forbundId, reasons ?? StandardReasons));

    public Task<long> ExitReasonsAsync(string forbundId, IReadOnlyList<ExitReasonDefinition> reasons) =>
        EventsAsync("forbund", forbundId, forbundId, new ExitReasonsSet(forbundId, reasons));

    public Task<long> InsatsAsync(
        string insatsId,
        string forbundId,
        string[]? kommuner = null,
        FollowUpMode followUp = FollowUpMode.PerPersonIdentified,
        DateOnly? start = null,
        DateOnly? end = null)
    {
        _forbundOfInsats[insatsId] = forbundId;
        return EventsAsync("insats", insatsId, forbundId, new InsatsRegistered(
            insatsId,
            forbundId,
            $"Insats {insatsId}",
            "En insats",
            followUp == FollowUpMode.HeadCount ? InsatsKind.Structural : InsatsKind.Individual,
            kommuner ?? ["K1"],
            start ?? new DateOnly(2015, 1, 1),
            end,
            new TargetGroup(0, 120, "Alla"),
            followUp,
            100));
    }

    public Task<long> InsatsEventAsync(string insatsId, object e) => EventsAsync("insats", insatsId, _forbundOfInsats[insatsId], e);

    public Task<long> EnrolAsync(
        string participationId,
        string insatsId,
        DateOnly on,
        Gender gender = Gender.Woman,
        int age = 30,
        string? participant = null,
        string kommun = "K1",
        Occupation occupation = Occupation.None,
        MeansOfSupport support = MeansOfSupport.SocialAssistance,
        string? referral = null)
    {
        var forbundId = _forbundOfInsats[insatsId];
        _forbundOfParticipation[participationId] = forbundId;
        return EventsAsync("participation", participationId, forbundId, new ParticipantEnrolled(
            participationId,
            insatsId,
            participant ?? $"person-{participationId}",
            referral,
            on,
            gender,
            on.Year - age,
            age,
            new Baseline(support, occupation, EducationLevel.UpperSecondary, kommun, 12, true),
            true,
            null));
    }

    public Task<long> ExitAsync(
        string participationId,
        DateOnly on,
        string reason,
        Occupation occupation = Occupation.None,
        MeansOfSupport support = MeansOfSupport.SocialAssistance) =>
        ParticipationAsync(participationId, new ParticipantExited(participationId, on, reason, CategoryOf(reason), support, occupation));

    public Task<long> CorrectExitAsync(string participationId, DateOnly on, string reason) =>
        ParticipationAsync(participationId, new ExitCorrected(
            participationId, on, reason, CategoryOf(reason), MeansOfSupport.SocialAssistance, Occupation.None, "Fel avslutsorsak"));

    public Task<long> ActivityAsync(string participationId, DateOnly on, string? activityId = null) =>
        ParticipationAsync(participationId, new ActivityRecorded(participationId, activityId ?? $"activity-{on:yyyyMMdd}", ActivityKind.IndividualMeeting, on, 60));

    public Task<long> PauseAsync(string participationId, DateOnly on) =>
        ParticipationAsync(participationId, new ParticipationPaused(participationId, on, PauseReason.IllHealth));

    public Task<long> ResumeAsync(string participationId, DateOnly on) =>
        ParticipationAsync(participationId, new ParticipationResumed(participationId, on));

    public Task<long> ParticipationAsync(string participationId, params object[] events) =>
        EventsAsync("participation", participationId, _forbundOfParticipation[participationId], events);

    public Task<long> BeredningsgruppAsync(string groupId, string forbundId, string[] insatsIds, int cap) =>
        EventsAsync("beredningsgrupp", groupId, forbundId, new BeredningsgruppRegistered(groupId, forbundId, $"Beredningsgrupp {groupId}", insatsIds, cap));

    public Task<long> ReferralAsync(string referralId, string forbundId, string groupId, ReferringParty party, Gender gender, DateOnly receivedOn)
    {
        _forbundOfReferral[referralId] = forbundId;
        return EventsAsync("referral", referralId, forbundId, new ReferralReceived(
            referralId, forbundId, groupId, $"person-{referralId}", party, receivedOn, gender, 1990));
    }

    public Task<long> ReferralEventAsync(string referralId, object e) => EventsAsync("referral", referralId, _forbundOfReferral[referralId], e);

    private static ExitCategory CategoryOf(string reason) => StandardReasons.Single(r => r.Code == reason).Category;
}
