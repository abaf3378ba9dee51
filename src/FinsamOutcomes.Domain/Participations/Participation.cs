using System.Collections.Immutable;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.Domain.Insatser;
using static FinsamOutcomes.Domain.Common.Rules;
using static FinsamOutcomes.Domain.Participations.ParticipationState;

namespace FinsamOutcomes.Domain.Participations;

public abstract record ParticipationCommand(string ParticipationId);

/// <summary>
/// Inskrivning. AgeAtStart is the exact age from a personnummer when there is one, otherwise
/// <see cref="Participation.ApproximateAgeAtStart"/>. AgeOverrideReason lets an age outside the målgrupp in.
/// </summary>
public sealed record EnrolParticipant(
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
    string? IntakePauseOverrideReason = null) : ParticipationCommand(ParticipationId);

/// <summary>
/// A change of sysselsättning during the participation (lönearbete alongside the insats, studier, praktik…), from a date.
/// Allowed while paused; dated from the enrolment up to the exit.
/// </summary>
public sealed record RecordOccupationChange(string ParticipationId, string ChangeId, DateOnly On, OccupationKind Kind, int? ExtentPercent)
    : ParticipationCommand(ParticipationId);

public sealed record CorrectOccupationChange(
    string ParticipationId, string ChangeId, DateOnly On, OccupationKind Kind, int? ExtentPercent, string CorrectionReason)
    : ParticipationCommand(ParticipationId);

/// <summary>
/// An activity may be recorded late: while paused it is refused only if dated on or after the pause began,
/// once exited only if dated after the exit.
/// </summary>
public sealed record RecordActivity(string ParticipationId, string ActivityId, ActivityKind Kind, DateOnly On, int DurationMinutes)
    : ParticipationCommand(ParticipationId);

/// <summary>Vilande from a date.</summary>
public sealed record PauseParticipation(string ParticipationId, DateOnly On, PauseReason Reason) : ParticipationCommand(ParticipationId);

public sealed record ResumeParticipation(string ParticipationId, DateOnly On) : ParticipationCommand(ParticipationId);

/// <summary>Avslut with a reason code from the förbund's list; allowed while paused (the pause ends with it).</summary>
public sealed record ExitParticipant(
    string ParticipationId,
    DateOnly ExitedOn,
    string ReasonCode,
    MeansOfSupport MeansOfSupportAtExit,
    Occupation OccupationAtExit) : ParticipationCommand(ParticipationId);

public sealed record CorrectExit(
    string ParticipationId,
    DateOnly ExitedOn,
    string ReasonCode,
    MeansOfSupport MeansOfSupportAtExit,
    Occupation OccupationAtExit,
    string CorrectionReason) : ParticipationCommand(ParticipationId);

public sealed record CorrectEnrolment(string ParticipationId, DateOnly EnrolledOn, Baseline Baseline, string CorrectionReason)
    : ParticipationCommand(ParticipationId);

/// <summary>Felregistrering: the participation counts in no figure from now on and refuses every further command.</summary>
public sealed record MarkRegisteredInError(string ParticipationId, string CorrectionReason) : ParticipationCommand(ParticipationId);

/// <summary>What the participation rules need to know about the insats and its förbund, built by the caller.</summary>
public sealed record InsatsFacts(
    string InsatsId,
    InsatsKind Kind,
    FollowUpMode FollowUp,
    DateOnly StartDate,
    DateOnly? EndDate,
    DateOnly? ClosedOn,
    TargetGroup TargetGroup,
    IReadOnlyList<ExitReasonDefinition> ExitReasons)
{
    /// <summary>The insats's pauses of intake, in order.</summary>
    public IReadOnlyList<IntakePause> IntakePauses { get; init; } = [];
}

