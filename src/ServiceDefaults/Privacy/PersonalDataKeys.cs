using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Marten;
using Npgsql;

namespace Shop.ServiceDefaults.Privacy;

/// <summary>
/// One AES-256-GCM key per subject, in the service's own schema (<see cref="Table"/>), never in the
/// event log. Forgetting a subject overwrites its key with nothing and keeps the row as a mark, so
/// nothing about them can be sealed again. A key read from the table is remembered for
/// <see cref="Remembered"/>: a forget made by another process of the service shows there within that
/// time, and in the process that made it at once.
/// </summary>
public sealed class PersonalDataKeys(NpgsqlDataSource db, string schema, TimeProvider clock)
{
    public const string Table = "mt_personal_data_keys";

    public static readonly TimeSpan Remembered = TimeSpan.FromSeconds(10);

    private const string Format = "v1:";
    private const int NonceSize = 12;
    private const int TagSize = 16;

    private readonly ConcurrentDictionary<Guid, Known> known = new();

    private string Qualified => $"{schema}.{Table}";

    /// <summary>The value encrypted with its subject's key (created on first use); null once the subject is forgotten.</summary>
    public string? Seal(Guid subject, string value)
    {
        if (KeyOf(subject, create: true) is not { } key)
        {
            return null;
        }

        var plain = Encoding.UTF8.GetBytes(value);
        var sealedBytes = new byte[NonceSize + TagSize + plain.Length];
        var nonce = sealedBytes.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, sealedBytes.AsSpan(NonceSize + TagSize), sealedBytes.AsSpan(NonceSize, TagSize), subject.ToByteArray());
        return Format + Convert.ToBase64String(sealedBytes);
    }

    /// <summary>The plain value; null once the subject is forgotten. A ciphertext that does not open under its subject's key throws.</summary>
    public string? Open(Guid subject, string @sealed)
    {
        if (!@sealed.StartsWith(Format, StringComparison.Ordinal))
        {
            throw new CryptographicException($"Personal data of {subject} is not in a known sealed format.");
        }

        if (KeyOf(subject, create: false) is not { } key)
        {
            return null;
        }

        var bytes = Convert.FromBase64String(@sealed[Format.Length..]);
        var plain = new byte[bytes.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(bytes.AsSpan(0, NonceSize), bytes.AsSpan(NonceSize + TagSize), bytes.AsSpan(NonceSize, TagSize), plain, subject.ToByteArray());
        return Encoding.UTF8.GetString(plain);
    }

    /// <summary>A plain value stored before values were sealed, as it reads now: erased once the subject is forgotten.</summary>
    public PersonalData Adopt(Guid subject, string value) =>
        KeyOf(subject, create: false) is null && known.ContainsKey(subject)
            ? PersonalData.Erased(subject)
            : PersonalData.Of(subject, value);

    /// <summary>Deletes the subject's key in the session's transaction: what was sealed with it can never be read again.</summary>
    public void Forget(IDocumentOperations operations, Guid subject)
    {
        operations.QueueSqlCommand(
            $"insert into {Qualified} (subject, key, created_at, forgotten_at) values (?, null, now(), now()) "
            + $"on conflict (subject) do update set key = null, forgotten_at = coalesce({Table}.forgotten_at, now())",
            subject);
        // This process reads the subject as forgotten at once; should the transaction fail, the mark lapses.
        known[subject] = new Known(null, clock.GetUtcNow() + Remembered, Permanent: false);
    }

    /// <summary>When the subject was forgotten here, or null.</summary>
    public async Task<DateTimeOffset?> ForgottenAtAsync(Guid subject, CancellationToken ct)
    {
        await using var command = db.CreateCommand($"select forgotten_at from {Qualified} where subject = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        return await command.ExecuteScalarAsync(ct) is DateTime at ? new DateTimeOffset(at, TimeSpan.Zero) : null;
    }

    // Synchronous on purpose: keys are needed inside JSON (de)serialization, which has no async path.
    private byte[]? KeyOf(Guid subject, bool create)
    {
        if (known.TryGetValue(subject, out var cached) && (cached.Permanent || cached.Until > clock.GetUtcNow()))
        {
            return cached.Key;
        }

        // A conflicting insert returns the row that is there (its key, or null when forgotten), also when
        // another process created it a moment ago: "do nothing" would return no row at all then.
        using var command = db.CreateCommand(create
            ? $"insert into {Qualified} (subject, key, created_at) values ($1, $2, now()) on conflict (subject) do update set subject = excluded.subject returning key"
            : $"select key from {Qualified} where subject = $1");
        command.Parameters.Add(new NpgsqlParameter { Value = subject });
        if (create)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = RandomNumberGenerator.GetBytes(32) });
        }

        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            // Never sealed here: nothing to open, and nothing remembered, so a key made later is found.
            return null;
        }

        var key = reader.IsDBNull(0) ? null : (byte[])reader[0];
        known[subject] = new Known(key, clock.GetUtcNow() + Remembered, Permanent: key is null);
        return key;
    }

    /// <summary>A key as last read, or null for forgotten; a forget read from the table is for good.</summary>
    private sealed record Known(byte[]? Key, DateTimeOffset Until, bool Permanent);
}
