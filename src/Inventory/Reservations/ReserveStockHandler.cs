using JasperFx.Events;
using Marten;
using Shop.Contracts.Inventory;
using Shop.Inventory.Products;
using Wolverine;

namespace Shop.Inventory.Reservations;

/// <summary>
/// Reserves every line of an order or none. Each product's stream is locked as it is loaded (in
/// product order, so two reservations never wait on each other in a circle) and the events are
/// appended in one transaction: a concurrent reservation of the same product waits for this one to
/// commit and then decides against the new stock. Popular products took every order's reservation,
/// and with optimistic checks most of those under load failed their version check and ran again after
/// a pause. The same order reserved twice at once is refused by the reservation's insert.
/// </summary>
public static class ReserveStockHandler
{
    public const int MaxQuantityPerLine = 999;

    public static async Task<OutgoingMessages> Handle(ReserveStock command, IDocumentSession session, CancellationToken ct)
    {
        if (await session.LoadAsync<OrderReservation>(command.OrderId, ct) is { } decided)
        {
            return [decided.Reply()];
        }

        var (reservation, appends) = await DecideAsync(command, session, ct);
        foreach (var (stream, events) in appends)
        {
            stream.AppendMany(events);
        }

        session.Insert(reservation);
        return [reservation.Reply()];
    }

    private static async Task<(OrderReservation, List<(IEventStream<Product>, IReadOnlyList<object>)>)> DecideAsync(
        ReserveStock command, IDocumentSession session, CancellationToken ct)
    {
        var appends = new List<(IEventStream<Product>, IReadOnlyList<object>)>();
        var lines = new List<ReservedLine>();
        if (LinesProblem(command.Lines) is { } problem)
        {
            return (Rejected(command.OrderId, null, problem), []);
        }

        foreach (var line in command.Lines.OrderBy(l => l.ProductId))
        {
            var stream = await session.Events.FetchForExclusiveWriting<Product>(line.ProductId, ct);
            if (stream.Aggregate is not { } product)
            {
                return (Rejected(command.OrderId, line.ProductId, $"Product {line.ProductId} does not exist."), []);
            }

            var decision = StockRules.Reserve(product, command.OrderId, line.Quantity);
            if (decision.Error is { } error)
            {
                return (Rejected(command.OrderId, line.ProductId, error.Message), []);
            }

            appends.Add((stream, decision.Events));
            lines.Add(new ReservedLine(product.Id, product.Name, line.Quantity, product.Price, product.Currency));
        }

        return lines.Select(l => l.Currency).Distinct().Count() > 1
            ? (Rejected(command.OrderId, null, "All products of one order must be priced in one currency."), [])
            : (new OrderReservation(command.OrderId, ReservationStatus.Reserved, lines), appends);
    }

    private static string? LinesProblem(IReadOnlyList<StockLine> lines) =>
        lines.Count == 0 ? "The order has no lines."
        : lines.Select(l => l.ProductId).Distinct().Count() != lines.Count ? "Each product may appear on one line only."
        : lines.Any(l => l.Quantity is < 1 or > MaxQuantityPerLine) ? $"Quantities must be between 1 and {MaxQuantityPerLine}."
        : null;

    private static OrderReservation Rejected(Guid orderId, Guid? productId, string reason) =>
        new(orderId, ReservationStatus.Rejected, [], productId, reason);
}
