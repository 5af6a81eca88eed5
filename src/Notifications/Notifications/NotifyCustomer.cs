using Marten;
using Shop.Contracts.Orders;
using Shop.ServiceDefaults.EventSourcing;
using Wolverine;

namespace Shop.Notifications.Notifications;

/// <summary>Asks for another delivery attempt of one notification, with a delay, after a failed one.</summary>
public sealed record DeliverNotification(Guid NotificationId);

/// <summary>
/// Turns each order event into exactly one notification. The notification's id is derived from the
/// order and the event, so a redelivered event (or the same event published twice) finds its
/// notification already there and creates nothing. The first delivery attempt is made here and
/// committed with the request, in one transaction; only a failed attempt queues a retry.
/// </summary>
public static class NotifyCustomerHandler
{
    private static readonly Guid Namespace = new("4a7f3d6e-2b1c-4e8f-9a0d-5c6b7e8f9a01");

    public static Task<OutgoingMessages> Handle(OrderCreated e, IDocumentSession session, DeliveryAttempt delivery, CancellationToken ct) => NotifyAsync(e.OrderId, e.CustomerId, e, session, delivery, ct);

    public static Task<OutgoingMessages> Handle(OrderConfirmed e, IDocumentSession session, DeliveryAttempt delivery, CancellationToken ct) => NotifyAsync(e.OrderId, e.CustomerId, e, session, delivery, ct);

    public static Task<OutgoingMessages> Handle(OrderCancelled e, IDocumentSession session, DeliveryAttempt delivery, CancellationToken ct) => NotifyAsync(e.OrderId, e.CustomerId, e, session, delivery, ct);

    /// <summary>From a producer not yet upgraded, or beside version 2: whichever comes first makes the one notification.</summary>
    public static Task<OutgoingMessages> Handle(OrderCancelledV1 e, IDocumentSession session, DeliveryAttempt delivery, CancellationToken ct) => Handle(e.Upcast(), session, delivery, ct);

    public static Task<OutgoingMessages> Handle(OrderShipped e, IDocumentSession session, DeliveryAttempt delivery, CancellationToken ct) => NotifyAsync(e.OrderId, e.CustomerId, e, session, delivery, ct);

    public static Guid IdFor(Guid orderId, string template) => NameBasedGuid.Create(Namespace, $"{orderId:N}/{template}");

    private static async Task<OutgoingMessages> NotifyAsync(Guid orderId, Guid customerId, object orderEvent, IDocumentSession session, DeliveryAttempt delivery, CancellationToken ct)
    {
        var (template, subject, body) = Templates.For(orderEvent);
        var id = IdFor(orderId, template);
        if (await session.Events.FetchStreamStateAsync(id, ct) is not null)
        {
            return [];
        }

        var requested = new NotificationRequested(id, customerId, orderId, "email", template, subject, body);
        var outcome = await delivery.RunAsync(Notification.Create(requested), session, ct);
        session.Events.StartStream<Notification>(id, [requested, .. outcome.Events]);
        return outcome.Messages;
    }
}
