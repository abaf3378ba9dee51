using FinsamOutcomes.Api.Features.Demo;
using FinsamOutcomes.Domain.Beredningsgrupper;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Forbund;
using FinsamOutcomes.Domain.Insatser;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.Domain.Referrals;

namespace FinsamOutcomes.Benchmarks.National;

/// <summary>One append of the generated log: events for one stream, in one transaction.</summary>
internal sealed record GeneratedAppend(string StreamId, string StreamType, string ForbundId, IReadOnlyList<object> Events, bool Structural);

/// <summary>
/// Ten years (2016–2025) of a country's samordningsförbund, month by month, drawn from one seed: 80 förbund of
/// very different sizes with their kommuner and parts, individual insatser (identified and anonymous follow-up,
/// some with goals that are later revised or removed, some closed, some pausing intake) and one head-count
/// insats each with monthly occurrences, a beredningsgrupp per förbund whose insatser change as insatser start,
/// referrals with every decision (accepted, rejected, returned, completion requested, withdrawn, still waiting),
/// participations with activities, pauses, occupation changes and exits of every reason, later corrections of
/// exits, enrolments and occupation changes, registrations in error, and two mergers (2020 and 2023) whose
/// insatser are transferred to the new förbund. No personnummer and no names of people: participants are
/// pseudonymous ids, so the vault stays empty.
/// <para>
/// A participation's own events (enrolment, activities, pauses, occupation changes, exit) are appended as one
/// stream in one append on the month of its enrolment; corrections and registrations in error come later in
/// the log, on the month they are dated. The same seed and scale give the same appends in the same order.
/// </para>
/// </summary>
internal sealed class NationalGenerator
{
    public static readonly DateOnly FirstDay = new(2016, 1, 1);
    public static readonly DateOnly LastDay = new(2025, 12, 31);
    public const int ForbundCount = 80;

    /// <summary>New participations per month of a förbund of weight 1 at scale 1.</summary>
    private const double ParticipationsPerWeightMonth = 1.0;

    private static readonly (string Predecessor1, string Predecessor2, string Successor, DateOnly On)[] Mergers =
    [
        ("f79", "f80", "f81", new DateOnly(2020, 1, 1)),
        ("f77", "f78", "f82", new DateOnly(2023, 1, 1)),
    ];

    private readonly Random _random;
    private readonly double _scale;
    private readonly List<ForbundModel> _forbund = [];
    private readonly PriorityQueue<Func<IEnumerable<GeneratedAppend>>, (DateOnly On, long Serial)> _scheduled = new();
    private readonly Dictionary<string, List<string>> _groupInsatser = [];
    private long _serial;
    private long _participations;
    private long _referrals;
    private long _participants;

    public NationalGenerator(int seed, double scale)
    {
        _random = new Random(seed);
        _scale = scale;
    }

    /// <summary>Every month's appends, oldest first; the first list sets up the förbund before 2016.</summary>
    public IEnumerable<IReadOnlyList<GeneratedAppend>> Months()
    {
        yield return SetUp();
        for (var month = FirstDay; month <= LastDay; month = month.AddMonths(1))
        {
            yield return Month(month, month.AddMonths(1).AddDays(-1));
        }

        // corrections dated after the last day
        var (structural, rest) = Due(DateOnly.MaxValue);
        yield return [.. structural, .. rest];
    }

