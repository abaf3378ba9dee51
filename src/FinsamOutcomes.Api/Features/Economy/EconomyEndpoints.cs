using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Economy;
using FluentValidation;
using FluentValidation.Results;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Economy;

public sealed record ContributionRequest(decimal Amount);

public sealed record OtherIncomeRequest(string Source, string Description, decimal Amount, string? InsatsId = null);

public sealed record BudgetLineRequest(LineType Type, string Description, decimal Amount, string? InsatsId = null, int? PlannedParticipants = null);

public sealed record BudgetRequest(DateOnly AdoptedOn, string Reason, IReadOnlyList<BudgetLineRequest> Lines);

/// <summary>An outcome for one month (1–12) or one tertial (1–3); insatsId empty for administration.</summary>
public sealed record OutcomeRequest(LineType Type, string Account, string Description, decimal Amount, int? Month = null, int? Tertial = null, string? InsatsId = null, string? EntryId = null);

public sealed record OutcomeCorrectionRequest(decimal Amount, string Reason);

public sealed record OpeningEquityRequest(decimal Amount);

public sealed record CloseYearRequest(DateOnly ClosedOn);

public sealed record CostCentreRequest(string CostCentre, LineType Type, string? InsatsId = null);

public sealed record CostCentresRequest(IReadOnlyList<CostCentreRequest> Mappings);

/// <summary>
/// GET  /api/economy/{forbundId}/{year}                                  the year as recorded: contributions, other income, every budget revision, outcomes, imports, equity, closing
/// PUT  /api/economy/{forbundId}/{year}/contributions/{memberId}         a member's contribution (medlemsbidrag) for the year
/// PUT  /api/economy/{forbundId}/{year}/other-income/{incomeId}          other income (ESF, project grants)
/// POST /api/economy/{forbundId}/{year}/budget                           adopt the budget, or revise it (each call is a new revision)
/// POST /api/economy/{forbundId}/{year}/outcomes                         an outcome (utfall) for a month or tertial
/// POST /api/economy/{forbundId}/{year}/outcomes/{entryId}/correction    correct a recorded outcome's amount
/// POST /api/economy/{forbundId}/{year}/imports?dryRun=&amp;fileName=          import an accounting export (CSV or xlsx body)
/// PUT  /api/economy/{forbundId}/{year}/opening-equity                   eget kapital at the start of the year
/// POST /api/economy/{forbundId}/{year}/close                            close the year (result and closing eget kapital)
/// GET  /api/economy/{forbundId}/cost-centres                            the cost-centre mapping
/// PUT  /api/economy/{forbundId}/cost-centres                            replace the cost-centre mapping
/// GET  /api/economy/{forbundId}/{year}/report?period=&amp;format=json|csv     financing, driftredovisning, insats vs administration, eget kapital, cost per participant
/// GET  /api/economy/{forbundId}/{year}/uppfoljning-finsam?format=csv|json|xlsx  the figures Försäkringskassan's Uppföljning Finsam asks for
/// GET  /api/economy/compilation/{year}?format=json|csv                  the national compilation: one row per förbund (national readers)
/// POST /api/economy/{forbundId}/{year}/frozen, GET /api/economy/frozen/{id}[/comparison]   frozen economy reports and what changed since (FrozenEconomyReports)
/// Writes: the förbund's administrator or economist. Reads: those and its analysts. The compilation: national readers and administrators.
/// </summary>
public static class EconomyEndpoints
{
    public static void MapEconomy(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/economy").WithTags("Economy");
        group.MapGet("/compilation/{year:int}", EconomyReportEndpoints.Compilation);
        group.MapGet("/{forbundId}/cost-centres", GetCostCentres);
        group.MapPut("/{forbundId}/cost-centres", SetCostCentres).Validated<CostCentresRequest>();
        group.MapGet("/{forbundId}/{year:int}", GetYear);
        group.MapPut("/{forbundId}/{year:int}/contributions/{memberId}", RecordContribution).Validated<ContributionRequest>();
        group.MapPut("/{forbundId}/{year:int}/other-income/{incomeId}", RecordOtherIncome).Validated<OtherIncomeRequest>();
        group.MapPost("/{forbundId}/{year:int}/budget", SetBudget).Validated<BudgetRequest>();
        group.MapPost("/{forbundId}/{year:int}/outcomes", RecordOutcome).Validated<OutcomeRequest>();
        group.MapPost("/{forbundId}/{year:int}/outcomes/{entryId}/correction", CorrectOutcome).Validated<OutcomeCorrectionRequest>();
        group.MapPost("/{forbundId}/{year:int}/imports", AccountingImportEndpoint.Import);
        group.MapPut("/{forbundId}/{year:int}/opening-equity", SetOpeningEquity).Validated<OpeningEquityRequest>();
        group.MapPost("/{forbundId}/{year:int}/close", CloseYear).Validated<CloseYearRequest>();
        group.MapGet("/{forbundId}/{year:int}/report", EconomyReportEndpoints.Report);
        group.MapGet("/{forbundId}/{year:int}/uppfoljning-finsam", EconomyReportEndpoints.UppfoljningFinsam);
        group.MapFrozenEconomy();
    }