/// <summary>
/// The enrolment as it stands after corrections, the activities by id, and the first and last date of any
/// activity, pause or resumption (the enrolment may not move after them, the exit not before them).
/// </summary>
public sealed record Enrolment(
    ParticipantEnrolled Registration,
    DateOnly EnrolledOn,
    Baseline Baseline,
    ImmutableDictionary<string, ActivityRecorded> Activities,
    DateOnly? FirstRecordedOn,
    DateOnly? LastRecordedOn)
{
    /// <summary>The occupation changes by id, as last corrected.</summary>
    public ImmutableDictionary<string, OccupationChanged> Occupations { get; init; } = ImmutableDictionary<string, OccupationChanged>.Empty;

    internal Enrolment Recorded(DateOnly on) => this with
    {
        FirstRecordedOn = FirstRecordedOn is { } first && first < on ? first : on,
        LastRecordedOn = LastRecordedOn is { } last && last > on ? last : on,
    };
}

public sealed record Exit(DateOnly ExitedOn, string ReasonCode, ExitCategory Category, MeansOfSupport MeansOfSupportAtExit, Occupation OccupationAtExit)
{
    internal bool Matches(DateOnly exitedOn, string reasonCode, MeansOfSupport meansOfSupport, Occupation occupation) =>
        (ExitedOn, ReasonCode, MeansOfSupportAtExit, OccupationAtExit) == (exitedOn, reasonCode, meansOfSupport, occupation);
}

public abstract record ParticipationState
{
    private ParticipationState()
    {
    }

    public sealed record NotEnrolled : ParticipationState;

    /// <summary>ResumedOn is the date of the last resumption, if any.</summary>
    public sealed record Active(Enrolment Enrolment, DateOnly? ResumedOn) : ParticipationState;

    public sealed record Paused(Enrolment Enrolment, DateOnly PausedOn, PauseReason Reason) : ParticipationState;

    public sealed record Exited(Enrolment Enrolment, Exit Exit) : ParticipationState;

    /// <summary>Registered in error (felregistrering).</summary>
    public sealed record Voided(string CorrectionReason) : ParticipationState;
}

public static class Participation
{
    public const int MaxActivityMinutes = 24 * 60;

    public static ParticipationState Initial { get; } = new NotEnrolled();

    /// <summary>
    /// Age at start from the birth year alone: enrolment year minus birth year. It is one year too high when the
    /// birthday falls after the enrolment date in that year; use the exact age from a personnummer when there is one.
    /// </summary>
    public static int ApproximateAgeAtStart(int birthYear, DateOnly enrolledOn) => enrolledOn.Year - birthYear;

    public static ParticipationState Evolve(ParticipationState state, object @event) => (state, @event) switch
    {
        (NotEnrolled, ParticipantEnrolled e) => new Active(new Enrolment(e, e.EnrolledOn, e.Baseline, ImmutableDictionary<string, ActivityRecorded>.Empty, null, null), null),
        (_, ActivityRecorded e) => WithEnrolment(state, enrolment => enrolment.Recorded(e.On) with { Activities = enrolment.Activities.SetItem(e.ActivityId, e) }),
        (Active a, ParticipationPaused e) => new Paused(a.Enrolment.Recorded(e.On), e.On, e.Reason),
        (Paused p, ParticipationResumed e) => new Active(p.Enrolment.Recorded(e.On), e.On),
        (Active a, ParticipantExited e) => new Exited(a.Enrolment, ExitOf(e)),
        (Paused p, ParticipantExited e) => new Exited(p.Enrolment, ExitOf(e)),
        (Exited x, ExitCorrected e) => x with { Exit = new Exit(e.ExitedOn, e.ReasonCode, e.Category, e.MeansOfSupportAtExit, e.OccupationAtExit) },
        (_, OccupationChanged e) => WithEnrolment(state, enrolment => enrolment.Recorded(e.On) with { Occupations = enrolment.Occupations.SetItem(e.ChangeId, e) }),
        (_, OccupationChangeCorrected e) => WithEnrolment(state, enrolment => enrolment.Recorded(e.On) with
        {
            Occupations = enrolment.Occupations.SetItem(e.ChangeId, new OccupationChanged(e.ParticipationId, e.ChangeId, e.On, e.Kind, e.ExtentPercent)),
        }),
        (_, EnrolmentCorrected e) => WithEnrolment(state, enrolment => enrolment with { EnrolledOn = e.EnrolledOn, Baseline = e.Baseline }),
        (Active or Paused or Exited, ParticipationRegisteredInError e) => new Voided(e.CorrectionReason),
        _ => state,
    };

