namespace Shop.Notifications.Delivery;

/// <summary>How mail leaves (section "Notifications"): SMTP when a host is set, otherwise .eml files in a folder.</summary>
public sealed record DeliverySettings(string Sender, string? SmtpHost, int SmtpPort, string? SmtpUser, string? SmtpPassword, string PickupDirectory, int MaxAttempts, TimeSpan FirstRetry)
{
    public static DeliverySettings From(IConfiguration configuration)
    {
        var section = configuration.GetSection("Notifications");
        return new DeliverySettings(
            section["From"] ?? "Shop <shop@example.com>",
            section["Smtp:Host"] is { Length: > 0 } host ? host : null,
            section.GetValue("Smtp:Port", 25),
            section["Smtp:User"],
            section["Smtp:Password"],
            Path.GetFullPath(section["PickupDirectory"] ?? ".local/mail"),
            section.GetValue("MaxAttempts", 5),
            TimeSpan.FromSeconds(section.GetValue("FirstRetrySeconds", 2.0)));
    }

    /// <summary>Exponential back-off: the first retry after <see cref="FirstRetry"/>, then twice as long each time.</summary>
    public TimeSpan RetryAfter(int attempt) => FirstRetry * Math.Pow(2, attempt - 1);
}
