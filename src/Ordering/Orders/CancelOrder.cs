using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.Contracts.Inventory;
using Shop.Contracts.Payments;
using Shop.Ordering.Fulfilment;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;
using Wolverine;
using Wolverine.Http;

namespace Shop.Ordering.Orders;

/// <summary>
/// The customer (or an admin) cancels an order that has not shipped, optionally saying why in
/// <c>?reason=</c>; whatever stock it holds is released and whatever was paid refunded.
/// Cancelling twice changes nothing.
/// </summary>
public static class CancelOrderEndpoint
{
    private const int MaxReasonLength = 200;

    public static Decision Decide(Order order, Caller caller, string? reason) =>
        OrderRules.Access(order, caller).Then(() => Cancel(order, ReasonOf(reason, caller, order), caller.UserId));

    /// <summary>Cancels an order that has not shipped, by a person or (no <paramref name="by"/>) by the shop itself.</summary>
    public static Decision Cancel(Order order, string reason, Guid? by) => order.Status switch
    {
        OrderStatus.Cancelled => Decision.Accept(),
        OrderStatus.Shipped => Decision.Conflict(ProblemCodes.OrderShipped, "A shipped order cannot be cancelled."),
        _ => Decision.Accept(new OrderCancelled(order.Id, order.CustomerId, reason, by)),
    };

    [WolverinePost("/orders/{id}/cancel", OperationId = "cancelOrder")]
    [EndpointSummary("Cancel an order that has not shipped."), ProducesResponseType<OrderResponse>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, ClaimsPrincipal user, IDocumentSession session, IMessageBus bus, HttpContext http, string? reason) =>
        session.DecideAsync(id, http, bus, order => Decide(order, Callers.From(user), reason), async (before, _) =>
        {
            foreach (var compensation in Compensations(before))
            {
                await bus.PublishAsync(compensation);
            }
        });

    /// <summary>
    /// What must be undone for an order cancelled in this state: a submitted order's saga undoes
    /// its own steps; a confirmed order's stock goes back and its payment is refunded.
    /// </summary>
    public static IEnumerable<object> Compensations(Order before) => before.Status switch
    {
        OrderStatus.Submitted => [new CancelFulfilment(before.Id)],
        OrderStatus.Confirmed => [new ReleaseStock(before.Id), new RefundPayment(before.Id, "order cancelled")],
        _ => [],
    };

    private static string ReasonOf(string? reason, Caller caller, Order order)
    {
        var given = reason?.Trim() is { Length: > 0 } text ? text[..Math.Min(text.Length, MaxReasonLength)] : null;
        return given ?? (caller.UserId == order.CustomerId ? "cancelled by the customer" : "cancelled by an admin");
    }
}
