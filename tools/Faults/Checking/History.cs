using System.Text.Json;

namespace Shop.Faults.Checking;

/// <summary>One event as a service stored it (<c>mt_events</c> of the service's schema).</summary>
public sealed record StoredEvent(string Service, Guid StreamId, long Version, string Type, JsonElement Data, DateTimeOffset Timestamp)
{
    public Guid Guid(string property) => Data.GetProperty(property).GetGuid();

    public decimal Decimal(string property) => Data.GetProperty(property).GetDecimal();

    public int Int(string property) => Data.GetProperty(property).GetInt32();

    public string Text(string property) => Data.GetProperty(property).GetString() ?? "";
}

/// <summary>Jepsen's completions: done, refused, or unknown (a timeout or a broken connection: it may or may not have happened).</summary>
public enum Outcome
{
    Ok,
    Fail,
    Info,
}

/// <summary>
/// One request the workload sent through the gateway and what came back. <paramref name="OrderId"/> is
/// the order it acted on or created; <paramref name="Key"/> and <paramref name="BodyHash"/> are set
/// for requests carrying an Idempotency-Key.
/// </summary>
public sealed record RecordedRequest(
    string Kind,
    Guid CustomerId,
    Guid? OrderId,
    Outcome Outcome,
    int? Status,
    DateTimeOffset Invoked,
    DateTimeOffset Completed,
    string? Key = null,
    string? BodyHash = null);

/// <summary>
/// What is left in a service's Wolverine tables (unsent outbox rows, unhandled inbox rows, dead
/// letters), or in a broker queue (its messages count as incoming, or as dead letters in the
/// dead-letter queue). <paramref name="Place"/> names the service or the queue.
/// </summary>
public sealed record Backlog(string Place, int Outgoing, int Incoming);

/// <summary>A read model's row as the async daemon left it, and the stream it folds.</summary>
public sealed record ReadModelRow(string Service, string Model, Guid Id, JsonElement Document);

/// <summary>
/// A whole run: every service's events, the requests and their answers, Inventory's reservation
/// decisions, read models and backlogs as they were once the shop went quiet, and when the fault
/// was healed. <paramref name="Quiet"/> is the later of the heal and the end of the workload.
/// </summary>
public sealed record History(
    IReadOnlyList<StoredEvent> Events,
    IReadOnlyList<RecordedRequest> Requests,
    IReadOnlyDictionary<Guid, string> Reservations,
    IReadOnlyList<ReadModelRow> ReadModels,
    IReadOnlyList<Backlog> Backlogs,
    IReadOnlyList<DeadLetter> DeadLetters,
    DateTimeOffset Quiet,
    DateTimeOffset? Drained)
{
    public IEnumerable<StoredEvent> Of(string service) => Events.Where(e => e.Service == service);

    /// <summary>Each order's events, in stream order.</summary>
    public IReadOnlyDictionary<Guid, List<StoredEvent>> Orders() => Of("ordering")
        .GroupBy(e => e.StreamId)
        .Where(g => g.Any(e => e.Type == "order_created"))
        .ToDictionary(g => g.Key, g => g.OrderBy(e => e.Version).ToList());

    /// <summary>Each order's payment events (a payment stream belongs to the order named when it was requested).</summary>
    public IReadOnlyDictionary<Guid, List<StoredEvent>> PaymentsByOrder()
    {
        var streams = Of("payments").GroupBy(e => e.StreamId).Select(g => g.OrderBy(e => e.Version).ToList()).ToList();
        return streams
            .Where(s => s.Any(e => e.Type == "payment_requested"))
            .GroupBy(s => s.First(e => e.Type == "payment_requested").Guid("orderId"))
            .ToDictionary(g => g.Key, g => g.SelectMany(s => s).ToList());
    }
}
