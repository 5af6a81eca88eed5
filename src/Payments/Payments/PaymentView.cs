using JasperFx.Events;
using Marten.Events.Aggregation;
using Shop.ServiceDefaults.ReadModels;

namespace Shop.Payments.Payments;

/// <summary>A payment as its customer, admins and auditors see it.</summary>
public sealed class PaymentView : IVersioned
{
    public Guid Id { get; set; }

    public Guid OrderId { get; set; }

    public Guid CustomerId { get; set; }

    public decimal Amount { get; set; }

    public string Currency { get; set; } = "";

    public string PaymentMethod { get; set; } = "";

    public PaymentStatus Status { get; set; }

    public decimal Captured { get; set; }

    public decimal Refunded { get; set; }

    public string? DeclineReason { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public long Version { get; set; }
}

/// <summary>The payments read model, kept by the async daemon.</summary>
public sealed class PaymentViewProjection : SingleStreamProjection<PaymentView, Guid>
{
    public static PaymentView Create(IEvent<PaymentRequested> e) => new()
    {
        Id = e.Data.PaymentId,
        OrderId = e.Data.OrderId,
        CustomerId = e.Data.CustomerId,
        Amount = e.Data.Amount,
        Currency = e.Data.Currency,
        PaymentMethod = e.Data.PaymentMethod,
        Status = PaymentStatus.Requested,
        RequestedAt = e.Timestamp,
        UpdatedAt = e.Timestamp,
        Version = e.Version,
    };

    public static void Apply(IEvent<PaymentAuthorized> e, PaymentView view) => At(view, e);

    public static void Apply(IEvent<PaymentCaptured> e, PaymentView view)
    {
        At(view, e).Status = PaymentStatus.Captured;
        view.Captured += e.Data.Amount;
    }

    public static void Apply(IEvent<PaymentDeclined> e, PaymentView view)
    {
        At(view, e).Status = PaymentStatus.Declined;
        view.DeclineReason = e.Data.Reason;
    }

    public static void Apply(IEvent<PaymentRefunded> e, PaymentView view)
    {
        At(view, e).Status = PaymentStatus.Refunded;
        view.Refunded += e.Data.Amount;
    }

    private static PaymentView At(PaymentView view, IEvent e)
    {
        view.UpdatedAt = e.Timestamp;
        view.Version = e.Version;
        return view;
    }
}
