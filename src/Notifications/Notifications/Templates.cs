using System.Globalization;
using Shop.Contracts.Orders;

namespace Shop.Notifications.Notifications;

/// <summary>What the customer reads for each order event.</summary>
public static class Templates
{
    public static (string Template, string Subject, string Body) For(object orderEvent) => orderEvent switch
    {
        OrderCreated e => ("order-created", $"We received your order {Short(e.OrderId)}",
            $"Thank you for your order {e.OrderId}.\n\n{Lines(e.Lines)}\nTotal: {Money(e.Total, e.Currency)}\n\nWe are reserving your items and taking payment; you will hear from us again shortly."),
        OrderConfirmed e => ("order-confirmed", $"Your order {Short(e.OrderId)} is confirmed",
            $"Your order {e.OrderId} is confirmed and paid ({Money(e.Total, e.Currency)}). We will let you know when it ships."),
        OrderCancelled e => ("order-cancelled", $"Your order {Short(e.OrderId)} was cancelled",
            $"{Cancellation(e)} Nothing was charged, or the charge has been refunded."),
        OrderShipped e => ("order-shipped", $"Your order {Short(e.OrderId)} is on its way", $"Your order {e.OrderId} has shipped."),
        _ => throw new ArgumentException($"No template for {orderEvent.GetType().Name}", nameof(orderEvent)),
    };

    private static string Cancellation(OrderCancelled e) => e.By switch
    {
        Cancellers.Customer => $"You cancelled your order {e.OrderId}.",
        Cancellers.Staff => $"Our staff cancelled your order {e.OrderId} ({e.Reason}).",
        _ => $"Your order {e.OrderId} was cancelled ({e.Reason}).",
    };

    private static string Short(Guid id) => id.ToString("N")[..8];

    private static string Money(decimal amount, string currency) => $"{amount.ToString("0.00", CultureInfo.InvariantCulture)} {currency}";

    private static string Lines(IReadOnlyList<OrderLineSummary> lines) =>
        string.Concat(lines.Select(l => $"  {l.Quantity} × {l.Name} at {l.UnitPrice.ToString("0.00", CultureInfo.InvariantCulture)}\n"));
}
