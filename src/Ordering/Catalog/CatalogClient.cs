using System.Net;
using Shop.ServiceDefaults.Downstream;

namespace Shop.Ordering.Catalog;

/// <summary>A product as Inventory's catalog describes it.</summary>
public sealed record CatalogProduct(Guid Id, string Name, decimal Price, string Currency, bool Discontinued);

public enum LookupOutcome
{
    Found,
    Unknown,
    Unavailable,
}

public sealed record CatalogLookup(LookupOutcome Outcome, CatalogProduct? Product = null);

/// <summary>Reads prices and names from Inventory: the client never sets them.</summary>
public sealed class CatalogClient(HttpClient http, ILogger<CatalogClient> log)
{
    public async Task<CatalogLookup> FindAsync(Guid productId, CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync($"products/{productId}", ct);
            if (response.StatusCode == HttpStatusCode.NotFound)
            {
                return new CatalogLookup(LookupOutcome.Unknown);
            }

            response.EnsureSuccessStatusCode();
            var product = await response.Content.ReadFromJsonAsync<CatalogProduct>(ct);
            return Validated(product, productId);
        }
        catch (Exception e) when (DownstreamClients.IsUnavailable(e) && !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Inventory did not answer for product {ProductId}", productId);
            return new CatalogLookup(LookupOutcome.Unavailable);
        }
    }

    /// <summary>An answer that does not describe the product asked for, or has no usable price, is not trusted.</summary>
    private CatalogLookup Validated(CatalogProduct? product, Guid productId)
    {
        if (product is null || product.Id != productId || product.Price <= 0 || product.Currency.Length != 3 || string.IsNullOrWhiteSpace(product.Name))
        {
            log.LogError("Inventory answered an unusable description of product {ProductId}", productId);
            return new CatalogLookup(LookupOutcome.Unavailable);
        }

        return new CatalogLookup(LookupOutcome.Found, product);
    }
}
