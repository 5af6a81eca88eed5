using Shop.Ordering.Catalog;
using Shop.ServiceDefaults.Http;

namespace Shop.Ordering.Orders;

/// <summary>
/// Turns what a client asks for (product ids and quantities) into order lines named and priced by
/// the catalog. When the catalog cannot answer it is a 503 before a single event is written.
/// (Whether the customer may order at all is settled with the token: <c>LocalAccountStatus</c>.)
/// </summary>
public sealed class Pricing(CatalogClient catalog)
{
    public sealed record Outcome(IReadOnlyList<(OrderLine Line, string Currency)> Lines, IResult? Problem);

    /// <summary>Prices each (product, quantity); <paramref name="field"/> names where a bad product sits in the request.</summary>
    public async Task<Outcome> PriceAsync(IReadOnlyList<(Guid ProductId, int Quantity)> items, Func<int, string> field, CancellationToken ct)
    {
        var lookups = await Task.WhenAll(items.Select(i => catalog.FindAsync(i.ProductId, ct)));
        if (lookups.Any(l => l.Outcome == LookupOutcome.Unavailable))
        {
            return new Outcome([], Unavailable("Inventory"));
        }

        var lines = new List<(OrderLine, string)>();
        for (var i = 0; i < items.Count; i++)
        {
            if (lookups[i].Product is not { Discontinued: false } product)
            {
                var why = lookups[i].Product is null ? "There is no such product." : "The product is discontinued.";
                return new Outcome([], Problems.BadRequest(field(i), why));
            }

            lines.Add((new OrderLine(product.Id, product.Name, items[i].Quantity, product.Price), product.Currency));
        }

        return new Outcome(lines, null);
    }

    private static IResult Unavailable(string service) => Results.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Service unavailable",
        detail: $"{service} is not answering; nothing was changed. Try again shortly.");
}
