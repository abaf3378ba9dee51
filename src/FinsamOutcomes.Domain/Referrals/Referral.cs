using FinsamOutcomes.Domain.Common;
using static FinsamOutcomes.Domain.Common.Rules;
using static FinsamOutcomes.Domain.Referrals.ReferralState;

namespace FinsamOutcomes.Domain.Referrals;

public abstract record ReferralCommand(string ReferralId);

/// <summary>Aktualisering from a part to a beredningsgrupp.</summary>
public sealed record ReceiveReferral(
    string ReferralId,
    string ForbundId,
    string BeredningsgruppId,
    string ParticipantId,
    ReferringParty ReferringParty,
    DateOnly ReceivedOn,
    Gender Gender,
    int BirthYear) : ReferralCommand(ReferralId);

/// <summary>Anvisad. OverrideReason lets the referral in beyond the week's intake cap; it is stored only when used.</summary>
public sealed record AcceptReferral(string ReferralId, string InsatsId, DateOnly DecidedOn, string? OverrideReason) : ReferralCommand(ReferralId);

/// <summary>Avslag.</summary>
public sealed record RejectReferral(string ReferralId, DateOnly DecidedOn, string Reason) : ReferralCommand(ReferralId);

/// <summary>Återremitterad to the referring part.</summary>
public sealed record ReturnReferral(string ReferralId, DateOnly DecidedOn, string Reason) : ReferralCommand(ReferralId);

/// <summary>Komplettering: not a final decision; may be requested more than once.</summary>
public sealed record RequestCompletion(string ReferralId, DateOnly RequestedOn, string Note) : ReferralCommand(ReferralId);

/// <summary>The referring part withdraws the referral before a final decision.</summary>
public sealed record WithdrawReferral(string ReferralId, DateOnly WithdrawnOn, string Reason) : ReferralCommand(ReferralId);

/// <summary>
/// What an acceptance needs to know about the beredningsgrupp: the insatser it allocates to, its weekly cap, and how many
/// referrals it already accepted in the ISO week (<see cref="WeekOf"/>) of the decision date.
/// </summary>
/// AcceptedInWeek counts the acceptances in the group's cap window (<see cref="WindowOf"/>): a week, or two weeks for a group
/// whose cap is per two weeks. IntakePaused says the group's or the insats's intake is paused on the decision date.
public sealed record IntakeWeek(string BeredningsgruppId, IReadOnlyList<string> InsatsIds, int WeeklyIntakeCap, int AcceptedInWeek)
{
    public bool IntakePaused { get; init; }

    /// <summary>
    /// The first and last day of the cap window holding the date: its ISO week for a one-week window; for two weeks, the
    /// 14 days from the anchor Monday plus a whole multiple of 14 days (also before the anchor) that hold the date.
    /// </summary>
    public static (DateOnly First, DateOnly Last) WindowOf(DateOnly date, int weeks, DateOnly? anchor)
    {
        var (monday, sunday) = WeekOf(date);
        if (weeks == 1 || anchor is not { } start)
        {
            return (monday, sunday);
        }

        var days = date.DayNumber - start.DayNumber;
        var first = start.AddDays(14 * (int)Math.Floor(days / 14.0));
        return (first, first.AddDays(13));
    }

    /// <summary>The Monday and Sunday of the ISO week that holds the date.</summary>
    public static (DateOnly Monday, DateOnly Sunday) WeekOf(DateOnly date)
    {
        var monday = date.AddDays(-(((int)date.DayOfWeek + 6) % 7));
        return (monday, monday.AddDays(6));
    }
}

public abstract record ReferralState
{
    private ReferralState()
    {
    }

    public sealed record NotReceived : ReferralState;

    /// <summary>Received, or awaiting completion (LastCompletionRequest is then set).</summary>
    public sealed record Waiting(ReferralReceived Received, ReferralCompletionRequested? LastCompletionRequest) : ReferralState;

    /// <summary>Decision is the final event: a ReferralAccepted, ReferralRejected, ReferralReturned or ReferralWithdrawn.</summary>
    public sealed record Decided(ReferralReceived Received, object Decision) : ReferralState;
}

public static class Referral
{
    public static ReferralState Initial { get; } = new NotReceived();

    public static ReferralState Evolve(ReferralState state, object @event) => (state, @event) switch
    {
        (NotReceived, ReferralReceived e) => new Waiting(e, null),
        (Waiting w, ReferralCompletionRequested e) => w with { LastCompletionRequest = e },
        (Waiting w, ReferralAccepted or ReferralRejected or ReferralReturned or ReferralWithdrawn) => new Decided(w.Received, @event),
        _ => state,
    };