    private List<GeneratedAppend> SetUp()
    {
        var appends = new List<GeneratedAppend>();
        for (var n = 1; n <= ForbundCount; n++)
        {
            // sizes spread about twentyfold, as between the smallest and largest förbund
            var weight = Math.Exp(Normal() * 0.8);
            var kommuner = Enumerable.Range(1, 1 + _random.Next(7)).Select(k => $"k{n:00}{k}").ToArray();
            var forbund = new ForbundModel($"f{n:00}", $"Samordningsförbundet {n:00}", weight, kommuner);
            _forbund.Add(forbund);
            appends.Add(RegisterForbund(forbund, new DateOnly(2015, 12, 1), formedFrom: null));
            var individual = 2 + (int)Math.Round(Math.Min(8, weight * 2.5));
            for (var i = 1; i <= individual; i++)
            {
                // half run from the start, the others start later; some end
                var start = i <= (individual + 1) / 2 ? FirstDay : Date(FirstDay.AddMonths(6), new DateOnly(2024, 6, 1));
                start = new DateOnly(start.Year, start.Month, 1);
                var insats = NewInsats(forbund, i, start);
                if (start == FirstDay)
                {
                    appends.Add(RegisterInsats(insats));
                }
                else
                {
                    // registered by whoever owns it then (a merger may come first)
                    Schedule(start.AddDays(-1), () => RegisterInsats(insats));
                }
            }

            var headCount = new InsatsModel($"{forbund.Id}-s1", forbund, forbund.Kommuner, FirstDay, null, 18, 67, FollowUpMode.HeadCount);
            forbund.HeadCount = headCount;
            appends.Add(RegisterInsats(headCount));
        }

        foreach (var forbund in _forbund)
        {
            appends.Add(RegisterGroup(forbund, $"{forbund.Id}-bg1", FirstDay));
        }

        foreach (var (p1, p2, successor, on) in Mergers)
        {
            _scheduled.Enqueue(() => Merge(p1, p2, successor, on), (on.AddDays(-1), _serial++));
        }

        return appends;
    }

    private InsatsModel NewInsats(ForbundModel forbund, int number, DateOnly start)
    {
        var youth = _random.Next(5) == 0;
        var kommuner = _random.Next(10) < 6 ? forbund.Kommuner : forbund.Kommuner.OrderBy(_ => _random.Next()).Take(1 + _random.Next(2)).ToArray();
        DateOnly? end = _random.Next(5) == 0 ? start.AddYears(2 + _random.Next(4)).AddDays(-1) : null;
        if (end > LastDay)
        {
            end = null;
        }

        var insats = new InsatsModel(
            $"{forbund.Id}-i{number:00}", forbund, kommuner, start, end, youth ? 16 : 18, youth ? 29 : 64,
            _random.Next(100) < 85 ? FollowUpMode.PerPersonIdentified : FollowUpMode.PerPersonAnonymous);
        forbund.Insatser.Add(insats);
        return insats;
    }

    private GeneratedAppend RegisterForbund(ForbundModel forbund, DateOnly on, IReadOnlyList<string>? formedFrom)
    {
        var events = new List<object> { new ForbundRegistered(forbund.Id, forbund.Name, on), new ExitReasonsSet(forbund.Id, ForbundAggregate.DefaultExitReasons) };
        if (formedFrom is not null)
        {
            events.Add(new ForbundFormedByMerger(forbund.Id, formedFrom, on));
        }

        events.Add(new MemberJoined(forbund.Id, "fk", MemberKind.Fk, "Försäkringskassan", on));
        events.Add(new MemberJoined(forbund.Id, "af", MemberKind.Af, "Arbetsförmedlingen", on));
        events.Add(new MemberJoined(forbund.Id, "region", MemberKind.Region, $"Region {forbund.Id}", on));
        events.AddRange(forbund.Kommuner.Select(k => new MemberJoined(forbund.Id, k, MemberKind.Kommun, $"Kommun {k}", on)));
        return Append("forbund", forbund.Id, forbund.Id, events, structural: true);
    }

