using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using FinsamOutcomes.Api.Features.People;
using FinsamOutcomes.Domain.Common;
using FinsamOutcomes.Domain.People;
using FinsamOutcomes.EventStore;
using FinsamOutcomes.Testing;
using Npgsql;

namespace FinsamOutcomes.Api.Tests.People;

// Test numbers with serial numbers 98x/99x and computed check digits; none is a real person's.
public sealed class IdentityVaultTests : IAsyncLifetime
{
    private const string Forbund = "forbund-sodra-norrbotten";
    private const string OtherForbund = "forbund-finsam-goteborg";
    private const string Actor = "handlaggare-17";

    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.Today);
    private static readonly Personnummer Anna = Personnummer.Parse("19710304-9867", Today);
    private static readonly Personnummer AnnaSamordningsnummer = Personnummer.Parse("19710364-9864", Today);
    private static readonly Personnummer Bertil = Personnummer.Parse("19900101-9893", Today);
    private static readonly Personnummer Cecilia = Personnummer.Parse("19630517-9829", Today);

    private NpgsqlDataSource _dataSource = null!;
    private VaultOptions _options = null!;
    private IdentityVault _vault = null!;

    public async Task InitializeAsync()
    {
        _dataSource = NpgsqlDataSource.Create(await TestDatabases.CreateAsync("vault"));
        await SchemaMigrator.MigrateAsync(_dataSource, Migration.FromAssembly(typeof(IdentityVault).Assembly, "finsam"));
        _options = VaultOptions.Generate();
        _vault = new IdentityVault(_dataSource, _options, TimeProvider.System);
    }

    public async Task DisposeAsync() => await _dataSource.DisposeAsync();

    [Fact]
    public async Task the_same_person_in_the_same_forbund_is_recognised_with_the_same_id()
    {
        var first = await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor);
        var again = await _vault.RegisterOrRecogniseAsync(Forbund, Personnummer.Parse("710304-9867", Today), "handlaggare-22");

        Assert.False(first.Recognised);
        Assert.Matches("^person-[a-z]{16}$", first.ParticipantId); // letters only: nothing in an id can look like a number
        Assert.Equal((first.ParticipantId, true), again);
        Assert.Equal(
            [("registered", Actor, null), ("recognised", "handlaggare-22", null)],
            await AuditAsync(first.ParticipantId));
    }

    [Fact]
    public async Task different_persons_get_different_ids()
    {
        var anna = await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor);
        var bertil = await _vault.RegisterOrRecogniseAsync(Forbund, Bertil, Actor);

        Assert.False(bertil.Recognised);
        Assert.NotEqual(anna.ParticipantId, bertil.ParticipantId);
    }

    [Fact]
    public async Task the_same_person_in_another_forbund_gets_another_id_and_an_unrelated_lookup_hash()
    {
        var here = await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor);
        var there = await _vault.RegisterOrRecogniseAsync(OtherForbund, Anna, Actor);

        Assert.False(there.Recognised);
        Assert.NotEqual(here.ParticipantId, there.ParticipantId);
        Assert.Equal(2, await ScalarAsync<long>("SELECT count(DISTINCT lookup_hash) FROM identity_vault"));
    }

    [Fact]
    public async Task the_number_is_revealed_to_an_actor_and_the_reveal_is_audited()
    {
        var (participantId, _) = await _vault.RegisterOrRecogniseAsync(Forbund, AnnaSamordningsnummer, Actor);

        var revealed = await _vault.RevealAsync(participantId, "handlaggare-22");

        Assert.Equal(AnnaSamordningsnummer, revealed);
        Assert.True(revealed!.Value.IsSamordningsnummer);
        Assert.True(await _vault.HasIdentityAsync(participantId));
        Assert.Equal(("revealed", "handlaggare-22", null), (await AuditAsync(participantId))[^1]);
    }

    [Fact]
    public async Task no_column_of_any_table_holds_the_number_in_clear()
    {
        var (anna, _) = await _vault.RegisterOrRecogniseAsync(Forbund, AnnaSamordningsnummer, Actor);
        await _vault.RegisterOrRecogniseAsync(Forbund, AnnaSamordningsnummer, Actor);
        await _vault.RegisterOrRecogniseAsync(OtherForbund, Bertil, Actor);
        var (cecilia, _) = await _vault.RegisterOrRecogniseAsync(Forbund, Cecilia, Actor);
        await _vault.RekeyAsync(anna, Anna, Actor);
        await _vault.RevealAsync(anna, Actor);
        await _vault.EraseAsync(cecilia, Actor, "Begäran om radering enligt artikel 17");

        var forbidden = new[] { Anna, AnnaSamordningsnummer, Bertil, Cecilia }
            .SelectMany(p => new[] { p.Normalized, p.Normalized[2..], $"{p.Normalized[2..8]}-{p.Normalized[8..]}", $"{p.Normalized[..8]}-{p.Normalized[8..]}" })
            .ToArray();
        var tables = await ListAsync("SELECT table_name::text FROM information_schema.tables WHERE table_schema = 'public'");
        Assert.Contains("identity_vault", tables);
        Assert.Contains("identity_audit", tables);

        var cells = 0;
        foreach (var table in tables)
        {
            await using var select = _dataSource.CreateCommand($"SELECT * FROM \"{table}\"");
            await using var reader = await select.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                for (var column = 0; column < reader.FieldCount; column++)
                {
                    // bytea as raw bytes and as hex; every other type as its text
                    var text = reader.GetValue(column) switch
                    {
                        byte[] bytes => Encoding.Latin1.GetString(bytes) + Convert.ToHexString(bytes),
                        var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? string.Empty,
                    };
                    foreach (var digits in forbidden)
                    {
                        var inClear = text.Contains(digits, StringComparison.Ordinal)
                            || text.Contains(Convert.ToHexString(Encoding.ASCII.GetBytes(digits)), StringComparison.OrdinalIgnoreCase);
                        Assert.False(inClear, $"{table}.{reader.GetName(column)} holds a number in clear");
                    }

                    cells++;
                }
            }
        }

        Assert.True(cells > 50);
    }

    [Fact]
    public async Task erasure_forgets_the_identity_and_keeps_the_participant_id_as_a_tombstone()
    {
        var (participantId, _) = await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor);

        Assert.True(await _vault.EraseAsync(participantId, "forbundschef", "Begäran om radering"));

        Assert.Null(await _vault.RevealAsync(participantId, Actor));
        Assert.False(await _vault.HasIdentityAsync(participantId));
        Assert.Equal(("erased", "forbundschef", "Begäran om radering"), (await AuditAsync(participantId))[^1]);
        Assert.Equal(
            1,
            await ScalarAsync<long>(
                $"""
                SELECT count(*) FROM identity_vault
                WHERE participant_id = '{participantId}' AND forbund_id = '{Forbund}' AND erased_at IS NOT NULL
                  AND num_nulls(lookup_hash, key_nonce, wrapped_key, nonce, ciphertext, is_samordningsnummer) = 6
                """));

        var again = await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor);
        Assert.False(again.Recognised);
        Assert.NotEqual(participantId, again.ParticipantId);
    }

    [Fact]
    public async Task erasing_twice_or_erasing_an_unknown_participant_changes_nothing()
    {
        var (participantId, _) = await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor);
        await _vault.EraseAsync(participantId, Actor, "Gallring efter bevarandetid");

        Assert.False(await _vault.EraseAsync(participantId, Actor, "Gallring efter bevarandetid"));
        Assert.False(await _vault.MarkProtectedAsync(participantId, Actor));
        Assert.False(await _vault.EraseAsync(Guid.NewGuid().ToString(), Actor, "Gallring efter bevarandetid"));
        Assert.Null(await _vault.RevealAsync(Guid.NewGuid().ToString(), Actor));
        Assert.False(await _vault.HasIdentityAsync(Guid.NewGuid().ToString()));
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM identity_audit WHERE action = 'erased'"));
        Assert.Equal(0, await ScalarAsync<long>("SELECT count(*) FROM identity_audit WHERE action = 'protected'"));
    }

    [Fact]
    public async Task protected_identity_started_mid_insats_removes_the_identity()
    {
        var (participantId, _) = await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor);

        Assert.True(await _vault.MarkProtectedAsync(participantId, Actor));

        Assert.False(await _vault.HasIdentityAsync(participantId));
        Assert.Null(await _vault.RevealAsync(participantId, Actor));
        Assert.Equal(("protected", Actor, null), (await AuditAsync(participantId))[^1]);
    }

    [Fact]
    public async Task a_samordningsnummer_is_replaced_by_the_personnummer_under_the_same_participant_id()
    {
        var (participantId, _) = await _vault.RegisterOrRecogniseAsync(Forbund, AnnaSamordningsnummer, Actor);
        var before = await ScalarAsync<byte[]>($"SELECT wrapped_key FROM identity_vault WHERE participant_id = '{participantId}'");

        await _vault.RekeyAsync(participantId, Anna, Actor);

        var revealed = await _vault.RevealAsync(participantId, Actor);
        Assert.Equal(Anna, revealed);
        Assert.False(revealed!.Value.IsSamordningsnummer);
        Assert.Equal((participantId, true), await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor));
        Assert.NotEqual(before, await ScalarAsync<byte[]>($"SELECT wrapped_key FROM identity_vault WHERE participant_id = '{participantId}'"));
        Assert.Contains(("rekeyed", Actor, null), await AuditAsync(participantId));
        Assert.False((await _vault.RegisterOrRecogniseAsync(Forbund, AnnaSamordningsnummer, Actor)).Recognised);
    }

    [Fact]
    public async Task rekeying_to_a_number_of_another_participant_in_the_forbund_is_refused_without_the_digits()
    {
        var (anna, _) = await _vault.RegisterOrRecogniseAsync(Forbund, AnnaSamordningsnummer, Actor);
        await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor);

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => _vault.RekeyAsync(anna, Anna, Actor));

        Assert.Equal("identity.already_registered", refused.Code);
        Assert.DoesNotMatch(@"\d{4}", refused.Message);
        Assert.Equal(AnnaSamordningsnummer, await _vault.RevealAsync(anna, Actor));
        Assert.DoesNotContain(await AuditAsync(anna), entry => entry.Action == "rekeyed");
    }

    [Fact]
    public async Task rekeying_to_a_number_known_only_in_another_forbund_is_allowed()
    {
        var (anna, _) = await _vault.RegisterOrRecogniseAsync(Forbund, AnnaSamordningsnummer, Actor);
        await _vault.RegisterOrRecogniseAsync(OtherForbund, Anna, Actor);

        await _vault.RekeyAsync(anna, Anna, Actor);

        Assert.Equal(Anna, await _vault.RevealAsync(anna, Actor));
    }

    [Fact]
    public async Task an_erased_identity_cannot_be_rekeyed()
    {
        var (participantId, _) = await _vault.RegisterOrRecogniseAsync(Forbund, AnnaSamordningsnummer, Actor);
        await _vault.EraseAsync(participantId, Actor, "Begäran om radering");

        var refused = await Assert.ThrowsAsync<RuleViolationException>(() => _vault.RekeyAsync(participantId, Anna, Actor));

        Assert.Equal("identity.missing", refused.Code);
        Assert.False(await _vault.HasIdentityAsync(participantId));
    }

    [Fact]
    public async Task concurrent_registrations_of_the_same_new_person_end_with_one_id()
    {
        const int callers = 16;
        var start = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = Enumerable.Range(0, callers)
            .Select(i => Task.Run(async () =>
            {
                await start.Task;
                return await _vault.RegisterOrRecogniseAsync(Forbund, Bertil, $"handlaggare-{i}");
            }))
            .ToArray();

        start.SetResult();
        var results = await Task.WhenAll(calls);

        Assert.Single(results.Select(r => r.ParticipantId).Distinct());
        Assert.Single(results, r => !r.Recognised);
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM identity_vault"));
        Assert.Equal(callers, await ScalarAsync<long>("SELECT count(*) FROM identity_audit"));
    }

    [Fact]
    public async Task a_vault_with_another_master_key_cannot_open_an_identity()
    {
        var (participantId, _) = await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor);
        var otherMaster = new IdentityVault(_dataSource, _options with { MasterKey = VaultOptions.Generate().MasterKey }, TimeProvider.System);

        var thrown = await Assert.ThrowsAsync<CryptographicException>(() => otherMaster.RevealAsync(participantId, Actor));

        Assert.DoesNotMatch(@"\d{4}", thrown.Message);
    }

    [Fact]
    public async Task a_vault_with_another_lookup_key_does_not_recognise_anyone()
    {
        await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor);
        var otherLookup = new IdentityVault(_dataSource, _options with { LookupKey = VaultOptions.Generate().LookupKey }, TimeProvider.System);

        Assert.False((await otherLookup.RegisterOrRecogniseAsync(Forbund, Anna, Actor)).Recognised);
    }

    [Fact]
    public async Task a_personnummer_in_an_actor_or_a_reason_is_refused_and_nothing_is_written()
    {
        var (participantId, _) = await _vault.RegisterOrRecogniseAsync(Forbund, Anna, Actor);

        await Assert.ThrowsAsync<ArgumentException>(() => _vault.RegisterOrRecogniseAsync(Forbund, Bertil, "user-199001019893"));
        await Assert.ThrowsAsync<ArgumentException>(() => _vault.RevealAsync(participantId, "900101-9893"));
        var refused = await Assert.ThrowsAsync<ArgumentException>(() => _vault.EraseAsync(participantId, Actor, "Begäran från 19710304-9867"));

        Assert.DoesNotMatch(@"\d{4}", refused.Message);
        Assert.True(await _vault.HasIdentityAsync(participantId));
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM identity_vault"));
        Assert.Equal(1, await ScalarAsync<long>("SELECT count(*) FROM identity_audit"));
    }

    [Theory]
    [InlineData(16)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(64)]
    public void a_key_of_the_wrong_length_is_refused(int bytes)
    {
        var shortMaster = VaultOptions.Generate() with { MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)) };
        var shortLookup = VaultOptions.Generate() with { LookupKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(bytes)) };

        var master = Assert.Throws<ArgumentException>(() => new IdentityVault(_dataSource, shortMaster, TimeProvider.System));
        var lookup = Assert.Throws<ArgumentException>(shortLookup.Validate);

        Assert.Equal("MasterKey", master.ParamName);
        Assert.Equal("LookupKey", lookup.ParamName);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not base64 at all!")]
    public void a_missing_or_malformed_key_is_refused(string key)
    {
        Assert.Throws<ArgumentException>((VaultOptions.Generate() with { MasterKey = key }).Validate);
    }

    [Fact]
    public void the_same_key_for_both_purposes_is_refused()
    {
        var key = VaultOptions.Generate().MasterKey;

        Assert.Throws<ArgumentException>(new VaultOptions { MasterKey = key, LookupKey = key }.Validate);
    }

    [Fact]
    public void generated_options_are_valid_distinct_and_never_printed()
    {
        var options = VaultOptions.Generate();

        options.Validate();
        Assert.NotEqual(VaultOptions.Generate().MasterKey, options.MasterKey);
        Assert.DoesNotContain(options.MasterKey, options.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(options.LookupKey, $"{options}", StringComparison.Ordinal);
    }

    private async Task<List<(string Action, string Actor, string? Reason)>> AuditAsync(string participantId)
    {
        await using var select = _dataSource.CreateCommand("SELECT action, actor, reason FROM identity_audit WHERE participant_id = $1 ORDER BY id");
        select.Parameters.Add(new NpgsqlParameter { Value = participantId });
        await using var reader = await select.ExecuteReaderAsync();
        var entries = new List<(string, string, string?)>();
        while (await reader.ReadAsync())
        {
            entries.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2)));
        }

        return entries;
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var select = _dataSource.CreateCommand(sql);
        return (T)(await select.ExecuteScalarAsync())!;
    }

    private async Task<List<string>> ListAsync(string sql)
    {
        await using var select = _dataSource.CreateCommand(sql);
        await using var reader = await select.ExecuteReaderAsync();
        var values = new List<string>();
        while (await reader.ReadAsync())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }
}
