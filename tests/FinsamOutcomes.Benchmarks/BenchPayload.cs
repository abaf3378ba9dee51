using System.Globalization;
using FinsamOutcomes.EventStore;

namespace FinsamOutcomes.Benchmarks;

/// <summary>The event every scenario writes: synthetic values only, about 250 bytes of JSON.</summary>
internal sealed record OutcomeRecorded(Guid CaseRef, string Programme, string Outcome, int Week, decimal Amount, string Note)
{
    public const string TypeName = "bench.outcome_recorded.v1";

    public const string StreamType = "bench_case";

    public const string ForbundId = "forbund-bench";

    private const string Padding = "synthetic benchmark note, no real data in here";

    public static EventTypeRegistry Registry() => new EventTypeRegistry().Register<OutcomeRecorded>(TypeName);

    public static OutcomeRecorded Create(long sequence) =>
        new(Guid.NewGuid(), "programme-" + (sequence % 17).ToString(CultureInfo.InvariantCulture), "employed", (int)(sequence % 52) + 1,
            1000m + sequence % 1000, Padding + " " + Padding);

    public static EventToAppend ToAppend(long sequence) =>
        new(Guid.NewGuid(), Create(sequence), new EventMetadata("bench", Guid.NewGuid()));
}
