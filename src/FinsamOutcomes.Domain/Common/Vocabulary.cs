namespace FinsamOutcomes.Domain.Common;

// The closed vocabularies of the domain. Stored in events and returned by the API as snake_case
// strings ("non_binary", "social_assistance"); renaming a member is a breaking change to stored events.
// Swedish terms: docs/glossary.md.

/// <summary>Kön: kvinna, man, icke-binär, ej angivet.</summary>
public enum Gender
{
    Woman,
    Man,
    NonBinary,
    NotStated,
}

/// <summary>Försörjning: the means of support at start and at exit.</summary>
public enum MeansOfSupport
{
    /// <summary>Sjukpenning.</summary>
    SicknessBenefit,

    /// <summary>Aktivitetsersättning.</summary>
    ActivityCompensation,

    /// <summary>Sjukersättning.</summary>
    SicknessCompensation,

    /// <summary>Arbetslöshetsersättning or aktivitetsstöd.</summary>
    UnemploymentBenefit,

    /// <summary>Försörjningsstöd (kommun).</summary>
    SocialAssistance,

    /// <summary>Etableringsersättning.</summary>
    EstablishmentBenefit,

    /// <summary>Lön.</summary>
    Salary,

    /// <summary>Ingen ersättning.</summary>
    None,

    /// <summary>Annan.</summary>
    Other,
}

/// <summary>Sysselsättning at start and at exit.</summary>
public enum Occupation
{
    Working,
    Studying,
    JobSeeking,
    None,
}

/// <summary>
/// Utbildningsnivå, highest completed education (participation.enrolled.v2 and enrolment_corrected.v2).
/// Version 1 events had primary_or_less (grundskola eller kortare), which the upcaster reads as
/// <see cref="Primary"/>: docs/events.md "Education levels".
/// </summary>
public enum EducationLevel
{
    /// <summary>Ej slutförd grundskola.</summary>
    PrimaryNotCompleted,

    /// <summary>Grundskola.</summary>
    Primary,

    /// <summary>Gymnasium.</summary>
    UpperSecondary,

    /// <summary>Eftergymnasial utbildning.</summary>
    PostSecondary,

    /// <summary>Annan eller utländsk utbildning utan svensk motsvarighet.</summary>
    OtherOrForeign,

    Unknown,
}

/// <summary>Sysselsättning during a participation (an occupation change), with its extent.</summary>
public enum OccupationKind
{
    /// <summary>Lönearbete.</summary>
    PaidWork,

    /// <summary>Subventionerad anställning.</summary>
    SubsidisedEmployment,

    /// <summary>Studier.</summary>
    Studies,

    /// <summary>Praktik.</summary>
    Internship,

    /// <summary>Arbetsträning.</summary>
    WorkTraining,

    /// <summary>Arbetssökande.</summary>
    JobSeeking,

    /// <summary>Ingen sysselsättning.</summary>
    None,
}

/// <summary>Intake (new referrals accepted, new enrolments) of an insats or a beredningsgrupp.</summary>
public enum IntakePauseReason
{
    /// <summary>Inflow outgrew outflow.</summary>
    InflowExceedsOutflow,
    Staffing,
    Other,
}

/// <summary>The part (medlem) a referral comes from.</summary>
public enum ReferringParty
{
    /// <summary>Arbetsförmedlingen.</summary>
    Af,

    /// <summary>Försäkringskassan.</summary>
    Fk,

    /// <summary>Region (hälso- och sjukvård).</summary>
    Region,

    /// <summary>Kommunens socialtjänst.</summary>
    KommunSocialServices,

    /// <summary>Kommunens försörjningsstöd.</summary>
    KommunSocialAssistance,

    /// <summary>Kommunens arbetsmarknadsenhet.</summary>
    KommunLabourMarket,

    Other,
}

/// <summary>The four fixed headline categories of an exit (avslut).</summary>
public enum ExitCategory
{
    /// <summary>Arbete: paid work, subsidised employment, own business.</summary>
    Work,

    /// <summary>Studier.</summary>
    Studies,

    /// <summary>Återremiss: returned to a part (AF, FK, kommun, region) with a handlingsplan.</summary>
    Returned,

    /// <summary>Annat: moved, ill health, dropped out, deceased, unknown…</summary>
    Other,
}

public enum ActivityKind
{
    IndividualMeeting,
    PhoneContact,
    GroupActivity,

    /// <summary>Arbetsträning.</summary>
    WorkTraining,

    /// <summary>Praktik.</summary>
    Internship,
    Studies,
    HealthTalk,
    Other,
}

/// <summary>Individinriktad (has participants) or strukturinriktad (has none).</summary>
public enum InsatsKind
{
    Individual,
    Structural,
}

/// <summary>How an insats is followed up.</summary>
public enum FollowUpMode
{
    /// <summary>Per person, with identity in the vault (given consent).</summary>
    PerPersonIdentified,

    /// <summary>Per person, anonymous: gender, birth year and dates only.</summary>
    PerPersonAnonymous,

    /// <summary>Volyminsats: counts of attendees per occurrence only.</summary>
    HeadCount,
}

/// <summary>The kinds of member (medlem) of a förbund.</summary>
public enum MemberKind
{
    Fk,
    Af,
    Region,
    Kommun,
}

public enum GoalMetric
{
    /// <summary>Share of exits in the period to arbete or studier.</summary>
    ShareExitsToWorkOrStudies,

    /// <summary>Share of exits in the period with a positive outcome (the förbund's mapping).</summary>
    SharePositiveOutcome,

    /// <summary>Number of participants enrolled in the period.</summary>
    NewParticipants,

    /// <summary>Share of enrolments (whose 30 days have passed) with a first activity within 30 days.</summary>
    ShareFirstActivityWithin30Days,

    /// <summary>Number of participants active at some point in the period.</summary>
    ActiveParticipants,
}

public enum GoalComparison
{
    AtLeast,
    AtMost,
}

/// <summary>The period a goal is measured over.</summary>
public enum GoalPeriod
{
    Year,
    HalfYear,
    Tertial,
}

public enum PauseReason
{
    IllHealth,
    ParentalLeave,
    Other,
}
