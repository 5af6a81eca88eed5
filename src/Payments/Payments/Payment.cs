using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Payments.Payments;

[EventName("payment_requested")]
public sealed record PaymentRequested(Guid PaymentId, Guid OrderId, Guid CustomerId, decimal Amount, string Currency, string PaymentMethod);

[EventName("payment_authorized")]
public sealed record PaymentAuthorized(Guid PaymentId, string AuthorizationCode);

[EventName("payment_captured")]
public sealed record PaymentCaptured(Guid PaymentId, decimal Amount);

[EventName("payment_declined")]
public sealed record PaymentDeclined(Guid PaymentId, string Reason);

[EventName("payment_refunded")]
public sealed record PaymentRefunded(Guid PaymentId, decimal Amount, string Reason);

public enum PaymentStatus
{
    Requested,
    Captured,
    Declined,
    Refunded,
}

/// <summary>The one payment of an order: asked for, then captured or declined, and perhaps refunded.</summary>
public sealed record Payment(
    Guid Id,
    Guid OrderId,
    Guid CustomerId,
    decimal Amount,
    string Currency,
    string PaymentMethod,
    PaymentStatus Status,
    decimal Captured,
    decimal Refunded,
    string? DeclineReason)
{
    /// <summary>What the customer has paid and not been given back.</summary>
    public decimal NetCaptured => Captured - Refunded;

    /// <summary>The processor has answered; asking again changes nothing.</summary>
    public bool IsSettled => Status != PaymentStatus.Requested;

    public static Payment Create(PaymentRequested e) =>
        new(e.PaymentId, e.OrderId, e.CustomerId, e.Amount, e.Currency, e.PaymentMethod, PaymentStatus.Requested, 0, 0, null);

    public Payment Apply(PaymentAuthorized _) => this;

    public Payment Apply(PaymentCaptured e) => this with { Status = PaymentStatus.Captured, Captured = Captured + e.Amount };

    public Payment Apply(PaymentDeclined e) => this with { Status = PaymentStatus.Declined, DeclineReason = e.Reason };

    public Payment Apply(PaymentRefunded e) => this with { Status = PaymentStatus.Refunded, Refunded = Refunded + e.Amount };

    /// <summary>The state after the given events, for replies that describe the outcome of a decision.</summary>
    public Payment After(IEnumerable<object> events) => events.Aggregate(this, (payment, e) => e switch
    {
        PaymentCaptured x => payment.Apply(x),
        PaymentDeclined x => payment.Apply(x),
        PaymentRefunded x => payment.Apply(x),
        _ => payment,
    });
}
