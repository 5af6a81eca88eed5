namespace Shop.ServiceDefaults.Audit;

/// <summary>
/// Marks a property of an event or aggregate whose value must never leave the service (a password
/// hash, say): history, time travel and the audit CLI show "[redacted]" in its place.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class RedactedAttribute : Attribute;
