using Wolverine;

namespace Shop.Ordering.Fulfilment;

/// <summary>No reservation reply came in time.</summary>
public sealed record ReservationTimedOut(Guid OrderFulfilmentId, TimeSpan After) : TimeoutMessage(After);

/// <summary>No payment reply came in time.</summary>
public sealed record PaymentTimedOut(Guid OrderFulfilmentId, TimeSpan After) : TimeoutMessage(After);

/// <summary>The customer cancelled while stock or payment was still on its way.</summary>
public sealed record CancelFulfilment(Guid OrderFulfilmentId);
