using System.Text.Json.Nodes;
using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.EventStore;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>
/// The in-memory part of the set-based projection (no database): what a batch of changes makes of the rows
/// it loaded — which stored versions it ends, which new versions it inserts and with what valid_to.
/// </summary>
public sealed class FactStateTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static RecordedEvent Event(long position, ulong tx) =>
        new(position, tx, Guid.NewGuid(), "s", 1, "test", new object(), new EventMetadata("test", Guid.NewGuid()), "f1", At.AddSeconds(position));

    private static JsonObject Stored(string json) => JsonNode.Parse(json)!.AsObject();

    [Fact]
    public void two_changes_of_one_key_in_a_batch_end_the_stored_version_once_and_insert_the_first_new_version_already_ended()
    {
        var state = new FactState();
        state[FactTable.Pauses].LoadKey(Stored("""{"participation_id":"p1","paused_on":"2024-03-01"}"""),
            Stored("""{"participation_id":"p1","paused_on":"2024-03-01","reason":"illness","resumed_on":null,"valid_from_tx":"10","valid_from_pos":7,"valid_from_at":"2026-12-01T09:00:00+00:00","valid_to_tx":null,"valid_to_pos":null}"""));
        var writer = new FactWriter();
        writer.Begin(Event(20, 15));
        writer.Put(FactTable.Pauses, new { ParticipationId = "p1", PausedOn = new DateOnly(2024, 3, 1), Reason = "other", ResumedOn = (DateOnly?)null });
        writer.Begin(Event(21, 16));
        writer.Put(FactTable.Pauses, new { ParticipationId = "p1", PausedOn = new DateOnly(2024, 3, 1), Reason = "studies", ResumedOn = (DateOnly?)null });

        foreach (var op in writer.Ops)
        {
            state.Apply(op);
        }

        var ended = Assert.Single(state[FactTable.Pauses].Ended);
        Assert.Equal("""{"participation_id":"p1","paused_on":"2024-03-01","valid_from_pos":7,"valid_to_tx":"15","valid_to_pos":20}""", ended.ToJsonString());
        Assert.Equal(
            [("other", 20L, (long?)21L), ("studies", 21L, (long?)null)],
            state[FactTable.Pauses].Inserted.Select(r => (r["reason"]!.GetValue<string>(), r["valid_from_pos"]!.GetValue<long>(), r["valid_to_pos"]?.GetValue<long>())));
    }

    [Fact]
    public void an_event_older_than_the_newest_version_of_its_key_changes_nothing()
    {
        var state = new FactState();
        state[FactTable.Activities].LoadKey(Stored("""{"participation_id":"p1","activity_id":"a1"}"""),
            Stored("""{"participation_id":"p1","activity_id":"a1","kind":"meeting","activity_on":"2024-02-01","duration_minutes":60,"valid_from_tx":"30","valid_from_pos":40,"valid_from_at":"2026-12-01T09:00:00+00:00","valid_to_tx":null,"valid_to_pos":null}"""));
        var writer = new FactWriter();
        writer.Begin(Event(40, 30));
        writer.Put(FactTable.Activities, new { ParticipationId = "p1", ActivityId = "a1", Kind = "meeting", ActivityOn = new DateOnly(2024, 2, 1), DurationMinutes = 60 });

        state.Apply(Assert.Single(writer.Ops));

        Assert.Empty(state[FactTable.Activities].Ended);
        Assert.Empty(state[FactTable.Activities].Inserted);
    }

    [Fact]
    public void a_participation_rederived_after_an_activity_takes_the_earlier_of_the_stored_first_activity_and_the_new_one()
    {
        var state = new FactState();
        state[FactTable.Activities].LoadKey(Stored("""{"participation_id":"p1","activity_id":"a2"}"""), null);
        state[FactTable.Participations].LoadKey(Stored("""{"participation_id":"p1"}"""), Stored("""
            {"participation_id":"p1","insats_id":"i1","forbund_id":"f1","enrolled_on":"2024-01-10","first_activity_on":"2024-02-01",
             "valid_from_tx":"5","valid_from_pos":5,"valid_from_at":"2026-12-01T09:00:00+00:00","valid_to_tx":null,"valid_to_pos":null}
            """));
        state[FactTable.Insatser].LoadKey(Stored("""{"insats_id":"i1"}"""), null);
        state[FactTable.Transfers].LoadFilter(Stored("""{"insats_id":"i1"}"""), []);
        state.FirstActivityInStore("p1", new DateOnly(2024, 2, 1));
        var writer = new FactWriter();
        writer.Begin(Event(50, 50));
        writer.Put(FactTable.Activities, new { ParticipationId = "p1", ActivityId = "a2", Kind = "meeting", ActivityOn = new DateOnly(2024, 1, 15), DurationMinutes = 30 });
        writer.Rederive(FactTable.Participations, FactWriter.Where(new { ParticipationId = "p1" }));
        writer.Begin(Event(51, 51));
        writer.Put(FactTable.Activities, new { ParticipationId = "p1", ActivityId = "a3", Kind = "meeting", ActivityOn = new DateOnly(2024, 3, 1), DurationMinutes = 30 });
        writer.Rederive(FactTable.Participations, FactWriter.Where(new { ParticipationId = "p1" }));

        state[FactTable.Activities].LoadKey(Stored("""{"participation_id":"p1","activity_id":"a3"}"""), null);
        foreach (var op in writer.Ops)
        {
            state.Apply(op);
        }

        // only the earlier activity changes the derived date: one new version, the second activity none
        var version = Assert.Single(state[FactTable.Participations].Inserted);
        Assert.Equal(("2024-01-15", "f1", 50L), (version["first_activity_on"]!.GetValue<string>(), version["forbund_id"]!.GetValue<string>(), version["valid_from_pos"]!.GetValue<long>()));
        Assert.Equal(50, Assert.Single(state[FactTable.Participations].Ended)["valid_to_pos"]!.GetValue<long>());
    }

    [Fact]
    public void when_the_earliest_activity_added_in_a_batch_is_replaced_the_participation_takes_the_next_earliest()
    {
        var state = new FactState();
        state[FactTable.Activities].LoadKey(Stored("""{"participation_id":"p1","activity_id":"a1"}"""), null);
        state[FactTable.Activities].LoadKey(Stored("""{"participation_id":"p1","activity_id":"a2"}"""), null);
        state[FactTable.Participations].LoadKey(Stored("""{"participation_id":"p1"}"""), Stored("""
            {"participation_id":"p1","insats_id":"i1","forbund_id":"f1","enrolled_on":"2024-01-10","first_activity_on":null,
             "valid_from_tx":"5","valid_from_pos":5,"valid_from_at":"2026-12-01T09:00:00+00:00","valid_to_tx":null,"valid_to_pos":null}
            """));
        state[FactTable.Insatser].LoadKey(Stored("""{"insats_id":"i1"}"""), null);
        state[FactTable.Transfers].LoadFilter(Stored("""{"insats_id":"i1"}"""), []);
        state.FirstActivityInStore("p1", null);
        var writer = new FactWriter();
        foreach (var (position, activity, on) in new[] { (60L, "a1", new DateOnly(2024, 1, 20)), (61L, "a2", new DateOnly(2024, 2, 5)), (62L, "a1", new DateOnly(2024, 3, 1)) })
        {
            writer.Begin(Event(position, (ulong)position));
            writer.Put(FactTable.Activities, new { ParticipationId = "p1", ActivityId = activity, Kind = "meeting", ActivityOn = on, DurationMinutes = 30 });
            writer.Rederive(FactTable.Participations, FactWriter.Where(new { ParticipationId = "p1" }));
        }

        foreach (var op in writer.Ops)
        {
            state.Apply(op);
        }

        // a1 first makes 2024-01-20 the earliest; a2 changes nothing; a1 moved to March leaves a2's date the earliest
        Assert.Equal(
            [("2024-01-20", 60L, (long?)62L), ("2024-02-05", 62L, (long?)null)],
            state[FactTable.Participations].Inserted.Select(r => (r["first_activity_on"]!.GetValue<string>(), r["valid_from_pos"]!.GetValue<long>(), r["valid_to_pos"]?.GetValue<long>())));
        Assert.Equal(60, Assert.Single(state[FactTable.Participations].Ended)["valid_to_pos"]!.GetValue<long>());
    }

    [Fact]
    public void a_change_of_rows_that_were_not_loaded_is_refused_rather_than_guessed()
    {
        var state = new FactState();
        var writer = new FactWriter();
        writer.Begin(Event(60, 60));
        writer.Revise(FactTable.Participations, FactWriter.Where(new { ParticipationId = "p9" }), new { RegisteredInError = true });

        Assert.Throws<InvalidOperationException>(() => state.Apply(Assert.Single(writer.Ops)));
    }
}
