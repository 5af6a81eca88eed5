using System.Globalization;
using Marten;
using Marten.Services;
using Microsoft.AspNetCore.Http;

namespace Shop.ServiceDefaults.ReadModels;

/// <summary>
/// A consistency token names the position in a service's event log that a write committed at. Every
/// write that appends events answers with one; every read of the same service accepts it and waits
/// (bounded) until the read model it serves has projected that far, lists included. It is opaque to
/// clients: they hand back what they were given.
/// </summary>
public static class ConsistencyTokens
{
    public const string Header = "X-Consistency-Token";

    public static string Format(string service, long sequence) =>
        $"{service}.{sequence.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The position a token of <paramref name="service"/> names; null when it is not such a token.</summary>
    public static long? Parse(string token, string service)
    {
        var prefix = $"{service}.";
        return token.StartsWith(prefix, StringComparison.Ordinal)
               && long.TryParse(token.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var sequence)
               && sequence > 0
            ? sequence
            : null;
    }
}

/// <summary>
/// Puts the token on the answer of the request whose transaction just committed events. Marten fills
/// in each event's global sequence when the append returns, so it is known here and not before.
/// </summary>
internal sealed class ConsistencyTokenListener(string service, IHttpContextAccessor http) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        var last = commit.GetEvents().Select(e => e.Sequence).DefaultIfEmpty().Max();
        if (last > 0 && http.HttpContext?.Response is { HasStarted: false } response)
        {
            response.Headers[ConsistencyTokens.Header] = ConsistencyTokens.Format(service, last);
        }

        return Task.CompletedTask;
    }
}