    private GeneratedAppend RegisterInsats(InsatsModel insats)
    {
        var headCount = insats.FollowUp == FollowUpMode.HeadCount;
        var events = new List<object>
        {
            new InsatsRegistered(
                insats.Id, insats.Owner.Id, headCount ? $"Utbildningsdagar {insats.Id}" : $"Insats {insats.Id}", "Genererad insats",
                headCount ? InsatsKind.Structural : InsatsKind.Individual, insats.Kommuner, insats.Start, insats.End,
                new TargetGroup(insats.MinAge, insats.MaxAge, $"{insats.MinAge}–{insats.MaxAge} år"), insats.FollowUp,
                headCount ? null : 20 + _random.Next(200)),
        };
        if (!headCount)
        {
            if (_random.Next(10) < 6)
            {
                events.AddRange(Goals(insats));
            }

            if (insats.End is { } end)
            {
                Schedule(end, Append("insats", insats.Id, insats.Owner.Id, [new InsatsClosed(insats.Id, end)], structural: true));
            }

            // a group takes in from an insats once it starts
            if (insats.Start > FirstDay)
            {
                Schedule(insats.Start.AddDays(-1), () => ChangeGroup(insats.Owner, insats.Start));
            }
        }

        return Append("insats", insats.Id, insats.Owner.Id, events, structural: true);
    }

    private IEnumerable<object> Goals(InsatsModel insats)
    {
        var goals = new (string Id, GoalMetric Metric, GoalComparison Comparison, decimal Threshold, GoalPeriod Period)[]
        {
            ("arbete-studier", GoalMetric.ShareExitsToWorkOrStudies, GoalComparison.AtLeast, 30 + _random.Next(20), GoalPeriod.Year),
            ("nya-deltagare", GoalMetric.NewParticipants, GoalComparison.AtLeast, 10 + _random.Next(60), GoalPeriod.Year),
            ("aktivitet-30", GoalMetric.ShareFirstActivityWithin30Days, GoalComparison.AtLeast, 50 + _random.Next(30), GoalPeriod.Year),
            ("positivt", GoalMetric.SharePositiveOutcome, GoalComparison.AtLeast, 35 + _random.Next(20), GoalPeriod.HalfYear),
            ("aktiva", GoalMetric.ActiveParticipants, GoalComparison.AtMost, 40 + _random.Next(80), GoalPeriod.Tertial),
        };
        foreach (var goal in goals.OrderBy(_ => _random.Next()).Take(1 + _random.Next(3)))
        {
            yield return new InsatsGoalSet(insats.Id, goal.Id, goal.Metric, goal.Comparison, goal.Threshold, goal.Period, $"Mål {goal.Id}");
            var later = insats.Start.AddDays(365 + _random.Next(1500));
            if (later < LastDay && _random.Next(10) == 0)
            {
                // revised, or dropped
                object change = _random.Next(3) == 0
                    ? new InsatsGoalRemoved(insats.Id, goal.Id)
                    : new InsatsGoalSet(insats.Id, goal.Id, goal.Metric, goal.Comparison, goal.Threshold + 5, goal.Period, $"Mål {goal.Id} (reviderat)");
                Schedule(later, () => Append("insats", insats.Id, insats.Owner.Id, [change], structural: true));
            }
        }
    }

    private GeneratedAppend RegisterGroup(ForbundModel forbund, string groupId, DateOnly on)
    {
        forbund.GroupId = groupId;
        var insatser = GroupInsatser(forbund, on);
        _groupInsatser[groupId] = insatser;
        var cap = Math.Max(2, (int)Math.Round(forbund.Weight * 3));
        var twoWeeks = _random.Next(6) == 0;
        return Append("beredningsgrupp", groupId, forbund.Id,
            [new BeredningsgruppRegistered(groupId, forbund.Id, $"Beredningsgruppen {forbund.Id}", insatser, cap, twoWeeks ? 2 : 1, twoWeeks ? new DateOnly(2015, 12, 28) : null)],
            structural: true);
    }

    private GeneratedAppend? ChangeGroup(ForbundModel forbund, DateOnly on)
    {
        if (forbund.GroupId is not { } groupId || !forbund.Active)
        {
            return null;
        }

        var insatser = GroupInsatser(forbund, on);
        if (insatser.SequenceEqual(_groupInsatser[groupId]))
        {
            return null;
        }

        _groupInsatser[groupId] = insatser;
        return Append("beredningsgrupp", groupId, forbund.Id,
            [new BeredningsgruppChanged(groupId, insatser, Math.Max(2, (int)Math.Round(forbund.Weight * 3)) + _random.Next(2))], structural: true);
    }

