using FinsamOutcomes.Api.Features.Statistics;

namespace FinsamOutcomes.Api.Tests.Statistics;

/// <summary>Checks that every table of a report adds up: parts to their totals, rows and columns to the grand total.</summary>
internal static class ReportAssert
{
    public static void AddsUp(StatisticsReport report)
    {
        var p = report.Participants;
        foreach (var figure in new[] { p.Active, p.New, p.Exited, p.ActiveAtEnd, p.PausedAtEnd })
        {
            Assert.Equal(figure.Total, Sum(figure.ByGender));
            Assert.Equal(figure.Total, figure.ByAgeBand.Sum(b => b.Count));
        }

        Assert.True(p.New.Total <= p.Active.Total && p.Exited.Total <= p.Active.Total && p.ActiveAtEnd.Total <= p.Active.Total);
        Assert.True(p.PausedAtEnd.Total <= p.ActiveAtEnd.Total);

        var exits = report.Exits;
        Assert.Equal(p.Exited.Total, exits.Total.Total);
        Assert.Equal(p.Exited.ByGender, exits.Total.ByGender);
        RowsAddUp(exits.Total, exits.ByCategory);
        Assert.Equal(exits.Total.Total, exits.ByReason.Sum(r => r.Total));
        Assert.All(exits.ByReason, r => Assert.Equal(r.Total, Sum(r.ByGender)));
        Assert.Equal(exits.Total.ByGender, Column(exits.ByReason.Select(r => r.ByGender)));
        SharesAddUp(exits.WorkOrStudies);
        SharesAddUp(exits.PositiveOutcome);
        Assert.Equal(exits.ByReason.Where(r => r.Positive).Sum(r => r.Total), exits.PositiveOutcome.Total.Numerator);

        TableAddsUp(report.BeforeAfter.Occupation, exits.Total.Total);
        TableAddsUp(report.BeforeAfter.MeansOfSupport, exits.Total.Total);

        Assert.Equal(exits.Total.Total, report.Time.InInsats.Count);
        Assert.True(report.UniqueIndividuals.Individuals <= report.UniqueIndividuals.Participations);
        Assert.Equal(p.Active.Total, report.UniqueIndividuals.Participations);

        var referrals = report.Referrals;
        RowsAddUp(referrals.Received, referrals.ReceivedByParty);
        Assert.Equal(referrals.Decisions, referrals.DecisionsByKind.Sum(d => d.Count));
        Assert.True(referrals.AwaitingCompletionAtEnd <= referrals.WaitingAtEnd);

        Assert.Equal(referrals.Received.Total, referrals.ReceivedShareByGender.Total.Numerator);
        Assert.Equal(referrals.Received.Total, new[] { referrals.ReceivedShareByGender.Woman, referrals.ReceivedShareByGender.Man, referrals.ReceivedShareByGender.NonBinary, referrals.ReceivedShareByGender.NotStated }.Sum(s => s.Numerator));

        var occupation = report.OccupationAtEnd;
        Assert.Equal(p.ActiveAtEnd.Total, occupation.ActiveAtEnd.Total);
        Assert.Equal(p.ActiveAtEnd.ByGender, occupation.ActiveAtEnd.ByGender);
        RowsAddUp(occupation.ActiveAtEnd, occupation.ByKind);
        SharesAddUp(occupation.InOccupation);
        SharesAddUp(occupation.InWorkOrStudies);
        Assert.Equal(occupation.ActiveAtEnd.Total, occupation.InOccupation.Total.Denominator);
        Assert.True(occupation.InWorkOrStudies.Total.Numerator <= occupation.InOccupation.Total.Numerator);

        var activities = report.Activities;
        RowsAddUp(activities.Occasions, activities.OccasionsByKind);
        Assert.Equal(activities.Participants.Total, Sum(activities.Participants.ByGender));
        Assert.All(activities.ParticipantsByKind, r =>
        {
            Assert.Equal(r.Total, Sum(r.ByGender));
            Assert.True(r.Total <= activities.Participants.Total);
        });
        Assert.True(activities.Participants.Total <= p.Active.Total);

        var background = report.Background;
        Assert.Equal(p.Active.Total, background.Participants.Total);
        Assert.Equal(p.Active.ByGender, background.Participants.ByGender);
        RowsAddUp(background.Participants, background.EducationAtStart);
        RowsAddUp(background.Participants, background.AgeBands);
        RowsAddUp(background.Participants, background.TimeOnSupportBefore);
        Assert.Equal(p.Active.ByAgeBand.Select(b => b.Count), background.AgeBands.Select(r => r.Total));
        Assert.Equal(p.New.Total, background.New.Total);
        RowsAddUp(background.New, background.ReferringPartyOfNew);

        var sus = report.SusGroups;
        Assert.Equal(exits.Total.Total, sus.Exits.Total);
        Assert.Equal(exits.Total.ByGender, sus.Exits.ByGender);
        RowsAddUp(sus.Exits, sus.ByGroupAtExit);
        RowsAddUp(sus.Exits, sus.ByGroupAtStart);
        TableAddsUp(sus.Transitions, exits.Total.Total);
        SharesAddUp(sus.WorkOrStudiesAtStart);
        SharesAddUp(sus.WorkOrStudiesAtExit);
        Assert.Equal(report.BeforeAfter.WorkingOrStudyingAtExit.Numerator, sus.WorkOrStudiesAtExit.Total.Numerator);
        Assert.Equal(report.BeforeAfter.WorkingOrStudyingAtStart.Numerator, sus.WorkOrStudiesAtStart.Total.Numerator);

        Assert.All(report.IntakePauses.Rows, r => Assert.InRange(r.DaysPaused, 0, report.IntakePauses.DaysInPeriod));

        var headCount = report.HeadCount;
        Assert.Equal(headCount.Attendees, Sum(headCount.AttendeesByGender));
        Assert.Equal(headCount.Occurrences, headCount.ByInsats.Sum(r => r.Occurrences));
        Assert.Equal(headCount.Attendees, headCount.ByInsats.Sum(r => r.Attendees));
        Assert.Equal(headCount.AttendeesByGender, Column(headCount.ByInsats.Select(r => r.AttendeesByGender)));
        Assert.All(headCount.ByInsats, r => Assert.Equal(r.Attendees, Sum(r.AttendeesByGender)));
    }

