using System.Collections.Concurrent;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.Json;
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
/// One change an event makes to a fact table, as typed values: <see cref="Row"/> (put) is a row of the table
/// (<see cref="FactTable.Columns"/>; the version columns are set when it is applied), <see cref="Changes"/> (revise)
/// the columns it sets. <see cref="At"/> and <see cref="RecordedAt"/> give the new versions' valid_from columns.
/// <see cref="New"/>: no stored row has the change's key or matches its filter (<see cref="FactWriter.KeysNew"/>),
/// so nothing need be loaded for it.
/// </summary>
internal sealed record FactOp(
    FactOpKind Kind, FactTable Table, FeedCursor At, DateTime RecordedAt, object?[]? Row, FactFilter? Filter, IReadOnlyList<(int Column, object? Value)>? Changes, bool New);

/// <summary>
/// The current rows of a table whose columns equal values, and optionally whose <see cref="IsNull"/> column is null.
/// <see cref="Columns"/> are in ordinal order, <see cref="Values"/> aligned with them.
/// </summary>
internal sealed record FactFilter(IReadOnlyList<string> Columns, object?[] Values, string? IsNull)
{
    /// <summary>The value the filter asks of a column, which it must name.</summary>
    public object? ValueOf(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column, StringComparison.Ordinal))
            {
                return Values[i];
            }
        }

        throw new InvalidOperationException($"The filter names no {column}.");
    }

    public string Describe() => string.Join(", ", Columns.Select((c, i) => $"{c} = {Values[i]}"));

    private (FactTable Table, int[] Indexes)? _resolved;

    /// <summary>The indexes of the filter's columns in a table (kept for the last table asked: a filter is asked of one).</summary>
    public int[] IndexesIn(FactTable table)
    {
        if (_resolved is { } resolved && resolved.Table == table)
        {
            return resolved.Indexes;
        }

        var indexes = Columns.Select(c => table.Column(c).Index).ToArray();
        _resolved = (table, indexes);
        return indexes;
    }
}

/// <summary>
/// Records the fact-table changes events cause, in feed order, without touching the database: a change never
/// updates a row in place but ends the current version at the event's cursor and inserts the next version
/// from it. <see cref="FactBatch"/> loads what the recorded changes read, applies them in memory
/// (<see cref="FactState"/>) and writes the resulting versions set-based. Values are given as anonymous objects
/// whose property names are the columns' in PascalCase and become typed row values the way the rows are stored
/// (enumerations by snake_case name, lists as text arrays): <see cref="FactValues"/>.
/// </summary>
internal sealed class FactWriter
{
    private readonly List<FactOp> _ops = [];
    private FeedCursor _at;
    private DateTime _recordedAt;

    public IReadOnlyList<FactOp> Ops => _ops;

    /// <summary>
    /// The changes recorded for the current event name only keys and filters no stored row can have: the event's
    /// stream begins in this batch and only that stream's events make rows of those keys (set per event by the
    /// projection; reset by <see cref="Begin"/>).
    /// </summary>
    public bool KeysNew { get; set; }

    /// <summary>The changes recorded from now on are the given event's.</summary>
    public void Begin(RecordedEvent recorded)
    {
        _at = recorded.Cursor;
        _recordedAt = recorded.RecordedAt.UtcDateTime;
        KeysNew = false;
    }

    /// <summary>The rows of a table whose columns equal the given values (an anonymous object), and optionally whose column <paramref name="isNull"/> is null.</summary>
    public static FactFilter Where(object equal, string? isNull = null)
    {
        var (names, values) = FactValues.Of(equal);
        if (names.Count == 1)
        {
            return new FactFilter(names, values, isNull);
        }

        var order = Enumerable.Range(0, names.Count).OrderBy(i => names[i], StringComparer.Ordinal).ToArray();
        return new FactFilter([.. order.Select(i => names[i])], [.. order.Select(i => values[i])], isNull);
    }

    /// <summary>Puts a whole row (every non-derived column): it becomes the current version of its key.</summary>
    public void Put(FactTable table, object row)
    {
        var (names, values) = FactValues.Of(row);
        var typed = new object?[table.Columns.Count];
        var columns = FactValues.ColumnsOf(row.GetType(), table, names);
        for (var i = 0; i < columns.Length; i++)
        {
            typed[columns[i]] = values[i];
        }

        Add(FactOpKind.Put, table, typed, null, null);
    }

