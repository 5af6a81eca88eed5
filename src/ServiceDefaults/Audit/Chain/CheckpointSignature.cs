using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>
/// What a checkpoint's signature covers: the schema (so a checkpoint cannot be moved to another
/// service), the instant, the key id and every stream head, in a fixed text form.
/// </summary>
public static class CheckpointSignature
{
    public static byte[] Sign(ECDsa key, string schema, DateTimeOffset takenAt, string keyId, IEnumerable<StreamHead> heads) =>
        key.SignData(Payload(schema, takenAt, keyId, heads), HashAlgorithmName.SHA256);

    public static bool IsValid(ECDsa? key, string schema, SignedCheckpoint checkpoint) =>
        key is not null && key.VerifyData(Payload(schema, checkpoint.TakenAt, checkpoint.KeyId, checkpoint.Heads), checkpoint.Signature, HashAlgorithmName.SHA256);

    /// <summary>PostgreSQL keeps microseconds: a checkpoint's instant is cut to them before it is signed.</summary>
    public static DateTimeOffset Stored(DateTimeOffset instant) => new(instant.UtcTicks - (instant.UtcTicks % 10), TimeSpan.Zero);

    private static byte[] Payload(string schema, DateTimeOffset takenAt, string keyId, IEnumerable<StreamHead> heads)
    {
        var text = new StringBuilder()
            .Append("shop event checkpoint 1\n").Append(schema).Append('\n')
            .Append(takenAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture)).Append('\n')
            .Append(keyId).Append('\n');
        foreach (var head in heads.OrderBy(h => h.StreamId.ToString(), StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"{head.StreamId}\t{head.Version}\t{head.Sequence}\t{Convert.ToHexStringLower(head.Hash)}\n");
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
