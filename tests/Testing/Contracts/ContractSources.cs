using System.Reflection;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Shop.ServiceDefaults.EventSourcing;
using Wolverine.Attributes;

namespace Shop.Testing.Contracts;

/// <summary>Where the contracts of a service and of the shop's messages are found.</summary>
public static class ContractSources
{
    /// <summary>
    /// Every event the service's store knows, each of which must carry [EventName], plus the superseded
    /// shapes kept to read old events. Marten's own bookkeeping events are left out.
    /// </summary>
    public static IReadOnlyCollection<Contract> StoredEvents(IHost host, Assembly service)
    {
        var store = host.Services.GetRequiredService<IDocumentStore>();
        var unnamed = store.Options.Events.AllKnownEventTypes()
            .Select(t => t.EventType)
            .Where(t => t.Assembly == service && t.GetCustomAttribute<EventNameAttribute>() is null)
            .Select(t => t.FullName)
            .ToList();
        if (unnamed.Count > 0)
        {
            throw new ContractChangedException(
                $"Stored under their .NET names, which a rename would break: {string.Join(", ", unnamed)}. Give each an [EventName(\"snake_case_name\")].");
        }

        return [.. EventNames.In(service).Select(e => new Contract(e.Name.StoredName, e.Name.Version, e.Type, e.Name.Superseded))];
    }

    /// <summary>
    /// Every message of the contracts assembly, which must each carry [MessageIdentity] with a version;
    /// the records they are made of (lines, for example) are part of their schemas.
    /// </summary>
    public static IReadOnlyCollection<Contract> Messages(Assembly contracts)
    {
        var records = contracts.GetTypes().Where(t => t is { IsClass: true, IsAbstract: false, IsPublic: true } && t.GetMethod("<Clone>$") is not null).ToList();
        var messages = records.Where(t => t.GetCustomAttribute<MessageIdentityAttribute>() is not null).ToList();
        var parts = messages.SelectMany(PartsOf).ToHashSet();
        var unnamed = records.Except(messages).Where(t => !parts.Contains(t)).Select(t => t.FullName).ToList();
        var unversioned = messages.Where(t => t.GetCustomAttribute<MessageIdentityAttribute>()!.Version < 1).Select(t => t.FullName).ToList();
        if (unnamed.Count > 0 || unversioned.Count > 0)
        {
            throw new ContractChangedException(
                $"Messages without a name: {string.Join(", ", unnamed.DefaultIfEmpty("none"))}; without a version: {string.Join(", ", unversioned.DefaultIfEmpty("none"))}. "
                + "Give each [MessageIdentity(\"area.event\", Version = 1)].");
        }

        var identities = messages.Select(t => (Type: t, Identity: t.GetCustomAttribute<MessageIdentityAttribute>()!)).ToList();
        var latest = identities.GroupBy(m => m.Identity.Alias!).ToDictionary(g => g.Key, g => g.Max(m => m.Identity.Version));
        // An older version of a message is still sent or accepted for a release: its shape must not move.
        return [.. identities.Select(m => new Contract(
            $"{m.Identity.Alias}.v{m.Identity.Version}", m.Identity.Version, m.Type, Superseded: m.Identity.Version < latest[m.Identity.Alias!]))];
    }

    private static IEnumerable<Type> PartsOf(Type message) => message.GetProperties()
        .Select(p => p.PropertyType)
        .SelectMany(t => t.IsGenericType ? t.GetGenericArguments() : [t]);
}
