using System.Security.Cryptography;

namespace FinsamOutcomes.Api.Features.People;

/// <summary>
/// The identity vault's two secrets, each 32 random bytes in base64 (configuration section "Vault").
/// <see cref="MasterKey"/> wraps every person's own key; <see cref="LookupKey"/> keys the hash that recognises
/// a person again. Both must stay secret: with the lookup key alone, the small space of personnummer can be
/// searched by brute force.
/// </summary>
public sealed record VaultOptions
{
    public const string SectionName = "Vault";

    public const int KeySizeInBytes = 32;

    public string MasterKey { get; init; } = string.Empty;

    public string LookupKey { get; init; } = string.Empty;

    /// <summary>Fresh random keys, for development and tests (the caller persists them).</summary>
    public static VaultOptions Generate() => new()
    {
        MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySizeInBytes)),
        LookupKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(KeySizeInBytes)),
    };

    /// <summary>Throws an <see cref="ArgumentException"/> unless both keys are distinct 32-byte base64 values.</summary>
    public void Validate() => DecodeKeys();

    /// <summary>Never the keys.</summary>
    public override string ToString() => "VaultOptions { MasterKey = ***, LookupKey = *** }";

    internal (byte[] MasterKey, byte[] LookupKey) DecodeKeys()
    {
        var master = Decode(MasterKey, nameof(MasterKey));
        var lookup = Decode(LookupKey, nameof(LookupKey));
        if (CryptographicOperations.FixedTimeEquals(master, lookup))
        {
            throw new ArgumentException($"{SectionName}:{nameof(MasterKey)} and {SectionName}:{nameof(LookupKey)} must be different keys.", nameof(LookupKey));
        }

        return (master, lookup);
    }

    private static byte[] Decode(string value, string name)
    {
        var buffer = new byte[KeySizeInBytes + 1];
        if (string.IsNullOrWhiteSpace(value)
            || !Convert.TryFromBase64String(value.Trim(), buffer, out var written)
            || written != KeySizeInBytes)
        {
            throw new ArgumentException($"{SectionName}:{name} must be {KeySizeInBytes} random bytes encoded as base64.", name);
        }

        return buffer[..KeySizeInBytes];
    }
}
