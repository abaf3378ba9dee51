using FluentValidation;
using FluentValidation.Results;

namespace FinsamOutcomes.Api.Features.Statistics.Export;

/// <summary>The <c>format</c> of a statistics answer: JSON, the long CSV (one row per figure), the wide CSV (one row per group) or xlsx.</summary>
public enum ExportFormat
{
    Json,
    Csv,
    CsvWide,
    Xlsx,
}

public static class ExportFormats
{
    public const string Allowed = "json, csv, csv-wide or xlsx";

    /// <summary>Reads the parameter; anything else is a 400 naming <c>format</c> (and a PDF is the workspace page printed).</summary>
    public static ExportFormat Parse(string? format) => format?.Trim().ToLowerInvariant() switch
    {
        null or "" or "json" => ExportFormat.Json,
        "csv" => ExportFormat.Csv,
        "csv-wide" => ExportFormat.CsvWide,
        "xlsx" => ExportFormat.Xlsx,
        "pdf" => throw Invalid("No PDF is made by the API: open the report in the workspace and print it to PDF (A4); or use " + Allowed + "."),
        _ => throw Invalid("Use " + Allowed + "."),
    };

    private static ValidationException Invalid(string message) => new([new ValidationFailure("format", message)]);

    /// <summary>A file name without personal data: what, scope and period, e.g. <c>statistik-forbund-alvdalen-2024-H1.xlsx</c>.</summary>
    public static string FileName(string stem, ExportFormat format) =>
        Safe(stem) + format switch
        {
            ExportFormat.Xlsx => ".xlsx",
            ExportFormat.CsvWide => "-bred.csv",
            _ => ".csv",
        };

    private static string Safe(string stem) =>
        new string(stem.Replace("..", "_", StringComparison.Ordinal).Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '-').ToArray());
}