    public static async Task<IResult> RecordContribution(string forbundId, int year, string memberId, ContributionRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireWriterAsync(http, db, forbundId, year, ct);
        var member = await MemberAsync(db, forbundId, memberId, year, ct);
        var outcome = await WriteAsync(http, streams, db, forbundId, year, new Domain.Economy.RecordContribution(forbundId, year, memberId, member.Kind, member.Name, r.Amount), ct);
        return Endpoints.Written(outcome, memberId);
    }

    public static async Task<IResult> RecordOtherIncome(string forbundId, int year, string incomeId, OtherIncomeRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireWriterAsync(http, db, forbundId, year, ct);
        var outcome = await WriteAsync(http, streams, db, forbundId, year, new Domain.Economy.RecordOtherIncome(forbundId, year, incomeId, r.Source, r.Description, r.Amount, Blank(r.InsatsId)), ct);
        return Endpoints.Written(outcome, incomeId);
    }

    public static async Task<IResult> SetBudget(string forbundId, int year, BudgetRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireWriterAsync(http, db, forbundId, year, ct);
        var lines = r.Lines.Select(l => new BudgetLine(l.Type, Blank(l.InsatsId), l.Description, l.Amount, l.PlannedParticipants)).ToArray();
        var outcome = await WriteAsync(http, streams, db, forbundId, year, new Domain.Economy.SetBudget(forbundId, year, r.AdoptedOn, r.Reason, lines), ct);
        return Endpoints.Created($"/api/economy/{forbundId}/{year}", outcome, EconomyYear.Stream(forbundId, year));
    }

    public static async Task<IResult> RecordOutcome(string forbundId, int year, OutcomeRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireWriterAsync(http, db, forbundId, year, ct);
        var entryId = r.EntryId ?? http.NewId("outcome");
        var outcome = await WriteAsync(http, streams, db, forbundId, year,
            new Domain.Economy.RecordOutcome(forbundId, year, entryId, r.Month, r.Tertial, r.Type, Blank(r.InsatsId), r.Account, r.Description, r.Amount), ct);
        return Endpoints.Created($"/api/economy/{forbundId}/{year}", outcome, entryId);
    }

    public static async Task<IResult> CorrectOutcome(string forbundId, int year, string entryId, OutcomeCorrectionRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireWriterAsync(http, db, forbundId, year, ct);
        var outcome = await WriteAsync(http, streams, db, forbundId, year, new Domain.Economy.CorrectOutcome(forbundId, year, entryId, r.Amount, r.Reason), ct);
        return Endpoints.Written(outcome, entryId);
    }

