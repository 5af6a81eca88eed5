using Marten;
using Wolverine;

namespace Shop.Notifications.Notifications;

/// <summary>
/// A retry of a notification whose last attempt failed. A notification already sent or given up is
/// left alone, so a redelivered request sends nothing twice.
/// </summary>
public static class DeliverNotificationHandler
{
    public static async Task<OutgoingMessages> Handle(DeliverNotification command, IDocumentSession session, DeliveryAttempt delivery, CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Notification>(command.NotificationId, ct);
        if (stream.Aggregate is not { IsSettled: false } notification)
        {
            return [];
        }

        var outcome = await delivery.RunAsync(notification, session, ct);
        stream.AppendMany(outcome.Events);
        return outcome.Messages;
    }
}
