using System.Globalization;
using System.Security.Cryptography;
using Microsoft.IdentityModel.Tokens;
using Shop.ServiceDefaults.Security;

namespace Shop.Identity.Tokens;

/// <summary>One ES256 key, named by its RFC 7638 thumbprint.</summary>
public sealed record SigningKey(string KeyId, ECDsaSecurityKey Key, DateTimeOffset CreatedAt);

/// <summary>
/// The ES256 keys Identity signs with, one PEM file each in a directory (a mounted secret in
/// production). The newest signs; an older one is still published, so its tokens still verify,
/// until every token it signed has expired. Adding a file is a rotation; the ring rereads the
/// directory every few seconds, so a running service picks it up.
/// </summary>
public sealed class SigningKeyRing
{
    private const string FileTimeFormat = "yyyyMMdd'T'HHmmss'Z'";
    private static readonly TimeSpan RereadAfter = TimeSpan.FromSeconds(10);

    private readonly IdentitySettings _settings;
    private readonly JwtSettings _jwt;
    private readonly TimeProvider _clock;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, SigningKey> _byPath = [];
    private IReadOnlyList<SigningKey> _keys = [];
    private DateTimeOffset _readAt = DateTimeOffset.MinValue;

    public SigningKeyRing(IdentitySettings settings, JwtSettings jwt, TimeProvider clock)
    {
        _settings = settings;
        _jwt = jwt;
        _clock = clock;
        if (Keys().Count == 0)
        {
            if (!settings.GenerateKeys)
            {
                throw new InvalidOperationException(
                    $"No signing key in {settings.KeysDirectory}. Put an ES256 (P-256) private key there as a PEM file, or run the rotate-key command.");
            }

            Rotate();
        }
    }

    /// <summary>The key new tokens are signed with.</summary>
    public SigningKey Current => Keys()[^1];

    /// <summary>Keys whose tokens may still be valid: the current one and those replaced less than a token lifetime ago.</summary>
    public IReadOnlyList<SigningKey> Published
    {
        get
        {
            var keys = Keys();
            var graceStart = _clock.GetUtcNow() - _settings.AccessTokenLifetime - _jwt.ClockSkew;
            return [.. keys.Where((key, i) => i == keys.Count - 1 || keys[i + 1].CreatedAt > graceStart)];
        }
    }

    /// <summary>Writes a new key, which signs from now on.</summary>
    public SigningKey Rotate()
    {
        Directory.CreateDirectory(_settings.KeysDirectory);
        using var ecdsa = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var created = _clock.GetUtcNow();
        var key = Load(ecdsa.ExportPkcs8PrivateKeyPem(), created);
        var path = Path.Combine(_settings.KeysDirectory, $"{created.ToString(FileTimeFormat, CultureInfo.InvariantCulture)}_{key.KeyId}.pem");
        PrivateKeyFile.Write(path, ecdsa.ExportPkcs8PrivateKeyPem());

        lock (_gate)
        {
            _readAt = DateTimeOffset.MinValue;
        }

        return key;
    }

    private IReadOnlyList<SigningKey> Keys()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            if (now - _readAt > RereadAfter)
            {
                _keys = Read();
                _readAt = now;
            }

            return _keys;
        }
    }

    private List<SigningKey> Read()
    {
        var paths = Directory.Exists(_settings.KeysDirectory) ? Directory.GetFiles(_settings.KeysDirectory, "*.pem") : [];
        foreach (var path in paths.Where(p => !_byPath.ContainsKey(p)))
        {
            _byPath[path] = Load(File.ReadAllText(path), CreatedAt(path));
        }

        foreach (var gone in _byPath.Keys.Except(paths).ToList())
        {
            _byPath.Remove(gone);
        }

        return [.. _byPath.Values.OrderBy(k => k.CreatedAt)];
    }

    private static DateTimeOffset CreatedAt(string path)
    {
        var stamp = Path.GetFileNameWithoutExtension(path).Split('_')[0];
        return DateTimeOffset.TryParseExact(stamp, FileTimeFormat, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var created)
            ? created
            : File.GetLastWriteTimeUtc(path);
    }

    private static SigningKey Load(string pem, DateTimeOffset created)
    {
        var ecdsa = ECDsa.Create();
        ecdsa.ImportFromPem(pem);
        if (ecdsa.KeySize != 256)
        {
            throw new InvalidOperationException("Signing keys must be P-256 (ES256).");
        }

        var key = new ECDsaSecurityKey(ecdsa);
        key.KeyId = Base64UrlEncoder.Encode(JsonWebKeyConverter.ConvertFromECDsaSecurityKey(key).ComputeJwkThumbprint());
        return new SigningKey(key.KeyId, key, created);
    }
}
