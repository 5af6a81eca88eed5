using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.Contracts.Inventory;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Security;
using Wolverine;
using Wolverine.Http;

namespace Shop.Ordering.Orders;

/// <summary>An admin ships a Confirmed order: its reserved stock leaves the warehouse. Shipping twice changes nothing.</summary>
public static class ShipOrderEndpoint
{
    public static Decision Decide(Order order, Guid admin) => order.Status switch
    {
        OrderStatus.Shipped => Decision.Accept(),
        OrderStatus.Confirmed => Decision.Accept(new OrderShipped(order.Id, order.CustomerId, admin)),
        _ => Decision.Conflict(ProblemCodes.OrderNotConfirmed, $"The order is {order.Status}; only a Confirmed order can ship."),
    };

    [WolverinePost("/orders/{id}/ship", OperationId = "shipOrder"), Authorize(Policy = ShopPolicies.Admin)]
    [EndpointSummary("Ship a confirmed order."), ProducesResponseType<OrderResponse>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, ClaimsPrincipal user, IDocumentSession session, IMessageBus bus, HttpContext http) =>
        session.DecideAsync(id, http, bus, order => Decide(order, user.UserId()), async (shipped, _) => await bus.PublishAsync(new CommitStock(shipped.Id)));
}
