using Marten;
using Shop.Contracts.Inventory;
using Shop.Ordering.Orders;

namespace Shop.Ordering.Fulfilment;

/// <summary>
/// Inventory's and Payments' answers to releases, refunds and shipments, recorded on the order so
/// auditors see where its stock and money went. Each is recorded once, however often it arrives
/// (Payments refunds a payment at most once, in full).
/// </summary>
public static class CompensationRepliesHandler
{
    public static Task Handle(StockReleasedForOrder reply, IDocumentSession session, CancellationToken ct) =>
        OrderSteps.RecordAsync(session, reply.OrderId, o => o.Ledger.StockHeld ? [new OrderStockReleased(o.Id, o.CustomerId)] : [], ct);

    public static Task Handle(StockCommittedForOrder reply, IDocumentSession session, CancellationToken ct) =>
        OrderSteps.RecordAsync(session, reply.OrderId, o => o.Ledger.StockShipped ? [] : [new OrderStockCommitted(o.Id, o.CustomerId)], ct);

    public static Task Handle(Shop.Contracts.Payments.PaymentRefunded reply, IDocumentSession session, CancellationToken ct) =>
        OrderSteps.RecordAsync(session, reply.OrderId, o => reply.Amount > 0 && o.Ledger.Refunded == 0 ? [new OrderPaymentRefunded(o.Id, o.CustomerId, reply.PaymentId, reply.Amount)] : [], ct);

    public static void Handle(StockCommitRejected reply, ILogger<StockCommitRejected> log) =>
        log.LogError("Inventory refused to ship the stock of order {OrderId}: {Reason}", reply.OrderId, reply.Reason);
}