    /// <summary>Revises the current version of every matching row: the next version has the changes and freshly derived columns.</summary>
    public void Revise(FactTable table, FactFilter filter, object changes)
    {
        var (names, values) = FactValues.Of(changes);
        var columns = FactValues.ColumnsOf(changes.GetType(), table, names);
        var set = new (int, object?)[columns.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            set[i] = (columns[i], values[i]);
        }

        Add(FactOpKind.Revise, table, null, filter, set);
    }

    /// <summary>Recomputes the derived columns of the matching rows; a new version only where a derived value changed.</summary>
    public void Rederive(FactTable table, FactFilter filter) => Add(FactOpKind.Rederive, table, null, filter, null);

    /// <summary>Ends the current version of every matching row without a successor: the fact no longer holds.</summary>
    public void End(FactTable table, FactFilter filter) => Add(FactOpKind.End, table, null, filter, null);

    private void Add(FactOpKind kind, FactTable table, object?[]? row, FactFilter? filter, IReadOnlyList<(int, object?)>? changes) =>
        _ops.Add(new FactOp(kind, table, _at, _recordedAt, row, filter, changes, KeysNew));
}

/// <summary>
/// Turns the anonymous objects <see cref="FactWriter"/> is given into column names (snake_case) and typed values,
/// through a getter compiled once per anonymous type: a string stays, an enumeration becomes its snake_case name
/// (as the JSON the rows were first written from had it), a list of strings a string array, and a date, integer,
/// boolean or decimal stays as it is (a nullable one null or its value).
/// </summary>
internal static class FactValues
{
    private static readonly ConcurrentDictionary<Type, Accessor> Accessors = new();
    private static readonly ConcurrentDictionary<(Type Type, FactTable Table), int[]> Mappings = new();
    private static readonly ConcurrentDictionary<Enum, string> EnumNames = new();

    public static (IReadOnlyList<string> Names, object?[] Values) Of(object value)
    {
        var accessor = Accessors.GetOrAdd(value.GetType(), Build);
        var values = accessor.Get(value);
        for (var i = 0; i < values.Length; i++)
        {
            values[i] = values[i] switch
            {
                Enum e => EnumNames.GetOrAdd(e, NameOf),
                IEnumerable<string> list => list.ToArray(),
                var v => v,
            };
        }

        return (accessor.Names, values);
    }

    /// <summary>
    /// The columns of the table the properties of an anonymous type set, checked once per type and table: every
    /// property must name a column, and its type must give the column's values (else the change is refused here
    /// rather than stored wrong).
    /// </summary>
    public static int[] ColumnsOf(Type type, FactTable table, IReadOnlyList<string> names)
    {
        if (Mappings.TryGetValue((type, table), out var mapped))
        {
            return mapped;
        }

        var properties = Accessors[type].Types;
        mapped = [.. names.Select((name, i) =>
        {
            var column = table.Column(name);
            if (!Gives(properties[i], column.ClrType))
            {
                throw new InvalidOperationException($"{table.Name}.{name} is {column.SqlType}; a {properties[i].Name} cannot give it.");
            }

            return column.Index;
        })];
        return Mappings.GetOrAdd((type, table), mapped);
    }

    private static bool Gives(Type property, Type column)
    {
        var type = Nullable.GetUnderlyingType(property) ?? property;
        return type == column
            || (type.IsEnum && column == typeof(string))
            || (column == typeof(string[]) && type != typeof(string) && typeof(IEnumerable<string>).IsAssignableFrom(type));
    }

    private static string NameOf(Enum value) =>
        JsonNamingPolicy.SnakeCaseLower.ConvertName(
            Enum.GetName(value.GetType(), value) ?? throw new InvalidOperationException($"{value.GetType().Name} has no member {value}."));

    private static Accessor Build(Type type)
    {
        var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance);
        var parameter = Expression.Parameter(typeof(object));
        var typed = Expression.Convert(parameter, type);
        var array = Expression.NewArrayInit(typeof(object),
            properties.Select(p => Expression.Convert(Expression.Property(typed, p), typeof(object))));
        return new Accessor(
            [.. properties.Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name))],
            [.. properties.Select(p => p.PropertyType)],
            Expression.Lambda<Func<object, object?[]>>(array, parameter).Compile());
    }

    private sealed record Accessor(IReadOnlyList<string> Names, IReadOnlyList<Type> Types, Func<object, object?[]> Get);
}