    /// <param name="insats">The facts of the participation's insats (for an enrolment: of the insats enrolled in).</param>
    /// <param name="today">Today's date from the caller's clock.</param>
    /// <param name="participantAlreadyActiveInInsats">
    /// Required for <see cref="EnrolParticipant"/>: whether another participation of the same person is active in the insats.
    /// </param>
    public static IReadOnlyList<object> Decide(
        ParticipationCommand command,
        ParticipationState state,
        InsatsFacts insats,
        DateOnly today,
        bool? participantAlreadyActiveInInsats = null)
    {
        var insatsId = command is EnrolParticipant enrol ? enrol.InsatsId : EnrolmentOf(state)?.Registration.InsatsId;
        if (insatsId is not null && insatsId != insats.InsatsId)
        {
            throw new ArgumentException("The insats facts belong to another insats than the participation.", nameof(insats));
        }

        if (state is Voided)
        {
            return command is MarkRegisteredInError
                ? Nothing
                : throw Refused("registered_in_error", "The participation was registered in error and accepts no further changes.");
        }

        return command switch
        {
            EnrolParticipant c => Handle(c, state, insats, today, participantAlreadyActiveInInsats
                ?? throw new ArgumentNullException(nameof(participantAlreadyActiveInInsats), "An enrolment needs to know whether the person is already active in the insats.")),
            RecordActivity c => Handle(c, state, today),
            PauseParticipation c => Handle(c, state, today),
            ResumeParticipation c => Handle(c, state, today),
            ExitParticipant c => Handle(c, state, insats, today),
            CorrectExit c => Handle(c, state, insats, today),
            CorrectEnrolment c => Handle(c, state, insats, today),
            RecordOccupationChange c => Handle(c, state, today),
            CorrectOccupationChange c => Handle(c, state, today),
            MarkRegisteredInError c => Handle(c, state),
            _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown participation command."),
        };
    }

    private static IReadOnlyList<object> Handle(EnrolParticipant c, ParticipationState state, InsatsFacts insats, DateOnly today, bool alreadyActive)
    {
        var inTargetGroup = c.AgeAtStart >= insats.TargetGroup.MinAge && c.AgeAtStart <= insats.TargetGroup.MaxAge;
        var intakePaused = IntakePauses.Covers(insats.IntakePauses, c.EnrolledOn);
        var enrolled = new ParticipantEnrolled(
            c.ParticipationId, c.InsatsId, c.ParticipantId, c.ReferralId, c.EnrolledOn, c.Gender, c.BirthYear, c.AgeAtStart,
            c.Baseline, c.Identified, inTargetGroup ? null : c.AgeOverrideReason, c.ReferringParty, intakePaused ? c.IntakePauseOverrideReason : null);

        if (EnrolmentOf(state) is { } enrolment)
        {
            return enrolment.Registration == enrolled
                ? Nothing
                : throw Refused("already_enrolled", "The participation is already enrolled.");
        }

        Require(
            insats.Kind == InsatsKind.Individual && insats.FollowUp != FollowUpMode.HeadCount,
            "insats_has_no_participants",
            "The insats is structural or followed up by head count only, so it has no participants.");
        Require(
            !(c.Identified && insats.FollowUp == FollowUpMode.PerPersonAnonymous),
            "insats_is_anonymous",
            "The insats is followed up anonymously, so an enrolment may not be identified.");
        EnrolmentDate(c.EnrolledOn, insats, today);
        Require(
            c.AgeAtStart >= 0 && c.AgeAtStart <= MaxAge && c.AgeAtStart - ApproximateAgeAtStart(c.BirthYear, c.EnrolledOn) is 0 or -1,
            "invalid_age",
            "The age at start must be between 0 and 120 and agree with the birth year.");
        ValidBaseline(c.Baseline);
        OptionalReason(c.AgeOverrideReason);
        Require(
            inTargetGroup || c.AgeOverrideReason is not null,
            "age_outside_target_group",
            "The age at start is outside the insats's target group; give a reason to enrol anyway.");
        Require(
            c.ReferralId is null || c.ReferringParty is null,
            "referring_party_with_referral",
            "An enrolment from a referral takes its referring part from the referral; give a referring part only for a direct enrolment.");
        OptionalReason(c.IntakePauseOverrideReason);
        Require(
            !intakePaused || c.IntakePauseOverrideReason is not null,
            "intake_paused",
            "The insats's intake is paused on the enrolment date; give a reason to enrol anyway.");
        Require(!alreadyActive, "already_active_in_insats", "The person already has an active participation in this insats.");
        return [enrolled];
    }

