using Wolverine.Attributes;

namespace Shop.Contracts.Orders;

/// <summary>Routing keys on the <see cref="Exchanges.Orders"/> exchange.</summary>
public static class OrderTopics
{
    public const string Created = "order.created";
    public const string Confirmed = "order.confirmed";
    public const string Cancelled = "order.cancelled";
    public const string Shipped = "order.shipped";
}

public sealed record OrderLineSummary(Guid ProductId, string Name, int Quantity, decimal UnitPrice);

/// <summary>A customer checked an order out: it now waits for stock and payment.</summary>
[MessageIdentity("order.created", Version = 1)]
public sealed record OrderCreated(Guid OrderId, Guid CustomerId, decimal Total, string Currency, IReadOnlyList<OrderLineSummary> Lines);

[MessageIdentity("order.confirmed", Version = 1)]
public sealed record OrderConfirmed(Guid OrderId, Guid CustomerId, decimal Total, string Currency);

/// <summary>Who cancelled an order, as <see cref="OrderCancelled.By"/> says it.</summary>
public static class Cancellers
{
    public const string Customer = "customer";
    public const string Staff = "staff";

    /// <summary>The shop itself: stock or payment failed, or a step timed out.</summary>
    public const string Shop = "shop";
}

/// <summary>
/// An order was cancelled. Version 2 says who cancelled it (one of <see cref="Cancellers"/>; null when
/// read from a version 1 message), so the customer is told in the right words.
/// </summary>
[MessageIdentity("order.cancelled", Version = 2)]
public sealed record OrderCancelled(Guid OrderId, Guid CustomerId, string Reason, string? By);

/// <summary>
/// order.cancelled as version 1 carried it. Ordering still publishes it beside version 2, and consumers
/// still accept it, for one release, so a consumer or a producer not yet upgraded keeps working.
/// </summary>
[MessageIdentity("order.cancelled", Version = 1)]
public sealed record OrderCancelledV1(Guid OrderId, Guid CustomerId, string Reason)
{
    public OrderCancelled Upcast() => new(OrderId, CustomerId, Reason, null);
}

[MessageIdentity("order.shipped", Version = 1)]
public sealed record OrderShipped(Guid OrderId, Guid CustomerId);