    private static List<string> GroupInsatser(ForbundModel forbund, DateOnly on) =>
        [.. forbund.Insatser.Where(i => i.Start <= on && (i.End is null || i.End >= on)).Select(i => i.Id).Order(StringComparer.Ordinal)];

    private List<GeneratedAppend> Merge(string p1, string p2, string successorId, DateOnly on)
    {
        var predecessors = _forbund.Where(f => f.Id == p1 || f.Id == p2).ToArray();
        var successor = new ForbundModel(successorId, $"Samordningsförbundet {successorId}", predecessors.Sum(f => f.Weight), [.. predecessors.SelectMany(f => f.Kommuner)]);
        _forbund.Add(successor);
        var appends = new List<GeneratedAppend> { RegisterForbund(successor, on, [p1, p2]) };
        foreach (var predecessor in predecessors)
        {
            predecessor.Active = false;
            appends.Add(Append("forbund", predecessor.Id, predecessor.Id, [new ForbundMergedInto(predecessor.Id, successorId, on)], structural: true));
            foreach (var insats in predecessor.Insatser.Where(i => i.End is null || i.End >= on))
            {
                // one that starts later is registered by the successor
                if (insats.Start <= on)
                {
                    appends.Add(Append("insats", insats.Id, successorId, [new InsatsTransferred(insats.Id, predecessor.Id, successorId, on)], structural: true));
                }

                insats.Owner = successor;
                successor.Insatser.Add(insats);
            }

            if (predecessor.HeadCount is { } headCount)
            {
                appends.Add(Append("insats", headCount.Id, successorId, [new InsatsTransferred(headCount.Id, predecessor.Id, successorId, on)], structural: true));
                headCount.Owner = successor;
                successor.HeadCount ??= headCount;
            }
        }

        appends.Add(RegisterGroup(successor, $"{successorId}-bg1", on));
        return appends;
    }

    private List<GeneratedAppend> Month(DateOnly first, DateOnly last)
    {
        var (structural, corrections) = Due(last);
        var people = new List<(DateOnly On, long Serial, List<GeneratedAppend> Appends)>();
        var growth = 1 + ((first.Year - FirstDay.Year) * 0.04);
        var season = first.Month switch { 7 => 0.4, 8 => 0.8, 12 => 0.7, 1 => 1.1, _ => 1.0 };
        foreach (var forbund in _forbund.Where(f => f.Active))
        {
            if (forbund.HeadCount is { } headCount)
            {
                structural.Add(Occurrence(headCount, Date(first, last)));
            }

            MaybePauseIntake(forbund, first);
            var count = Poisson(_scale * ParticipationsPerWeightMonth * forbund.Weight * growth * season);
            for (var n = 0; n < count; n++)
            {
                var day = Date(first, last);
                people.Add((day, _serial++, Person(forbund, day)));
            }
        }

        // the month's insatser, groups and mergers first, then corrections, then new people in date order
        return [.. structural, .. corrections, .. people.OrderBy(p => p.On).ThenBy(p => p.Serial).SelectMany(p => p.Appends)];
    }

    /// <summary>What was scheduled up to a day: structural appends, and the rest.</summary>
    private (List<GeneratedAppend> Structural, List<GeneratedAppend> Other) Due(DateOnly last)
    {
        var structural = new List<GeneratedAppend>();
        var other = new List<GeneratedAppend>();
        while (_scheduled.TryPeek(out _, out var key) && key.On <= last)
        {
            foreach (var append in _scheduled.Dequeue()())
            {
                (append.Structural ? structural : other).Add(append);
            }
        }

        return (structural, other);
    }

