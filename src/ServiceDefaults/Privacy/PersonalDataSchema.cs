using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Shop.ServiceDefaults.Privacy;

/// <summary>The subjects' keys table, a Marten storage feature so <c>db-apply</c> creates it with the rest of the schema.</summary>
public sealed class PersonalDataSchema(StoreOptions options) : FeatureSchemaBase("PersonalData", options.Advanced.Migrator)
{
    protected override IEnumerable<ISchemaObject> schemaObjects()
    {
        var keys = new Table(new PostgresqlObjectName(options.DatabaseSchemaName, PersonalDataKeys.Table, SchemaUtils.IdentifierUsage.General));
        keys.AddColumn("subject", "uuid").AsPrimaryKey();
        keys.AddColumn("key", "bytea");
        keys.AddColumn("created_at", "timestamptz").NotNull();
        keys.AddColumn("forgotten_at", "timestamptz");
        yield return keys;
    }
}