    private static IReadOnlyList<object> Handle(RecordActivity c, ParticipationState state, DateOnly today)
    {
        var enrolment = EnrolmentOf(state) ?? throw NotEnrolledRefusal();
        var recorded = new ActivityRecorded(c.ParticipationId, c.ActivityId, c.Kind, c.On, c.DurationMinutes);
        if (enrolment.Activities.TryGetValue(c.ActivityId, out var existing))
        {
            return existing == recorded
                ? Nothing
                : throw Refused("activity_already_recorded", "Another activity is already recorded under this activity id.");
        }

        Require(
            c.DurationMinutes is >= 0 and <= MaxActivityMinutes,
            "invalid_duration",
            $"The duration must be between 0 and {MaxActivityMinutes} minutes.");
        NotInFuture(c.On, today);
        Require(c.On >= enrolment.EnrolledOn, "activity_before_enrolment", "The activity date lies before the enrolment date.");
        Require(
            state is not Paused paused || c.On < paused.PausedOn,
            "participation_paused",
            "The participation is paused from a date on or before the activity date.");
        Require(
            state is not Exited exited || c.On <= exited.Exit.ExitedOn,
            "activity_after_exit",
            "The activity date lies after the exit date.");
        return [recorded];
    }

    private static IReadOnlyList<object> Handle(PauseParticipation c, ParticipationState state, DateOnly today)
    {
        switch (state)
        {
            case Paused p when p.PausedOn == c.On && p.Reason == c.Reason:
                return Nothing;
            case Active a:
                NotInFuture(c.On, today);
                Require(c.On >= a.Enrolment.EnrolledOn, "pause_before_enrolment", "The pause date lies before the enrolment date.");
                Require(
                    a.Enrolment.LastRecordedOn is not { } last || c.On >= last,
                    "pause_before_activity",
                    "The pause date lies before a recorded activity, pause or resumption.");
                return [new ParticipationPaused(c.ParticipationId, c.On, c.Reason)];
            case NotEnrolled:
                throw NotEnrolledRefusal();
            default:
                throw Refused("not_active", "Only an active participation can be paused.");
        }
    }

    private static IReadOnlyList<object> Handle(ResumeParticipation c, ParticipationState state, DateOnly today)
    {
        switch (state)
        {
            case Active a when a.ResumedOn == c.On:
                return Nothing;
            case Paused p:
                NotInFuture(c.On, today);
                Require(c.On >= p.PausedOn, "resume_before_pause", "The resumption date lies before the pause date.");
                return [new ParticipationResumed(c.ParticipationId, c.On)];
            case NotEnrolled:
                throw NotEnrolledRefusal();
            default:
                throw Refused("not_paused", "Only a paused participation can be resumed.");
        }
    }

