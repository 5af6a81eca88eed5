using System.Text.Json;
using Shop.Faults.Checking;

namespace Shop.Faults.Tests;

/// <summary>Hand-made histories: a clean run to start from, and the means to spoil it one way at a time.</summary>
public sealed class HistoryBuilder
{
    public static readonly DateTimeOffset Quiet = new(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);

    private readonly List<StoredEvent> _events = [];
    private readonly Dictionary<(string, Guid), long> _versions = [];

    public Guid Customer { get; } = Guid.NewGuid();

    public List<RecordedRequest> Requests { get; } = [];

    public Dictionary<Guid, string> Reservations { get; } = [];

    public List<Backlog> Backlogs { get; } = [];

    public List<DeadLetter> DeadLetters { get; } = [];

    public Func<History, History> Spoil { get; set; } = h => h;

    public DateTimeOffset? Drained { get; set; } = Quiet.AddSeconds(2);

    public HistoryBuilder Event(string service, Guid stream, string type, object data, double secondsAfterQuiet = 1)
    {
        var version = _versions[(service, stream)] = _versions.GetValueOrDefault((service, stream)) + 1;
        _events.Add(new StoredEvent(service, stream, version, type, JsonSerializer.SerializeToElement(data, JsonSerializerOptions.Web), Quiet.AddSeconds(secondsAfterQuiet)));
        return this;
    }

    public Guid Product(int stock)
    {
        var id = Guid.NewGuid();
        Event("inventory", id, "product_added", new { productId = id, sku = "SKU", name = "Mug", price = 10m, currency = "EUR" });
        Event("inventory", id, "stock_received", new { productId = id, quantity = stock });
        return id;
    }

    /// <summary>An order created and checked out, as its requests and its first events show it.</summary>
    public Guid CheckedOut(Guid product, int quantity = 1, decimal total = 10m)
    {
        var id = Guid.NewGuid();
        Requests.Add(new RecordedRequest("create", Customer, id, Outcome.Ok, 201, Quiet, Quiet));
        Requests.Add(new RecordedRequest("checkout", Customer, id, Outcome.Ok, 202, Quiet, Quiet));
        Event("ordering", id, "order_created", new { orderId = id, customerId = Customer, currency = "EUR", lines = new[] { new { productId = product, name = "Mug", quantity, unitPrice = total / quantity } } });
        Event("ordering", id, "order_checked_out", new { orderId = id, customerId = Customer, paymentMethod = "pm_card_visa", total, currency = "EUR" });
        Notify(id, "order-created");
        return id;
    }

    public Guid Reserved(Guid product, int quantity = 1)
    {
        var id = CheckedOut(product, quantity);
        Event("inventory", product, "stock_reserved", new { productId = product, orderId = id, quantity });
        Reservations[id] = "Reserved";
        Event("ordering", id, "order_stock_reserved", new { orderId = id, customerId = Customer });
        return id;
    }

    public Guid Confirmed(Guid product, int quantity = 1, decimal total = 10m)
    {
        var id = Reserved(product, quantity);
        var payment = Guid.NewGuid();
        Event("payments", payment, "payment_requested", new { paymentId = payment, orderId = id, customerId = Customer, amount = total, currency = "EUR", paymentMethod = "pm_card_visa" });
        Event("payments", payment, "payment_captured", new { paymentId = payment, amount = total });
        Event("ordering", id, "order_payment_captured", new { orderId = id, customerId = Customer, paymentId = payment, amount = total });
        Event("ordering", id, "order_confirmed", new { orderId = id, customerId = Customer, paymentId = payment });
        Notify(id, "order-confirmed");
        return id;
    }

    /// <summary>A declined card: stock released, nothing captured, cancelled.</summary>
    public Guid Declined(Guid product)
    {
        var id = Reserved(product);
        var payment = Guid.NewGuid();
        Event("payments", payment, "payment_requested", new { paymentId = payment, orderId = id, customerId = Customer, amount = 10m, currency = "EUR", paymentMethod = "pm_card_declined" });
        Event("payments", payment, "payment_declined", new { paymentId = payment, reason = "card_declined" });
        Cancelled(id, "card_declined");
        Event("inventory", product, "stock_released", new { productId = product, orderId = id, quantity = 1 });
        Reservations[id] = "Released";
        Event("ordering", id, "order_stock_released", new { orderId = id, customerId = Customer });
        return id;
    }

    public void Cancelled(Guid order, string reason)
    {
        Event("ordering", order, "order_cancelled", new { orderId = order, customerId = Customer, reason });
        Notify(order, "order-cancelled");
    }

    public void Notify(Guid order, string template)
    {
        var id = Guid.NewGuid();
        Event("notifications", id, "notification_requested", new { notificationId = id, customerId = Customer, orderId = order, channel = "email", template, subject = "s", body = "b" });
    }

    /// <summary>The history, with read models folded from the events (so they agree) unless spoiled afterwards.</summary>
    public History Build()
    {
        var history = new History(_events, Requests, Reservations, [], [.. Backlogs.DefaultIfEmpty(new Backlog("ordering", 0, 0))], DeadLetters, Quiet, Drained);
        return Spoil(history with { ReadModels = ReadModels(history) });
    }

    private static List<ReadModelRow> ReadModels(History h)
    {
        var rows = h.Orders().Select(o => Row("ordering", "order", o.Key, new
        {
            status = o.Value.LastOrDefault(e => e.Type is "order_confirmed" or "order_cancelled")?.Type switch
            {
                "order_confirmed" => "Confirmed",
                "order_cancelled" => "Cancelled",
                _ => o.Value.Any(e => e.Type == "order_checked_out") ? "Submitted" : "Pending",
            },
        })).ToList();
        rows.AddRange(h.Of("inventory").GroupBy(e => e.StreamId).Select(p => Row("inventory", "stock", p.Key, new
        {
            received = p.Where(e => e.Type == "stock_received").Sum(e => e.Int("quantity")),
            reserved = p.Where(e => e.Type == "stock_reserved").Sum(e => e.Int("quantity")) - p.Where(e => e.Type is "stock_released" or "stock_committed").Sum(e => e.Int("quantity")),
            sold = p.Where(e => e.Type == "stock_committed").Sum(e => e.Int("quantity")),
        })));
        rows.AddRange(h.Of("payments").GroupBy(e => e.StreamId).Select(p => Row("payments", "payment", p.Key, new
        {
            captured = p.Where(e => e.Type == "payment_captured").Sum(e => e.Decimal("amount")),
            refunded = p.Where(e => e.Type == "payment_refunded").Sum(e => e.Decimal("amount")),
        })));
        return rows;
    }

    private static ReadModelRow Row(string service, string model, Guid id, object document) =>
        new(service, model, id, JsonSerializer.SerializeToElement(document, JsonSerializerOptions.Web));
}