    private void MaybePauseIntake(ForbundModel forbund, DateOnly first)
    {
        if (_random.Next(100) >= 2)
        {
            return;
        }

        var on = first.AddDays(_random.Next(20));
        var resume = on.AddDays(14 + _random.Next(50));
        var insats = forbund.Insatser.Where(i => i.Start <= on && (i.End is null || i.End > resume)).ToArray();
        if (_random.Next(2) == 0 && insats.Length > 0)
        {
            var paused = insats[_random.Next(insats.Length)];
            Schedule(on, Append("insats", paused.Id, forbund.Id, [new InsatsIntakePaused(paused.Id, on, IntakePauseReason.InflowExceedsOutflow)], structural: true));
            Schedule(resume, () => Append("insats", paused.Id, paused.Owner.Id, [new InsatsIntakeResumed(paused.Id, resume)], structural: true));
        }
        else if (forbund.GroupId is { } group)
        {
            Schedule(on, Append("beredningsgrupp", group, forbund.Id, [new BeredningsgruppIntakePaused(group, on, IntakePauseReason.Staffing)], structural: true));
            Schedule(resume, () => Append("beredningsgrupp", group, forbund.Id, [new BeredningsgruppIntakeResumed(group, resume)], structural: true));
        }
    }

    private GeneratedAppend Occurrence(InsatsModel insats, DateOnly on) =>
        Append("insats", insats.Id, insats.Owner.Id,
            [new OccurrenceRecorded(insats.Id, $"{insats.Id}-o{on:yyyyMMdd}-{_serial++}", on, "Utbildningsdag", _random.Next(3, 30), _random.Next(1, 15), _random.Next(0, 2), _random.Next(0, 3))],
            structural: true);

    /// <summary>A person's referral (if any) and participation (if enrolled), as their appends.</summary>
    private List<GeneratedAppend> Person(ForbundModel forbund, DateOnly referredOn)
    {
        var appends = new List<GeneratedAppend>();
        var open = forbund.Insatser.Where(i => i.Start <= referredOn && (i.End is null || i.End >= referredOn)).ToArray();
        if (open.Length == 0)
        {
            return appends;
        }

        var insats = open[_random.Next(open.Length)];
        var gender = Pick((Gender.Woman, 52), (Gender.Man, 44), (Gender.NonBinary, 1), (Gender.NotStated, 3));
        var age = _random.Next(insats.MinAge, insats.MaxAge + 1);
        var participant = $"pt{++_participants:D8}";
        var birthYear = referredOn.Year - age;
        var again = _random.Next(20) == 0 && forbund.RecentPeople.Count > 0 ? forbund.RecentPeople[_random.Next(forbund.RecentPeople.Count)] : null;
        if (again is not null && !again.Insatser.Contains(insats.Id))
        {
            // the same person again, in another insats (never twice in one: one person is active in an insats once at most)
            (participant, gender, birthYear) = (again.Id, again.Gender, again.BirthYear);
            age = referredOn.Year - birthYear;
            again.Insatser.Add(insats.Id);
        }
        else
        {
            forbund.Remember(new PersonModel(participant, gender, birthYear, [insats.Id]));
        }

        string? referralId = null;
        ReferringParty? directParty = null;
        var enrolOn = referredOn;
        var party = Pick((ReferringParty.Af, 30), (ReferringParty.Fk, 25), (ReferringParty.Region, 15), (ReferringParty.KommunSocialAssistance, 18),
            (ReferringParty.KommunSocialServices, 7), (ReferringParty.KommunLabourMarket, 4), (ReferringParty.Other, 1));
        if (forbund.GroupId is { } group && _random.Next(10) < 7)
        {
            referralId = $"r{++_referrals:D8}";
            var referral = new List<object> { new ReferralReceived(referralId, forbund.Id, group, participant, party, referredOn, gender, birthYear) };
            var decidedOn = referredOn.AddDays(_random.Next(3, 25));
            var decision = Pick(("accept", 76), ("reject", 8), ("return", 7), ("completion", 6), ("withdraw", 2), ("waiting", 1));
            if (decision == "completion")
            {
                referral.Add(new ReferralCompletionRequested(referralId, decidedOn, "Underlag saknas"));
                decidedOn = decidedOn.AddDays(7 + _random.Next(21));
                decision = _random.Next(5) == 0 ? "withdraw" : "accept";
            }

            var waiting = decision == "waiting" || decidedOn > LastDay;
            if (!waiting)
            {
                referral.Add(decision switch
                {
                    "accept" => new ReferralAccepted(referralId, insats.Id, decidedOn, _random.Next(30) == 0 ? "Akut behov" : null),
                    "reject" => new ReferralRejected(referralId, decidedOn, "Tillhör inte målgruppen"),
                    "return" => new ReferralReturned(referralId, decidedOn, "Behöver först medicinsk utredning"),
                    _ => new ReferralWithdrawn(referralId, decidedOn, "Har fått arbete"),
                });
            }

            appends.Add(Append("referral", referralId, forbund.Id, referral, structural: false));
            if (waiting || decision != "accept")
            {
                return appends;
            }

            enrolOn = decidedOn.AddDays(_random.Next(0, 21));
        }
        else
        {
            directParty = _random.Next(10) == 0 ? null : party;
        }

        if (enrolOn > LastDay)
        {
            return appends;
        }

        appends.AddRange(Participation(insats, participant, referralId, directParty, enrolOn, gender, birthYear, enrolOn.Year - birthYear));
        return appends;
    }

