using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.ReadModels;
using Wolverine.Http;

namespace Shop.Inventory.Products;

/// <summary>Anyone may browse the catalog: a page of products (optionally those whose name contains <c>?name=</c>), or one product.</summary>
public static class BrowseCatalogEndpoints
{
    [WolverineGet("/products", OperationId = "listProducts"), AllowAnonymous, ReadsOwnWrites]
    [EndpointSummary("Browse the catalog."), ProducesResponseType<Page<CatalogItem>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(string? name, int? page, int? pageSize, IQuerySession session, HttpContext http, CancellationToken ct)
    {
        if (Paging.Problem(page, pageSize) is { } problem)
        {
            return problem;
        }

        if (await session.WaitForTokenAsync<CatalogItem>(http) is { } refused)
        {
            return refused;
        }

        var query = session.Query<CatalogItem>().AsQueryable();
        if (!string.IsNullOrWhiteSpace(name))
        {
            var fragment = name.Trim();
            query = query.Where(p => p.Name.Contains(fragment, StringComparison.OrdinalIgnoreCase));
        }

        return Results.Ok(await query.OrderBy(p => p.Name).ThenBy(p => p.Id).ToPageAsync(page, pageSize, ct));
    }

    [WolverineGet("/products/{id}", OperationId = "getProduct"), AllowAnonymous, ReadsOwnWrites]
    [EndpointSummary("Get one product."), ProducesResponseType<CatalogItem>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid id, IQuerySession session, HttpContext http) => session.ReadAsync<CatalogItem>(id, http, "Product");
}
