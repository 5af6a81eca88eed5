using Marten;

namespace Shop.ServiceDefaults.EventSourcing;

/// <summary>A value (an e-mail, a SKU) that at most one stream may hold, keyed "kind/value".</summary>
public sealed record UniqueValue(string Id, Guid StreamId);

/// <summary>
/// Uniqueness across streams, which an event store cannot check by itself: the claim is a document
/// inserted in the same transaction as the stream's first event, so a second claim of the same value
/// fails at commit on the primary key, whatever the concurrency.
/// </summary>
public static class UniqueValues
{
    public static async Task<Guid?> FindAsync(this IQuerySession session, string kind, string value, CancellationToken ct) =>
        (await session.LoadAsync<UniqueValue>(KeyOf(kind, value), ct))?.StreamId;

    public static void Claim(this IDocumentSession session, string kind, string value, Guid streamId) =>
        session.Insert(new UniqueValue(KeyOf(kind, value), streamId));

    /// <summary>Values compare without case and surrounding spaces.</summary>
    private static string KeyOf(string kind, string value) => $"{kind}/{value.Trim().ToLowerInvariant()}";
}
