using Wolverine.Attributes;

namespace Shop.Contracts.Payments;

/// <summary>Charge the customer for an order. At most one payment is ever taken per order.</summary>
[MessageIdentity("payments.process_payment", Version = 1)]
public sealed record ProcessPayment(Guid OrderId, Guid CustomerId, decimal Amount, string Currency, string PaymentMethod);

[MessageIdentity("payments.payment_succeeded", Version = 1)]
public sealed record PaymentSucceeded(Guid OrderId, Guid PaymentId, decimal Amount, string Currency);

/// <summary>The charge was refused; <paramref name="Reason"/> is the processor's code, e.g. card_declined.</summary>
[MessageIdentity("payments.payment_failed", Version = 1)]
public sealed record PaymentFailed(Guid OrderId, Guid PaymentId, string Reason);

/// <summary>Give back whatever was captured for the order (nothing, if nothing was).</summary>
[MessageIdentity("payments.refund_payment", Version = 1)]
public sealed record RefundPayment(Guid OrderId, string Reason);

/// <summary>The order's payment is refunded; <paramref name="Amount"/> is 0 when there was nothing to refund.</summary>
[MessageIdentity("payments.payment_refunded", Version = 1)]
public sealed record PaymentRefunded(Guid OrderId, Guid PaymentId, decimal Amount);
