using System.Globalization;
using System.Security.Cryptography;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>
/// The ECDSA P-256 keys checkpoints are signed with: PEM files in a directory outside the database
/// (a mounted secret in production), named by creation time and key id. The newest signs; every
/// key in the directory still verifies what it signed.
/// </summary>
public sealed class CheckpointKeys(AuditSettings settings)
{
    private const string FileTimeFormat = "yyyyMMdd'T'HHmmss'Z'";

    /// <summary>The newest key, generated first when there is none and the settings allow it.</summary>
    public (string KeyId, ECDsa Key) Signing()
    {
        var newest = Files().Max();
        if (newest is null)
        {
            if (!settings.GenerateKey)
            {
                throw new InvalidOperationException(
                    $"No checkpoint signing key in {settings.KeyDirectory}. Put an ECDSA P-256 private key there as a PEM file.");
            }

            newest = Generate();
        }

        var key = Load(newest);
        return (KeyId(key), key);
    }

    /// <summary>Every key the directory holds, by id, read once for a whole verification; the caller disposes them.</summary>
    public IReadOnlyDictionary<string, ECDsa> All() => Files().Select(Load).DistinctBy(KeyId).ToDictionary(KeyId);

    public static string KeyId(ECDsa key) => Convert.ToHexStringLower(SHA256.HashData(key.ExportSubjectPublicKeyInfo()).AsSpan(0, 16));

    private string[] Files() =>
        Directory.Exists(settings.KeyDirectory) ? Directory.GetFiles(settings.KeyDirectory, "*.pem") : [];

    private string Generate()
    {
        Directory.CreateDirectory(settings.KeyDirectory);
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var created = DateTimeOffset.UtcNow.ToString(FileTimeFormat, CultureInfo.InvariantCulture);
        var path = Path.Combine(settings.KeyDirectory, $"{created}_{KeyId(key)}.pem");
        PrivateKeyFile.Write(path, key.ExportPkcs8PrivateKeyPem());
        return path;
    }

    private static ECDsa Load(string path)
    {
        var key = ECDsa.Create();
        key.ImportFromPem(File.ReadAllText(path));
        if (key.KeySize != 256)
        {
            throw new InvalidOperationException($"{path}: checkpoint keys must be ECDSA P-256.");
        }

        return key;
    }
}
