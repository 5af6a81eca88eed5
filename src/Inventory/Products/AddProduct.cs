using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Inventory.Products;

public sealed record AddProduct(string? Sku, string? Name, decimal? Price, string? Currency) : IHasExample<AddProduct>
{
    public static AddProduct Example => new("MUG-1", "Enamel mug", 12.50m, "EUR");
}

/// <summary>An admin adds a product to the catalog, with no stock yet. A SKU names one product only.</summary>
public static class AddProductEndpoint
{
    public const string SkuClaim = "sku";

    public static ProblemDetails Validate(AddProduct command) => Validation.Check(
        ("sku", CatalogRules.SkuProblem(command.Sku)),
        ("name", CatalogRules.NameProblem(command.Name)),
        ("price", CatalogRules.PriceProblem(command.Price)),
        ("currency", CatalogRules.CurrencyProblem(command.Currency)));

    [WolverinePost("/products", OperationId = "addProduct"), Authorize(Policy = ShopPolicies.Admin)]
    [EndpointSummary("Add a product to the catalog."), ProducesResponseType<WriteAccepted>(StatusCodes.Status201Created)]
    public static async Task<IResult> Post(AddProduct command, IDocumentSession session, HttpContext http)
    {
        if (await session.FindAsync(SkuClaim, command.Sku!, http.RequestAborted) is not null)
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: $"A product with SKU {command.Sku} already exists.");
        }

        var added = new ProductAdded(Guid.CreateVersion7(), command.Sku!, command.Name!.Trim(), command.Price!.Value, command.Currency!);
        session.Events.StartStream<Product>(added.ProductId, added);
        session.Claim(SkuClaim, added.Sku, added.ProductId);
        http.Response.SetETag(1);
        return Results.Created($"/products/{added.ProductId}", new WriteAccepted(added.ProductId, 1));
    }
}