    public static async Task<IResult> SetOpeningEquity(string forbundId, int year, OpeningEquityRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireWriterAsync(http, db, forbundId, year, ct);
        var outcome = await WriteAsync(http, streams, db, forbundId, year, new Domain.Economy.SetOpeningEquity(forbundId, year, r.Amount), ct);
        return Endpoints.Written(outcome, EconomyYear.Stream(forbundId, year));
    }

    public static async Task<IResult> CloseYear(string forbundId, int year, CloseYearRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireWriterAsync(http, db, forbundId, year, ct);
        var (previous, _, _) = await streams.LoadAsync(EconomyYear.Stream(forbundId, year - 1), EconomyYear.Initial, EconomyYear.Evolve, ct);
        var outcome = await WriteAsync(http, streams, db, forbundId, year, new Domain.Economy.CloseYear(forbundId, year, r.ClosedOn, previous.Closed?.ClosingEquity), ct);
        return Endpoints.Written(outcome, EconomyYear.Stream(forbundId, year));
    }

    public static async Task<IResult> GetCostCentres(string forbundId, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireReaderAsync(http, db, forbundId, ct);
        var (state, version, _) = await streams.LoadAsync(CostCentreMapping.Stream(forbundId), CostCentreMapping.Initial, CostCentreMapping.Evolve, ct);
        StreamCommands.SetVersionHeaders(http, version);
        return Results.Ok(new { forbundId, mappings = state, version });
    }

    public static async Task<IResult> SetCostCentres(string forbundId, CostCentresRequest r, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireWriterAsync(http, db, forbundId, null, ct);
        var insatser = await InsatserAsync(db, forbundId, ct);
        var mappings = r.Mappings.Select(m => new CostCentreTarget(m.CostCentre, m.Type, Blank(m.InsatsId))).ToArray();
        var outcome = await streams.ExecuteAsync(http, "costcentres", CostCentreMapping.Stream(forbundId), forbundId, CostCentreMapping.Initial, CostCentreMapping.Evolve,
            state => CostCentreMapping.Decide(forbundId, mappings, state, insatser), ct: ct);
        return Endpoints.Written(outcome, forbundId);
    }

    public static async Task<IResult> GetYear(string forbundId, int year, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await RequireReaderAsync(http, db, forbundId, ct);
        RequireYear(year);
        var (state, version, _) = await streams.LoadAsync(EconomyYear.Stream(forbundId, year), EconomyYear.Initial, EconomyYear.Evolve, ct);
        StreamCommands.SetVersionHeaders(http, version);
        return Results.Ok(new
        {
            forbundId,
            year,
            contributions = state.Contributions.Values.OrderBy(c => c.MemberId, StringComparer.Ordinal)
                .Select(c => new { c.MemberId, c.Kind, c.MemberName, c.Amount }),
            otherIncome = state.OtherIncome.Values.OrderBy(i => i.IncomeId, StringComparer.Ordinal)
                .Select(i => new { i.IncomeId, i.Source, i.Description, i.Amount, i.InsatsId }),
            currentBudgetRevision = state.CurrentBudget?.Revision,
            budgets = state.Budgets.Select(b => new { b.Revision, b.AdoptedOn, b.Reason, b.Lines, total = b.Lines.Sum(l => l.Amount) }),
            outcomes = state.Outcomes.Values.OrderBy(o => o.Recorded.Tertial ?? (o.Recorded.Month + 3) / 4).ThenBy(o => o.Recorded.Month).ThenBy(o => o.Recorded.EntryId, StringComparer.Ordinal)
                .Select(o => new
                {
                    o.Recorded.EntryId, o.Recorded.Month, o.Recorded.Tertial, o.Recorded.Type, o.Recorded.InsatsId, o.Recorded.Account, o.Recorded.Description,
                    recordedAmount = o.Recorded.Amount, o.Amount, o.Recorded.Source, o.Recorded.ImportId, row = o.Recorded.Row,
                }),
            imports = state.Imports.Order(StringComparer.Ordinal),
            openingEquity = state.OpeningEquity,
            closed = state.Closed,
            version,
        });
    }

