namespace Shop.Gateway.Console.Streams;

/// <summary>A kind of aggregate whose history a service serves at <c>/{Route}/{id}/history|state|changes</c>.</summary>
public sealed record AuditedStreamKind(string Route, string Name, string Service);

public static class AuditedStreams
{
    public static readonly IReadOnlyList<AuditedStreamKind> Kinds =
    [
        new("orders", "order", "ordering"),
        new("payments", "payment", "payments"),
        new("products", "product", "inventory"),
        new("users", "user", "identity"),
        new("notifications", "notification", "notifications"),
    ];

    public static AuditedStreamKind? ByRoute(string? route) => Kinds.FirstOrDefault(k => k.Route == route);

    /// <summary>The kind of the stream a service's correlated event belongs to, from the service and its aggregate's type name.</summary>
    public static AuditedStreamKind? Of(string service, string? aggregate) =>
        Kinds.FirstOrDefault(k => k.Service == service && string.Equals(k.Name, aggregate, StringComparison.OrdinalIgnoreCase));
}
