using System.Globalization;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.EventStore;
using FluentValidation;

namespace FinsamOutcomes.Api.Features.HistoryImport;

/// <summary>
/// <c>dotnet run --project src/FinsamOutcomes.Api -- import --forbund ID --file PATH [--dry-run] [--map "Heading=field"]… [--actor ID]</c>:
/// the same import as the API's, run with the service's own configuration and database (no token: whoever can run it can reach
/// the database), for every insats of the förbund and without the API's row limit. Prints progress every
/// <see cref="HistoryImporter.ProgressEvery"/> rows, then the summary and every refused row. Exit code 0 when no row was
/// refused, 1 when some were, 2 for a usage error or a refused file.
/// </summary>
public static class HistoryImportCommand
{
    public const string Usage = "Usage: import --forbund <id> --file <path.csv|path.xlsx> [--dry-run] [--map \"Heading=field\"]... [--actor <staff id>]";

    /// <summary>From Program.cs: builds the service (not its web server), migrates the database, runs the import, stops.</summary>
    public static async Task<int> RunAsync(WebApplicationBuilder builder, string[] args)
    {
        await using var app = builder.Build();
        await app.MigrateDatabaseAsync();
        try
        {
            return await RunAsync(app.Services, args, Console.Out, CancellationToken.None);
        }
        finally
        {
            if (app.Services.GetService<LocalPostgres>() is { } local)
            {
                await local.StopAsync();
            }
        }
    }

    /// <summary>The command itself, over the service's services (tests call this with the test host's).</summary>
    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, CancellationToken ct)
    {
        var options = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var dryRun = false;
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--dry-run")
            {
                dryRun = true;
            }
            else if (args[i] is "--forbund" or "--file" or "--map" or "--actor" && i + 1 < args.Length)
            {
                (options.TryGetValue(args[i][2..], out var values) ? values : options[args[i][2..]] = []).Add(args[++i]);
            }
            else
            {
                await output.WriteLineAsync(Usage);
                return 2;
            }
        }

        if (!options.TryGetValue("forbund", out var forbund) || !options.TryGetValue("file", out var file))
        {
            await output.WriteLineAsync(Usage);
            return 2;
        }

        var actor = options.TryGetValue("actor", out var actors) ? actors[^1] : $"cli:{Environment.UserName}";
        if (Caller.SubjectProblem(actor) is { } problem)
        {
            await output.WriteLineAsync($"--actor: {problem}");
            return 2;
        }

        var path = file[^1];
        if (!File.Exists(path))
        {
            await output.WriteLineAsync("--file: no such file.");
            return 2;
        }

        HistoryImportSummary summary;
        try
        {
            var request = new HistoryImportRequest(
                forbund[^1], Path.GetFileName(path), await File.ReadAllBytesAsync(path, ct), HistoryFile.Mapping(options.GetValueOrDefault("map") ?? []),
                dryRun, actor, Guid.NewGuid(), _ => true, MaxRows: null);
            summary = await services.GetRequiredService<HistoryImporter>().ImportAsync(
                request, (done, total) => output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{done} / {total} rows")), ct);
        }
        catch (ValidationException refused)
        {
            foreach (var error in refused.Errors)
            {
                await output.WriteLineAsync($"{error.PropertyName}: {error.ErrorMessage}");
            }

            return 2;
        }

        await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
            $"{(summary.DryRun ? "Dry run of" : "Imported")} {summary.FileName} ({summary.ImportId}): {summary.Rows} rows; recorded {summary.Recorded}, corrected {summary.Corrected}, already present {summary.AlreadyPresent}, refused {summary.Refused}."));
        foreach (var p in summary.Problems)
        {
            await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture, $"row {p.Row}{(p.Column is null ? "" : $", {p.Column}")}: {p.Code}: {p.Message}"));
        }

        if (summary.IgnoredColumns.Count > 0)
        {
            await output.WriteLineAsync($"Ignored columns: {string.Join(", ", summary.IgnoredColumns)}");
        }

        return summary.Refused == 0 ? 0 : 1;
    }
}
