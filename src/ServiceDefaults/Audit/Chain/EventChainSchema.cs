using Marten;
using Weasel.Core;
using Weasel.Core.Migrations;
using Weasel.Postgresql;
using Weasel.Postgresql.Tables;

namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>
/// The event chain's tables and trigger, a Marten storage feature so <c>db-apply</c>, <c>db-patch</c>
/// and start-up migration create them. Registered features come after Marten's own event tables,
/// which the trigger needs. The <c>mt_</c> prefix makes Marten's data reset empty them with the events.
/// </summary>
public sealed class EventChainSchema(StoreOptions options) : FeatureSchemaBase("EventChain", options.Advanced.Migrator)
{
    public const string ChainTable = "mt_event_chain";
    public const string CheckpointTable = "mt_event_checkpoints";
    public const string HeadTable = "mt_event_checkpoint_heads";

    private string Schema => options.Events.DatabaseSchemaName;

    protected override IEnumerable<ISchemaObject> schemaObjects()
    {
        var chain = new Table(new PostgresqlObjectName(Schema, ChainTable, SchemaUtils.IdentifierUsage.General));
        chain.AddColumn("seq_id", "bigint").AsPrimaryKey();
        chain.AddColumn("stream_id", "uuid").NotNull();
        chain.AddColumn("version", "bigint").NotNull();
        chain.AddColumn("previous", "bytea");
        chain.AddColumn("hash", "bytea").NotNull();
        // Each append looks up its predecessor's row, and each checkpoint every stream's last one.
        chain.Indexes.Add(new IndexDefinition("mt_event_chain_stream_version").AgainstColumns("stream_id", "version"));
        yield return chain;

        var checkpoints = new Table(new PostgresqlObjectName(Schema, CheckpointTable, SchemaUtils.IdentifierUsage.General));
        checkpoints.AddColumn("id", "bigint").AsPrimaryKey().BigAutoIncrement();
        checkpoints.AddColumn("taken_at", "timestamptz").NotNull();
        checkpoints.AddColumn("key_id", "text").NotNull();
        checkpoints.AddColumn("signature", "bytea").NotNull();
        yield return checkpoints;

        var heads = new Table(new PostgresqlObjectName(Schema, HeadTable, SchemaUtils.IdentifierUsage.General));
        heads.AddColumn("checkpoint_id", "bigint").AsPrimaryKey();
        heads.AddColumn("stream_id", "uuid").AsPrimaryKey();
        heads.AddColumn("version", "bigint").NotNull();
        heads.AddColumn("seq_id", "bigint").NotNull();
        heads.AddColumn("hash", "bytea").NotNull();
        yield return heads;

        yield return new EventChainTrigger(Schema);
    }
}
