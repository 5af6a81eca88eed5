using Marten;
using Shop.Notifications.Customers;
using Shop.Notifications.Delivery;
using Shop.ServiceDefaults.Privacy;
using Wolverine;

namespace Shop.Notifications.Notifications;

/// <summary>
/// One delivery attempt. A failure is recorded and the attempt scheduled again with exponential
/// back-off; after the configured number of attempts the notification is given up, visibly.
/// A notification already sent or given up is left alone, so a redelivered request sends nothing twice.
/// </summary>
public static class DeliverNotificationHandler
{
    public static async Task<OutgoingMessages> Handle(
        DeliverNotification command,
        IDocumentSession session,
        MailSender mail,
        DeliverySettings settings,
        PersonalDataKeys keys,
        ILogger<DeliverNotification> log,
        CancellationToken ct)
    {
        var stream = await session.Events.FetchForWriting<Notification>(command.NotificationId, ct);
        if (stream.Aggregate is not { IsSettled: false } notification)
        {
            return [];
        }

        var contact = await session.LoadAsync<CustomerContact>(notification.CustomerId, ct);
        var attempt = notification.Attempts + 1;
        if (contact is { Email.IsErased: true } || (contact is null && await keys.ForgottenAtAsync(notification.CustomerId, ct) is not null))
        {
            log.LogInformation("Notification {NotificationId} is not sent: its customer was forgotten", notification.Id);
            stream.AppendOne(new NotificationGivenUp(notification.Id, notification.Attempts));
            return [];
        }

        try
        {
            if (contact is null)
            {
                throw new InvalidOperationException("The customer's address is not known yet.");
            }

            await mail.SendAsync(notification.Id, contact.Email.ToString(), contact.DisplayName.ToString(), notification.Subject, notification.Body, ct);
            stream.AppendOne(new NotificationSent(notification.Id));
            return [];
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A mail server's refusal usually quotes the address, which the log and the logs must not keep.
            var error = contact?.Email.Value is { } to ? e.Message.Replace(to, "[recipient]", StringComparison.OrdinalIgnoreCase) : e.Message;
            log.LogWarning("Attempt {Attempt} to deliver notification {NotificationId} failed: {ErrorType}: {Error}", attempt, notification.Id, e.GetType().Name, error);
            stream.AppendOne(new NotificationFailed(notification.Id, attempt, error));
            if (attempt >= settings.MaxAttempts)
            {
                log.LogError("Gave up delivering notification {NotificationId} after {Attempts} attempts", notification.Id, attempt);
                stream.AppendOne(new NotificationGivenUp(notification.Id, attempt));
                return [];
            }

            return [command.DelayedFor(settings.RetryAfter(attempt))];
        }
    }
}