    private List<GeneratedAppend> Participation(
        InsatsModel insats, string participant, string? referralId, ReferringParty? directParty, DateOnly enrolOn, Gender gender, int birthYear, int age)
    {
        var id = $"p{++_participations:D8}";
        var forbundId = insats.Owner.Id;
        var baseline = new Baseline(
            Pick((MeansOfSupport.SocialAssistance, 30), (MeansOfSupport.SicknessBenefit, 20), (MeansOfSupport.ActivityCompensation, 15),
                (MeansOfSupport.UnemploymentBenefit, 15), (MeansOfSupport.None, 10), (MeansOfSupport.SicknessCompensation, 5), (MeansOfSupport.EstablishmentBenefit, 5)),
            Pick((Occupation.None, 60), (Occupation.JobSeeking, 30), (Occupation.Studying, 5), (Occupation.Working, 5)),
            Pick((EducationLevel.PrimaryNotCompleted, 10), (EducationLevel.Primary, 25), (EducationLevel.UpperSecondary, 40), (EducationLevel.PostSecondary, 15),
                (EducationLevel.OtherOrForeign, 5), (EducationLevel.Unknown, 5)),
            insats.Kommuner[_random.Next(insats.Kommuner.Count)],
            _random.Next(8) == 0 ? null : _random.Next(1, 150),
            _random.Next(8) == 0 ? null : _random.Next(3) == 0);
        var identified = insats.FollowUp == FollowUpMode.PerPersonIdentified && _random.Next(10) < 8;
        var outOfAge = age < insats.MinAge || age > insats.MaxAge;
        var events = new List<object>
        {
            new ParticipantEnrolled(id, insats.Id, participant, referralId, enrolOn, gender, birthYear, age, baseline, identified,
                outOfAge ? "Samma person i ny insats" : null, referralId is null ? directParty : null),
        };

        // time in insats: lognormal around half a year; some stay past the last day
        var days = (int)Math.Clamp(Math.Exp(5.2 + (Normal() * 0.7)), 14, 1100);
        var exitOn = enrolOn.AddDays(days);
        var end = exitOn <= LastDay ? exitOn : LastDay;
        var every = _random.Next(4, 15);
        var pauseFrom = _random.Next(8) == 0 ? enrolOn.AddDays(_random.Next(20, Math.Max(21, days - 30))) : (DateOnly?)null;
        var pauseTo = pauseFrom?.AddDays(10 + _random.Next(50));
        if (pauseTo >= end)
        {
            pauseFrom = pauseTo = null;
        }

        var activityNumber = 0;
        for (var day = enrolOn.AddDays(_random.Next(0, 46)); day <= end; day = day.AddDays(Math.Max(1, every + _random.Next(-3, 4))))
        {
            if (pauseFrom is { } from && day == from)
            {
                events.Add(new ParticipationPaused(id, from, Pick((PauseReason.IllHealth, 6), (PauseReason.ParentalLeave, 2), (PauseReason.Other, 2))));
            }

            if (pauseFrom <= day && day < pauseTo)
            {
                continue;
            }

            if (pauseTo is { } to && day >= to && pauseFrom is not null)
            {
                events.Add(new ParticipationResumed(id, to));
                pauseFrom = pauseTo = null;
            }

            events.Add(new ActivityRecorded(id, $"{id}-a{++activityNumber}",
                Pick((ActivityKind.IndividualMeeting, 40), (ActivityKind.PhoneContact, 15), (ActivityKind.GroupActivity, 15), (ActivityKind.WorkTraining, 12),
                    (ActivityKind.Internship, 5), (ActivityKind.Studies, 5), (ActivityKind.HealthTalk, 5), (ActivityKind.Other, 3)),
                day, Pick((30, 2), (60, 5), (90, 2), (180, 1))));
            if (_random.Next(60) == 0 && day.AddDays(1) < end)
            {
                var kind = Pick((OccupationKind.WorkTraining, 30), (OccupationKind.Internship, 20), (OccupationKind.JobSeeking, 15), (OccupationKind.SubsidisedEmployment, 12),
                    (OccupationKind.Studies, 10), (OccupationKind.PaidWork, 10), (OccupationKind.None, 3));
                var changeId = $"{id}-c{activityNumber}";
                var extent = kind is OccupationKind.None or OccupationKind.JobSeeking ? (int?)null : Pick((25, 3), (50, 4), (75, 2), (100, 3));
                events.Add(new OccupationChanged(id, changeId, day.AddDays(1), kind, extent));
                if (_random.Next(30) == 0)
                {
                    Schedule(day.AddDays(20), Later(forbundId, id,
                        new OccupationChangeCorrected(id, changeId, day.AddDays(1), kind, extent is null ? null : Math.Min(100, extent.Value + 25), "Fel omfattning")));
                }
            }
        }

        if (pauseFrom is not null && pauseTo is { } resumed && resumed <= end)
        {
            events.Add(new ParticipationResumed(id, resumed));
        }

        if (exitOn <= LastDay)
        {
            var (reason, support, occupation) = ExitReason();
            var category = ForbundAggregate.DefaultExitReasons.Single(r => r.Code == reason).Category;
            events.Add(new ParticipantExited(id, exitOn, reason, category, support, occupation));
            if (_random.Next(25) == 0)
            {
                var (corrected, correctedSupport, correctedOccupation) = ExitReason();
                var correctedCategory = ForbundAggregate.DefaultExitReasons.Single(r => r.Code == corrected).Category;
                Schedule(exitOn.AddDays(5 + _random.Next(40)), Later(forbundId, id,
                    new ExitCorrected(id, exitOn, corrected, correctedCategory, correctedSupport, correctedOccupation, "Fel avslutsorsak registrerad")));
            }
        }

        if (_random.Next(50) == 0)
        {
            Schedule(enrolOn.AddDays(3 + _random.Next(40)), Later(forbundId, id,
                new EnrolmentCorrected(id, enrolOn, baseline with { MeansOfSupport = MeansOfSupport.SicknessBenefit }, "Fel försörjning vid start")));
        }

        if (_random.Next(100) == 0)
        {
            Schedule(enrolOn.AddDays(1 + _random.Next(60)), Later(forbundId, id, new ParticipationRegisteredInError(id, "Registrerad på fel person")));
        }

        return [Append("participation", id, forbundId, events, structural: false)];
    }