    public static int Sum(GenderCounts g) => g.Woman + g.Man + g.NonBinary + g.NotStated;

    private static GenderCounts Column(IEnumerable<GenderCounts> rows)
    {
        var all = rows.ToArray();
        return new(all.Sum(g => g.Woman), all.Sum(g => g.Man), all.Sum(g => g.NonBinary), all.Sum(g => g.NotStated));
    }

    private static void RowsAddUp(GenderRow total, IReadOnlyList<GenderRow> rows)
    {
        Assert.Equal(total.Total, Sum(total.ByGender));
        Assert.Equal(total.Total, rows.Sum(r => r.Total));
        Assert.Equal(total.ByGender, Column(rows.Select(r => r.ByGender)));
        Assert.All(rows, r => Assert.Equal(r.Total, Sum(r.ByGender)));
    }

    private static void SharesAddUp(GenderShares shares)
    {
        var parts = new[] { shares.Woman, shares.Man, shares.NonBinary, shares.NotStated };
        Assert.Equal(shares.Total.Numerator, parts.Sum(s => s.Numerator));
        Assert.Equal(shares.Total.Denominator, parts.Sum(s => s.Denominator));
        Assert.All(parts.Append(shares.Total), s => Assert.Equal(s.Denominator == 0, s.Value is null));
    }

    private static void TableAddsUp(TransitionTable table, int total)
    {
        Assert.Equal(total, table.Total);
        Assert.Equal(total, table.Rows.Sum(r => r.Total));
        Assert.Equal(total, table.AtExitTotals.Sum(c => c.Count));
        Assert.All(table.Rows, r => Assert.Equal(r.Total, r.AtExit.Sum(c => c.Count)));
        Assert.All(table.AtExitTotals, c => Assert.Equal(c.Count, table.Rows.Sum(r => r.AtExit.Single(x => x.Key == c.Key).Count)));
    }
}
