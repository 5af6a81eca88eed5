using JasperFx.Events;
using Marten.Events.Aggregation;
using Shop.ServiceDefaults.ReadModels;

namespace Shop.Notifications.Notifications;

/// <summary>A notification as its customer, admins and auditors see it.</summary>
public sealed class NotificationView : IVersioned
{
    public Guid Id { get; set; }

    public Guid CustomerId { get; set; }

    public Guid OrderId { get; set; }

    public string Channel { get; set; } = "";

    public string Template { get; set; } = "";

    public string Subject { get; set; } = "";

    public string Body { get; set; } = "";

    public NotificationStatus Status { get; set; }

    public int Attempts { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? SentAt { get; set; }

    public long Version { get; set; }
}

/// <summary>The notifications read model, kept by the async daemon.</summary>
public sealed class NotificationViewProjection : SingleStreamProjection<NotificationView, Guid>
{
    public static NotificationView Create(IEvent<NotificationRequested> e) => new()
    {
        Id = e.Data.NotificationId,
        CustomerId = e.Data.CustomerId,
        OrderId = e.Data.OrderId,
        Channel = e.Data.Channel,
        Template = e.Data.Template,
        Subject = e.Data.Subject,
        Body = e.Data.Body,
        RequestedAt = e.Timestamp,
        Version = e.Version,
    };

    public static void Apply(IEvent<NotificationSent> e, NotificationView view)
    {
        view.Status = NotificationStatus.Sent;
        view.Attempts++;
        view.SentAt = e.Timestamp;
        view.Version = e.Version;
    }

    public static void Apply(IEvent<NotificationFailed> e, NotificationView view)
    {
        view.Attempts++;
        view.LastError = e.Data.Error;
        view.Version = e.Version;
    }

    public static void Apply(IEvent<NotificationGivenUp> e, NotificationView view)
    {
        view.Status = NotificationStatus.GivenUp;
        view.Version = e.Version;
    }
}
