using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Shop.Identity.Credentials;

public readonly record struct PasswordCheck(bool Valid, bool NeedsRehash);

/// <summary>
/// PBKDF2-HMAC-SHA512 with a random 16-byte salt, stored as <c>$pbkdf2-sha512$i=N$salt$hash</c> so the
/// parameters of every stored hash can be read back and raised over time (OWASP ASVS 5.0: at least
/// 210,000 iterations for SHA-512).
/// </summary>
public sealed class PasswordHasher
{
    public const int MinimumIterations = 210_000;
    private const string Scheme = "pbkdf2-sha512";
    private const int SaltBytes = 16;
    private const int HashBytes = 64;

    private readonly string _decoy;

    public PasswordHasher(int iterations)
    {
        Iterations = iterations;
        _decoy = Hash(Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)));
    }

    public int Iterations { get; }

    public string Hash(string password)
    {
        var salt = RandomNumberGenerator.GetBytes(SaltBytes);
        var hash = Derive(password, salt, Iterations);
        return string.Create(CultureInfo.InvariantCulture, $"${Scheme}$i={Iterations}${Convert.ToBase64String(salt)}${Convert.ToBase64String(hash)}");
    }

    public PasswordCheck Verify(string stored, string password)
    {
        if (!TryParse(stored, out var iterations, out var salt, out var expected))
        {
            return new PasswordCheck(false, false);
        }

        var actual = Derive(password, salt, iterations);
        var valid = CryptographicOperations.FixedTimeEquals(actual, expected);
        return new PasswordCheck(valid, valid && iterations < Iterations);
    }

    /// <summary>Spends the same time as a real check, so an unknown e-mail answers no faster than a wrong password; never valid.</summary>
    public PasswordCheck VerifyDecoy(string password) => Verify(_decoy, password) with { Valid = false };

    /// <summary>The iteration count a stored hash was made with, or 0 when it is not one of ours.</summary>
    public static int IterationsOf(string stored) => TryParse(stored, out var iterations, out _, out _) ? iterations : 0;

    private static byte[] Derive(string password, byte[] salt, int iterations) =>
        Rfc2898DeriveBytes.Pbkdf2(Encoding.UTF8.GetBytes(password), salt, iterations, HashAlgorithmName.SHA512, HashBytes);

    private static bool TryParse(string stored, out int iterations, out byte[] salt, out byte[] hash)
    {
        iterations = 0;
        salt = hash = [];
        var parts = stored.Split('$');
        if (parts is not ["", Scheme, var cost, var saltText, var hashText] || !cost.StartsWith("i=", StringComparison.Ordinal)
            || !int.TryParse(cost.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out iterations))
        {
            return false;
        }

        salt = Convert.FromBase64String(saltText);
        hash = Convert.FromBase64String(hashText);
        return true;
    }
}
