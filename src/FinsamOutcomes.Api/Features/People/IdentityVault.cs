using System.Security.Cryptography;
using System.Text;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.People;
using FinsamOutcomes.EventStore;
using Npgsql;
using NpgsqlTypes;

namespace FinsamOutcomes.Api.Features.People;

/// <summary>
/// Links a pseudonymous participant id to a personnummer, apart from the event log, and can forget it.
/// Each person's number is sealed with AES-GCM under the person's own random key, which is sealed under the
/// master key; a per-förbund HMAC of the number recognises the same person again within one förbund only.
/// Erasure removes all of that and keeps the participant id, so the events and the statistics stay intact.
/// Every change and every reveal is written to <c>identity_audit</c>, which never holds the number.
/// Schema: Migrations/0100_identity_vault.sql.
/// </summary>
public sealed class IdentityVault
{
    private const int NonceSize = 12;
    private const int TagSize = 16;
    private const int RegisterAttempts = 3;

    private readonly NpgsqlDataSource _dataSource;
    private readonly TimeProvider _time;
    private readonly byte[] _masterKey;
    private readonly byte[] _lookupKey;

    /// <exception cref="ArgumentException">A key is not 32 bytes of base64, or both keys are the same.</exception>
    public IdentityVault(NpgsqlDataSource dataSource, VaultOptions options, TimeProvider timeProvider)
    {
        ArgumentNullException.ThrowIfNull(dataSource);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);
        _dataSource = dataSource;
        _time = timeProvider;
        (_masterKey, _lookupKey) = options.DecodeKeys();
    }

    /// <summary>
    /// The participant id of this person in this förbund: the existing one when the person is recognised
    /// (so unique individuals can be counted), otherwise a new random id. For a förbund formed by a merger, a
    /// person registered in one of the förbund it was formed from (<paramref name="predecessorIds"/>) is
    /// recognised too, so nobody is counted twice. Registers on its own; a write that records events about the
    /// person uses <see cref="PrepareAsync"/> so that the identity commits with the events.
    /// </summary>
    public async Task<(string ParticipantId, bool Recognised)> RegisterOrRecogniseAsync(
        string forbundId, Personnummer personnummer, string actor, CancellationToken cancellationToken = default, IReadOnlyList<string>? predecessorIds = null)
    {
        for (var attempt = 1; ; attempt++)
        {
            var prepared = await PrepareAsync(forbundId, personnummer, actor, predecessorIds, cancellationToken);
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            try
            {
                await prepared.Work(connection, transaction, cancellationToken);
                await transaction.CommitAsync(cancellationToken);
                return (prepared.ParticipantId, prepared.Recognised);
            }
            catch (RuleViolationException) when (attempt < RegisterAttempts)
            {
                // registered or erased concurrently: look again
            }
        }
    }

    /// <summary>
    /// Looks the person up without writing anything, and returns the participant id with the vault work that
    /// registers the identity (a new person) or records the recognition (a known one). The work runs inside the
    /// transaction that appends the events about the person (<see cref="AppendTransactionWork"/>), so a refused
    /// or failed write leaves no identity and no audit row, and a crash cannot leave an identity no event names.
    /// The work refuses (409 <c>identity.changed_concurrently</c>, nothing stored) when the same person was
    /// registered, or the recognised identity erased, by another write in between.
    /// </summary>
    public async Task<PreparedIdentity> PrepareAsync(
        string forbundId, Personnummer personnummer, string actor, IReadOnlyList<string>? predecessorIds, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(forbundId);
        var number = Normalized(personnummer);
        EnsureFreeOfPersonnummer(actor, nameof(actor));
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        foreach (var searchIn in new[] { forbundId }.Concat(predecessorIds ?? []))
        {
            await using var find = Command(
                connection, null, "SELECT participant_id FROM identity_vault WHERE forbund_id = $1 AND lookup_hash = $2", searchIn, LookupHash(searchIn, number));
            if (await find.ExecuteScalarAsync(cancellationToken) is string existing)
            {
                return new PreparedIdentity(existing, true, RecogniseWork(existing, searchIn, actor));
            }
        }

        var participantId = NewParticipantId();
        return new PreparedIdentity(participantId, false, RegisterWork(participantId, forbundId, number, personnummer.IsSamordningsnummer, actor));
    }

    /// <summary>A random pseudonymous id, letters only (see <see cref="Api.Infrastructure.Endpoints.Letters"/>).</summary>
    public static string NewParticipantId() => $"person-{Api.Infrastructure.Endpoints.Letters(RandomNumberGenerator.GetBytes(16))}";

    private AppendTransactionWork RecogniseWork(string participantId, string forbundId, string actor) => async (connection, transaction, ct) =>
    {
        // FOR SHARE: a concurrent erasure waits until this recognition is committed, or has already removed the identity
        await using var still = Command(
            connection, transaction, "SELECT 1 FROM identity_vault WHERE participant_id = $1 AND erased_at IS NULL FOR SHARE", participantId);
        if (await still.ExecuteScalarAsync(ct) is null)
        {
            throw ChangedConcurrently();
        }

        await AuditAsync(connection, transaction, participantId, forbundId, "recognised", actor, null, _time.GetUtcNow(), ct);
    };

    private AppendTransactionWork RegisterWork(string participantId, string forbundId, string number, bool isSamordningsnummer, string actor) =>
        async (connection, transaction, ct) =>
        {
            var sealedIdentity = Seal(participantId, number);
            var now = _time.GetUtcNow();
            await using var insert = Command(
                connection,
                transaction,
                """
                INSERT INTO identity_vault
                    (participant_id, forbund_id, lookup_hash, key_nonce, wrapped_key, nonce, ciphertext, is_samordningsnummer, created_at)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                ON CONFLICT (forbund_id, lookup_hash) DO NOTHING
                """,
                participantId,
                forbundId,
                LookupHash(forbundId, number),
                sealedIdentity.KeyNonce,
                sealedIdentity.WrappedKey,
                sealedIdentity.Nonce,
                sealedIdentity.Ciphertext,
                isSamordningsnummer,
                now);
            // a concurrent registration of the same person committed first: this write is refused, a retry recognises the person
            if (await insert.ExecuteNonQueryAsync(ct) != 1)
            {
                throw ChangedConcurrently();
            }

            await AuditAsync(connection, transaction, participantId, forbundId, "registered", actor, null, now, ct);
        };

    /// <summary>Vault work that records, with the write it belongs to, that a participant's identity was read (audited).</summary>
    public AppendTransactionWork RevealedWork(string participantId, string actor) => async (connection, transaction, ct) =>
    {
        EnsureFreeOfPersonnummer(actor, nameof(actor));
        await using var insert = Command(
            connection,
            transaction,
            "INSERT INTO identity_audit (participant_id, forbund_id, action, actor, reason, at) SELECT participant_id, forbund_id, 'revealed', $2, NULL, $3 FROM identity_vault WHERE participant_id = $1",
            participantId,
            actor,
            _time.GetUtcNow());
        await insert.ExecuteNonQueryAsync(ct);
    };

    /// <summary>Vault work that erases a participant's identity together with the write it belongs to.</summary>
    public AppendTransactionWork ErasedWork(string participantId, string actor, string reason) => async (connection, transaction, ct) =>
    {
        EnsureFreeOfPersonnummer(reason, nameof(reason));
        await using var command = RemoveCommand(connection, transaction, participantId, "erased", actor, reason);
        await command.ExecuteNonQueryAsync(ct);
    };

    /// <summary>The pieces of vault work of one write, in order, as one (null when there is none).</summary>
    public static AppendTransactionWork? Together(params AppendTransactionWork?[] works)
    {
        var present = works.OfType<AppendTransactionWork>().ToArray();
        return present.Length switch
        {
            0 => null,
            1 => present[0],
            _ => async (connection, transaction, ct) =>
            {
                foreach (var work in present)
                {
                    await work(connection, transaction, ct);
                }
            },
        };
    }

    private static RuleViolationException ChangedConcurrently() => new(
        "identity.changed_concurrently", "The person's identity was registered or erased by another request at the same moment; nothing was recorded. Send the request again.");

    /// <summary>The participant's personnummer, or null when the participant has none (anonymous, erased, protected or unknown).</summary>
    /// <exception cref="CryptographicException">The stored identity cannot be opened with the configured master key.</exception>
    public Task<Personnummer?> RevealAsync(string participantId, string actor, CancellationToken cancellationToken = default) =>
        OpenAsync(participantId, actor, audit: true, cancellationToken);

    /// <summary>
    /// The participant's personnummer without an audit row of its own: for a write that records the read with
    /// <see cref="RevealedWork"/> in its own transaction, so a refused write leaves no audit row.
    /// </summary>
    public Task<Personnummer?> PeekAsync(string participantId, string actor, CancellationToken cancellationToken = default) =>
        OpenAsync(participantId, actor, audit: false, cancellationToken);

    private async Task<Personnummer?> OpenAsync(string participantId, string actor, bool audit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(participantId);
        EnsureFreeOfPersonnummer(actor, nameof(actor));

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        string forbundId;
        SealedIdentity sealedIdentity;
        await using (var select = Command(
            connection,
            null,
            "SELECT forbund_id, key_nonce, wrapped_key, nonce, ciphertext FROM identity_vault WHERE participant_id = $1 AND erased_at IS NULL",
            participantId))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            forbundId = reader.GetString(0);
            sealedIdentity = new SealedIdentity(
                reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3), reader.GetFieldValue<byte[]>(4));
        }

        var personnummer = Personnummer.Parse(Open(participantId, sealedIdentity), DateOnly.FromDateTime(_time.GetLocalNow().DateTime));
        if (audit)
        {
            await AuditAsync(connection, null, participantId, forbundId, "revealed", actor, null, _time.GetUtcNow(), cancellationToken);
        }

        return personnummer;
    }

    /// <summary>
    /// Crypto-erasure on request or after the retention time: the sealed number, the person's key and the lookup hash
    /// are removed; the participant id stays valid in the events. Returns false when there was no identity to erase.
    /// </summary>
    public Task<bool> EraseAsync(string participantId, string actor, string reason, CancellationToken cancellationToken = default)
    {
        EnsureFreeOfPersonnummer(reason, nameof(reason));
        return RemoveIdentityAsync(participantId, "erased", actor, reason, cancellationToken);
    }

    /// <summary>Skyddade personuppgifter started during an insats: the identity is removed as by erasure. Returns false when there was none.</summary>
    public Task<bool> MarkProtectedAsync(string participantId, string actor, CancellationToken cancellationToken = default) =>
        RemoveIdentityAsync(participantId, "protected", actor, null, cancellationToken);

    /// <summary>
    /// Replaces the participant's number, typically a samordningsnummer by the personnummer given later, under a new
    /// person key; the participant id stays.
    /// </summary>
    /// <exception cref="RuleViolationException">
    /// The participant has no identity (<c>identity.missing</c>), or the new number already belongs to another
    /// participant in the förbund (<c>identity.already_registered</c>).
    /// </exception>
    public async Task RekeyAsync(string participantId, Personnummer newPersonnummer, string actor, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(participantId);
        var number = Normalized(newPersonnummer);
        EnsureFreeOfPersonnummer(actor, nameof(actor));
        var now = _time.GetUtcNow();

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        string forbundId;
        await using (var select = Command(
            connection,
            transaction,
            "SELECT forbund_id FROM identity_vault WHERE participant_id = $1 AND erased_at IS NULL FOR UPDATE",
            participantId))
        {
            forbundId = await select.ExecuteScalarAsync(cancellationToken) as string
                ?? throw new RuleViolationException("identity.missing", "The participant has no identity in the vault to replace.");
        }

        var sealedIdentity = Seal(participantId, number);
        await using (var update = Command(
            connection,
            transaction,
            """
            UPDATE identity_vault
            SET lookup_hash = $2, key_nonce = $3, wrapped_key = $4, nonce = $5, ciphertext = $6, is_samordningsnummer = $7
            WHERE participant_id = $1
            """,
            participantId,
            LookupHash(forbundId, number),
            sealedIdentity.KeyNonce,
            sealedIdentity.WrappedKey,
            sealedIdentity.Nonce,
            sealedIdentity.Ciphertext,
            newPersonnummer.IsSamordningsnummer))
        {
            try
            {
                await update.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (PostgresException ex) when (ex is { SqlState: PostgresErrorCodes.UniqueViolation, ConstraintName: "identity_vault_lookup_key" })
            {
                throw new RuleViolationException(
                    "identity.already_registered", "The new number already belongs to another participant in this förbund.");
            }
        }

        await AuditAsync(connection, transaction, participantId, forbundId, "rekeyed", actor, null, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>True when the vault holds an identity for the participant (false for anonymous, erased, protected or unknown).</summary>
    public async Task<bool> HasIdentityAsync(string participantId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(participantId);
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var select = Command(
            connection,
            null,
            "SELECT EXISTS (SELECT 1 FROM identity_vault WHERE participant_id = $1 AND erased_at IS NULL)",
            participantId);
        return (bool)(await select.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<bool> RemoveIdentityAsync(string participantId, string action, string actor, string? reason, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(participantId);
        EnsureFreeOfPersonnummer(actor, nameof(actor));

        // One statement: the tombstone and its audit row are written together or not at all.
        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = RemoveCommand(connection, null, participantId, action, actor, reason);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    private NpgsqlCommand RemoveCommand(NpgsqlConnection connection, NpgsqlTransaction? transaction, string participantId, string action, string actor, string? reason) =>
        Command(
            connection,
            transaction,
            """
            WITH removed AS (
                UPDATE identity_vault
                SET lookup_hash = NULL, key_nonce = NULL, wrapped_key = NULL, nonce = NULL, ciphertext = NULL,
                    is_samordningsnummer = NULL, erased_at = $2
                WHERE participant_id = $1 AND erased_at IS NULL
                RETURNING participant_id, forbund_id)
            INSERT INTO identity_audit (participant_id, forbund_id, action, actor, reason, at)
            SELECT participant_id, forbund_id, $3, $4, $5, $2 FROM removed
            """,
            participantId,
            _time.GetUtcNow(),
            action,
            actor,
            reason);

    private static async Task AuditAsync(
        NpgsqlConnection connection,
        NpgsqlTransaction? transaction,
        string participantId,
        string forbundId,
        string action,
        string actor,
        string? reason,
        DateTimeOffset at,
        CancellationToken cancellationToken)
    {
        await using var insert = Command(
            connection,
            transaction,
            "INSERT INTO identity_audit (participant_id, forbund_id, action, actor, reason, at) VALUES ($1, $2, $3, $4, $5, $6)",
            participantId,
            forbundId,
            action,
            actor,
            reason,
            at);
        await insert.ExecuteNonQueryAsync(cancellationToken);
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, params object?[] values)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var value in values)
        {
            // the only nullable parameters are audit texts
            command.Parameters.Add(value is null
                ? new NpgsqlParameter { Value = DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text }
                : new NpgsqlParameter { Value = value });
        }

        return command;
    }

    private static string Normalized(Personnummer personnummer) =>
        personnummer == default
            ? throw new ArgumentException("The personnummer was never parsed.", nameof(personnummer))
            : personnummer.Normalized;

    /// <summary>HMAC of the number under a key derived for the förbund: equal within a förbund, unrelated across förbund.</summary>
    /// <summary>
    /// A keyed digest of the person for deriving an id from it (a history import's participation id): HMAC under the lookup
    /// key, separated from the vault's own lookup hash by its label, so neither the number nor the vault's hash can be read
    /// or guessed from an id without the key.
    /// </summary>
    public byte[] KeyedDigest(string forbundId, Personnummer personnummer, string purpose)
    {
        var purposeKey = HMACSHA256.HashData(_lookupKey, Encoding.UTF8.GetBytes($"finsam.identity.{purpose}.v1/{forbundId}"));
        return HMACSHA256.HashData(purposeKey, Encoding.ASCII.GetBytes(Normalized(personnummer)));
    }

    private byte[] LookupHash(string forbundId, string number)
    {
        var forbundKey = HMACSHA256.HashData(_lookupKey, Encoding.UTF8.GetBytes($"finsam.identity.lookup.v1/{forbundId}"));
        return HMACSHA256.HashData(forbundKey, Encoding.ASCII.GetBytes(number));
    }

    /// <summary>Seals the number under a fresh person key, and that key under the master key, both bound to the participant id.</summary>
    private SealedIdentity Seal(string participantId, string number)
    {
        var personKey = RandomNumberGenerator.GetBytes(VaultOptions.KeySizeInBytes);
        var plaintext = Encoding.ASCII.GetBytes(number);
        try
        {
            var (keyNonce, wrappedKey) = Encrypt(_masterKey, personKey, AssociatedData("key", participantId));
            var (nonce, ciphertext) = Encrypt(personKey, plaintext, AssociatedData("number", participantId));
            return new SealedIdentity(keyNonce, wrappedKey, nonce, ciphertext);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(personKey);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private string Open(string participantId, SealedIdentity sealedIdentity)
    {
        var personKey = new byte[VaultOptions.KeySizeInBytes];
        var plaintext = new byte[sealedIdentity.Ciphertext.Length - TagSize];
        try
        {
            Decrypt(_masterKey, sealedIdentity.KeyNonce, sealedIdentity.WrappedKey, AssociatedData("key", participantId), personKey);
            Decrypt(personKey, sealedIdentity.Nonce, sealedIdentity.Ciphertext, AssociatedData("number", participantId), plaintext);
            return Encoding.ASCII.GetString(plaintext);
        }
        catch (AuthenticationTagMismatchException)
        {
            throw new CryptographicException(
                "A participant's identity could not be opened: the vault's master key is not the one it was sealed with, or the row was altered.");
        }
        finally
        {
            CryptographicOperations.ZeroMemory(personKey);
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    private static byte[] AssociatedData(string purpose, string participantId) =>
        Encoding.UTF8.GetBytes($"finsam.identity.{purpose}.v1/{participantId}");

    /// <returns>The random nonce, and the ciphertext followed by the tag.</returns>
    private static (byte[] Nonce, byte[] Sealed) Encrypt(byte[] key, byte[] plaintext, byte[] associatedData)
    {
        var nonce = RandomNumberGenerator.GetBytes(NonceSize);
        var output = new byte[plaintext.Length + TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(0, plaintext.Length), output.AsSpan(plaintext.Length), associatedData);
        return (nonce, output);
    }

    private static void Decrypt(byte[] key, byte[] nonce, byte[] sealedData, byte[] associatedData, Span<byte> plaintext)
    {
        using var aes = new AesGcm(key, TagSize);
        var length = sealedData.Length - TagSize;
        aes.Decrypt(nonce, sealedData.AsSpan(0, length), sealedData.AsSpan(length), plaintext, associatedData);
    }

    /// <summary>Audit texts (actor, reason) come from people and identity providers; a personnummer in them is refused.</summary>
    private static void EnsureFreeOfPersonnummer(string value, string parameterName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(value, parameterName);
        if (PersonnummerText.AppearsIn(value))
        {
            throw new ArgumentException("The text must not contain a personnummer or anything that looks like one.", parameterName);
        }
    }

    /// <summary>A person looked up in the vault: the participant id, and the work that records it with the write.</summary>
    public sealed record PreparedIdentity(string ParticipantId, bool Recognised, AppendTransactionWork Work);

    private sealed record SealedIdentity(byte[] KeyNonce, byte[] WrappedKey, byte[] Nonce, byte[] Ciphertext);

    /// <summary>
    /// Erasure after the retention time (gallring): as <see cref="EraseAsync"/>, but the identity is first locked against a
    /// concurrent recognition, and it is erased only when <paramref name="stillDue"/>, asked inside the same transaction
    /// after the lock (so it sees everything committed before), still says so. A recognition that arrives meanwhile waits
    /// and then finds no identity, so it registers the person anew. Returns false when nothing was erased.
    /// </summary>
    public async Task<bool> EraseWhenStillDueAsync(
        string participantId,
        string actor,
        string reason,
        Func<NpgsqlConnection, NpgsqlTransaction, CancellationToken, Task<bool>> stillDue,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(participantId);
        ArgumentNullException.ThrowIfNull(stillDue);
        EnsureFreeOfPersonnummer(actor, nameof(actor));
        EnsureFreeOfPersonnummer(reason, nameof(reason));

        await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var select = Command(
            connection,
            transaction,
            "SELECT participant_id FROM identity_vault WHERE participant_id = $1 AND erased_at IS NULL FOR UPDATE",
            participantId))
        {
            if (await select.ExecuteScalarAsync(cancellationToken) is null)
            {
                return false;
            }
        }

        if (!await stillDue(connection, transaction, cancellationToken))
        {
            return false;
        }

        await using var command = RemoveCommand(connection, transaction, participantId, "erased", actor, reason);
        var erased = await command.ExecuteNonQueryAsync(cancellationToken) == 1;
        await transaction.CommitAsync(cancellationToken);
        return erased;
    }
}
