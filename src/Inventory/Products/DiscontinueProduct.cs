using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Inventory.Products;

/// <summary>An admin takes a product out of sale: it can no longer be reserved; what is reserved still ships.</summary>
public static class DiscontinueProductEndpoint
{
    [WolverinePost("/products/{id}/discontinue", OperationId = "discontinueProduct"), Authorize(Policy = ShopPolicies.Admin)]
    [EndpointSummary("Discontinue a product, which can then no longer be ordered."), ProducesResponseType<WriteAccepted>(StatusCodes.Status200OK)]
    public static Task<IResult> Post(Guid id, IDocumentSession session, HttpContext http) =>
        session.DecideAsync<Product>(id, http, CatalogRules.Discontinue);
}