    /// <param name="today">Today's date from the caller's clock.</param>
    /// <param name="intake">Required for <see cref="AcceptReferral"/>.</param>
    public static IReadOnlyList<object> Decide(ReferralCommand command, ReferralState state, DateOnly today, IntakeWeek? intake = null) => command switch
    {
        ReceiveReferral c => Handle(c, state, today),
        AcceptReferral c => Handle(c, state, today, intake ?? throw new ArgumentNullException(nameof(intake), "An acceptance needs the week's intake.")),
        RejectReferral c => Conclude(state, c.Reason, new ReferralRejected(c.ReferralId, c.DecidedOn, c.Reason), c.DecidedOn, today),
        ReturnReferral c => Conclude(state, c.Reason, new ReferralReturned(c.ReferralId, c.DecidedOn, c.Reason), c.DecidedOn, today),
        WithdrawReferral c => Conclude(state, c.Reason, new ReferralWithdrawn(c.ReferralId, c.WithdrawnOn, c.Reason), c.WithdrawnOn, today),
        RequestCompletion c => Handle(c, state, today),
        _ => throw new ArgumentOutOfRangeException(nameof(command), command.GetType().Name, "Unknown referral command."),
    };

    private static IReadOnlyList<object> Handle(ReceiveReferral c, ReferralState state, DateOnly today)
    {
        var received = new ReferralReceived(
            c.ReferralId, c.ForbundId, c.BeredningsgruppId, c.ParticipantId, c.ReferringParty, c.ReceivedOn, c.Gender, c.BirthYear);
        var existing = state switch
        {
            Waiting w => w.Received,
            Decided d => d.Received,
            _ => null,
        };
        if (existing is not null)
        {
            return existing == received
                ? Nothing
                : throw Refused("already_received", "The referral has already been received.");
        }

        NotInFuture(c.ReceivedOn, today);
        Require(
            c.BirthYear <= c.ReceivedOn.Year && c.BirthYear >= c.ReceivedOn.Year - MaxAge,
            "invalid_birth_year",
            "The birth year must lie in the 120 years up to the date received.");
        return [received];
    }

    private static IReadOnlyList<object> Handle(AcceptReferral c, ReferralState state, DateOnly today, IntakeWeek intake)
    {
        if (state is Decided { Decision: ReferralAccepted accepted }
            && accepted.InsatsId == c.InsatsId
            && accepted.DecidedOn == c.DecidedOn
            && (accepted.OverrideReason is null || accepted.OverrideReason == c.OverrideReason))
        {
            return Nothing;
        }

        var waiting = Undecided(state);
        if (intake.BeredningsgruppId != waiting.Received.BeredningsgruppId)
        {
            throw new ArgumentException("The intake belongs to another beredningsgrupp than the referral.", nameof(intake));
        }

        OptionalReason(c.OverrideReason);
        DecisionDate(waiting, c.DecidedOn, today);
        Require(
            intake.InsatsIds.Contains(c.InsatsId),
            "insats_not_in_beredningsgrupp",
            "The beredningsgrupp does not allocate to this insats.");
        Require(
            !intake.IntakePaused || c.OverrideReason is not null,
            "intake_paused",
            "Intake of the beredningsgrupp or the insats is paused on the decision date; give a reason to accept anyway.");
        var capReached = intake.AcceptedInWeek >= intake.WeeklyIntakeCap;
        Require(
            !capReached || c.OverrideReason is not null,
            "intake_cap_reached",
            "The beredningsgrupp's intake cap for the week (or two weeks) is reached; give a reason to accept anyway.");
        return
        [
            new ReferralAccepted(c.ReferralId, c.InsatsId, c.DecidedOn, capReached || intake.IntakePaused ? c.OverrideReason : null)
            {
                DuringIntakePause = intake.IntakePaused,
            },
        ];
    }

    private static IReadOnlyList<object> Handle(RequestCompletion c, ReferralState state, DateOnly today)
    {
        var requested = new ReferralCompletionRequested(c.ReferralId, c.RequestedOn, c.Note);
        var waiting = Undecided(state);
        if (waiting.LastCompletionRequest == requested)
        {
            return Nothing;
        }

        RequireReason(c.Note);
        DecisionDate(waiting, c.RequestedOn, today);
        return [requested];
    }

    private static IReadOnlyList<object> Conclude(ReferralState state, string reason, object decision, DateOnly decidedOn, DateOnly today)
    {
        if (state is Decided decided && decided.Decision.Equals(decision))
        {
            return Nothing;
        }

        var waiting = Undecided(state);
        RequireReason(reason);
        DecisionDate(waiting, decidedOn, today);
        return [decision];
    }

    private static Waiting Undecided(ReferralState state) => state switch
    {
        Waiting w => w,
        Decided => throw Refused("already_decided", "The referral has already been decided."),
        _ => throw Refused("not_received", "The referral has not been received."),
    };

    private static void DecisionDate(Waiting waiting, DateOnly on, DateOnly today)
    {
        NotInFuture(on, today);
        Require(on >= waiting.Received.ReceivedOn, "decision_before_received", "The decision date lies before the date the referral was received.");
    }
}