    private static IReadOnlyList<object> Handle(ExitParticipant c, ParticipationState state, InsatsFacts insats, DateOnly today)
    {
        var enrolment = EnrolmentOf(state) ?? throw NotEnrolledRefusal();
        if (state is Exited exited)
        {
            return exited.Exit.Matches(c.ExitedOn, c.ReasonCode, c.MeansOfSupportAtExit, c.OccupationAtExit)
                ? Nothing
                : throw Refused("already_exited", "The participant has already exited; correct the exit instead.");
        }

        var reason = ExitReason(insats, c.ReasonCode);
        ExitDate(c.ExitedOn, enrolment, today);
        return [new ParticipantExited(c.ParticipationId, c.ExitedOn, reason.Code, reason.Category, c.MeansOfSupportAtExit, c.OccupationAtExit)];
    }

    private static IReadOnlyList<object> Handle(CorrectExit c, ParticipationState state, InsatsFacts insats, DateOnly today)
    {
        if (state is not Exited exited)
        {
            throw state is NotEnrolled
                ? NotEnrolledRefusal()
                : Refused("not_exited", "Only an exit that has been recorded can be corrected.");
        }

        RequireReason(c.CorrectionReason);
        if (exited.Exit.Matches(c.ExitedOn, c.ReasonCode, c.MeansOfSupportAtExit, c.OccupationAtExit))
        {
            return Nothing;
        }

        var reason = ExitReason(insats, c.ReasonCode);
        ExitDate(c.ExitedOn, exited.Enrolment, today);
        return
        [
            new ExitCorrected(c.ParticipationId, c.ExitedOn, reason.Code, reason.Category, c.MeansOfSupportAtExit, c.OccupationAtExit, c.CorrectionReason),
        ];
    }

    private static IReadOnlyList<object> Handle(CorrectEnrolment c, ParticipationState state, InsatsFacts insats, DateOnly today)
    {
        var enrolment = EnrolmentOf(state) ?? throw NotEnrolledRefusal();
        RequireReason(c.CorrectionReason);
        if (enrolment.EnrolledOn == c.EnrolledOn && enrolment.Baseline == c.Baseline)
        {
            return Nothing;
        }

        EnrolmentDate(c.EnrolledOn, insats, today);
        ValidBaseline(c.Baseline);
        Require(
            enrolment.FirstRecordedOn is not { } first || c.EnrolledOn <= first,
            "enrolment_after_activity",
            "The enrolment date would lie after a recorded activity, pause or resumption.");
        Require(
            state is not Exited exited || c.EnrolledOn <= exited.Exit.ExitedOn,
            "enrolment_after_exit",
            "The enrolment date would lie after the exit date.");
        return [new EnrolmentCorrected(c.ParticipationId, c.EnrolledOn, c.Baseline, c.CorrectionReason)];
    }

    public const int MaxExtentPercent = 100;

    private static IReadOnlyList<object> Handle(RecordOccupationChange c, ParticipationState state, DateOnly today)
    {
        var enrolment = EnrolmentOf(state) ?? throw NotEnrolledRefusal();
        var changed = new OccupationChanged(c.ParticipationId, c.ChangeId, c.On, c.Kind, c.ExtentPercent);
        if (enrolment.Occupations.TryGetValue(c.ChangeId, out var existing))
        {
            return existing == changed
                ? Nothing
                : throw Refused("occupation_change_already_recorded", "Another occupation change is already recorded under this id; correct it instead.");
        }

        OccupationChangeDate(c.On, c.ExtentPercent, enrolment, state, today);
        return [changed];
    }

