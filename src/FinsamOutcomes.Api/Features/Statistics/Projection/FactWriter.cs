using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using FinsamOutcomes.EventStore;

namespace FinsamOutcomes.Api.Features.Statistics.Projection;

/// <summary>What one call of <see cref="FactWriter"/> asks of a table.</summary>
internal enum FactOpKind
{
    Put,
    Revise,
    Rederive,
    End,
}

/// <summary>
/// One change an event makes to a fact table, as values: <see cref="Row"/> (put) and <see cref="Changes"/>
/// (revise) are JSON objects whose snake_case keys are the column names; <see cref="Version"/> holds the
/// event's version columns (valid_from_* from the event, valid_to_* null).
/// </summary>
internal sealed record FactOp(FactOpKind Kind, FactTable Table, FeedCursor At, JsonObject Version, JsonObject? Row, FactFilter? Filter, JsonObject? Changes);

/// <summary>The current rows of a table whose columns equal <see cref="Equal"/>, and optionally whose <see cref="IsNull"/> column is null.</summary>
internal sealed record FactFilter(JsonObject Equal, string? IsNull);

/// <summary>
/// Records the fact-table changes events cause, in feed order, without touching the database: a change never
/// updates a row in place but ends the current version at the event's cursor and inserts the next version
/// from it. <see cref="FactBatch"/> loads what the recorded changes read, applies them in memory
/// (<see cref="FactState"/>) and writes the resulting versions set-based. Values are converted to JSON the
/// way the rows are stored (C# property names in snake_case, enumerations by snake_case name).
/// </summary>
internal sealed class FactWriter
{
    internal static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false) },
    };

    private readonly List<FactOp> _ops = [];
    private FeedCursor _at;
    private JsonObject _version = [];

    public IReadOnlyList<FactOp> Ops => _ops;

    /// <summary>The changes recorded from now on are the given event's.</summary>
    public void Begin(RecordedEvent recorded)
    {
        _at = recorded.Cursor;
        _version = JsonSerializer.SerializeToNode(new Dictionary<string, object?>
        {
            ["valid_from_tx"] = recorded.TxId.ToString(CultureInfo.InvariantCulture),
            ["valid_from_pos"] = recorded.Position,
            ["valid_from_at"] = recorded.RecordedAt.ToUniversalTime(),
            ["valid_to_tx"] = null,
            ["valid_to_pos"] = null,
        })!.AsObject();
    }

    /// <summary>The rows of a table whose columns equal the given values (an anonymous object), and optionally whose column <paramref name="isNull"/> is null.</summary>
    public static FactFilter Where(object equal, string? isNull = null) => new(Values(equal), isNull);

    /// <summary>Puts a whole row (every non-derived column): it becomes the current version of its key.</summary>
    public void Put(FactTable table, object row) => Add(FactOpKind.Put, table, Values(row), null, null);

    /// <summary>Revises the current version of every matching row: the next version has the changes and freshly derived columns.</summary>
    public void Revise(FactTable table, FactFilter filter, object changes) => Add(FactOpKind.Revise, table, null, filter, Values(changes));

    /// <summary>Recomputes the derived columns of the matching rows; a new version only where a derived value changed.</summary>
    public void Rederive(FactTable table, FactFilter filter) => Add(FactOpKind.Rederive, table, null, filter, null);

    /// <summary>Ends the current version of every matching row without a successor: the fact no longer holds.</summary>
    public void End(FactTable table, FactFilter filter) => Add(FactOpKind.End, table, null, filter, null);

    private void Add(FactOpKind kind, FactTable table, JsonObject? row, FactFilter? filter, JsonObject? changes) =>
        _ops.Add(new FactOp(kind, table, _at, _version, row, filter, changes));

    private static JsonObject Values(object value) => JsonSerializer.SerializeToNode(value, Json)!.AsObject();
}
