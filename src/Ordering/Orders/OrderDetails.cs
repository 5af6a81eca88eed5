using JasperFx.Events;
using Marten.Events.Aggregation;
using Shop.ServiceDefaults.ReadModels;

namespace Shop.Ordering.Orders;

/// <summary>The order read model clients query.</summary>
public sealed class OrderDetails : IVersioned
{
    public Guid Id { get; set; }

    public Guid CustomerId { get; set; }

    public OrderStatus Status { get; set; }

    public List<OrderLine> Items { get; set; } = [];

    public decimal Total { get; set; }

    public string? Currency { get; set; }

    public string? PaymentMethod { get; set; }

    public string? CancellationReason { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public DateTimeOffset? SubmittedAt { get; set; }

    public DateTimeOffset? ConfirmedAt { get; set; }

    public DateTimeOffset? CancelledAt { get; set; }

    public DateTimeOffset? ShippedAt { get; set; }

    public long Version { get; set; }
}

/// <summary>Order details, kept by the async daemon from the order's events.</summary>
public sealed class OrderDetailsProjection : SingleStreamProjection<OrderDetails, Guid>
{
    public static OrderDetails Create(IEvent<OrderCreated> e) => Priced(new OrderDetails
    {
        Id = e.Data.OrderId,
        CustomerId = e.Data.CustomerId,
        Status = OrderStatus.Pending,
        Items = [.. e.Data.Lines],
        Currency = e.Data.Currency,
        CreatedAt = e.Timestamp,
        UpdatedAt = e.Timestamp,
        Version = e.Version,
    });

    public static void Apply(IEvent<ItemAdded> e, OrderDetails order)
    {
        var existing = order.Items.FindIndex(l => l.ProductId == e.Data.Line.ProductId);
        if (existing < 0)
        {
            order.Items.Add(e.Data.Line);
        }
        else
        {
            order.Items[existing] = e.Data.Line with { Quantity = order.Items[existing].Quantity + e.Data.Line.Quantity };
        }

        order.Currency = e.Data.Currency;
        Priced(At(order, e));
    }

    public static void Apply(IEvent<ItemRemoved> e, OrderDetails order)
    {
        order.Items.RemoveAll(l => l.ProductId == e.Data.ProductId);
        Priced(At(order, e));
    }

    public static void Apply(IEvent<OrderCheckedOut> e, OrderDetails order)
    {
        At(order, e).Status = OrderStatus.Submitted;
        order.PaymentMethod = e.Data.PaymentMethod;
        order.SubmittedAt = e.Timestamp;
    }

    public static void Apply(IEvent<OrderConfirmed> e, OrderDetails order)
    {
        At(order, e).Status = OrderStatus.Confirmed;
        order.ConfirmedAt = e.Timestamp;
    }

    public static void Apply(IEvent<OrderCancelled> e, OrderDetails order)
    {
        At(order, e).Status = OrderStatus.Cancelled;
        order.CancellationReason = e.Data.Reason;
        order.CancelledAt = e.Timestamp;
    }

    public static void Apply(IEvent<OrderShipped> e, OrderDetails order)
    {
        At(order, e).Status = OrderStatus.Shipped;
        order.ShippedAt = e.Timestamp;
    }

    // The saga's records on the order change nothing a client reads, but each is a version of the order:
    // an ETag names the stream's version, the same whether it is read here or from the events.
    public static void Apply(IEvent<OrderStockReserved> e, OrderDetails order) => order.Version = e.Version;

    public static void Apply(IEvent<OrderStockReleased> e, OrderDetails order) => order.Version = e.Version;

    public static void Apply(IEvent<OrderStockCommitted> e, OrderDetails order) => order.Version = e.Version;

    public static void Apply(IEvent<OrderPaymentCaptured> e, OrderDetails order) => order.Version = e.Version;

    public static void Apply(IEvent<OrderPaymentRefunded> e, OrderDetails order) => order.Version = e.Version;

    private static OrderDetails At(OrderDetails order, IEvent e)
    {
        order.UpdatedAt = e.Timestamp;
        order.Version = e.Version;
        return order;
    }

    private static OrderDetails Priced(OrderDetails order)
    {
        order.Total = order.Items.Sum(l => l.Quantity * l.UnitPrice);
        return order;
    }
}