    private static IReadOnlyList<object> Handle(CorrectOccupationChange c, ParticipationState state, DateOnly today)
    {
        var enrolment = EnrolmentOf(state) ?? throw NotEnrolledRefusal();
        var existing = enrolment.Occupations.GetValueOrDefault(c.ChangeId)
            ?? throw Refused("unknown_occupation_change", "No occupation change is recorded under this id.");
        RequireReason(c.CorrectionReason);
        if (existing == new OccupationChanged(c.ParticipationId, c.ChangeId, c.On, c.Kind, c.ExtentPercent))
        {
            return Nothing;
        }

        OccupationChangeDate(c.On, c.ExtentPercent, enrolment, state, today);
        return [new OccupationChangeCorrected(c.ParticipationId, c.ChangeId, c.On, c.Kind, c.ExtentPercent, c.CorrectionReason)];
    }

    private static void OccupationChangeDate(DateOnly on, int? extentPercent, Enrolment enrolment, ParticipationState state, DateOnly today)
    {
        Require(
            extentPercent is null or >= 1 and <= MaxExtentPercent,
            "invalid_extent",
            $"The extent must be between 1 and {MaxExtentPercent} percent of full time.");
        NotInFuture(on, today);
        Require(on >= enrolment.EnrolledOn, "occupation_change_before_enrolment", "The occupation change lies before the enrolment date.");
        Require(
            state is not Exited exited || on <= exited.Exit.ExitedOn,
            "occupation_change_after_exit",
            "The occupation change lies after the exit date.");
    }

    private static IReadOnlyList<object> Handle(MarkRegisteredInError c, ParticipationState state)
    {
        if (state is NotEnrolled)
        {
            throw NotEnrolledRefusal();
        }

        RequireReason(c.CorrectionReason);
        return [new ParticipationRegisteredInError(c.ParticipationId, c.CorrectionReason)];
    }

    private static void EnrolmentDate(DateOnly enrolledOn, InsatsFacts insats, DateOnly today)
    {
        NotInFuture(enrolledOn, today);
        Require(
            enrolledOn >= insats.StartDate && (insats.EndDate is not { } end || enrolledOn <= end),
            "outside_insats_period",
            "The enrolment date lies outside the insats's period.");
        Require(
            insats.ClosedOn is not { } closedOn || enrolledOn < closedOn,
            "insats_closed",
            "The insats is closed for enrolments from its closing date.");
    }

    private static void ValidBaseline(Baseline baseline) =>
        Require(
            baseline.MonthsOnSupportBefore is null or >= 0,
            "invalid_baseline",
            "The number of months on support before the insats cannot be negative.");

    private static ExitReasonDefinition ExitReason(InsatsFacts insats, string code) =>
        insats.ExitReasons.FirstOrDefault(reason => reason.Code == code)
        ?? throw Refused("unknown_exit_reason", "The exit reason is not in the förbund's list of exit reasons.");

    private static void ExitDate(DateOnly exitedOn, Enrolment enrolment, DateOnly today)
    {
        NotInFuture(exitedOn, today);
        Require(exitedOn >= enrolment.EnrolledOn, "exit_before_enrolment", "The exit date lies before the enrolment date.");
        Require(
            enrolment.LastRecordedOn is not { } last || exitedOn >= last,
            "exit_before_activity",
            "The exit date lies before a recorded activity, pause or resumption.");
    }

    private static Exit ExitOf(ParticipantExited e) =>
        new(e.ExitedOn, e.ReasonCode, e.Category, e.MeansOfSupportAtExit, e.OccupationAtExit);

    private static RuleViolationException NotEnrolledRefusal() =>
        Refused("not_enrolled", "The participation has no enrolment.");

    private static Enrolment? EnrolmentOf(ParticipationState state) => state switch
    {
        Active a => a.Enrolment,
        Paused p => p.Enrolment,
        Exited x => x.Enrolment,
        _ => null,
    };

    private static ParticipationState WithEnrolment(ParticipationState state, Func<Enrolment, Enrolment> change) => state switch
    {
        Active a => a with { Enrolment = change(a.Enrolment) },
        Paused p => p with { Enrolment = change(p.Enrolment) },
        Exited x => x with { Enrolment = change(x.Enrolment) },
        _ => state,
    };
}
