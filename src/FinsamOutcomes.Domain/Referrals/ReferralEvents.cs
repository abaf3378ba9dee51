using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Domain.Referrals;

// Stream: referral-{ReferralId}. The person is the pseudonymous ParticipantId; the personnummer, if
// any, lives only in the identity vault.

/// <summary>referral.received.v1: an aktualisering from a part to a beredningsgrupp.</summary>
public sealed record ReferralReceived(
    string ReferralId,
    string ForbundId,
    string BeredningsgruppId,
    string ParticipantId,
    ReferringParty ReferringParty,
    DateOnly ReceivedOn,
    Gender Gender,
    int BirthYear);

/// <summary>
/// referral.accepted.v1: anvisad to an insats. OverrideReason is set when the cap of the week (or two weeks) was exceeded, or
/// intake was paused, on purpose; DuringIntakePause (absent, so false, in events written before pauses existed) says which.
/// </summary>
public sealed record ReferralAccepted(string ReferralId, string InsatsId, DateOnly DecidedOn, string? OverrideReason)
{
    public bool DuringIntakePause { get; init; }
}

/// <summary>referral.rejected.v1: avslag, with a reason.</summary>
public sealed record ReferralRejected(string ReferralId, DateOnly DecidedOn, string Reason);

/// <summary>referral.returned.v1: återremitterad to the referring part.</summary>
public sealed record ReferralReturned(string ReferralId, DateOnly DecidedOn, string Reason);

/// <summary>referral.completion_requested.v1: komplettering; the referral waits for more information and is decided later.</summary>
public sealed record ReferralCompletionRequested(string ReferralId, DateOnly RequestedOn, string Note);

/// <summary>referral.withdrawn.v1: the referring part withdrew the referral before a decision.</summary>
public sealed record ReferralWithdrawn(string ReferralId, DateOnly WithdrawnOn, string Reason);
