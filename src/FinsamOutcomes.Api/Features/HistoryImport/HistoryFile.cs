using System.Globalization;
using System.Text;
using System.Text.Json;
using FinsamOutcomes.Api.Features.Economy;
using FinsamOutcomes.Api.Features.Statistics.Export;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.Participations;
using FinsamOutcomes.Domain.People;
using FluentValidation;
using FluentValidation.Results;

namespace FinsamOutcomes.Api.Features.HistoryImport;

/// <summary>One row of a history file, read and checked for shape; the rules of the insats are applied later, by the decider.</summary>
public sealed record HistoryRow(
    int Row,
    string InsatsId,
    DateOnly EnrolledOn,
    Gender Gender,
    Personnummer? Personnummer,
    int? BirthYear,
    bool Consent,
    bool ProtectedIdentity,
    Baseline Baseline,
    ReferringParty? ReferringParty,
    string? SourceId,
    string? AgeOverrideReason,
    string? IntakePauseOverrideReason,
    DateOnly? ExitedOn,
    string? ExitReason,
    MeansOfSupport? MeansOfSupportAtExit,
    Occupation? OccupationAtExit);

/// <summary>The file's rows: those read, every problem of the others, and the headings that are no field of ours (ignored).</summary>
public sealed record HistorySheet(int Rows, IReadOnlyList<HistoryRow> Read, IReadOnlyList<ImportProblem> Problems, IReadOnlyList<string> IgnoredColumns);

/// <summary>
/// Reads a history file: CSV (semicolon or comma, UTF-8 with or without BOM, RFC 4180 quotes) or xlsx (the first
/// worksheet), row 1 the heading. Each heading names a field (<see cref="Fields"/>) by its name or one of its Swedish
/// names, or through the caller's column mapping; other columns are ignored. Codes are the API's (<c>social_assistance</c>)
/// or the Swedish names the exports write (<c>Försörjningsstöd</c>). The personnummer gate's rule holds for every cell: a
/// personnummer, or anything shaped like one, anywhere but in the personnummer column refuses the row, naming the column
/// and never the value; in a heading it refuses the file. No message ever carries a personnummer or a part of one.
/// </summary>
public static class HistoryFile
{
    /// <summary>Our fields with the headings that name them (compared after <see cref="Normalize"/>).</summary>
    public static readonly IReadOnlyDictionary<string, string[]> Fields = new Dictionary<string, string[]>(StringComparer.Ordinal)
    {
        ["insats_id"] = ["insats", "insatsid", "insats_id"],
        ["enrolled_on"] = ["inskriven", "inskrivningsdatum", "inskrivning", "startdatum"],
        ["exited_on"] = ["avslutad", "avslutsdatum", "avslut", "slutdatum"],
        ["gender"] = ["kön", "kon"],
        ["birth_year"] = ["födelseår", "fodelsear"],
        ["personnummer"] = ["personnummer", "pnr", "personnr", "samordningsnummer"],
        ["consent"] = ["samtycke"],
        ["protected_identity"] = ["skyddad_identitet", "skyddade_personuppgifter"],
        ["means_of_support_at_start"] = ["försörjning_start", "forsorjning_start", "försörjning_vid_start"],
        ["occupation_at_start"] = ["sysselsättning_start", "sysselsattning_start", "sysselsättning_vid_start"],
        ["education"] = ["utbildning", "utbildningsnivå", "utbildningsniva"],
        ["home_kommun"] = ["hemkommun", "kommun"],
        ["months_on_support_before"] = ["månader_med_försörjning_före", "manader_med_forsorjning_fore", "månader_försörjning_före"],
        ["has_sgi"] = ["sgi"],
        ["referring_party"] = ["remittent", "remitterande_part"],
        ["exit_reason"] = ["avslutsorsak", "avslutsorsak_kod"],
        ["means_of_support_at_exit"] = ["försörjning_avslut", "forsorjning_avslut", "försörjning_vid_avslut"],
        ["occupation_at_exit"] = ["sysselsättning_avslut", "sysselsattning_avslut", "sysselsättning_vid_avslut"],
        ["source_id"] = ["id", "rad_id", "källid", "kall_id", "kalla_id", "löpnummer"],
        ["age_override_reason"] = ["skäl_ålder", "skal_alder"],
        ["intake_pause_override_reason"] = ["skäl_intagsstopp", "skal_intagsstopp"],
    };

