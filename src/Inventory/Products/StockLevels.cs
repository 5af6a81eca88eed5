using Marten;
using Microsoft.AspNetCore.Authorization;
using Shop.ServiceDefaults.ReadModels;
using Shop.ServiceDefaults.Security;
using Wolverine.Http;

namespace Shop.Inventory.Products;

/// <summary>Admins and auditors see how much of each product was received, is reserved, was sold and is left.</summary>
public static class StockLevelEndpoints
{
    [WolverineGet("/stock"), Authorize(Policy = ShopPolicies.AdminOrAuditor)]
    public static async Task<IResult> List(int? page, int? pageSize, IQuerySession session, CancellationToken ct) =>
        Paging.Problem(page, pageSize) ?? Results.Ok(await session.Query<StockLevel>().OrderBy(s => s.Sku).ToPageAsync(page, pageSize, ct));

    [WolverineGet("/products/{id}/stock"), Authorize(Policy = ShopPolicies.AdminOrAuditor)]
    public static Task<IResult> Get(Guid id, IQuerySession session, HttpContext http) => session.ReadAsync<StockLevel>(id, http, "Product");
}
