using System.Globalization;
using FinsamOutcomes.Api.Features.People;
using FinsamOutcomes.Api.Infrastructure;
using Npgsql;
using NpgsqlTypes;

namespace FinsamOutcomes.Api.Features.Gallring;

/// <summary>What one run of the gallring job did. <see cref="Ran"/> is false when another instance held the lock.</summary>
public sealed record GallringRun(DateTimeOffset StartedAt, DateOnly Today, bool Ran, int Erased);

/// <summary>
/// Gallring: erases, by crypto-erasure in the identity vault, every identity whose förbund's retention time has passed.
/// <para>
/// An identity may go when every participation and referral of the person is over, each one's förbund (the förbund that
/// owns the insats or the referral now, so a merged förbund's records follow its successor's rule) has a rule, and each
/// one ended more than that rule's months before today. "Ended" is the exit date of a participation; for a participation
/// registered in error, which counts in no figure, its exit date if it had one, otherwise its enrolment date; for a
/// referral, its decision date (accepted, rejected, returned or withdrawn). An active or paused participation and a
/// referral waiting for a decision keep the identity, however old. An identity that no participation or referral refers
/// to (an enrolment refused after the identity was registered) counts from the day it was registered, under the rule of
/// its förbund. An identity registered, recognised or re-keyed during the last day is left for a later run: its new
/// participation or referral may be on its way.
/// </para>
/// <para>
/// Only the vault's sealed identity is removed, never an event, so every statistic stays the same. One instance at a
/// time runs it (a session advisory lock); each erasure re-checks its person under the vault row's lock.
/// </para>
/// </summary>
public sealed class GallringJob(NpgsqlDataSource dataSource, IdentityVault vault, TimeProvider time, ILogger<GallringJob> logger)
{
    /// <summary>The actor of every gallring erasure in identity_audit.</summary>
    public const string Actor = "gallring";

    /// <summary>Advisory lock (namespace "GA", key 1): one gallring run across all service instances.</summary>
    private const int LockNamespace = 0x4741;
    private const int LockKey = 1;

    /// <summary>An identity touched (registered, recognised, re-keyed) this recently is left for a later run.</summary>
    public static readonly TimeSpan QuietPeriod = TimeSpan.FromDays(1);

    /// <summary>
    /// The identities due for erasure and the months of the rule that released them (the longest, should a person's
    /// records belong to several förbund). $1 today, $2 quiet since, $3 one participant or null for all.
    /// </summary>
    private const string DueSql =
        """
        WITH RECURSIVE chain AS (
            SELECT forbund_id AS origin, forbund_id AS current, successor_id FROM rm_forbund
            UNION
            SELECT c.origin, f.forbund_id, f.successor_id FROM chain c JOIN rm_forbund f ON f.forbund_id = c.successor_id
        ),
        owner AS (SELECT origin, current AS owner_id FROM chain WHERE successor_id IS NULL),
        identities AS (
            SELECT participant_id, forbund_id, created_at FROM identity_vault
            WHERE erased_at IS NULL AND ($3::text IS NULL OR participant_id = $3::text)
        ),
        records AS (
            SELECT v.participant_id, o.owner_id,
                   p.status IN ('active', 'paused') AS ongoing,
                   CASE WHEN p.status = 'registered_in_error' THEN coalesce(p.exited_on, p.enrolled_on) ELSE p.exited_on END AS ended_on
            FROM identities v
            JOIN rm_participations p ON p.participant_id = v.participant_id
            LEFT JOIN rm_insatser i ON i.insats_id = p.insats_id
            LEFT JOIN owner o ON o.origin = i.forbund_id
            UNION ALL
            SELECT v.participant_id, o.owner_id, r.status IN ('waiting', 'awaiting_completion'), r.decided_on
            FROM identities v
            JOIN rm_referrals r ON r.participant_id = v.participant_id
            LEFT JOIN owner o ON o.origin = r.forbund_id
            UNION ALL
            SELECT v.participant_id, o.owner_id, false, (v.created_at AT TIME ZONE 'UTC')::date
            FROM identities v
            LEFT JOIN owner o ON o.origin = v.forbund_id
            WHERE NOT EXISTS (SELECT 1 FROM rm_participations p WHERE p.participant_id = v.participant_id)
              AND NOT EXISTS (SELECT 1 FROM rm_referrals r WHERE r.participant_id = v.participant_id)
        )
        SELECT x.participant_id, max(f.retention_months)
        FROM records x
        LEFT JOIN rm_forbund f ON f.forbund_id = x.owner_id
        GROUP BY x.participant_id
        HAVING bool_and(NOT x.ongoing AND f.retention_months IS NOT NULL AND x.ended_on IS NOT NULL
                        AND (x.ended_on + make_interval(months => f.retention_months))::date < $1)
           AND NOT EXISTS (SELECT 1 FROM identity_audit a
                           WHERE a.participant_id = x.participant_id AND a.action IN ('registered', 'recognised', 'rekeyed') AND a.at > $2)
        ORDER BY x.participant_id
        """;

