namespace Shop.Ordering.Fulfilment;

/// <summary>No reservation reply came before the saga's deadline (sent by <see cref="FulfilmentDeadlines"/>).</summary>
public sealed record ReservationTimedOut(Guid OrderFulfilmentId);

/// <summary>No payment reply came before the saga's deadline (sent by <see cref="FulfilmentDeadlines"/>).</summary>
public sealed record PaymentTimedOut(Guid OrderFulfilmentId);

/// <summary>The customer cancelled while stock or payment was still on its way.</summary>
public sealed record CancelFulfilment(Guid OrderFulfilmentId);
