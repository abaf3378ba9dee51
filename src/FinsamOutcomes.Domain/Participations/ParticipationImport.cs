using FinsamOutcomes.Domain.Common;
using static FinsamOutcomes.Domain.Common.Rules;
using static FinsamOutcomes.Domain.Participations.ParticipationState;

namespace FinsamOutcomes.Domain.Participations;

/// <summary>
/// participation.imported.v1: the events appended with it (in the same transaction) came from row <paramref name="Row"/> of
/// a history file (<paramref name="FileName"/>, identified by <paramref name="ImportId"/>, a digest of its content).
/// <paramref name="Outcome"/> is <c>recorded</c> (a new participation) or <c>corrected</c> (an existing one brought in line
/// with the file). Who imported it and when are the event's actor and recording time. Counts in no figure.
/// </summary>
public sealed record ParticipationImported(string ParticipationId, string ImportId, string FileName, int Row, string Outcome);

/// <summary>The exit of a historical participation, as it would be recorded live.</summary>
public sealed record HistoricalExit(DateOnly ExitedOn, string ReasonCode, MeansOfSupport MeansOfSupportAtExit, Occupation OccupationAtExit);

/// <summary>
/// One row of a history file: the enrolment exactly as the live endpoint would build it, the exit if the row has one,
/// and where it came from.
/// </summary>
public sealed record ImportHistoricalParticipation(EnrolParticipant Enrolment, HistoricalExit? Exit, string ImportId, string FileName, int Row)
{
    public string ParticipationId => Enrolment.ParticipationId;
}

public enum HistoryRowOutcome
{
    /// <summary>A new participation: enrolled (and exited, when the row has an exit).</summary>
    Recorded,

    /// <summary>The participation was there and differed from the row: corrected through the correction commands.</summary>
    Corrected,

    /// <summary>The participation is recorded exactly as the row says: nothing to append.</summary>
    AlreadyPresent,
}

public sealed record HistoryImportDecision(IReadOnlyList<object> Events, HistoryRowOutcome Outcome);

/// <summary>
/// Imports one historical participation through the live commands: <see cref="EnrolParticipant"/> and
/// <see cref="ExitParticipant"/> for a participation not yet recorded, <see cref="CorrectEnrolment"/> and
/// <see cref="CorrectExit"/> for one recorded before whose row now differs, nothing for one recorded exactly so. Every
/// rule of <see cref="Participation.Decide"/> applies unchanged; what is appended ends with a
/// <see cref="ParticipationImported"/> naming the file and row.
/// </summary>
public static class ParticipationImport
{
    public const string RecordedOutcome = "recorded";
    public const string CorrectedOutcome = "corrected";

    public static HistoryImportDecision Decide(
        ImportHistoricalParticipation c, ParticipationState state, InsatsFacts insats, DateOnly today, bool participantAlreadyActiveInInsats)
    {
        var events = new List<object>();
        var current = state;
        void Apply(IReadOnlyList<object> decided)
        {
            events.AddRange(decided);
            current = decided.Aggregate(current, Participation.Evolve);
        }

        var id = c.ParticipationId;
        HistoryRowOutcome outcome;
        if (state is NotEnrolled)
        {
            Apply(Participation.Decide(c.Enrolment, current, insats, today, participantAlreadyActiveInInsats));
            if (c.Exit is { } exit)
            {
                Apply(Participation.Decide(new ExitParticipant(id, exit.ExitedOn, exit.ReasonCode, exit.MeansOfSupportAtExit, exit.OccupationAtExit), current, insats, today));
            }

            outcome = HistoryRowOutcome.Recorded;
        }
        else
        {
            var enrolment = state switch
            {
                Active a => a.Enrolment,
                Paused p => p.Enrolment,
                Exited x => x.Enrolment,
                _ => throw Refused("registered_in_error", "The participation was registered in error and accepts no further changes."),
            };
            var registered = enrolment.Registration;
            var wanted = c.Enrolment;
            Require(
                (registered.InsatsId, registered.Gender, registered.BirthYear, registered.ReferringParty, registered.Identified)
                == (wanted.InsatsId, wanted.Gender, wanted.BirthYear, wanted.ReferringParty, wanted.Identified),
                "import_conflicts_with_recorded",
                "The row's gender, birth year, referring part or consent differ from the recorded participation, and no correction changes them: mark it registered in error and record it again over the API.");
            var reason = $"Rättad genom import av {c.FileName}, rad {c.Row}";
            var exitFirst = current is Exited { Exit.ExitedOn: var oldExit } && wanted.EnrolledOn > oldExit;
            if (!exitFirst)
            {
                Apply(Participation.Decide(new CorrectEnrolment(id, wanted.EnrolledOn, wanted.Baseline, reason), current, insats, today));
            }

            switch (current, c.Exit)
            {
                case (Exited, null):
                    throw Refused("import_would_remove_exit", "The participation has an exit and the row has none; an import does not remove an exit.");
                case (Exited, { } exit):
                    Apply(Participation.Decide(new CorrectExit(id, exit.ExitedOn, exit.ReasonCode, exit.MeansOfSupportAtExit, exit.OccupationAtExit, reason), current, insats, today));
                    break;
                case (_, { } exit):
                    Apply(Participation.Decide(new ExitParticipant(id, exit.ExitedOn, exit.ReasonCode, exit.MeansOfSupportAtExit, exit.OccupationAtExit), current, insats, today));
                    break;
            }

            if (exitFirst)
            {
                Apply(Participation.Decide(new CorrectEnrolment(id, wanted.EnrolledOn, wanted.Baseline, reason), current, insats, today));
            }

            outcome = events.Count > 0 ? HistoryRowOutcome.Corrected : HistoryRowOutcome.AlreadyPresent;
        }

        if (events.Count > 0)
        {
            events.Add(new ParticipationImported(id, c.ImportId, c.FileName, c.Row, outcome == HistoryRowOutcome.Recorded ? RecordedOutcome : CorrectedOutcome));
        }

        return new HistoryImportDecision(events, outcome);
    }
}
