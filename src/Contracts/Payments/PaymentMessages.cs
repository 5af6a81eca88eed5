namespace Shop.Contracts.Payments;

/// <summary>Charge the customer for an order. At most one payment is ever taken per order.</summary>
public sealed record ProcessPayment(Guid OrderId, Guid CustomerId, decimal Amount, string Currency, string PaymentMethod);

public sealed record PaymentSucceeded(Guid OrderId, Guid PaymentId, decimal Amount, string Currency);

/// <summary>The charge was refused; <paramref name="Reason"/> is the processor's code, e.g. card_declined.</summary>
public sealed record PaymentFailed(Guid OrderId, Guid PaymentId, string Reason);

/// <summary>Give back whatever was captured for the order (nothing, if nothing was).</summary>
public sealed record RefundPayment(Guid OrderId, string Reason);

/// <summary>The order's payment is refunded; <paramref name="Amount"/> is 0 when there was nothing to refund.</summary>
public sealed record PaymentRefunded(Guid OrderId, Guid PaymentId, decimal Amount);
