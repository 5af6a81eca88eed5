using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Inventory.Products;

/// <summary>What may happen to a product's stock.</summary>
public static class StockRules
{
    public const int MaxQuantity = 1_000_000;

    public static Decision Receive(Product product, int quantity) => quantity is < 1 or > MaxQuantity
        ? Decision.Reject(ErrorKind.Invalid, $"Quantity must be between 1 and {MaxQuantity}.", ProblemCodes.InvalidRequest)
        : Decision.Accept(new StockReceived(product.Id, quantity));

    /// <summary>Holds units for an order; holding the same units for the same order again changes nothing.</summary>
    public static Decision Reserve(Product product, Guid orderId, int quantity)
    {
        if (product.Reservations.TryGetValue(orderId, out var held))
        {
            return held == quantity ? Decision.Accept() : Decision.Conflict(ProblemCodes.ReservationMismatch, $"Order {orderId} already holds {held} of {product.Sku}.");
        }

        if (product.Discontinued)
        {
            return Decision.Conflict(ProblemCodes.ProductDiscontinued, $"{product.Sku} is discontinued.");
        }

        if (quantity < 1)
        {
            return Decision.Reject(ErrorKind.Invalid, "Quantity must be at least 1.", ProblemCodes.InvalidRequest);
        }

        return quantity > product.Available
            ? Decision.Conflict(ProblemCodes.InsufficientStock, $"Only {product.Available} of {product.Sku} available, {quantity} requested.")
            : Decision.Accept(new StockReserved(product.Id, orderId, quantity));
    }

    /// <summary>Gives back exactly what the order holds; an order holding nothing releases nothing.</summary>
    public static Decision Release(Product product, Guid orderId) =>
        product.Reservations.TryGetValue(orderId, out var held)
            ? Decision.Accept(new StockReleased(product.Id, orderId, held))
            : Decision.Accept();

    /// <summary>What the order holds leaves the warehouse; an order can only ship what it holds.</summary>
    public static Decision Commit(Product product, Guid orderId) =>
        product.Reservations.TryGetValue(orderId, out var held)
            ? Decision.Accept(new StockCommitted(product.Id, orderId, held))
            : Decision.Conflict(ProblemCodes.ReservationMismatch, $"Order {orderId} holds no {product.Sku}.");
}
