using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Wolverine;
using Wolverine.Http;

namespace Shop.Ordering.Orders;

public sealed record AddItem(Guid? ProductId, int? Quantity) : IHasExample<AddItem>
{
    public static AddItem Example => new(Guid.Parse("0199a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b"), 1);
}

/// <summary>Adds a product to a Pending order; a product already on it gets the quantity added.</summary>
public static class AddItemEndpoint
{
    public static ProblemDetails Validate(AddItem command) => Validation.Check(
        ("productId", command.ProductId is null || command.ProductId == Guid.Empty ? "A product id is required." : null),
        ("quantity", OrderRules.QuantityProblem(command.Quantity)));

    public static Decision Decide(Order order, Caller caller, OrderLine line, string currency) =>
        OrderRules.Access(order, caller)
            .Then(() => OrderRules.Editable(order))
            .Then(() => order.Currency is not null && order.Currency != currency
                ? Decision.Reject(ErrorKind.Invalid, $"This order is priced in {order.Currency}; the product is priced in {currency}.", ProblemCodes.CurrencyMismatch)
                : Decision.Accept())
            .Then(() => (order.Lines.Find(l => l.ProductId == line.ProductId)?.Quantity ?? 0) + line.Quantity > OrderRules.MaxQuantity
                ? Decision.Reject(ErrorKind.Invalid, $"At most {OrderRules.MaxQuantity} of one product per order.", ProblemCodes.OrderLimitExceeded)
                : Decision.Accept())
            .Then(() => order.Lines.Count >= OrderRules.MaxLines && order.Lines.All(l => l.ProductId != line.ProductId)
                ? Decision.Reject(ErrorKind.Invalid, $"An order has at most {OrderRules.MaxLines} lines.", ProblemCodes.OrderLimitExceeded)
                : Decision.Accept(new ItemAdded(order.Id, order.CustomerId, currency, line)));

    [WolverinePost("/orders/{id}/items", OperationId = "addOrderItem")]
    [EndpointSummary("Add an item to a pending order."), ProducesResponseType<OrderResponse>(StatusCodes.Status200OK)]
    public static async Task<IResult> Post(Guid id, AddItem command, ClaimsPrincipal user, IDocumentSession session, Pricing pricing, IMessageBus bus, HttpContext http)
    {
        var ct = http.RequestAborted;
        var priced = await pricing.PriceAsync([(command.ProductId!.Value, command.Quantity!.Value)], _ => "productId", ct);
        if (priced.Problem is not null)
        {
            return priced.Problem;
        }

        var (line, currency) = priced.Lines[0];
        return await session.DecideAsync(id, http, bus, order => Decide(order, Callers.From(user), line, currency));
    }
}
