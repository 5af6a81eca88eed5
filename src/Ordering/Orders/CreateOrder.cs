using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Ordering.Orders;

public sealed record RequestedItem(Guid? ProductId, int? Quantity);

public sealed record CreateOrder(IReadOnlyList<RequestedItem>? Items) : IHasExample<CreateOrder>
{
    public static CreateOrder Example => new([new RequestedItem(Guid.Parse("0199a1b2-7c3d-7e4f-8a5b-6c7d8e9f0a1b"), 2)]);
}

/// <summary>A customer opens a Pending order, optionally with items; prices and names come from the catalog.</summary>
public static class CreateOrderEndpoint
{
    public static ProblemDetails Validate(CreateOrder command) => Validation.Check(
    [
        ("items", command.Items?.Count > OrderRules.MaxLines ? $"An order has at most {OrderRules.MaxLines} lines." : null),
        ("items", command.Items?.GroupBy(i => i.ProductId).Any(g => g.Count() > 1) == true ? "Each product may appear once; add up its quantities." : null),
        .. (command.Items ?? []).SelectMany((item, i) => new[]
        {
            ($"items[{i}].productId", item.ProductId is null || item.ProductId == Guid.Empty ? "A product id is required." : null),
            ($"items[{i}].quantity", OrderRules.QuantityProblem(item.Quantity)),
        }),
    ]);

    /// <summary>The order's first event; every line must be priced in one currency.</summary>
    public static OrderCreated Decide(Guid orderId, Guid customerId, IReadOnlyList<(OrderLine Line, string Currency)> lines) =>
        new(orderId, customerId, lines.Select(l => l.Currency).FirstOrDefault(), [.. lines.Select(l => l.Line)]);

    [WolverinePost("/orders", OperationId = "createOrder")]
    [EndpointSummary("Create a pending order."), ProducesResponseType<OrderResponse>(StatusCodes.Status201Created)]
    public static async Task<IResult> Post(CreateOrder command, ClaimsPrincipal caller, IDocumentSession session, Pricing pricing, HttpContext http)
    {
        var ct = http.RequestAborted;
        var items = (command.Items ?? []).Select(i => (i.ProductId!.Value, i.Quantity!.Value)).ToList();
        var priced = await pricing.PriceAsync(items, i => $"items[{i}].productId", ct);
        if (priced.Problem is not null)
        {
            return priced.Problem;
        }

        if (priced.Lines.Select(l => l.Currency).Distinct().Count() > 1)
        {
            return Problems.BadRequest("items", "All products of one order must be priced in one currency.");
        }

        var created = Decide(Guid.CreateVersion7(), caller.UserId(), priced.Lines);
        session.Events.StartStream<Order>(created.OrderId, created);
        http.Response.SetETag(1);
        return Results.Created($"/orders/{created.OrderId}", OrderResponse.From(Order.Create(created), 1));
    }
}
