using Marten;
using Shop.Contracts.Inventory;
using Shop.Contracts.Payments;
using Shop.Ordering.Orders;
using Wolverine;
using Wolverine.Persistence.Sagas;

namespace Shop.Ordering.Fulfilment;

public enum FulfilmentStep
{
    Reserving,
    Paying,
}

/// <summary>
/// Takes a checked-out order through Inventory and Payments: reserve stock (or cancel), take payment
/// (or release stock and cancel), confirm. Each step waits a bounded time; a reply that does not
/// belong to the current step is a duplicate or a late reply and changes nothing here. The wait is a
/// <see cref="Deadline"/> on the saga itself, watched by <see cref="FulfilmentDeadlines"/>, rather
/// than a scheduled message per step: nearly every order ends long before it, and a deadline that is
/// never reached then costs nothing to store, fire or clean up. Replies that
/// arrive after the saga ended are handled by <c>NotFound</c>: a late capture for a cancelled order
/// is refunded, a late reservation released. Stored by Marten beside the order's events, so the
/// saga's state, the order's events and the outgoing messages commit together.
/// </summary>
public sealed class OrderFulfilment : Saga
{
    public Guid Id { get; set; }

    public Guid CustomerId { get; set; }

    public decimal Total { get; set; }

    public string Currency { get; set; } = "";

    public string PaymentMethod { get; set; } = "";

    public FulfilmentStep Step { get; set; }

    /// <summary>When the current step gives up. Empty on a saga begun before deadlines were kept here: its step's scheduled timeout still fires.</summary>
    public DateTimeOffset? Deadline { get; set; }

    /// <summary>The saga of a just-checked-out order, and its first messages.</summary>
    public static (OrderFulfilment Saga, object[] Messages) Begin(Order order, FulfilmentSettings settings, DateTimeOffset now) =>
    (
        new OrderFulfilment
        {
            Id = order.Id,
            CustomerId = order.CustomerId,
            Total = order.Total,
            Currency = order.Currency!,
            PaymentMethod = order.PaymentMethod!,
            Step = FulfilmentStep.Reserving,
            Deadline = now + settings.ReservationTimeout,
        },
        [new ReserveStock(order.Id, [.. order.Lines.Select(l => new StockLine(l.ProductId, l.Quantity))])]);

    public async Task<OutgoingMessages> Handle(
        [SagaIdentityFrom(nameof(StockReservedForOrder.OrderId))] StockReservedForOrder reply, IDocumentSession session, FulfilmentSettings settings, TimeProvider clock, CancellationToken ct)
    {
        if (Step != FulfilmentStep.Reserving)
        {
            return [];
        }

        var order = await OrderSteps.RecordAsync(session, Id, o => [new OrderStockReserved(o.Id, o.CustomerId)], ct);
        if (order.Status != OrderStatus.Submitted)
        {
            MarkCompleted();
            return [new ReleaseStock(Id)];
        }

        Step = FulfilmentStep.Paying;
        Deadline = clock.GetUtcNow() + settings.PaymentTimeout;
        return [new ProcessPayment(Id, CustomerId, Total, Currency, PaymentMethod)];
    }

    public async Task<OutgoingMessages> Handle(
        [SagaIdentityFrom(nameof(StockReservationRejected.OrderId))] StockReservationRejected reply, IDocumentSession session, CancellationToken ct)
    {
        if (Step != FulfilmentStep.Reserving)
        {
            return [];
        }

        MarkCompleted();
        return await OrderSteps.CancelAsync(session, Id, $"out of stock: {reply.Reason}", ct);
    }

    public async Task<OutgoingMessages> Handle(
        [SagaIdentityFrom(nameof(PaymentSucceeded.OrderId))] PaymentSucceeded reply, IDocumentSession session, CancellationToken ct)
    {
        if (Step != FulfilmentStep.Paying)
        {
            return [];
        }

        MarkCompleted();
        var captured = new OrderPaymentCaptured(Id, CustomerId, reply.PaymentId, reply.Amount);
        return await OrderSteps.ConfirmAsync(session, Id, captured, ct);
    }

    public async Task<OutgoingMessages> Handle(
        [SagaIdentityFrom(nameof(PaymentFailed.OrderId))] PaymentFailed reply, IDocumentSession session, CancellationToken ct)
    {
        if (Step != FulfilmentStep.Paying)
        {
            return [];
        }

        MarkCompleted();
        return [new ReleaseStock(Id), .. await OrderSteps.CancelAsync(session, Id, reply.Reason, ct)];
    }

    public async Task<OutgoingMessages> Handle(ReservationTimedOut timeout, IDocumentSession session, CancellationToken ct)
    {
        if (Step != FulfilmentStep.Reserving)
        {
            return [];
        }

        MarkCompleted();
        // A reservation that lands after this release is refused by Inventory, or released by NotFound below.
        return [new ReleaseStock(Id), .. await OrderSteps.CancelAsync(session, Id, OrderSteps.Timeout, ct)];
    }

    public async Task<OutgoingMessages> Handle(PaymentTimedOut timeout, IDocumentSession session, CancellationToken ct)
    {
        if (Step != FulfilmentStep.Paying)
        {
            return [];
        }

        MarkCompleted();
        // A capture that lands after this refund is refunded when its late reply arrives (NotFound below).
        return [new ReleaseStock(Id), new RefundPayment(Id, OrderSteps.Timeout), .. await OrderSteps.CancelAsync(session, Id, OrderSteps.Timeout, ct)];
    }

    /// <summary>The order was cancelled while the saga waited: undo what may already be done.</summary>
    public OutgoingMessages Handle(CancelFulfilment cancel)
    {
        MarkCompleted();
        return Step == FulfilmentStep.Reserving
            ? [new ReleaseStock(Id)]
            : [new ReleaseStock(Id), new RefundPayment(Id, "order cancelled")];
    }

    public static Task<OutgoingMessages> NotFound(PaymentSucceeded reply, IQuerySession session, ILogger<OrderFulfilment> log, CancellationToken ct) =>
        LateReplies.PaymentAsync(reply, session, log, ct);

    public static Task<OutgoingMessages> NotFound(StockReservedForOrder reply, IQuerySession session, ILogger<OrderFulfilment> log, CancellationToken ct) =>
        LateReplies.ReservationAsync(reply, session, log, ct);

    public static void NotFound(StockReservationRejected reply, ILogger<OrderFulfilment> log) =>
        log.LogInformation("Late reservation refusal for finished order {OrderId}: nothing to do", reply.OrderId);

    public static void NotFound(PaymentFailed reply, ILogger<OrderFulfilment> log) =>
        log.LogInformation("Late payment refusal for finished order {OrderId}: nothing to do", reply.OrderId);

    /// <summary>The saga ended while its timeout was on its way (a reply won the race, or another process sent it too).</summary>
    public static void NotFound(ReservationTimedOut timeout, ILogger<OrderFulfilment> log) =>
        log.LogInformation("Reservation timeout for finished order {OrderId}: nothing to do", timeout.OrderFulfilmentId);

    public static void NotFound(PaymentTimedOut timeout, ILogger<OrderFulfilment> log) =>
        log.LogInformation("Payment timeout for finished order {OrderId}: nothing to do", timeout.OrderFulfilmentId);

    public static void NotFound(CancelFulfilment cancel, ILogger<OrderFulfilment> log) =>
        log.LogInformation("Cancellation of order {OrderId} reached a finished saga: its last step compensated already", cancel.OrderFulfilmentId);
}
