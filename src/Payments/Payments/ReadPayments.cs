using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.ReadModels;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Payments.Payments;

/// <summary>
/// Customers read their own payments (all of them, or those of <c>?orderId=</c>); admins and
/// auditors read anyone's. Someone else's payment is a 404.
/// </summary>
public static class ReadPaymentsEndpoints
{
    [WolverineGet("/payments", OperationId = "listPayments"), ReadsOwnWrites]
    [EndpointSummary("List payments: the caller's own, or any order's for admins and auditors."), ProducesResponseType<Page<PaymentView>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(Guid? orderId, int? page, int? pageSize, ClaimsPrincipal caller, IQuerySession session, HttpContext http, CancellationToken ct)
    {
        if (Paging.Problem(page, pageSize) is { } problem)
        {
            return problem;
        }

        if (await session.WaitForTokenAsync<PaymentView>(http) is { } refused)
        {
            return refused;
        }

        var query = session.Query<PaymentView>().AsQueryable();
        if (!caller.IsAdminOrAuditor())
        {
            var customer = caller.UserId();
            query = query.Where(p => p.CustomerId == customer);
        }

        if (orderId is { } order)
        {
            query = query.Where(p => p.OrderId == order);
        }

        return Results.Ok(await query.OrderByDescending(p => p.RequestedAt).ToPageAsync(page, pageSize, ct));
    }

    [WolverineGet("/payments/{id}", OperationId = "getPayment"), ReadsOwnWrites]
    [EndpointSummary("Get one payment."), ProducesResponseType<PaymentView>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid id, IQuerySession session, HttpContext http) =>
        session.ReadAsync<PaymentView>(id, http, "Payment", payment => payment.CustomerId);
}
