using System.Security.Cryptography;

namespace FinsamOutcomes.Api.Infrastructure;

/// <summary>
/// Secrets for development and tests only (the token signing key, the vault keys): made once per
/// checkout and kept in the git-ignored folder .devkeys beside the project, so the service and the
/// token command agree. Production configures its own and never reaches this.
/// </summary>
public static class DevelopmentSecrets
{
    public const int Size = 32;

    public static byte[] GetOrCreate(string contentRoot, string name)
    {
        var folder = Path.Combine(contentRoot, ".devkeys");
        var file = Path.Combine(folder, $"{name}.key");
        Directory.CreateDirectory(folder);
        if (!File.Exists(file))
        {
            // written whole to a temporary file, then moved in place: a reader never sees half a key
            var temporary = Path.Combine(folder, $"{name}.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(temporary, RandomNumberGenerator.GetBytes(Size));
            try
            {
                File.Move(temporary, file, overwrite: false);
            }
            catch (IOException) when (File.Exists(file))
            {
                File.Delete(temporary);
            }
        }

        var bytes = File.ReadAllBytes(file);
        return bytes.Length == Size ? bytes : throw new InvalidOperationException($"The development key file {file} is damaged; delete it.");
    }
}
