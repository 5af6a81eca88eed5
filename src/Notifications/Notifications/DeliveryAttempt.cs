using Marten;
using Shop.Notifications.Customers;
using Shop.Notifications.Delivery;
using Shop.ServiceDefaults.Privacy;
using Wolverine;

namespace Shop.Notifications.Notifications;

/// <summary>What one delivery attempt recorded, and the delayed retry it asks for, if any.</summary>
public sealed record AttemptOutcome(IReadOnlyList<object> Events, DeliveryMessage<DeliverNotification>? Retry)
{
    public OutgoingMessages Messages => Retry is null ? [] : [Retry];
}

/// <summary>
/// One delivery attempt of a pending notification. A failure is recorded and the attempt scheduled
/// again with exponential back-off; after the configured number of attempts the notification is
/// given up, visibly. A forgotten customer's notification is given up without sending.
/// </summary>
public sealed class DeliveryAttempt(MailSender mail, DeliverySettings settings, PersonalDataKeys keys, ILogger<DeliveryAttempt> log)
{
    public async Task<AttemptOutcome> RunAsync(Notification notification, IQuerySession session, CancellationToken ct)
    {
        var contact = await session.LoadAsync<CustomerContact>(notification.CustomerId, ct);
        var attempt = notification.Attempts + 1;
        if (contact is { Email.IsErased: true } || (contact is null && await keys.ForgottenAtAsync(notification.CustomerId, ct) is not null))
        {
            log.LogInformation("Notification {NotificationId} is not sent: its customer was forgotten", notification.Id);
            return new([new NotificationGivenUp(notification.Id, notification.Attempts)], null);
        }

        try
        {
            if (contact is null)
            {
                throw new InvalidOperationException("The customer's address is not known yet.");
            }

            await mail.SendAsync(notification.Id, contact.Email.ToString(), contact.DisplayName.ToString(), notification.Subject, notification.Body, ct);
            return new([new NotificationSent(notification.Id)], null);
        }
        catch (Exception e) when (e is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A mail server's refusal usually quotes the address, which the log and the logs must not keep.
            var error = contact?.Email.Value is { } to ? e.Message.Replace(to, "[recipient]", StringComparison.OrdinalIgnoreCase) : e.Message;
            log.LogWarning("Attempt {Attempt} to deliver notification {NotificationId} failed: {ErrorType}: {Error}", attempt, notification.Id, e.GetType().Name, error);
            var failed = new NotificationFailed(notification.Id, attempt, error);
            if (attempt >= settings.MaxAttempts)
            {
                log.LogError("Gave up delivering notification {NotificationId} after {Attempts} attempts", notification.Id, attempt);
                return new([failed, new NotificationGivenUp(notification.Id, attempt)], null);
            }

            return new([failed], new DeliverNotification(notification.Id).DelayedFor(settings.RetryAfter(attempt)));
        }
    }
}
