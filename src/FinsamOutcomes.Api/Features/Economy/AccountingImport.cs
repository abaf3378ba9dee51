using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Economy;
using FinsamOutcomes.Domain.People;
using FluentValidation;
using FluentValidation.Results;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Economy;

/// <summary>One row of the file that will be (or was) recorded as an outcome.</summary>
public sealed record ImportedRow(int Row, string EntryId, int Month, string Account, string CostCentre, LineType Type, string? InsatsId, decimal Amount);

/// <summary>One row that cannot be recorded, with why: unknown_cost_centre, other_year, income_account, invalid_amount, invalid_period, missing_value.</summary>
public sealed record UnmappedRow(int Row, string Reason, string? CostCentre);

public sealed record ImportPlan(string ImportId, string FileName, int Rows, IReadOnlyList<ImportedRow> Recorded, IReadOnlyList<UnmappedRow> Unmapped)
{
    public decimal Total => Recorded.Sum(r => r.Amount);
}

/// <summary>
/// Reads a förbund's accounting export: CSV (semicolon-separated, decimal comma, UTF-8 with or without BOM, a header row naming the
/// columns) or xlsx (the first worksheet, same columns). Columns, by header (case-insensitive): konto/account, period, belopp/amount,
/// kostnadsställe/kst/ansvar/cost centre; optional text/beskrivning. Each data row becomes one outcome of its month, mapped through the
/// förbund's cost-centre mapping; the import id and every entry id derive from the file's SHA-256 and the row number, so the same file
/// imported again records nothing.
/// </summary>
public static class AccountingImport
{
    public const string XlsxContentType = Statistics.Export.XlsxExport.ContentType;

    private static readonly string[] AccountNames = ["konto", "account", "kontonummer"];
    private static readonly string[] PeriodNames = ["period", "månad", "manad", "bokföringsperiod"];
    private static readonly string[] AmountNames = ["belopp", "amount", "utfall", "summa"];
    private static readonly string[] CostCentreNames = ["kostnadsställe", "kostnadsstalle", "kst", "ansvar", "costcentre", "cost centre", "cost_centre", "kostnadsställe/ansvar"];

    public static string ImportId(byte[] content) => "import-" + Endpoints.Letters(SHA256.HashData(content));

    /// <summary>CSV text rows, split on semicolons (double quotes quote a field), the BOM removed.</summary>
    public static List<string[]> ReadCsv(byte[] content)
    {
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("file", "The file is not UTF-8 text. Export it as UTF-8 (with or without BOM).");
        }

        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            text = text[1..];
        }

        var rows = new List<string[]>();
        foreach (var line in text.Split('\n'))
        {
            rows.Add(SplitLine(line.TrimEnd('\r')));
        }

        return rows;
    }

    private static string[] SplitLine(string line)
    {
        var fields = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        for (var i = 0; i < line.Length; i++)
        {
            var ch = line[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < line.Length && line[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(ch);
                }
            }
            else if (ch == '"')
            {
                quoted = true;
            }
            else if (ch == ';')
            {
                fields.Add(field.ToString().Trim());
                field.Clear();
            }
            else
            {
                field.Append(ch);
            }
        }

        fields.Add(field.ToString().Trim());
        return [.. fields];
    }

    /// <summary>Plans the import of the rows (row 1 the header) for the year through the mapping. Refuses (400) a file without the columns or with personal data.</summary>
    public static ImportPlan Plan(string importId, string fileName, int year, IReadOnlyList<string[]> rows, IReadOnlyList<CostCentreTarget> mappings)
    {
        for (var r = 0; r < rows.Count; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                if (PersonnummerText.AppearsIn(rows[r][c]) || InputRules.HasForbiddenCharacter(rows[r][c], allowLineBreaks: false))
                {
                    throw Invalid($"row {r + 1}, column {c + 1}", "Must not contain a personnummer, anything shaped like one, or control characters: personal data stays out of the economy.");
                }
            }
        }

        var header = rows.Count > 0 ? rows[0].Select(h => h.Trim().ToLowerInvariant()).ToArray() : [];
        int Column(string[] names, string what)
        {
            var index = Array.FindIndex(header, h => names.Contains(h));
            return index >= 0 ? index : throw Invalid("file", $"The header row (row 1) has no {what} column. Columns: konto; period; belopp; kostnadsställe.");
        }

        var account = Column(AccountNames, "account (konto)");
        var period = Column(PeriodNames, "period");
        var amount = Column(AmountNames, "amount (belopp)");
        var costCentre = Column(CostCentreNames, "cost centre (kostnadsställe)");
        var byCentre = mappings.ToDictionary(m => m.CostCentre, StringComparer.OrdinalIgnoreCase);

        var recorded = new List<ImportedRow>();
        var unmapped = new List<UnmappedRow>();
        var dataRows = 0;
        for (var r = 1; r < rows.Count; r++)
        {
            var cells = rows[r];
            if (cells.All(string.IsNullOrWhiteSpace))
            {
                continue;
            }

            dataRows++;
            var rowNumber = r + 1;
            string Cell(int i) => i < cells.Length ? cells[i].Trim() : "";
            var centre = Cell(costCentre);
            var accountText = Cell(account);
            if (accountText.Length == 0 || centre.Length == 0)
            {
                unmapped.Add(new UnmappedRow(rowNumber, "missing_value", centre.Length == 0 ? null : centre));
                continue;
            }

            if (!TryParsePeriod(Cell(period), out var rowYear, out var month))
            {
                unmapped.Add(new UnmappedRow(rowNumber, "invalid_period", centre));
                continue;
            }

            if (rowYear != year)
            {
                unmapped.Add(new UnmappedRow(rowNumber, "other_year", centre));
                continue;
            }

            if (!TryParseAmount(Cell(amount), out var value))
            {
                unmapped.Add(new UnmappedRow(rowNumber, "invalid_amount", centre));
                continue;
            }

            if (accountText.StartsWith('3'))
            {
                // BAS class 3 is income: contributions and grants are recorded as income, not as outcomes
                unmapped.Add(new UnmappedRow(rowNumber, "income_account", centre));
                continue;
            }

            if (!byCentre.TryGetValue(centre, out var target))
            {
                unmapped.Add(new UnmappedRow(rowNumber, "unknown_cost_centre", centre));
                continue;
            }

            recorded.Add(new ImportedRow(rowNumber, $"{importId}-row-{rowNumber.ToString(CultureInfo.InvariantCulture)}", month, accountText, centre, target.Type, target.InsatsId, value));
        }

        return new ImportPlan(importId, fileName, dataRows, recorded, unmapped);
    }

    /// <summary>2025-03, 202503, 2025-03-31 or 2025/03.</summary>
    public static bool TryParsePeriod(string text, out int year, out int month)
    {
        year = month = 0;
        var digits = new string(text.Where(char.IsAsciiDigit).ToArray());
        var separators = text.Count(ch => ch is '-' or '/' or '.');
        if (!(digits.Length == 6 && (separators == 0 || separators == 1)) && !(digits.Length == 8 && separators == 2))
        {
            return false;
        }

        if (text.Any(ch => !char.IsAsciiDigit(ch) && ch is not ('-' or '/' or '.')))
        {
            return false;
        }

        year = int.Parse(digits[..4], CultureInfo.InvariantCulture);
        month = int.Parse(digits[4..6], CultureInfo.InvariantCulture);
        return month is >= 1 and <= 12 && year is >= 1900 and <= 2199;
    }

    /// <summary>Swedish amounts: "-1 234,50", "1234,5", "1.234,50" (dots as thousands separators when there is a decimal comma), or "1234.50".</summary>
    public static bool TryParseAmount(string text, out decimal amount)
    {
        amount = 0;
        var cleaned = new string(text.Where(ch => ch is not (' ' or '\u00A0' or '\u202F')).ToArray()).Replace('\u2212', '-');
        if (cleaned.Contains(','))
        {
            cleaned = cleaned.Replace(".", "", StringComparison.Ordinal).Replace(',', '.');
        }

        if (cleaned.Length == 0 || cleaned.Length > 20
            || !decimal.TryParse(cleaned, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out amount))
        {
            return false;
        }

        return decimal.Round(amount, 2) == amount && Math.Abs(amount) <= EconomyYear.MaxAmount;
    }

    public static ValidationException Invalid(string field, string message) => new([new ValidationFailure(field, message)]);
}

