using System.Text.RegularExpressions;
using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Inventory.Products;

/// <summary>What catalog entries must look like, and what may happen to them.</summary>
public static partial class CatalogRules
{
    public const decimal MaxPrice = 1_000_000m;
    private const int MaxNameLength = 200;

    public static string? SkuProblem(string? sku) =>
        sku is not null && SkuPattern().IsMatch(sku) ? null : "SKU must be 1 to 64 letters, digits, '-', '_' or '.'.";

    public static string? NameProblem(string? name) => name?.Trim() switch
    {
        null or "" => "Name is required.",
        { Length: > MaxNameLength } => $"Name must have at most {MaxNameLength} characters.",
        var n when n.Any(char.IsControl) => "Name must not contain control characters.",
        _ => null,
    };

    public static string? PriceProblem(decimal? price) => price switch
    {
        null => "Price is required.",
        <= 0 or > MaxPrice => $"Price must be more than 0 and at most {MaxPrice}.",
        var p when decimal.Round(p.Value, 2) != p => "Price must have at most two decimals.",
        _ => null,
    };

    public static string? CurrencyProblem(string? currency) =>
        currency is not null && CurrencyPattern().IsMatch(currency) ? null : "Currency must be an ISO 4217 code such as EUR.";

    public static Decision Rename(Product product, string name) =>
        name.Trim() == product.Name ? Decision.Accept() : Decision.Accept(new ProductRenamed(product.Id, name.Trim()));

    public static Decision Reprice(Product product, decimal price) => product.Discontinued
        ? Decision.Conflict(ProblemCodes.ProductDiscontinued, $"{product.Sku} is discontinued.")
        : price == product.Price ? Decision.Accept() : Decision.Accept(new ProductRepriced(product.Id, price));

    public static Decision Discontinue(Product product) =>
        product.Discontinued ? Decision.Accept() : Decision.Accept(new ProductDiscontinued(product.Id));

    [GeneratedRegex("^[A-Za-z0-9._-]{1,64}$")]
    private static partial Regex SkuPattern();

    [GeneratedRegex("^[A-Z]{3}$")]
    private static partial Regex CurrencyPattern();
}
