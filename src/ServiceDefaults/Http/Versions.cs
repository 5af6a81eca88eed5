using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Shop.ServiceDefaults.Http;

/// <summary>Stream versions as HTTP entity tags: reads and writes send <c>ETag: "N"</c>, writes may send <c>If-Match: "N"</c>.</summary>
public static class Versions
{
    /// <summary>A read may ask to wait until the read model has caught up with a version it was given by a write.</summary>
    public const string MinVersionHeader = "X-Min-Version";

    private static string ETagFor(long version) => $"\"{version.ToString(CultureInfo.InvariantCulture)}\"";

    public static void SetETag(this HttpResponse response, long version) => response.Headers.ETag = ETagFor(version);

    /// <summary>
    /// The version named by If-Match, null when absent or "*". A value that is not one of our
    /// entity tags can never match, so it is reported as a version no stream has.
    /// </summary>
    public static long? ExpectedVersion(this HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString();
        if (string.IsNullOrWhiteSpace(header) || header.Trim() == "*")
        {
            return null;
        }

        return EntityTagHeaderValue.TryParse(header.Trim(), out var tag)
               && !tag.IsWeak
               && long.TryParse(tag.Tag.AsSpan().Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var version)
            ? version
            : -1;
    }

    /// <summary>
    /// The version a read must reflect, from <see cref="MinVersionHeader"/>: the ETag exactly as a write
    /// returned it (<c>"3"</c> or <c>W/"3"</c>) or the bare number (<c>3</c>); 0 when not asked, null when
    /// the header holds anything else.
    /// </summary>
    public static long? MinVersion(this HttpRequest request)
    {
        var header = request.Headers[MinVersionHeader].ToString().Trim();
        if (header.Length == 0)
        {
            return 0;
        }

        return EntityTagHeaderValue.TryParse(header, out var tag) ? Of(tag) : Of(header.AsSpan());
    }

    /// <summary>The version an entity tag names (weak or strong); null for a tag that is not one of ours.</summary>
    internal static long? Of(EntityTagHeaderValue tag) => Of(tag.Tag.AsSpan().Trim('"'));

    private static long? Of(ReadOnlySpan<char> number) =>
        long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var version) ? version : null;
}
