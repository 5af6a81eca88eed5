using System.Security.Claims;
using Marten;
using Shop.ServiceDefaults.EventSourcing;
using Wolverine;
using Wolverine.Http;

namespace Shop.Ordering.Orders;

/// <summary>
/// The customer (or an admin) cancels an order that has not shipped, optionally saying why in
/// <c>?reason=</c>. Cancelling twice changes nothing.
/// </summary>
public static class CancelOrderEndpoint
{
    private const int MaxReasonLength = 200;

    public static Decision Decide(Order order, Caller caller, string? reason) =>
        OrderRules.Access(order, caller).Then(() => order.Status switch
        {
            OrderStatus.Cancelled => Decision.Accept(),
            OrderStatus.Shipped => Decision.Conflict("A shipped order cannot be cancelled."),
            _ => Decision.Accept(new OrderCancelled(order.Id, order.CustomerId, ReasonOf(reason, caller, order), caller.UserId)),
        });

    [WolverinePost("/orders/{id}/cancel")]
    public static Task<IResult> Post(Guid id, ClaimsPrincipal user, IDocumentSession session, IMessageBus bus, HttpContext http, string? reason) =>
        session.DecideAsync(id, http, bus, order => Decide(order, Callers.From(user), reason));

    private static string ReasonOf(string? reason, Caller caller, Order order)
    {
        var given = reason?.Trim() is { Length: > 0 } text ? text[..Math.Min(text.Length, MaxReasonLength)] : null;
        return given ?? (caller.UserId == order.CustomerId ? "cancelled by the customer" : "cancelled by an admin");
    }
}
