using Integration = Shop.Contracts.Orders;

namespace Shop.Ordering.Orders;

/// <summary>Which of an order's events other services hear about, and in what form.</summary>
public static class IntegrationEvents
{
    public static IEnumerable<object> For(Order order, IEnumerable<object> events) => events.SelectMany<object, object>(e => e switch
    {
        OrderCheckedOut x => [new Integration.OrderCreated(order.Id, order.CustomerId, x.Total, x.Currency, [.. order.Lines.Select(Summary)])],
        OrderConfirmed => [new Integration.OrderConfirmed(order.Id, order.CustomerId, order.Total, order.Currency!)],
        // Version 1 goes out too for one release: consumers not yet upgraded read only that.
        OrderCancelled x => [
            new Integration.OrderCancelled(order.Id, order.CustomerId, x.Reason, Canceller(order, x)),
            new Integration.OrderCancelledV1(order.Id, order.CustomerId, x.Reason)],
        OrderShipped => [new Integration.OrderShipped(order.Id, order.CustomerId)],
        _ => [],
    });

    private static string Canceller(Order order, OrderCancelled cancelled) => cancelled.By switch
    {
        null => Integration.Cancellers.Shop,
        { } by when by == order.CustomerId => Integration.Cancellers.Customer,
        _ => Integration.Cancellers.Staff,
    };

    private static Integration.OrderLineSummary Summary(OrderLine line) => new(line.ProductId, line.Name, line.Quantity, line.UnitPrice);
}
