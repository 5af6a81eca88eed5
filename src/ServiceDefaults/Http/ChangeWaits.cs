using System.Globalization;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Shop.ServiceDefaults.Http;

/// <summary>
/// A read that waits for a change instead of being asked again and again: <c>If-None-Match</c> names the
/// version the client already has (a 304 when that is still the current one), <c>Prefer: wait=N</c>
/// (RFC 7240) how many seconds the answer may wait for a newer one first.
/// </summary>
public static class ChangeWaits
{
    public const string PreferHeader = "Prefer";

    public const string PreferenceAppliedHeader = "Preference-Applied";

    /// <summary>
    /// The longest wait granted; a client asking for more waits this long and is told so. Below the
    /// gateway's 10 s activity timeout, which would otherwise end a quiet wait as a failed request.
    /// </summary>
    public static readonly TimeSpan LongestWait = TimeSpan.FromSeconds(8);

    /// <summary>
    /// The versions <c>If-None-Match</c> names, read once per request. Weak and strong tags compare alike,
    /// as RFC 9110 asks for this header; tags that are not versions name nothing, and <c>*</c> names every one.
    /// </summary>
    public static NamedVersions NamedVersions(this HttpRequest request)
    {
        var values = request.Headers.IfNoneMatch;
        if (values.Count == 0 || !EntityTagHeaderValue.TryParseList(values, out var tags))
        {
            return default;
        }

        return new(tags.Any(t => t.Equals(EntityTagHeaderValue.Any)), [.. tags.Select(Versions.Of).OfType<long>()]);
    }

    /// <summary>
    /// How long the client will wait for a change: the <c>wait</c> preference in seconds, at most
    /// <see cref="LongestWait"/>; zero when not asked for. A preference the server cannot read is ignored,
    /// as RFC 7240 has it.
    /// </summary>
    public static TimeSpan Wait(this HttpRequest request)
    {
        foreach (var preference in request.Headers[PreferHeader].SelectMany(v => (v ?? "").Split(',')))
        {
            var (name, value) = preference.Split(';')[0].Split('=', 2) switch
            {
                [var n, var v] => (n.Trim(), v.Trim().Trim('"')),
                [var n] => (n.Trim(), ""),
                _ => ("", ""),
            };
            if (name.Equals("wait", StringComparison.OrdinalIgnoreCase)
                && value.Length > 0 && value.All(char.IsAsciiDigit))
            {
                // Too many digits for a number is still a long wait (RFC 9111 reads delta-seconds that way).
                var seconds = long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var parsed) ? parsed : long.MaxValue;
                return TimeSpan.FromSeconds(Math.Min(seconds, LongestWait.TotalSeconds));
            }
        }

        return TimeSpan.Zero;
    }

    /// <summary>Tells the client how long its read was allowed to wait.</summary>
    public static void SetWaitApplied(this HttpResponse response, TimeSpan wait) =>
        response.Headers[PreferenceAppliedHeader] = $"wait={((int)wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>What <c>If-None-Match</c> names: every version (<c>*</c>), or these.</summary>
public readonly record struct NamedVersions(bool Every, long[]? Named)
{
    /// <summary>The client has this version already.</summary>
    public bool Has(long version) => Every || (Named?.Contains(version) ?? false);

    /// <summary>The newest version named; 0 when none is.</summary>
    public long Newest => Named is { Length: > 0 } named ? named.Max() : 0;
}
