namespace Shop.Ordering.Fulfilment;

/// <summary>How long the saga waits for each reply before it gives up on the order (section "Ordering").</summary>
public sealed record FulfilmentSettings(TimeSpan ReservationTimeout, TimeSpan PaymentTimeout)
{
    public static FulfilmentSettings From(IConfiguration configuration) => new(
        TimeSpan.FromSeconds(configuration.GetValue("Ordering:ReservationTimeoutSeconds", 30.0)),
        TimeSpan.FromSeconds(configuration.GetValue("Ordering:PaymentTimeoutSeconds", 60.0)));
}
