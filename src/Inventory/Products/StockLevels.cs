using Marten;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.ReadModels;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Inventory.Products;

/// <summary>Admins and auditors see how much of each product was received, is reserved, was sold and is left.</summary>
public static class StockLevelEndpoints
{
    [WolverineGet("/stock", OperationId = "listStockLevels"), Authorize(Policy = ShopPolicies.AdminOrAuditor), ReadsOwnWrites]
    [EndpointSummary("List the stock levels of all products."), ProducesResponseType<Page<StockLevel>>(StatusCodes.Status200OK)]
    public static async Task<IResult> List(int? page, int? pageSize, IQuerySession session, HttpContext http, CancellationToken ct) =>
        Paging.Problem(page, pageSize)
        ?? await session.WaitForTokenAsync<StockLevel>(http)
        ?? Results.Ok(await session.Query<StockLevel>().OrderBy(s => s.Sku).ToPageAsync(page, pageSize, ct));

    [WolverineGet("/products/{id}/stock", OperationId = "getProductStock"), Authorize(Policy = ShopPolicies.AdminOrAuditor), ReadsOwnWrites]
    [EndpointSummary("Read a product's stock level."), ProducesResponseType<StockLevel>(StatusCodes.Status200OK)]
    public static Task<IResult> Get(Guid id, IQuerySession session, HttpContext http) => session.ReadAsync<StockLevel>(id, http, "Product");
}
