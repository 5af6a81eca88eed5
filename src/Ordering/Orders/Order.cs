using System.Collections.Immutable;
using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Ordering.Orders;

/// <summary>A product on an order, named and priced from the catalog when it was added.</summary>
public sealed record OrderLine(Guid ProductId, string Name, int Quantity, decimal UnitPrice);

[EventName("order_created")]
public sealed record OrderCreated(Guid OrderId, Guid CustomerId, string? Currency, IReadOnlyList<OrderLine> Lines);

/// <summary>Added to the order; a product already on it gets the quantity added and the newer price.</summary>
[EventName("item_added")]
public sealed record ItemAdded(Guid OrderId, Guid CustomerId, string Currency, OrderLine Line);

[EventName("item_removed")]
public sealed record ItemRemoved(Guid OrderId, Guid CustomerId, Guid ProductId);

[EventName("order_checked_out")]
public sealed record OrderCheckedOut(Guid OrderId, Guid CustomerId, string PaymentMethod, decimal Total, string Currency);

[EventName("order_confirmed")]
public sealed record OrderConfirmed(Guid OrderId, Guid CustomerId, Guid PaymentId);

[EventName("order_cancelled")]
public sealed record OrderCancelled(Guid OrderId, Guid CustomerId, string Reason, Guid? By);

[EventName("order_shipped")]
public sealed record OrderShipped(Guid OrderId, Guid CustomerId, Guid By);

// What the fulfilment saga learned from Inventory and Payments, recorded on the order for auditors.
[EventName("order_stock_reserved")]
public sealed record OrderStockReserved(Guid OrderId, Guid CustomerId);

[EventName("order_stock_released")]
public sealed record OrderStockReleased(Guid OrderId, Guid CustomerId);

[EventName("order_stock_committed")]
public sealed record OrderStockCommitted(Guid OrderId, Guid CustomerId);

[EventName("order_payment_captured")]
public sealed record OrderPaymentCaptured(Guid OrderId, Guid CustomerId, Guid PaymentId, decimal Amount);

[EventName("order_payment_refunded")]
public sealed record OrderPaymentRefunded(Guid OrderId, Guid CustomerId, Guid PaymentId, decimal Amount);

public enum OrderStatus
{
    Pending,
    Submitted,
    Confirmed,
    Cancelled,
    Shipped,
}

/// <summary>Where the order's stock and money are, as Inventory and Payments reported them.</summary>
public readonly record struct OrderLedger(bool StockHeld, bool StockShipped, decimal Captured, decimal Refunded);

/// <summary>A customer's order: editable while Pending, then submitted, confirmed or cancelled, and shipped.</summary>
public sealed record Order(
    Guid Id,
    Guid CustomerId,
    OrderStatus Status,
    string? Currency,
    ImmutableList<OrderLine> Lines,
    string? PaymentMethod,
    string? CancellationReason,
    OrderLedger Ledger = default)
{
    public decimal Total => Lines.Sum(l => l.Quantity * l.UnitPrice);

    public static Order Create(OrderCreated e) =>
        new(e.OrderId, e.CustomerId, OrderStatus.Pending, e.Currency, [.. e.Lines], null, null);

    public Order Apply(ItemAdded e)
    {
        var existing = Lines.Find(l => l.ProductId == e.Line.ProductId);
        var merged = existing is null ? e.Line : e.Line with { Quantity = existing.Quantity + e.Line.Quantity };
        return this with
        {
            Currency = e.Currency,
            Lines = existing is null ? Lines.Add(merged) : Lines.Replace(existing, merged),
        };
    }

    public Order Apply(ItemRemoved e) => this with { Lines = Lines.RemoveAll(l => l.ProductId == e.ProductId) };

    public Order Apply(OrderCheckedOut e) => this with { Status = OrderStatus.Submitted, PaymentMethod = e.PaymentMethod };

    public Order Apply(OrderConfirmed _) => this with { Status = OrderStatus.Confirmed };

    public Order Apply(OrderCancelled e) => this with { Status = OrderStatus.Cancelled, CancellationReason = e.Reason };

    public Order Apply(OrderShipped _) => this with { Status = OrderStatus.Shipped };

    public Order Apply(OrderStockReserved _) => this with { Ledger = Ledger with { StockHeld = true } };

    public Order Apply(OrderStockReleased _) => this with { Ledger = Ledger with { StockHeld = false } };

    public Order Apply(OrderStockCommitted _) => this with { Ledger = Ledger with { StockHeld = false, StockShipped = true } };

    public Order Apply(OrderPaymentCaptured e) => this with { Ledger = Ledger with { Captured = Ledger.Captured + e.Amount } };

    public Order Apply(OrderPaymentRefunded e) => this with { Ledger = Ledger with { Refunded = Ledger.Refunded + e.Amount } };

    /// <summary>The order after the given events, for answers that show the outcome of a decision.</summary>
    public Order After(IEnumerable<object> events) => events.Aggregate(this, (order, e) => e switch
    {
        ItemAdded x => order.Apply(x),
        ItemRemoved x => order.Apply(x),
        OrderCheckedOut x => order.Apply(x),
        OrderConfirmed x => order.Apply(x),
        OrderCancelled x => order.Apply(x),
        OrderShipped x => order.Apply(x),
        OrderStockReserved x => order.Apply(x),
        OrderStockReleased x => order.Apply(x),
        OrderStockCommitted x => order.Apply(x),
        OrderPaymentCaptured x => order.Apply(x),
        OrderPaymentRefunded x => order.Apply(x),
        _ => order,
    });
}
