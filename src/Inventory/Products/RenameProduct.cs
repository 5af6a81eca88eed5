using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Inventory.Products;

public sealed record RenameProduct(string? Name) : IHasExample<RenameProduct>
{
    public static RenameProduct Example => new("Blue enamel mug");
}

public static class RenameProductEndpoint
{
    public static ProblemDetails Validate(RenameProduct command) => Validation.Check(("name", CatalogRules.NameProblem(command.Name)));

    [WolverinePut("/products/{id}/name", OperationId = "renameProduct"), Authorize(Policy = ShopPolicies.Admin)]
    [EndpointSummary("Rename a product."), ProducesResponseType<WriteAccepted>(StatusCodes.Status200OK)]
    public static Task<IResult> Put(Guid id, RenameProduct command, IDocumentSession session, HttpContext http) =>
        session.DecideAsync<Product>(id, http, product => CatalogRules.Rename(product, command.Name!));
}
