using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Security.Claims;
using System.Text.Json;
using FinsamOutcomes.Api.Infrastructure;
using FinsamOutcomes.Api.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace FinsamOutcomes.Api.Tests.Recording;

/// <summary>What the recording tests look at besides the responses: the event log, tokens made by hand, made-up personnummer.</summary>
public static class Recorded
{
    // Luhn-valid, made-up numbers (never real people's).
    public const string Anna = "199003152387";
    public const string Berit = "198511229828";
    public const string Cecilia = "200207044512";
    public const string Doris = "197501011246";
    public const string Samordningsnummer = "199508613313";

    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, NpgsqlDataSource> DataSources = new(StringComparer.Ordinal);

    private static int _serial;

    /// <summary>One data source (one pool) per test database for the life of the run.</summary>
    public static NpgsqlDataSource Db(ApiFactory factory) => DataSources.GetOrAdd(factory.ConnectionString, NpgsqlDataSource.Create);

    /// <summary>A fresh Luhn-valid made-up personnummer (born 1970–1999), unique within the test run.</summary>
    public static string NewPersonnummer()
    {
        var n = Interlocked.Increment(ref _serial);
        var birth = new DateOnly(1970, 1, 1).AddDays(n / 900 * 37 % 10950);
        var serial = 100 + (n % 900);
        var nine = string.Create(CultureInfo.InvariantCulture, $"{birth:yyMMdd}{serial:000}");
        return string.Create(CultureInfo.InvariantCulture, $"{birth:yyyy}{nine[2..]}{LuhnCheckDigit(nine)}");
    }

    public static int LuhnCheckDigit(string nineDigits)
    {
        var sum = 0;
        for (var i = 0; i < nineDigits.Length; i++)
        {
            var d = (nineDigits[i] - '0') * (i % 2 == 0 ? 2 : 1);
            sum += d > 9 ? d - 9 : d;
        }

        return (10 - (sum % 10)) % 10;
    }

    public static async Task<long> CountEventsAsync(ApiFactory factory, string? streamId = null)
    {
        var db = Db(factory);
        await using var cmd = streamId is null
            ? db.CreateCommand("SELECT count(*) FROM es_events")
            : db.CreateCommand("SELECT count(*) FROM es_events WHERE stream_id = $1");
        if (streamId is not null)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = streamId });
        }

        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>The stream's events as stored (id, version, type, data), to show they did not change.</summary>
    public static async Task<string> DumpStreamAsync(ApiFactory factory, string streamId)
    {
        var db = Db(factory);
        await using var cmd = db.CreateCommand(
            "SELECT coalesce(string_agg(event_id::text || ' ' || version || ' ' || event_type || ' ' || data::text, E'\\n' ORDER BY version), '') FROM es_events WHERE stream_id = $1");
        cmd.Parameters.Add(new NpgsqlParameter { Value = streamId });
        return (string)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task<long> ScalarAsync(ApiFactory factory, string sql, params object[] values)
    {
        var db = Db(factory);
        await using var cmd = db.CreateCommand(sql);
        foreach (var value in values)
        {
            cmd.Parameters.Add(new NpgsqlParameter { Value = value });
        }

        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), CultureInfo.InvariantCulture);
    }

    /// <summary>Forgets the stored first answers, as if the service had appended but never got to answer.</summary>
    public static async Task ForgetStoredAnswersAsync(ApiFactory factory)
    {
        var db = Db(factory);
        await using var cmd = db.CreateCommand("DELETE FROM api_idempotency");
        await cmd.ExecuteNonQueryAsync();
    }

    public static string ParticipationStream(string id) => $"participation-{id}";

    public static string ReferralStream(string id) => $"referral-{id}";

    /// <summary>A client whose token is made by hand: any role claim, any key.</summary>
    public static ApiClient WithToken(ApiFactory factory, string role, string forbund, SecurityKey? key = null, IEnumerable<string>? insatser = null, string? subject = "hand-made")
    {
        var settings = factory.Services.GetRequiredService<AuthSettings>();
        var claims = new List<Claim> { new("role", role), new("forbund", forbund) };
        if (subject is not null)
        {
            claims.Add(new("sub", subject));
        }

        claims.AddRange((insatser ?? []).Select(i => new Claim("insats", i)));
        var now = DateTime.UtcNow;
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = settings.Issuer,
            Audience = settings.Audience,
            Subject = new ClaimsIdentity(claims),
            NotBefore = now.AddMinutes(-1),
            IssuedAt = now,
            Expires = now.AddHours(1),
            SigningCredentials = new SigningCredentials(key ?? settings.SigningKeys[0], SecurityAlgorithms.HmacSha256),
        });
        var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ApiClient(client);
    }

    public static async Task<JsonElement> Json(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    public static async Task Status(HttpResponseMessage response, HttpStatusCode status)
    {
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"expected {(int)status}, got {(int)response.StatusCode} {response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: {text}");
    }

    /// <summary>A direct enrolment body (anonymous when personnummer is null).</summary>
    public static object Enrolment(
        string insatsId, string? personnummer = null, int? birthYear = 1990, string enrolledOn = "2024-02-01", string gender = "woman",
        bool consent = true, string? ageOverrideReason = null, bool protectedIdentity = false) => new
        {
            insatsId,
            referralId = (string?)null,
            enrolledOn,
            gender,
            person = new { personnummer, birthYear = personnummer is null ? birthYear : null, protectedIdentity },
            consent,
            baseline = Scenario.Baseline(),
            ageOverrideReason,
        };

    public static object Exit(string exitedOn = "2024-06-14", string reasonCode = "studier") =>
        new { exitedOn, reasonCode, meansOfSupportAtExit = "other", occupationAtExit = "studying" };

    public static object Referral(string groupId, string? personnummer = null, int? birthYear = 1990, string receivedOn = "2024-01-10") => new
    {
        beredningsgruppId = groupId,
        referringParty = "af",
        receivedOn,
        gender = "woman",
        person = new { personnummer, birthYear = personnummer is null ? birthYear : null },
    };

    public static object Accept(string insatsId, string decidedOn = "2024-01-15", string? overrideReason = null) =>
        new { insatsId, decidedOn, overrideReason };

    /// <summary>Registers another individual insats (16–64, identified) in the scenario's förbund; returns its id.</summary>
    public static async Task<string> AnotherInsatsAsync(Scenario s, string? endDate = null, string followUp = "per_person_identified", string startDate = "2024-01-01")
    {
        var body = await s.Admin.PostOkAsync("/api/insatser", new
        {
            forbundId = s.ForbundId,
            name = "Unga vuxna",
            description = "ESF-projekt 15–29",
            kind = "individual",
            kommuner = new[] { "Pitea" },
            startDate,
            endDate,
            targetGroup = new { minAge = 16, maxAge = 64, description = "16–64 år" },
            followUp,
            plannedParticipantsPerYear = 40,
        });
        return Scenario.Id(body);
    }

    /// <summary>No stack trace, library or SQL text, and none of the personnummer of these tests, in the answer.</summary>
    public static async Task AssertClean(HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync();
        foreach (var marker in new[] { "   at ", "Npgsql", "SELECT", "System.", "Exception", Anna, "9003152387", "900315-2387", "19900315-2388" })
        {
            Assert.False(text.Contains(marker, StringComparison.Ordinal), $"the answer contains '{marker}': {text}");
        }

        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
    }
}
