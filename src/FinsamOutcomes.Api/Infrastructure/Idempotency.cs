using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>
/// Every POST under /api carries an Idempotency-Key. The first successful answer is kept per caller
/// and key; a retry with the same key and the same request gets that answer again and appends
/// nothing; the same key with a different request is refused (422). Requests with the same caller and key
/// run one at a time (<see cref="SerialLock"/>), so of concurrent requests sharing a key exactly one is
/// carried out and every other one is either its replay (same request) or refused with 422 (different
/// request). Event ids are also derived from the key (<see cref="StreamCommands"/>), and the store refuses
/// those ids with other data, so a retry after a crash that lost the stored answer appends nothing either.
/// </summary>
public sealed class IdempotencyMiddleware(RequestDelegate next)
{
    public const string Header = "Idempotency-Key";
    public const string ItemKey = "finsam.idempotency-key";
    public const string ReplayedHeader = "Idempotency-Replayed";

    public async Task InvokeAsync(HttpContext context, NpgsqlDataSource dataSource)
    {
        if (!HttpMethods.IsPost(context.Request.Method)
            || !context.Request.Path.StartsWithSegments("/api", StringComparison.Ordinal)
            || context.User.Identity?.IsAuthenticated != true)
        {
            await next(context);
            return;
        }

        var given = context.Request.Headers[Header].ToString();
        if (given.Length is 0 or > 200)
        {
            throw new BadRequestHeaderException(400, "Every POST needs an Idempotency-Key header (1 to 200 characters), for example a new UUID per intended action.");
        }

        // only a digest of the key is kept, in the stored answers and beside the events: a key is the client's text
        var key = Digest(given);

        var body = await ReadBodyAsync(context.Request, ProblemsSetup.BodyLimit(context), context.RequestAborted);
        var hash = SHA256.HashData([.. Encoding.UTF8.GetBytes($"{context.Request.Path}{context.Request.QueryString}\n"), .. body]);
        var actor = Caller.From(context.User).Actor;

        await using var serial = await SerialLock.AcquireAsync(dataSource, $"idempotency/{actor}/{key}", context.RequestAborted);
        if (await FindAsync(dataSource, actor, key, context.RequestAborted) is { } stored)
        {
            if (!stored.RequestHash.AsSpan().SequenceEqual(hash))
            {
                throw new FinsamOutcomes.EventStore.IdempotencyMismatchException("request");
            }

            await ReplayAsync(context, stored);
            return;
        }

        context.Items[ItemKey] = key;
        context.Request.Body = new MemoryStream(body, writable: false);
        var original = context.Response.Body;
        await using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context);
        }
        finally
        {
            context.Response.Body = original;
        }

        var response = context.Response;
        if (response.StatusCode is >= 200 and < 300)
        {
            await SaveAsync(dataSource, actor, key, hash, response, buffer.ToArray(), context.RequestAborted);
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted);
    }

    /// <summary>The form in which a key is kept: SHA-256, hex.</summary>
    public static string Digest(string idempotencyKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));

    private static async Task<byte[]> ReadBodyAsync(HttpRequest request, long limit, CancellationToken ct)
    {
        if (request.ContentLength > limit)
        {
            throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
        }

        using var copy = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            copy.Write(chunk, 0, read);
            if (copy.Length > limit)
            {
                throw new BadHttpRequestException("Request body too large.", StatusCodes.Status413PayloadTooLarge);
            }
        }

        return copy.ToArray();
    }

    private sealed record Stored(byte[] RequestHash, int Status, string? ContentType, byte[] Body, string? ETag, string? Location, string? LogPosition);

    private static async Task<Stored?> FindAsync(NpgsqlDataSource dataSource, string actor, string key, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            "SELECT request_hash, status, content_type, body, etag, location, log_position FROM api_idempotency WHERE actor = $1 AND key = $2");
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return null;
        }

        return new Stored(
            (byte[])reader[0], reader.GetInt32(1), reader.IsDBNull(2) ? null : reader.GetString(2), (byte[])reader[3],
            reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6));
    }

    private static async Task SaveAsync(NpgsqlDataSource dataSource, string actor, string key, byte[] hash, HttpResponse response, byte[] body, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand(
            """
            INSERT INTO api_idempotency (actor, key, request_hash, status, content_type, body, etag, location, log_position)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.Add(new NpgsqlParameter { Value = actor });
        cmd.Parameters.Add(new NpgsqlParameter { Value = key });
        cmd.Parameters.Add(new NpgsqlParameter { Value = hash });
        cmd.Parameters.Add(new NpgsqlParameter { Value = response.StatusCode });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)response.ContentType ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = body });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)NullIfEmpty(response.Headers.ETag) ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)NullIfEmpty(response.Headers.Location) ?? DBNull.Value });
        cmd.Parameters.Add(new NpgsqlParameter { Value = (object?)NullIfEmpty(response.Headers[StreamCommands.LogPositionHeader]) ?? DBNull.Value });
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task ReplayAsync(HttpContext context, Stored stored)
    {
        var response = context.Response;
        response.StatusCode = stored.Status;
        response.ContentType = stored.ContentType;
        if (stored.ETag is not null)
        {
            response.Headers.ETag = stored.ETag;
        }

        if (stored.Location is not null)
        {
            response.Headers.Location = stored.Location;
        }

        if (stored.LogPosition is not null)
        {
            response.Headers[StreamCommands.LogPositionHeader] = stored.LogPosition;
        }

        response.Headers[ReplayedHeader] = "true";
        await response.Body.WriteAsync(stored.Body, context.RequestAborted);
    }

    private static string? NullIfEmpty(Microsoft.Extensions.Primitives.StringValues values) => values.Count == 0 ? null : values.ToString();
}
