using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Inventory.Products;

public sealed record RepriceProduct(decimal? Price) : IHasExample<RepriceProduct>
{
    public static RepriceProduct Example => new(14.90m);
}

/// <summary>An admin changes the price. Orders already reserved keep the price they were reserved at.</summary>
public static class RepriceProductEndpoint
{
    public static ProblemDetails Validate(RepriceProduct command) => Validation.Check(("price", CatalogRules.PriceProblem(command.Price)));

    [WolverinePut("/products/{id}/price", OperationId = "repriceProduct"), Authorize(Policy = ShopPolicies.Admin)]
    [EndpointSummary("Change a product's price."), ProducesResponseType<WriteAccepted>(StatusCodes.Status200OK)]
    public static Task<IResult> Put(Guid id, RepriceProduct command, IDocumentSession session, HttpContext http) =>
        session.DecideAsync<Product>(id, http, product => CatalogRules.Reprice(product, command.Price!.Value));
}
