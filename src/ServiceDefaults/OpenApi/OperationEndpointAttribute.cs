namespace Shop.ServiceDefaults.OpenApi;

/// <summary>
/// Marks an endpoint that runs an operation (log-in, a projection rebuild) rather than creating or
/// changing a resource: its description offers no If-Match, Idempotency-Key or stale-version 409.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class OperationEndpointAttribute : Attribute;
