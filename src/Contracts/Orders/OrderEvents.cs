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
public sealed record OrderCreated(Guid OrderId, Guid CustomerId, decimal Total, string Currency, IReadOnlyList<OrderLineSummary> Lines);

public sealed record OrderConfirmed(Guid OrderId, Guid CustomerId, decimal Total, string Currency);

public sealed record OrderCancelled(Guid OrderId, Guid CustomerId, string Reason);

public sealed record OrderShipped(Guid OrderId, Guid CustomerId);
