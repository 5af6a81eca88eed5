using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Notifications.Notifications;

[EventName("notification_requested")]
public sealed record NotificationRequested(Guid NotificationId, Guid CustomerId, Guid OrderId, string Channel, string Template, string Subject, string Body);

/// <summary>Handed to the mail server. Where to is the customer's contact, which Notifications keeps sealed, not the log.</summary>
[EventName("notification_sent", Version = 2)]
public sealed record NotificationSent(Guid NotificationId);

/// <summary>notification_sent as first stored, with the address in clear text; read as version 2, without it.</summary>
[EventName("notification_sent", Superseded = true)]
public sealed record NotificationSentV1(Guid NotificationId, string To)
{
    public NotificationSent Upcast() => new(NotificationId);
}

[EventName("notification_failed")]
public sealed record NotificationFailed(Guid NotificationId, int Attempt, string Error);

[EventName("notification_given_up")]
public sealed record NotificationGivenUp(Guid NotificationId, int Attempts);

public enum NotificationStatus
{
    Pending,
    Sent,
    GivenUp,
}

/// <summary>One message to a customer about one order event, and what became of it.</summary>
public sealed record Notification(Guid Id, Guid CustomerId, Guid OrderId, string Subject, string Body, NotificationStatus Status, int Attempts)
{
    public bool IsSettled => Status != NotificationStatus.Pending;

    public static Notification Create(NotificationRequested e) => new(e.NotificationId, e.CustomerId, e.OrderId, e.Subject, e.Body, NotificationStatus.Pending, 0);

    public Notification Apply(NotificationSent _) => this with { Status = NotificationStatus.Sent, Attempts = Attempts + 1 };

    public Notification Apply(NotificationFailed _) => this with { Attempts = Attempts + 1 };

    public Notification Apply(NotificationGivenUp _) => this with { Status = NotificationStatus.GivenUp };
}
