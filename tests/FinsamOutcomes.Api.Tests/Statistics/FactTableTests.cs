using FinsamOutcomes.Api.Features.Statistics.Projection;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.EventStore;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>
/// The typed rows of the projection: the columns <see cref="FactTable"/> declares are the migrated tables' own (the
/// binary COPY names them and sends each in its declared type), and the values a change is given become the
/// values the rows were stored with before they were typed (enumerations by snake_case name, lists as arrays).
/// </summary>
public sealed class FactTableTests : StatisticsTestBase
{
    private static readonly DateTimeOffset At = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    private static RecordedEvent Event(long position) =>
        new(position, (ulong)position, Guid.NewGuid(), "s", 1, "test", new object(), new EventMetadata("test", Guid.NewGuid()), "f1", At);

    [Fact]
    public async Task every_fact_table_declares_exactly_the_columns_and_types_of_the_migrated_table()
    {
        // the state of a batch holds its tables by ordinal
        Assert.Equal(Enumerable.Range(0, FactTable.All.Count), FactTable.All.Select(t => t.Ordinal));
        foreach (var table in FactTable.All)
        {
            await using var cmd = DataSource.CreateCommand("""
                SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod)
                FROM pg_attribute a
                WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
                ORDER BY a.attname
                """);
            cmd.Parameters.AddWithValue(table.Name);
            var stored = new List<string>();
            await using (var reader = await cmd.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    stored.Add(reader.GetString(0).Replace("timestamp with time zone", "timestamptz", StringComparison.Ordinal));
                }
            }

            Assert.Equal(stored, table.Columns.Select(c => $"{c.Name} {c.SqlType}").Order(StringComparer.Ordinal).ToList());
        }
    }

    [Fact]
    public void a_put_row_holds_enumerations_by_snake_case_name_lists_as_arrays_and_dates_as_dates()
    {
        var writer = new FactWriter();
        writer.Begin(Event(5));
        writer.Put(FactTable.Referrals, new { ReferralId = "r1", Gender = Gender.NonBinary, BirthYear = 1990, ReceivedOn = new DateOnly(2024, 2, 1), CapOverride = false });
        writer.Put(FactTable.Insatser, new { InsatsId = "i1", Kommuner = new List<string> { "K1", "K2" }, PlannedPerYear = (int?)null });

        var referral = writer.Ops[0].Row!;
        Assert.Equal(("r1", "non_binary", 1990, new DateOnly(2024, 2, 1), false), (
            referral[FactTable.Referrals.Column("referral_id").Index],
            referral[FactTable.Referrals.Column("gender").Index],
            referral[FactTable.Referrals.Column("birth_year").Index],
            referral[FactTable.Referrals.Column("received_on").Index],
            referral[FactTable.Referrals.Column("cap_override").Index]));
        var insats = writer.Ops[1].Row!;
        Assert.Equal(["K1", "K2"], Assert.IsType<string[]>(insats[FactTable.Insatser.Column("kommuner").Index]));
        Assert.Null(insats[FactTable.Insatser.Column("planned_per_year").Index]);
    }

    [Fact]
    public void a_value_of_the_wrong_type_or_an_unknown_column_is_refused_when_recorded()
    {
        var writer = new FactWriter();
        writer.Begin(Event(6));

        Assert.Throws<InvalidOperationException>(() => writer.Put(FactTable.Activities, new { ParticipationId = "p1", DurationMinutes = "sixty" }));
        Assert.Throws<InvalidOperationException>(() => writer.Put(FactTable.Activities, new { ParticipationId = "p1", Minutes = 60 }));
        Assert.Empty(writer.Ops);
    }
}