    /// <summary>The audit reason of a gallring erasure.</summary>
    public static string Reason(int months) =>
        string.Create(CultureInfo.InvariantCulture, $"Gallring: {months} månader efter avslut enligt förbundets regel");

    /// <summary>Erases every identity due today. Returns at once, with <see cref="GallringRun.Ran"/> false, when another instance is running it.</summary>
    public async Task<GallringRun> RunAsync(CancellationToken cancellationToken = default)
    {
        var started = time.GetUtcNow();
        var today = time.Today();
        var quietSince = started - QuietPeriod;

        await using var lockConnection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (!await LockAsync(lockConnection, "SELECT pg_try_advisory_lock($1, $2)", cancellationToken))
        {
            logger.LogInformation("Gallring skipped: another instance is running it");
            return new GallringRun(started, today, false, 0);
        }

        try
        {
            var due = new List<(string ParticipantId, int Months)>();
            await using (var command = DueCommand(lockConnection, null, today, quietSince, null))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
            {
                while (await reader.ReadAsync(cancellationToken))
                {
                    due.Add((reader.GetString(0), reader.GetInt32(1)));
                }
            }

            var erased = 0;
            foreach (var (participantId, months) in due)
            {
                if (await vault.EraseWhenStillDueAsync(
                    participantId, Actor, Reason(months), (c, tx, ct) => StillDueAsync(c, tx, participantId, today, quietSince, ct), cancellationToken))
                {
                    erased++;
                }
            }

            logger.LogInformation("Gallring on {Today}: {Erased} identities erased of {Due} found due", today, erased, due.Count);
            return new GallringRun(started, today, true, erased);
        }
        finally
        {
            await LockAsync(lockConnection, "SELECT pg_advisory_unlock($1, $2)", CancellationToken.None);
        }
    }

    /// <summary>The same question for one person, inside the vault's erasure transaction after it locked the person's row.</summary>
    private static async Task<bool> StillDueAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string participantId, DateOnly today, DateTimeOffset quietSince, CancellationToken ct)
    {
        await using var command = DueCommand(connection, transaction, today, quietSince, participantId);
        return await command.ExecuteScalarAsync(ct) is not null;
    }

    private static NpgsqlCommand DueCommand(NpgsqlConnection connection, NpgsqlTransaction? transaction, DateOnly today, DateTimeOffset quietSince, string? participantId)
    {
        var command = new NpgsqlCommand(DueSql, connection, transaction);
        command.Parameters.Add(new NpgsqlParameter { Value = today, NpgsqlDbType = NpgsqlDbType.Date });
        command.Parameters.Add(new NpgsqlParameter { Value = quietSince, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new NpgsqlParameter { Value = (object?)participantId ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    private static async Task<bool> LockAsync(NpgsqlConnection connection, string sql, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = LockNamespace });
        command.Parameters.Add(new NpgsqlParameter { Value = LockKey });
        return (bool)(await command.ExecuteScalarAsync(ct))!;
    }
}