    private static readonly string[] Required = ["insats_id", "enrolled_on", "gender", "consent", "means_of_support_at_start", "occupation_at_start", "education", "home_kommun"];

    private static readonly string[] Text = ["source_id", "age_override_reason", "intake_pause_override_reason"];

    /// <summary>CSV text or an xlsx workbook (told by its zip signature) as rows of cells.</summary>
    public static List<List<string>> ReadCells(byte[] content)
    {
        if (content.Length > 4 && content[0] == 'P' && content[1] == 'K' && content[2] == 3 && content[3] == 4)
        {
            return XlsxReader.Read(content).Select(r => r.ToList()).ToList();
        }

        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(content);
        }
        catch (DecoderFallbackException)
        {
            throw Invalid("file", "The file is neither an xlsx workbook nor UTF-8 text. Save it as xlsx, or as CSV in UTF-8.");
        }

        return TabularFile.ParseCsv(text.TrimStart('\uFEFF'));
    }

    /// <summary>A heading as compared: trimmed, lower case, spaces and hyphens as underscores.</summary>
    public static string Normalize(string heading) =>
        string.Join('_', heading.Trim().ToLowerInvariant().Split([' ', '-', '\u00A0'], StringSplitOptions.RemoveEmptyEntries));

    /// <summary>
    /// The column mapping from <c>map</c> query values <c>Heading=field</c> (400 naming <c>query.map</c> when a value has no
    /// <c>=</c> or names no field of ours).
    /// </summary>
    public static IReadOnlyDictionary<string, string> Mapping(IEnumerable<string?> values)
    {
        var mapping = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var value in values)
        {
            var at = value?.LastIndexOf('=') ?? -1;
            var field = at > 0 ? value![(at + 1)..].Trim() : "";
            if (at <= 0 || !Fields.ContainsKey(field) || value![..at].Trim().Length is 0 or > 100)
            {
                throw Invalid("query.map", $"Each map value is Heading=field, the field one of: {string.Join(", ", Fields.Keys)}.");
            }

            mapping[Normalize(value[..at])] = field;
        }

        return mapping;
    }

    /// <summary>Reads every row; a problem of the heading (a personnummer in it, a field missing or given twice) refuses the file (400).</summary>
    public static HistorySheet Read(IReadOnlyList<IReadOnlyList<string>> cells, IReadOnlyDictionary<string, string> mapping, DateOnly today, int? maxRows)
    {
        if (cells.Count == 0 || cells[0].All(string.IsNullOrWhiteSpace))
        {
            throw Invalid("file", "The file has no heading row (row 1).");
        }

        var heading = cells[0];
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        var names = new string[heading.Count];
        var ignored = new List<string>();
        var failures = new List<ValidationFailure>();
        for (var i = 0; i < heading.Count; i++)
        {
            names[i] = $"column {i + 1}";
            if (!PersonnummerGate.IsClean(heading[i]) || InputRules.HasForbiddenCharacter(heading[i], allowLineBreaks: false))
            {
                failures.Add(new ValidationFailure($"heading.column {i + 1}", PersonnummerGate.Refusal));
                continue;
            }

            var normalized = Normalize(heading[i]);
            if (normalized.Length == 0)
            {
                continue;
            }

            names[i] = heading[i].Trim().Length <= 60 ? heading[i].Trim() : heading[i].Trim()[..60];
            var field = mapping.GetValueOrDefault(normalized)
                ?? Fields.FirstOrDefault(f => f.Key == normalized || f.Value.Contains(normalized, StringComparer.Ordinal)).Key;
            if (field is null)
            {
                ignored.Add(names[i]);
            }
            else if (!columns.TryAdd(field, i))
            {
                failures.Add(new ValidationFailure($"heading.column {i + 1}", $"A second column for {field}."));
            }
        }

        foreach (var field in Required.Where(f => !columns.ContainsKey(f)))
        {
            failures.Add(new ValidationFailure("heading", $"No column for {field} (map one with map=Heading={field})."));
        }

        if (!columns.ContainsKey("personnummer") && !columns.ContainsKey("birth_year"))
        {
            failures.Add(new ValidationFailure("heading", "No column for personnummer or birth_year."));
        }

        var dataRows = Enumerable.Range(1, cells.Count - 1).Where(r => !cells[r].All(string.IsNullOrWhiteSpace)).ToArray();
        if (maxRows is { } max && dataRows.Length > max)
        {
            failures.Add(new ValidationFailure("file", $"A file sent over the API holds at most {max} rows; split it, or import it from the command line."));
        }

        if (failures.Count > 0)
        {
            throw new ValidationException(failures);
        }

        var read = new List<HistoryRow>();
        var problems = new List<ImportProblem>();
        foreach (var r in dataRows)
        {
            var row = new RowReader(r + 1, cells[r], columns, names, today);
            if (row.Read() is { } history)
            {
                read.Add(history);
            }
            else
            {
                problems.AddRange(row.Problems);
            }
        }

        return new HistorySheet(dataRows.Length, read, problems, ignored);
    }

    public static ValidationException Invalid(string field, string message) => new([new ValidationFailure(field, message)]);

    /// <summary>One row's cells read into a <see cref="HistoryRow"/>, collecting every problem rather than stopping at the first.</summary>
    private sealed class RowReader(int row, IReadOnlyList<string> cells, IReadOnlyDictionary<string, int> columns, string[] names, DateOnly today)
    {
        public List<ImportProblem> Problems { get; } = [];

        public HistoryRow? Read()
        {
            // the gate's rule first: a personnummer anywhere but its own column refuses the row before anything reads it
            var personnummerColumn = columns.GetValueOrDefault("personnummer", -1);
            for (var i = 0; i < cells.Count; i++)
            {
                if (i != personnummerColumn && (!PersonnummerGate.IsClean(cells[i]) || InputRules.HasForbiddenCharacter(cells[i], allowLineBreaks: false)))
                {
                    Problem(i < names.Length ? names[i] : $"column {i + 1}", "personnummer_refused",
                        "Must not contain a personnummer, anything shaped like one, or control characters: only the personnummer column may hold one.");
                }
            }

            if (Problems.Count > 0)
            {
                return null;
            }

            var insatsId = Cell("insats_id");
            if (!PersonnummerGate.IdentifierAlphabet().IsMatch(insatsId))
            {
                Problem("insats_id", "invalid_insats", PersonnummerGate.IdentifierRule);
            }

            var enrolledOn = Date("enrolled_on", required: true);
            var exitedOn = Date("exited_on", required: false);
            var gender = Code<Gender>("gender", "byGender", GenderNames);
            var consent = Bool("consent", required: true);
            var protectedIdentity = Bool("protected_identity", required: false) ?? false;
            var support = Code<MeansOfSupport>("means_of_support_at_start", "meansOfSupport");
            var occupation = Code<Occupation>("occupation_at_start", "occupation");
            var education = Code<EducationLevel>("education", "educationAtStart");
            var kommun = Cell("home_kommun");
            if (!PersonnummerGate.KommunAlphabet().IsMatch(kommun))
            {
                Problem("home_kommun", "invalid_kommun", PersonnummerGate.KommunRule);
            }

            var months = Int("months_on_support_before", 0, 1200);
            var sgi = Bool("has_sgi", required: false);
            var party = Cell("referring_party").Length == 0 ? (ReferringParty?)null : Code<ReferringParty>("referring_party", "receivedByParty");
            var (personnummer, birthYear) = Person();
            var texts = Text.ToDictionary(f => f, f => Cell(f) is { Length: > 0 } t ? t : null);
            foreach (var (field, text) in texts)
            {
                if (text is { Length: > 500 } || (field == "source_id" && text is not null && text.Length > 128))
                {
                    Problem(field, "text_too_long", field == "source_id" ? "A source id is at most 128 characters." : "At most 500 characters.");
                }
            }

            string? exitReason = null;
            MeansOfSupport? supportAtExit = null;
            Occupation? occupationAtExit = null;
            if (exitedOn is not null)
            {
                exitReason = Cell("exit_reason");
                if (exitReason.Length is 0 or > 64)
                {
                    Problem("exit_reason", "missing_value", "An exit needs its exit reason (a code or label of the förbund's list).");
                }

                supportAtExit = Code<MeansOfSupport>("means_of_support_at_exit", "meansOfSupport");
                occupationAtExit = Code<Occupation>("occupation_at_exit", "occupation");
            }
            else if (Cell("exit_reason").Length > 0 || Cell("means_of_support_at_exit").Length > 0 || Cell("occupation_at_exit").Length > 0)
            {
                Problem("exited_on", "missing_value", "The row has an exit reason or a situation at exit but no exit date.");
            }

            if (Problems.Count > 0)
            {
                return null;
            }

            return new HistoryRow(
                row, insatsId, enrolledOn!.Value, gender!.Value, personnummer, birthYear, consent!.Value, protectedIdentity,
                new Baseline(support!.Value, occupation!.Value, education!.Value, kommun, months, sgi), party,
                texts["source_id"], texts["age_override_reason"], texts["intake_pause_override_reason"],
                exitedOn, exitReason, supportAtExit, occupationAtExit);
        }

        private static readonly Dictionary<string, Gender> GenderNames = new(StringComparer.OrdinalIgnoreCase)
        {
            ["kvinna"] = Gender.Woman, ["k"] = Gender.Woman, ["man"] = Gender.Man, ["m"] = Gender.Man,
            ["icke-binär"] = Gender.NonBinary, ["icke-binar"] = Gender.NonBinary, ["ej angivet"] = Gender.NotStated, ["okänt"] = Gender.NotStated,
        };

        private string Cell(string field) =>
            columns.TryGetValue(field, out var i) && i < cells.Count ? cells[i].Trim() : "";

        private void Problem(string column, string code, string message) => Problems.Add(new ImportProblem(row, Column(column), code, message));

        /// <summary>A field's column as the file heads it (a heading is checked for personnummer before it is ever named).</summary>
        private string Column(string field) => columns.TryGetValue(field, out var i) ? names[i] : field;

        private DateOnly? Date(string field, bool required)
        {
            var text = Cell(field);
            if (text.Length == 0)
            {
                if (required)
                {
                    Problem(field, "missing_value", "A date is required.");
                }

                return null;
            }

            if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
                && date.Year is >= 1900 and <= 2199)
            {
                return date;
            }

            // an xlsx date cell is a serial day number
            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var serial) && serial is >= 2 and <= 109574)
            {
                return DateOnly.FromDateTime(DateTime.FromOADate(serial));
            }

            Problem(field, "invalid_date", "Not a date that exists, as YYYY-MM-DD (for example 2024-02-29, never 2024-02-30).");
            return null;
        }

        private bool? Bool(string field, bool required)
        {
            var text = Cell(field).ToLowerInvariant();
            switch (text)
            {
                case "ja" or "j" or "yes" or "true" or "1" or "sant":
                    return true;
                case "nej" or "n" or "no" or "false" or "0" or "falskt":
                    return false;
                case "" when !required:
                    return null;
                default:
                    Problem(field, text.Length == 0 ? "missing_value" : "invalid_value", "Ja or nej (yes/no, true/false, 1/0).");
                    return null;
            }
        }

        private int? Int(string field, int min, int max)
        {
            var text = Cell(field);
            if (text.Length == 0)
            {
                return null;
            }

            if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
            {
                return value;
            }

            Problem(field, "invalid_value", $"A whole number from {min} to {max}.");
            return null;
        }

        private T? Code<T>(string field, string labels, IReadOnlyDictionary<string, T>? more = null)
            where T : struct, Enum
        {
            var text = Cell(field);
            var code = SwedishLabels.CodeOf(labels, text) ?? text.ToLowerInvariant();
            foreach (var value in Enum.GetValues<T>())
            {
                if (JsonNamingPolicy.SnakeCaseLower.ConvertName(value.ToString()) == code)
                {
                    return value;
                }
            }

            if (more is not null && more.TryGetValue(text, out var named))
            {
                return named;
            }

            Problem(field, text.Length == 0 ? "missing_value" : "invalid_value",
                $"One of {string.Join(", ", Enum.GetValues<T>().Select(v => JsonNamingPolicy.SnakeCaseLower.ConvertName(v.ToString())))} (or its Swedish name).");
            return null;
        }

        private (Personnummer? Personnummer, int? BirthYear) Person()
        {
            var text = Cell("personnummer");
            var year = Int("birth_year", 1900, 2100);
            if (text.Length == 0)
            {
                if (year is null && Cell("birth_year").Length == 0)
                {
                    Problem("birth_year", "missing_value", "Give a personnummer or a birth year.");
                }

                return (null, year);
            }

            // the parser's message names what is wrong (the check digit, the date), never the number
            if (!Personnummer.TryParse(text, today, out var personnummer, out var error))
            {
                Problem("personnummer", "invalid_personnummer", error);
                return (null, null);
            }

            if (year is not null && year != personnummer.BirthYear)
            {
                Problem("birth_year", "birth_year_disagrees", "The birth year does not agree with the personnummer.");
            }

            return (personnummer, personnummer.BirthYear);
        }
    }
}
