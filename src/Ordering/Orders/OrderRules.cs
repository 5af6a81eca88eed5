using Shop.ServiceDefaults.Errors;
using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Ordering.Orders;

/// <summary>Who is asking: only an order's customer or an admin may change it.</summary>
public sealed record Caller(Guid UserId, bool IsAdmin);

/// <summary>The rules every change to an order shares.</summary>
public static class OrderRules
{
    public const int MaxQuantity = 999;
    public const int MaxLines = 100;

    /// <summary>Someone else's order does not exist, as far as the caller can tell.</summary>
    public static Decision Access(Order order, Caller caller) =>
        order.CustomerId == caller.UserId || caller.IsAdmin
            ? Decision.Accept()
            : Decision.Reject(ErrorKind.NotFound, "Order was not found.", ProblemCodes.NotFound);

    /// <summary>Only a Pending order can be edited.</summary>
    public static Decision Editable(Order order) => order.Status == OrderStatus.Pending
        ? Decision.Accept()
        : Decision.Conflict(ProblemCodes.OrderNotPending, $"The order is {order.Status}; only a Pending order can be changed.");

    public static string? QuantityProblem(int? quantity) =>
        quantity is >= 1 and <= MaxQuantity ? null : $"Quantity must be between 1 and {MaxQuantity}.";
}