    public static Task<WriteOutcome> WriteAsync(HttpContext http, StreamCommands streams, NpgsqlDataSource db, string forbundId, int year, EconomyCommand command, CancellationToken ct) =>
        WriteAsync(http, streams, forbundId, year, command, InsatserAsync(db, forbundId, ct), ct);

    private static async Task<WriteOutcome> WriteAsync(HttpContext http, StreamCommands streams, string forbundId, int year, EconomyCommand command, Task<IReadOnlySet<string>> insatser, CancellationToken ct)
    {
        var known = await insatser;
        return await streams.ExecuteAsync(http, "economy", EconomyYear.Stream(forbundId, year), forbundId, EconomyYear.Initial, EconomyYear.Evolve,
            state => EconomyYear.Decide(command, state, known), ct: ct);
    }

    /// <summary>The ids of the förbund's insatser (those it owns now, after any merger).</summary>
    public static async Task<IReadOnlySet<string>> InsatserAsync(NpgsqlDataSource db, string forbundId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db, "SELECT insats_id FROM rm_insatser WHERE forbund_id = $1", forbundId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var ids = new HashSet<string>(StringComparer.Ordinal);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetString(0));
        }

        return ids;
    }

    /// <summary>The förbund's administrator or economist (or a national administrator); 404 when the förbund is not registered.</summary>
    public static async Task RequireWriterAsync(HttpContext http, NpgsqlDataSource db, string forbundId, int? year, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(
            (caller.Is(Roles.Administrator) && caller.InForbund(forbundId)) || (caller.Is(Roles.Economist) && caller.ForbundId == forbundId),
            "this förbund's economy");
        await RequireForbundAsync(db, forbundId, ct);
        if (year is { } y)
        {
            RequireYear(y);
        }
    }

    /// <summary>The förbund's administrator, economist or analysts (or national administrators); 404 when the förbund is not registered.</summary>
    public static async Task RequireReaderAsync(HttpContext http, NpgsqlDataSource db, string forbundId, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(
            (caller.Is(Roles.Administrator) && caller.InForbund(forbundId)) || (caller.Is(Roles.Economist, Roles.ForbundAnalyst) && caller.ForbundId == forbundId),
            "this förbund's economy");
        await RequireForbundAsync(db, forbundId, ct);
    }

    public static void RequireYear(int year)
    {
        if (year < InputRules.MinDate.Year || year > InputRules.MaxDate.Year)
        {
            throw new ValidationException([new ValidationFailure("route.year", "A year from 1900 to 2199.")]);
        }
    }

    private static async Task RequireForbundAsync(NpgsqlDataSource db, string forbundId, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db, "SELECT 1 FROM rm_forbund WHERE forbund_id = $1", forbundId);
        if (await cmd.ExecuteScalarAsync(ct) is null)
        {
            throw new NotFoundException("The förbund");
        }
    }

    private static async Task<(MemberKind Kind, string Name)> MemberAsync(NpgsqlDataSource db, string forbundId, string memberId, int year, CancellationToken ct)
    {
        await using var cmd = Sql.Command(db,
            """
            SELECT kind, name FROM rm_forbund_members
            WHERE forbund_id = $1 AND member_id = $2 AND joined_on <= make_date($3, 12, 31) AND (left_on IS NULL OR left_on >= make_date($3, 1, 1))
            ORDER BY joined_on DESC LIMIT 1
            """, forbundId, memberId, year);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            throw new RuleViolationException("not_a_member", "The member was not a member of the förbund during the year.");
        }

        return (Enum.Parse<MemberKind>(reader.GetString(0).Replace("_", "", StringComparison.Ordinal), ignoreCase: true), reader.GetString(1));
    }

    private static string? Blank(string? text) => string.IsNullOrWhiteSpace(text) ? null : text;

    internal static IRuleBuilderOptions<T, decimal> Kronor<T>(this IRuleBuilder<T, decimal> rule) =>
        rule.Must(a => decimal.Round(a, 2) == a && Math.Abs(a) <= EconomyYear.MaxAmount)
            .WithMessage("Kronor with at most two decimals (öre), below one thousand billion.");

    private sealed class ContributionValidator : AbstractValidator<ContributionRequest>
    {
        public ContributionValidator() => RuleFor(r => r.Amount).Kronor().GreaterThanOrEqualTo(0);
    }

    private sealed class OtherIncomeValidator : AbstractValidator<OtherIncomeRequest>
    {
        public OtherIncomeValidator()
        {
            RuleFor(r => r.Source).NotEmpty().MaximumLength(200).NoPersonnummer();
            RuleFor(r => r.Description).NotEmpty().MaximumLength(500).NoPersonnummer();
            RuleFor(r => r.Amount).Kronor().GreaterThanOrEqualTo(0);
        }
    }

    private sealed class BudgetValidator : AbstractValidator<BudgetRequest>
    {
        public BudgetValidator()
        {
            RuleFor(r => r.Reason).NotEmpty().MaximumLength(500).NoPersonnummer();
            RuleFor(r => r.Lines).NotEmpty().Must(l => l is null || l.Count <= 500).WithMessage("At most 500 lines.");
            RuleForEach(r => r.Lines).NotNull().ChildRules(line =>
            {
                line.RuleFor(l => l.Type).IsInEnum();
                line.RuleFor(l => l.Description).NotEmpty().MaximumLength(500).NoPersonnummer();
                line.RuleFor(l => l.Amount).Kronor().GreaterThanOrEqualTo(0);
                line.RuleFor(l => l.PlannedParticipants).InclusiveBetween(0, 1_000_000);
            });
        }
    }

    private sealed class OutcomeValidator : AbstractValidator<OutcomeRequest>
    {
        public OutcomeValidator()
        {
            RuleFor(r => r.Month).InclusiveBetween(1, 12);
            RuleFor(r => r.Tertial).InclusiveBetween(1, 3);
            RuleFor(r => r).Must(r => (r.Month is null) != (r.Tertial is null)).WithName("period").WithMessage("Give either month (1–12) or tertial (1–3).");
            RuleFor(r => r.Type).IsInEnum();
            RuleFor(r => r.Account).NotEmpty().MaximumLength(100).NoPersonnummer();
            RuleFor(r => r.Description).NotEmpty().MaximumLength(500).NoPersonnummer();
            RuleFor(r => r.Amount).Kronor();
        }
    }

    private sealed class CorrectionValidator : AbstractValidator<OutcomeCorrectionRequest>
    {
        public CorrectionValidator()
        {
            RuleFor(r => r.Amount).Kronor();
            RuleFor(r => r.Reason).NotEmpty().MaximumLength(500).NoPersonnummer();
        }
    }

    private sealed class OpeningEquityValidator : AbstractValidator<OpeningEquityRequest>
    {
        public OpeningEquityValidator() => RuleFor(r => r.Amount).Kronor();
    }

    private sealed class CloseValidator : AbstractValidator<CloseYearRequest>
    {
        public CloseValidator() => RuleFor(r => r.ClosedOn).InclusiveBetween(InputRules.MinDate, InputRules.MaxDate);
    }

    private sealed class CostCentresValidator : AbstractValidator<CostCentresRequest>
    {
        public CostCentresValidator()
        {
            RuleFor(r => r.Mappings).NotNull().Must(m => m is null || m.Count <= 1000).WithMessage("At most 1000 cost centres.");
            RuleForEach(r => r.Mappings).NotNull().ChildRules(m =>
            {
                m.RuleFor(x => x.CostCentre).NotEmpty().MaximumLength(100).NoPersonnummer();
                m.RuleFor(x => x.Type).IsInEnum();
            });
        }
    }
}