    private (string Reason, MeansOfSupport Support, Occupation Occupation) ExitReason() => Pick(
        (("arbete_osubventionerat", MeansOfSupport.Salary, Occupation.Working), 14), (("arbete_subventionerat", MeansOfSupport.Salary, Occupation.Working), 12),
        (("eget_foretag", MeansOfSupport.None, Occupation.Working), 2), (("studier", MeansOfSupport.Other, Occupation.Studying), 13),
        (("folkhogskola", MeansOfSupport.Other, Occupation.Studying), 6), (("aterremiss_af", MeansOfSupport.UnemploymentBenefit, Occupation.JobSeeking), 14),
        (("aterremiss_fk", MeansOfSupport.SicknessBenefit, Occupation.None), 8), (("aterremiss_kommun", MeansOfSupport.SocialAssistance, Occupation.None), 8),
        (("aterremiss_region", MeansOfSupport.SicknessBenefit, Occupation.None), 4), (("flyttat", MeansOfSupport.SocialAssistance, Occupation.None), 4),
        (("ohalsa", MeansOfSupport.SicknessBenefit, Occupation.None), 6), (("avbrutit", MeansOfSupport.SocialAssistance, Occupation.None), 5),
        (("aktivitetsersattning", MeansOfSupport.ActivityCompensation, Occupation.None), 1), (("daglig_sysselsattning", MeansOfSupport.ActivityCompensation, Occupation.None), 2),
        (("avliden", MeansOfSupport.None, Occupation.None), 0), (("okant", MeansOfSupport.Other, Occupation.None), 1));

