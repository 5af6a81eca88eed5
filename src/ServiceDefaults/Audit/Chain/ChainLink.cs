using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>One stored event, its columns as the database holds them (json columns as their text).</summary>
public sealed record ChainedEvent(
    long Sequence, Guid StreamId, long Version, string Type, DateTime Timestamp, string? TenantId, string? DotNetType,
    string? UserName, string? CorrelationId, string? CausationId, string? Headers, string Data);

/// <summary>
/// The link hash, computed here independently of the database trigger: SHA-256 over the predecessor's
/// hash (none for a stream's first event) and every field as "byte length:value\n", "-\n" for null,
/// so no value can run into the next.
/// </summary>
public static class ChainLink
{
    public static byte[] Hash(byte[]? previous, ChainedEvent e)
    {
        var canonical = new StringBuilder();
        foreach (var field in Fields(e))
        {
            canonical.Append(field is null ? "-" : $"{Encoding.UTF8.GetByteCount(field)}:{field}").Append('\n');
        }

        return SHA256.HashData([.. previous ?? [], .. Encoding.UTF8.GetBytes(canonical.ToString())]);
    }

    private static IEnumerable<string?> Fields(ChainedEvent e) =>
    [
        e.Sequence.ToString(CultureInfo.InvariantCulture), e.StreamId.ToString(), e.Version.ToString(CultureInfo.InvariantCulture),
        e.Type, e.Timestamp.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture),
        e.TenantId, e.DotNetType, e.UserName, e.CorrelationId, e.CausationId, e.Headers, e.Data,
    ];
}
