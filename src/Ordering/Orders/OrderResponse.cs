using System.Security.Claims;
using Shop.ServiceDefaults.Security;

namespace Shop.Ordering.Orders;

/// <summary>An order as a write answers it: its state right after the change, and the version to read it back at.</summary>
public sealed record OrderResponse(
    Guid Id,
    Guid CustomerId,
    OrderStatus Status,
    IReadOnlyList<OrderLine> Items,
    decimal Total,
    string? Currency,
    string? CancellationReason,
    long Version)
{
    public static OrderResponse From(Order order, long version) =>
        new(order.Id, order.CustomerId, order.Status, order.Lines, order.Total, order.Currency, order.CancellationReason, version);
}

public static class Callers
{
    public static Caller From(ClaimsPrincipal user) => new(user.UserId(), user.IsAdmin());
}
