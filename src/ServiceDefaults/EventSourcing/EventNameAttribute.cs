using System.Reflection;
using Marten;

namespace Shop.ServiceDefaults.EventSourcing;

/// <summary>
/// The name and version an event is stored under, whatever its .NET type is called, so renaming or
/// moving the type never touches stored streams. Version 1 is stored as the bare name, later versions
/// as <c>name_vN</c>. A <see cref="Superseded"/> type is an old shape kept only to read old events:
/// it is never appended, and an upcaster turns it into the current version.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class EventNameAttribute(string name) : Attribute
{
    public string Name => name;

    public int Version { get; init; } = 1;

    public bool Superseded { get; init; }

    public string StoredName => Version == 1 ? name : $"{name}_v{Version}";

    /// <summary>The stored name of an event type, which must carry this attribute.</summary>
    public static string Of<T>() => Of(typeof(T));

    public static string Of(Type type) =>
        type.GetCustomAttribute<EventNameAttribute>()?.StoredName ?? throw new InvalidOperationException($"{type.FullName} has no [EventName].");
}

public static class EventNames
{
    /// <summary>Stores every current event type of the assembly under its <see cref="EventNameAttribute"/> name.</summary>
    public static void MapEventNames(this StoreOptions options, Assembly assembly)
    {
        foreach (var (type, name) in In(assembly).Where(e => !e.Name.Superseded))
        {
            options.Events.MapEventType(type, name.StoredName);
        }
    }

    /// <summary>Every named event type of the assembly, superseded shapes included.</summary>
    public static IEnumerable<(Type Type, EventNameAttribute Name)> In(Assembly assembly) =>
        assembly.GetTypes()
            .Select(t => (Type: t, Name: t.GetCustomAttribute<EventNameAttribute>()))
            .Where(e => e.Name is not null)
            .Select(e => (e.Type, e.Name!));
}