    /// <summary>A later correction of a participation (its own append, dated when it is made).</summary>
    private GeneratedAppend Later(string forbundId, string participationId, object correction) =>
        Append("participation", participationId, forbundId, [correction], structural: false);

    private GeneratedAppend Append(string kind, string id, string forbundId, IReadOnlyList<object> events, bool structural) =>
        new($"{kind}-{id}", kind, forbundId, events, structural);

    private void Schedule(DateOnly on, GeneratedAppend append) => _scheduled.Enqueue(() => [append], (on, _serial++));

    /// <summary>Schedules an append decided only when its day comes (a group's insatser then, an insats's owner then).</summary>
    private void Schedule(DateOnly on, Func<GeneratedAppend?> later) =>
        _scheduled.Enqueue(() => later() is { } append ? [append] : [], (on, _serial++));

    private int Poisson(double mean)
    {
        if (mean > 30)
        {
            return Math.Max(0, (int)Math.Round(mean + (Normal() * Math.Sqrt(mean))));
        }

        var limit = Math.Exp(-mean);
        var k = 0;
        for (var p = _random.NextDouble(); p > limit; p *= _random.NextDouble())
        {
            k++;
        }

        return k;
    }

    private double Normal() => Math.Sqrt(-2 * Math.Log(1 - _random.NextDouble())) * Math.Cos(2 * Math.PI * _random.NextDouble());

    private DateOnly Date(DateOnly from, DateOnly to) => from.AddDays(_random.Next(to.DayNumber - from.DayNumber + 1));

    private T Pick<T>(params (T Value, int Weight)[] choices) => _random.Pick(choices);

    private sealed record PersonModel(string Id, Gender Gender, int BirthYear, HashSet<string> Insatser);

    private sealed class ForbundModel(string id, string name, double weight, IReadOnlyList<string> kommuner)
    {
        private readonly List<PersonModel> _recent = [];

        public string Id => id;

        public string Name => name;

        public double Weight => weight;

        public IReadOnlyList<string> Kommuner => kommuner;

        public List<InsatsModel> Insatser { get; } = [];

        public InsatsModel? HeadCount { get; set; }

        public string? GroupId { get; set; }

        public bool Active { get; set; } = true;

        public IReadOnlyList<PersonModel> RecentPeople => _recent;

        public void Remember(PersonModel person)
        {
            if (_recent.Count >= 500)
            {
                _recent.RemoveAt(0);
            }

            _recent.Add(person);
        }
    }

    private sealed class InsatsModel(string id, ForbundModel owner, IReadOnlyList<string> kommuner, DateOnly start, DateOnly? end, int minAge, int maxAge, FollowUpMode followUp)
    {
        public string Id => id;

        public ForbundModel Owner { get; set; } = owner;

        public IReadOnlyList<string> Kommuner => kommuner;

        public DateOnly Start => start;

        public DateOnly? End => end;

        public int MinAge => minAge;

        public int MaxAge => maxAge;

        public FollowUpMode FollowUp => followUp;
    }
}
