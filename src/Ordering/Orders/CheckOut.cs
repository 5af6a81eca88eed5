using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.Ordering.Fulfilment;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Wolverine;
using Wolverine.Http;

namespace Shop.Ordering.Orders;

public sealed record CheckOut(string? PaymentMethod) : IHasExample<CheckOut>
{
    public static CheckOut Example => new("pm_card_visa");
}

/// <summary>
/// The customer submits a Pending, non-empty order with a payment method (a card token such as
/// pm_card_visa); it becomes Submitted and other services hear order.created. The answer is 202:
/// stock and payment follow asynchronously, driven by the fulfilment saga that starts in the same
/// transaction as the checkout.
/// </summary>
public static class CheckOutEndpoint
{
    private const int MaxPaymentMethodLength = 64;

    public static ProblemDetails Validate(CheckOut command) => Validation.Check(
        ("paymentMethod", string.IsNullOrWhiteSpace(command.PaymentMethod) || command.PaymentMethod.Length > MaxPaymentMethodLength
            ? "A payment method (a card token such as pm_card_visa) is required." : null));

    public static Decision Decide(Order order, Caller caller, string paymentMethod) =>
        OrderRules.Access(order, caller)
            .Then(() => OrderRules.Editable(order))
            .Then(() => order.Lines.IsEmpty
                ? Decision.Conflict(ProblemCodes.OrderEmpty, "An empty order cannot be checked out.")
                : Decision.Accept(new OrderCheckedOut(order.Id, order.CustomerId, paymentMethod, order.Total, order.Currency!)));

    [WolverinePost("/orders/{id}/checkout", OperationId = "checkOutOrder")]
    [EndpointSummary("Check out: reserve the stock and take the payment, asynchronously."), ProducesResponseType<OrderResponse>(StatusCodes.Status202Accepted)]
    public static async Task<IResult> Post(
        Guid id, CheckOut command, ClaimsPrincipal user, IDocumentSession session, FulfilmentSettings settings, TimeProvider clock, IMessageBus bus, HttpContext http)
    {
        var result = await session.DecideAsync(id, http, bus, order => Decide(order, Callers.From(user), command.PaymentMethod!.Trim()), async (_, submitted) =>
        {
            var (saga, messages) = OrderFulfilment.Begin(submitted, settings, clock.GetUtcNow());
            session.Insert(saga);
            foreach (var message in messages)
            {
                await bus.PublishAsync(message);
            }
        });
        return result is IStatusCodeHttpResult { StatusCode: StatusCodes.Status200OK } && result is IValueHttpResult { Value: OrderResponse accepted }
            ? Results.Accepted($"/orders/{id}", accepted)
            : result;
    }
}