/// <summary>POST /api/economy/{forbundId}/{year}/imports: the body is the file (text/csv or xlsx); dryRun=true only shows the plan.</summary>
public static class AccountingImportEndpoint
{
    public static async Task<IResult> Import(
        string forbundId, int year, bool? dryRun, string? fileName, HttpContext http, StreamCommands streams, NpgsqlDataSource db, CancellationToken ct)
    {
        await EconomyEndpoints.RequireWriterAsync(http, db, forbundId, year, ct);
        var name = string.IsNullOrWhiteSpace(fileName) ? "import" : fileName.Trim();
        if (name.Length > 200 || InputRules.HasForbiddenCharacter(name, allowLineBreaks: false))
        {
            throw AccountingImport.Invalid("query.fileName", "A file name of at most 200 characters.");
        }

        using var buffer = new MemoryStream();
        await http.Request.Body.CopyToAsync(buffer, ct);
        var content = buffer.ToArray();
        if (content.Length == 0)
        {
            throw AccountingImport.Invalid("file", "The request body is the file: CSV (text/csv) or xlsx.");
        }

        var isXlsx = http.Request.ContentType?.StartsWith(AccountingImport.XlsxContentType, StringComparison.OrdinalIgnoreCase) == true
            || (content.Length > 4 && content[0] == 'P' && content[1] == 'K' && content[2] == 3 && content[3] == 4);
        var rows = isXlsx ? XlsxReader.Read(content) : AccountingImport.ReadCsv(content);
        var (mappings, _, _) = await streams.LoadAsync(CostCentreMapping.Stream(forbundId), CostCentreMapping.Initial, CostCentreMapping.Evolve, ct);
        var importId = AccountingImport.ImportId(content);
        var plan = AccountingImport.Plan(importId, name, year, rows, mappings);
        var (state, _, _) = await streams.LoadAsync(EconomyYear.Stream(forbundId, year), EconomyYear.Initial, EconomyYear.Evolve, ct);
        var alreadyImported = state.Imports.Contains(importId);

        var appended = 0;
        if (dryRun != true)
        {
            var entries = plan.Recorded.Select(r => new OutcomeRecorded(
                forbundId, year, r.EntryId, r.Month, null, r.Type, r.InsatsId, r.Account, $"Konto {r.Account}, kostnadsställe {r.CostCentre}", r.Amount, "import", importId, r.Row)).ToArray();
            var outcome = await EconomyEndpoints.WriteAsync(http, streams, db, forbundId, year,
                new ImportAccounting(forbundId, year, importId, name, plan.Rows, entries, plan.Unmapped.Select(u => u.Row).ToArray()), ct);
            appended = outcome.EventsAppended;
        }

        return Results.Ok(new
        {
            dryRun = dryRun == true,
            plan.ImportId,
            plan.FileName,
            alreadyImported,
            plan.Rows,
            recordedRows = plan.Recorded.Count,
            unmappedRows = plan.Unmapped.Count,
            total = plan.Total,
            eventsAppended = appended,
            recorded = plan.Recorded,
            unmapped = plan.Unmapped,
        });
    }
}
