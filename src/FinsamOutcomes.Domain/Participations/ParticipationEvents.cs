using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Domain.Participations;

// Stream: participation-{ParticipationId}: one person's participation in one insats, from inskrivning to avslut.

/// <summary>What is known about the person at enrolment (the baseline compared with the exit).</summary>
public sealed record Baseline(
    MeansOfSupport MeansOfSupport,
    Occupation Occupation,
    EducationLevel Education,
    string HomeKommun,
    int? MonthsOnSupportBefore,
    bool? HasSgi);

/// <summary>
/// participation.enrolled.v2: inskriven in an insats. Identified is false for anonymous registration (no consent, protected
/// identity, or anonymous follow-up). ReferringParty is the part that sent the person to a direct enrolment (no referral);
/// IntakePauseOverrideReason is stored only when the insats's intake was paused on the enrolment date.
/// v1 had the four old education levels and neither of the last two fields; it is upcast on read (docs/events.md).
/// </summary>
public sealed record ParticipantEnrolled(
    string ParticipationId,
    string InsatsId,
    string ParticipantId,
    string? ReferralId,
    DateOnly EnrolledOn,
    Gender Gender,
    int BirthYear,
    int AgeAtStart,
    Baseline Baseline,
    bool Identified,
    string? AgeOverrideReason,
    ReferringParty? ReferringParty = null,
    string? IntakePauseOverrideReason = null);

/// <summary>participation.activity_recorded.v1.</summary>
public sealed record ActivityRecorded(string ParticipationId, string ActivityId, ActivityKind Kind, DateOnly On, int DurationMinutes);

/// <summary>participation.paused.v1: vilande from a date.</summary>
public sealed record ParticipationPaused(string ParticipationId, DateOnly On, PauseReason Reason);

/// <summary>participation.resumed.v1.</summary>
public sealed record ParticipationResumed(string ParticipationId, DateOnly On);

/// <summary>participation.exited.v1: avslut with a reason of the förbund's list and the situation at exit.</summary>
public sealed record ParticipantExited(
    string ParticipationId,
    DateOnly ExitedOn,
    string ReasonCode,
    ExitCategory Category,
    MeansOfSupport MeansOfSupportAtExit,
    Occupation OccupationAtExit);

/// <summary>participation.exit_corrected.v1: the exit's date, reason or situation was wrong; replaces the exit, with why.</summary>
public sealed record ExitCorrected(
    string ParticipationId,
    DateOnly ExitedOn,
    string ReasonCode,
    ExitCategory Category,
    MeansOfSupport MeansOfSupportAtExit,
    Occupation OccupationAtExit,
    string CorrectionReason);

/// <summary>participation.enrolment_corrected.v2: the enrolment date or baseline was wrong; replaces them, with why. v1 had the old education levels (upcast on read).</summary>
public sealed record EnrolmentCorrected(string ParticipationId, DateOnly EnrolledOn, Baseline Baseline, string CorrectionReason);

/// <summary>participation.registered_in_error.v1: felregistrering; the participation counts in no figure from now on.</summary>
public sealed record ParticipationRegisteredInError(string ParticipationId, string CorrectionReason);

/// <summary>
/// participation.occupation_changed.v1: from a date during the participation the person's sysselsättning is Kind, at
/// ExtentPercent of full time (null when not stated). It holds until the next change by date. ChangeId names the change
/// so that it can be corrected.
/// </summary>
public sealed record OccupationChanged(string ParticipationId, string ChangeId, DateOnly On, OccupationKind Kind, int? ExtentPercent);

/// <summary>participation.occupation_change_corrected.v1: replaces the date, kind and extent of a recorded change, with why.</summary>
public sealed record OccupationChangeCorrected(
    string ParticipationId, string ChangeId, DateOnly On, OccupationKind Kind, int? ExtentPercent, string CorrectionReason);
