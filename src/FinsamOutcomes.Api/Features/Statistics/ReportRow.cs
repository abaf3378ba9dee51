using System.Globalization;
using System.Text.Json;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>
/// One row of a figure's query, read from the JSON a report's single statement returns for it (<see cref="ReportFigures"/>):
/// the row's columns in their SELECT order, with the accessors the readers used on a data reader.
/// </summary>
internal sealed class ReportRow
{
    private readonly JsonElement[] _values;

    public ReportRow(JsonElement row)
    {
        if (row.ValueKind != JsonValueKind.Object)
        {
            throw new InvalidOperationException($"A report row is a JSON object, not {row.ValueKind}.");
        }

        // the columns in order; a query may repeat a column name (count, grouping), which json keeps
        _values = [.. row.EnumerateObject().Select(p => p.Value)];
    }

    public int FieldCount => _values.Length;

    public bool IsDBNull(int ordinal) => Value(ordinal).ValueKind == JsonValueKind.Null;

    public int GetInt32(int ordinal) => Value(ordinal).GetInt32();

    public decimal GetDecimal(int ordinal) => Value(ordinal).GetDecimal();

    public bool GetBoolean(int ordinal) => Value(ordinal).GetBoolean();

    public string GetString(int ordinal) => Value(ordinal).GetString()
        ?? throw new InvalidOperationException($"Column {ordinal} of a report row is null.");

    public DateOnly GetDate(int ordinal) =>
        DateOnly.ParseExact(GetString(ordinal), "yyyy-MM-dd", CultureInfo.InvariantCulture);

    public string[] GetStrings(int ordinal) => [.. Value(ordinal).EnumerateArray().Select(e => e.GetString()!)];

    private JsonElement Value(int ordinal) =>
        ordinal >= 0 && ordinal < _values.Length
            ? _values[ordinal]
            : throw new ArgumentOutOfRangeException(nameof(ordinal), ordinal, $"A report row has {_values.Length} columns.");
}

/// <summary>
/// The figure queries of one report, run as one statement: <see cref="ReportSql.With"/>'s common table expressions once,
/// then each query as a subquery aggregated to a JSON array in its own column. So the participations of the period
/// (<c>p</c>), the scope's groups and referrals are computed once per report instead of once per query, and the report
/// is planned and sent once (ADR 0010).
/// </summary>
internal sealed class ReportFigures
{
    private readonly List<IFigure> _figures = [];

    private bool Ran { get; set; }

    /// <summary>
    /// A query whose rows become <typeparamref name="T"/>; <paramref name="orderBy"/> (over its output columns, alias
    /// <c>q</c>) when the order of its rows matters, since the order of a subquery is not kept by aggregation otherwise.
    /// </summary>
    public Figure<T> Add<T>(string select, Func<ReportRow, T> map, string? orderBy = null)
    {
        if (Ran)
        {
            throw new InvalidOperationException("The report's statement has run; no query can be added.");
        }

        var figure = new Figure<T>(select, orderBy, map);
        _figures.Add(figure);
        return figure;
    }

    /// <summary>The SELECT after the common table expressions: one JSON array column per query.</summary>
    public string Select() => "SELECT " + string.Join(
        ",\n",
        _figures.Select((f, i) =>
            $"(SELECT coalesce(json_agg(q{(f.OrderBy is null ? "" : " ORDER BY " + f.OrderBy)}), '[]'::json) FROM (\n{f.Sql}\n) AS q) AS figure_{i}"));

    /// <summary>Loads each query's rows from its column's JSON.</summary>
    public void Load(IReadOnlyList<string> columns)
    {
        if (columns.Count != _figures.Count)
        {
            throw new InvalidOperationException($"The report's statement returned {columns.Count} figures for {_figures.Count} queries.");
        }

        for (var i = 0; i < columns.Count; i++)
        {
            using var json = JsonDocument.Parse(columns[i]);
            _figures[i].Load(json.RootElement);
        }

        Ran = true;
    }

    private interface IFigure
    {
        string Sql { get; }

        string? OrderBy { get; }

        void Load(JsonElement rows);
    }

    /// <summary>One query's rows, available once the report's statement has run.</summary>
    public sealed class Figure<T>(string sql, string? orderBy, Func<ReportRow, T> map) : IFigure
    {
        private IReadOnlyList<T>? _rows;

        public string Sql { get; } = sql;

        public string? OrderBy { get; } = orderBy;

        public IReadOnlyList<T> Rows => _rows ?? throw new InvalidOperationException("The report's statement has not run yet.");

        /// <summary>The single row of a query that returns one.</summary>
        public T Single => Rows.Count == 1 ? Rows[0] : throw new InvalidOperationException($"A one-row figure returned {Rows.Count} rows.");

        void IFigure.Load(JsonElement rows) => _rows = [.. rows.EnumerateArray().Select(row => map(new ReportRow(row)))];
    }
}
