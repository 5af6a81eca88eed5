namespace Shop.ServiceDefaults.OpenApi;

/// <summary>
/// Marks a read that waits for a write the caller names (X-Consistency-Token, and for one resource
/// X-Min-Version), so its description offers those headers.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class ReadsOwnWritesAttribute : Attribute;
