using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.EventSourcing;
using Wolverine;
using Wolverine.Http;

namespace Shop.Ordering.Orders;

/// <summary>Takes a product off a Pending order. Removing one that is not on it changes nothing.</summary>
public static class RemoveItemEndpoint
{
    public static Decision Decide(Order order, Caller caller, Guid productId) =>
        OrderRules.Access(order, caller)
            .Then(() => OrderRules.Editable(order))
            .Then(() => order.Lines.Exists(l => l.ProductId == productId)
                ? Decision.Accept(new ItemRemoved(order.Id, order.CustomerId, productId))
                : Decision.Accept());

    [WolverineDelete("/orders/{id}/items/{productId}", OperationId = "removeOrderItem")]
    [EndpointSummary("Remove a product from a pending order."), ProducesResponseType<OrderResponse>(StatusCodes.Status200OK)]
    public static Task<IResult> Delete(Guid id, Guid productId, ClaimsPrincipal user, IDocumentSession session, IMessageBus bus, HttpContext http) =>
        session.DecideAsync(id, http, bus, order => Decide(order, Callers.From(user), productId));
}
