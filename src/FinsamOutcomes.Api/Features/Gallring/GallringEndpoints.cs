using System.Globalization;
using FinsamOutcomes.Api.Infrastructure;
using FluentValidation;
using FluentValidation.Results;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace FinsamOutcomes.Api.Features.Gallring;

/// <summary>One erased identity: which participant, when, by whom (a staff member, or "gallring") and why. Never any personal data.</summary>
public sealed record ErasureEntry(string ParticipantId, DateTimeOffset ErasedAt, string Actor, string? Reason);

public sealed record ErasureList(string ForbundId, DateOnly? From, DateOnly? To, IReadOnlyList<ErasureEntry> Erasures);

/// <summary>
/// GET /api/forbund/{id}/erasures?from=&amp;to=   the identities erased in the förbund (and the förbund it was formed from),
///                                           on request or by gallring, from identity_audit (administrator of the förbund)
/// </summary>
public static class GallringEndpoints
{
    private static readonly TimeZoneInfo Sweden = TimeZoneInfo.FindSystemTimeZoneById("Europe/Stockholm");

    public static void AddGallring(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<GallringOptions>(builder.Configuration.GetSection(GallringOptions.SectionName));
        builder.Services.AddSingleton<GallringJob>();
        builder.Services.AddSingleton<GallringService>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<GallringService>());
    }

    public static void MapGallring(this IEndpointRouteBuilder api)
    {
        var group = api.MapGroup("/forbund").WithTags("Forbund");
        group.MapGet("/{forbundId}/erasures", ListErasures);
    }

    /// <summary>
    /// Erasures (not removals for protected identity: that a person has one is itself sensitive) whose day, in Swedish
    /// time, lies in [from, to]; both optional. Oldest first.
    /// </summary>
    public static async Task<IResult> ListErasures(
        string forbundId, [FromQuery(Name = "from")] string? fromText, [FromQuery(Name = "to")] string? toText, HttpContext http, NpgsqlDataSource db, CancellationToken ct)
    {
        var caller = http.Caller();
        caller.Require(caller.Is(Roles.Administrator) && caller.InForbund(forbundId), "this förbund");
        var from = Day(fromText, "from");
        var to = Day(toText, "to");
        if (from is { } f && to is { } t && f > t)
        {
            throw new ValidationException([new ValidationFailure("from", "The period's first day lies after its last day.")]);
        }

        await using (var exists = Sql.Command(db, "SELECT 1 FROM rm_forbund WHERE forbund_id = $1", forbundId))
        {
            if (await exists.ExecuteScalarAsync(ct) is null)
            {
                throw new NotFoundException("The förbund");
            }
        }

        await using var cmd = Sql.Command(db,
            """
            WITH RECURSIVE formed_from AS (
                SELECT forbund_id FROM rm_forbund WHERE forbund_id = $1
                UNION
                SELECT p.forbund_id FROM rm_forbund p JOIN formed_from s ON p.successor_id = s.forbund_id
            )
            SELECT a.participant_id, a.at, a.actor, a.reason
            FROM identity_audit a
            WHERE a.action = 'erased' AND a.forbund_id IN (SELECT forbund_id FROM formed_from)
              AND ($2::timestamptz IS NULL OR a.at >= $2::timestamptz)
              AND ($3::timestamptz IS NULL OR a.at < $3::timestamptz)
            ORDER BY a.at, a.id
            """,
            forbundId, StartOfDay(from), StartOfDay(to?.AddDays(1)));
        var erasures = new List<ErasureEntry>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                erasures.Add(new ErasureEntry(
                    reader.GetString(0), reader.GetFieldValue<DateTimeOffset>(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3)));
            }
        }

        return Results.Ok(new ErasureList(forbundId, from, to, erasures));
    }

    /// <summary>A query's day as YYYY-MM-DD within the API's date range (400 naming the field otherwise); null when not given.</summary>
    private static DateOnly? Day(string? text, string field) =>
        string.IsNullOrEmpty(text) ? null
        : DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day)
          && day >= InputRules.MinDate && day <= InputRules.MaxDate ? day
        : throw new ValidationException([new ValidationFailure(field, InputRules.DateRule)]);

    /// <summary>Midnight of the day in Swedish time, as UTC; null for no bound.</summary>
    private static object? StartOfDay(DateOnly? day) => day is { } d
        ? new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(d.ToDateTime(TimeOnly.MinValue), Sweden), TimeSpan.Zero)
        : null;
}
