using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>
/// The counts of a query grouped by <c>GROUPING SETS ((), (a), (b), (a, b))</c>, told apart by
/// <c>GROUPING(a, b)</c>: 3 the total, 1 a row total (by a), 2 a column total (by b), 0 a cell.
/// Totals come from PostgreSQL, counted over the rows, not summed from the parts.
/// </summary>
internal sealed class CrossTable(IEnumerable<(int Grouping, string? A, string? B, int Count)> groups)
{
    private readonly Dictionary<(int Grouping, string A, string B), int> _counts =
        groups.ToDictionary(g => (g.Grouping, g.A ?? "", g.B ?? ""), g => g.Count);

    public int Total => Get(3, "", "");

    public int RowTotal(string a) => Get(1, a, "");

    public int ColumnTotal(string b) => Get(2, "", b);

    public int Cell(string a, string b) => Get(0, a, b);

    /// <summary>The a-values present in the cells.</summary>
    public IEnumerable<string> Rows => _counts.Keys.Where(k => k.Grouping == 1).Select(k => k.A);

    public static GenderCounts Genders(Func<string, int> count) => new(
        count(Codes.Of(Gender.Woman)),
        count(Codes.Of(Gender.Man)),
        count(Codes.Of(Gender.NonBinary)),
        count(Codes.Of(Gender.NotStated)));

    /// <summary>For a table of some key (a) by gender (b): the row of one key.</summary>
    public GenderRow GenderRow(string a) => new(a, RowTotal(a), Genders(g => Cell(a, g)));

    /// <summary>For a table of some key (a) by gender (b): the total row.</summary>
    public GenderRow GenderTotal(string key) => new(key, Total, Genders(ColumnTotal));

    private int Get(int grouping, string a, string b) => _counts.GetValueOrDefault((grouping, a, b));
}
