using System.Text.Json.Serialization;
using JasperFx.Events;
using Marten.Events.Projections;

namespace Shop.Ordering.Orders;

/// <summary>One line of a customer's order list.</summary>
public sealed class OrderSummary
{
    public Guid OrderId { get; set; }

    public OrderStatus Status { get; set; }

    public string? Currency { get; set; }

    public decimal Total => Quantities.Sum(l => l.Value * Prices[l.Key]);

    public int ItemCount => Quantities.Values.Sum();

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Kept to compute the total as items come and go; the full lines are in the order's details.</summary>
    [JsonInclude]
    internal Dictionary<Guid, int> Quantities { get; set; } = [];

    [JsonInclude]
    internal Dictionary<Guid, decimal> Prices { get; set; } = [];

    internal void Add(OrderLine line)
    {
        Quantities[line.ProductId] = Quantities.GetValueOrDefault(line.ProductId) + line.Quantity;
        Prices[line.ProductId] = line.UnitPrice;
    }

    internal void Remove(Guid productId)
    {
        Quantities.Remove(productId);
        Prices.Remove(productId);
    }
}

/// <summary>Every order of one customer, for "my orders, newest first".</summary>
public sealed class CustomerOrders
{
    public Guid Id { get; set; }

    public List<OrderSummary> Orders { get; set; } = [];
}

/// <summary>Per-customer order lists, kept by the async daemon; every order event names its customer.</summary>
public sealed class CustomerOrdersProjection : MultiStreamProjection<CustomerOrders, Guid>
{
    public CustomerOrdersProjection()
    {
        Identity<OrderCreated>(e => e.CustomerId);
        Identity<ItemAdded>(e => e.CustomerId);
        Identity<ItemRemoved>(e => e.CustomerId);
        Identity<OrderCheckedOut>(e => e.CustomerId);
        Identity<OrderConfirmed>(e => e.CustomerId);
        Identity<OrderCancelled>(e => e.CustomerId);
        Identity<OrderShipped>(e => e.CustomerId);
    }

    public static void Apply(CustomerOrders list, IEvent<OrderCreated> e)
    {
        var summary = new OrderSummary { OrderId = e.Data.OrderId, Currency = e.Data.Currency, CreatedAt = e.Timestamp, UpdatedAt = e.Timestamp };
        foreach (var line in e.Data.Lines)
        {
            summary.Add(line);
        }

        list.Orders.Add(summary);
    }

    public static void Apply(CustomerOrders list, IEvent<ItemAdded> e) => Update(list, e, o =>
    {
        o.Add(e.Data.Line);
        o.Currency = e.Data.Currency;
    });

    public static void Apply(CustomerOrders list, IEvent<ItemRemoved> e) => Update(list, e, o => o.Remove(e.Data.ProductId));

    public static void Apply(CustomerOrders list, IEvent<OrderCheckedOut> e) => Update(list, e, o => o.Status = OrderStatus.Submitted);

    public static void Apply(CustomerOrders list, IEvent<OrderConfirmed> e) => Update(list, e, o => o.Status = OrderStatus.Confirmed);

    public static void Apply(CustomerOrders list, IEvent<OrderCancelled> e) => Update(list, e, o => o.Status = OrderStatus.Cancelled);

    public static void Apply(CustomerOrders list, IEvent<OrderShipped> e) => Update(list, e, o => o.Status = OrderStatus.Shipped);

    private static void Update(CustomerOrders list, IEvent e, Action<OrderSummary> change)
    {
        if (list.Orders.Find(o => o.OrderId == e.StreamId) is { } summary)
        {
            change(summary);
            summary.UpdatedAt = e.Timestamp;
        }
    }
}
