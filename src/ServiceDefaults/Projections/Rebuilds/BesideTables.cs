using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;

namespace Shop.ServiceDefaults.Projections.Rebuilds;

/// <summary>
/// The tables (with their functions and indexes) the <see cref="BesideStore"/> writes, as part of the live store's
/// schema: db-apply creates them as the schema's owner, since the service's own role may create nothing.
/// </summary>
internal sealed class BesideTables(StoreOptions live, StoreOptions beside) : FeatureSchemaBase("BesideTables", live.Advanced.Migrator)
{
    private readonly Lazy<ISchemaObject[]> _objects = new(() =>
    {
        // The versioned table names are settled when a store is built from the options (once: it owns them after).
        using var store = new DocumentStore(beside);
        return [.. BesideStore.ReadModels(beside).SelectMany(type => beside.Storage.FindFeature(type).Objects)];
    });

    protected override IEnumerable<ISchemaObject> schemaObjects() => _objects.Value;
}
