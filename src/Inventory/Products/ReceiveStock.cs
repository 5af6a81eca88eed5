using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Inventory.Products;

public sealed record ReceiveStock(int? Quantity) : IHasExample<ReceiveStock>
{
    public static ReceiveStock Example => new(25);
}

/// <summary>An admin books units into the warehouse.</summary>
public static class ReceiveStockEndpoint
{
    public static ProblemDetails Validate(ReceiveStock command) => Validation.Check(
        ("quantity", command.Quantity is >= 1 and <= StockRules.MaxQuantity ? null : $"Quantity must be between 1 and {StockRules.MaxQuantity}."));

    [WolverinePost("/products/{id}/stock", OperationId = "receiveStock"), Authorize(Policy = ShopPolicies.Admin)]
    [EndpointSummary("Receive stock of a product."), ProducesResponseType<WriteAccepted>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, ReceiveStock command, IDocumentSession session, HttpContext http) =>
        session.DecideAsync<Product>(id, http, product => StockRules.Receive(product, command.Quantity!.Value));
}
