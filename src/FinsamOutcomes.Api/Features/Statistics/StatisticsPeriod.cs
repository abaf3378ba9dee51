using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using FinsamOutcomes.Domain.Common;

namespace FinsamOutcomes.Api.Features.Statistics;

/// <summary>
/// A report period, both dates inclusive. Named periods: <c>2024</c> (year), <c>2024-H1</c>/<c>2024-H2</c>
/// (half years), <c>2024-T1</c>/<c>-T2</c>/<c>-T3</c> (tertials Jan–Apr, May–Aug, Sep–Dec), <c>2024-D</c>
/// (delår, Jan–Aug); any range as <c>2024-03-01..2024-06-30</c>.
/// </summary>
public sealed record StatisticsPeriod
{
    private StatisticsPeriod(DateOnly from, DateOnly to, string name)
    {
        From = from;
        To = to;
        Name = name;
    }

    public DateOnly From { get; }

    public DateOnly To { get; }

    /// <summary>The period's name in the parser's syntax; parsing it gives the same period.</summary>
    public string Name { get; }

    public static StatisticsPeriod Range(DateOnly from, DateOnly to) =>
        to < from
            ? throw new ArgumentException($"The period ends ({Iso(to)}) before it starts ({Iso(from)}).", nameof(to))
            : new(from, to, $"{Iso(from)}..{Iso(to)}");

    public static StatisticsPeriod Year(int year) => new(new(year, 1, 1), new(year, 12, 31), Text(year));

    /// <summary>Tertial 1 (Jan–Apr), 2 (May–Aug) or 3 (Sep–Dec).</summary>
    public static StatisticsPeriod Tertial(int year, int tertial) =>
        tertial is >= 1 and <= 3
            ? Months(year, (tertial - 1) * 4 + 1, 4, $"{Text(year)}-T{tertial}")
            : throw new ArgumentOutOfRangeException(nameof(tertial), tertial, "A year has tertials 1, 2 and 3.");

    /// <summary>Half year 1 (Jan–Jun) or 2 (Jul–Dec).</summary>
    public static StatisticsPeriod HalfYear(int year, int half) =>
        half is 1 or 2
            ? Months(year, (half - 1) * 6 + 1, 6, $"{Text(year)}-H{half}")
            : throw new ArgumentOutOfRangeException(nameof(half), half, "A year has half years 1 and 2.");

    /// <summary>Delår: January to August, the interim report's period.</summary>
    public static StatisticsPeriod Interim(int year) => Months(year, 1, 8, $"{Text(year)}-D");

    public static StatisticsPeriod Parse(string text) =>
        TryParse(text, out var period)
            ? period
            : throw new FormatException($"'{text}' is not a period: use 2024, 2024-H1, 2024-T2, 2024-D or 2024-03-01..2024-06-30.");

    public static bool TryParse(string? text, [NotNullWhen(true)] out StatisticsPeriod? period)
    {
        period = null;
        text = text?.Trim();
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var range = text.Split("..");
        if (range.Length == 2)
        {
            if (DateOnly.TryParseExact(range[0], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var from)
                && DateOnly.TryParseExact(range[1], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var to)
                && from <= to && InRange(from) && InRange(to))
            {
                period = Range(from, to);
            }

            return period is not null;
        }

        var parts = text.Split('-');
        if (parts[0].Length != 4 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var year)
            || year < Infrastructure.InputRules.MinDate.Year || year > Infrastructure.InputRules.MaxDate.Year)
        {
            return false;
        }

        period = parts switch
        {
            [_] => Year(year),
            [_, "D"] => Interim(year),
            [_, "H1"] => HalfYear(year, 1),
            [_, "H2"] => HalfYear(year, 2),
            [_, "T1"] => Tertial(year, 1),
            [_, "T2"] => Tertial(year, 2),
            [_, "T3"] => Tertial(year, 3),
            _ => null,
        };
        return period is not null;
    }

    /// <summary>True when the period is exactly one calendar year, half year or tertial (the kind a goal is set for).</summary>
    public bool IsWhole(GoalPeriod kind)
    {
        var months = kind switch
        {
            GoalPeriod.Year => 12,
            GoalPeriod.HalfYear => 6,
            GoalPeriod.Tertial => 4,
            _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
        };
        return From.Day == 1
            && (From.Month - 1) % months == 0
            && To == From.AddMonths(months).AddDays(-1);
    }

    private static StatisticsPeriod Months(int year, int firstMonth, int months, string name)
    {
        var from = new DateOnly(year, firstMonth, 1);
        return new(from, from.AddMonths(months).AddDays(-1), name);
    }

    /// <summary>Periods lie within the API's date range (1900–2199), so month arithmetic on them never overflows.</summary>
    private static bool InRange(DateOnly date) => date >= Infrastructure.InputRules.MinDate && date <= Infrastructure.InputRules.MaxDate;

    private static string Iso(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Text(int year) => year.ToString("D4", CultureInfo.InvariantCulture);
}
