using JasperFx;
using Marten;
using Shop.ServiceDefaults.EventSourcing;
using Weasel.Core;

namespace Shop.Testing;

/// <summary>
/// Writes events as an earlier release of a service did: the same schema and serializer, the given
/// superseded shapes under their old names and without their upcasters. What the service then reads
/// is what a real upgrade meets in its log.
/// </summary>
public static class LegacyStore
{
    public static DocumentStore For(string schema, params Type[] supersededEvents) => DocumentStore.For(opts =>
    {
        opts.Connection(Database.ConnectionString);
        opts.DatabaseSchemaName = schema;
        opts.Events.DatabaseSchemaName = schema;
        opts.Events.MetadataConfig.EnableAll();
        opts.Events.MetadataConfig.UserNameEnabled = true;
        opts.UseSystemTextJsonForSerialization(EnumStorage.AsString, Casing.CamelCase);
        opts.AutoCreateSchemaObjects = AutoCreate.None;
        foreach (var type in supersededEvents)
        {
            opts.Events.MapEventType(type, EventNameAttribute.Of(type));
        }
    });
}
