using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.ReadModels;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Ordering.Orders;

/// <summary>
/// Reading orders: one order (its customer, admins and auditors; anyone else gets 404), or the
/// caller's own, newest first. Send <c>X-Min-Version</c> (the ETag of a write) or
/// <c>X-Consistency-Token</c> (from any write) to read what that write changed.
/// </summary>
public sealed record OrderListItem(Guid OrderId, OrderStatus Status, decimal Total, string? Currency, int ItemCount, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt);

public static class ReadOrdersEndpoints
{
    [WolverineGet("/orders/{id}", OperationId = "getOrder"), ReadsOwnWrites]
    [EndpointSummary("Get one order."), ProducesResponseType<OrderDetails>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid id, IQuerySession session, HttpContext http) =>
        session.ReadAsync<OrderDetails>(id, http, "Order", order => order.CustomerId);

    [WolverineGet("/orders", OperationId = "listMyOrders"), ReadsOwnWrites]
    [EndpointSummary("List the caller's orders, newest first, a page at a time."), ProducesResponseType<Page<OrderListItem>>(StatusCodes.Status200OK)]
    public static async Task<IResult> Mine(int? page, int? pageSize, ClaimsPrincipal caller, IQuerySession session, HttpContext http, CancellationToken ct)
    {
        if (Paging.Problem(page, pageSize) is { } problem)
        {
            return problem;
        }

        if (await session.WaitForTokenAsync<OrderDetails>(http) is { } refused)
        {
            return refused;
        }

        var customer = caller.UserId();
        var orders = await session.Query<OrderDetails>()
            .Where(o => o.CustomerId == customer)
            .OrderByDescending(o => o.CreatedAt)
            .ThenByDescending(o => o.Id)
            .ToPageAsync(page, pageSize, ct);
        return Results.Ok(orders.Select(o => new OrderListItem(o.Id, o.Status, o.Total, o.Currency, o.Items.Sum(l => l.Quantity), o.CreatedAt, o.UpdatedAt)));
    }
}
