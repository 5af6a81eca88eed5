using System.Data.Common;
using Weasel.Core;
using Weasel.Postgresql;
using DbCommandBuilder = Weasel.Core.DbCommandBuilder;

namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>
/// An AFTER INSERT trigger on mt_events that writes each event's chain row in the same transaction,
/// whichever append path (quick function or plain insert) Marten takes. Both functions are
/// SECURITY DEFINER, so a role that may only append events needs no rights on the chain table.
/// The canonical form hashed here must match <see cref="ChainLink"/>, which recomputes it in C#.
/// </summary>
public sealed class EventChainTrigger(string schema) : ISchemaObject
{
    private const string AppendFunction = "mt_event_chain_append";
    private const string TriggerFunction = "mt_event_chain_link";
    private const string TriggerName = "mt_event_chain";

    /// <summary>
    /// Marten's placeholders for the sequence numbers of failed appends: no data, in a stream of their
    /// own whose id changes per process, version equal to sequence. They are not chained.
    /// </summary>
    public static string TombstoneShape(string row) => $"{row}.type = 'tombstone' AND {row}.version = {row}.seq_id";

    public DbObjectName Identifier => new PostgresqlObjectName(schema, TriggerFunction, SchemaUtils.IdentifierUsage.Function);

    private string AppendBody => $"""

        DECLARE
          prior bytea;
          canonical text := '';
          field text;
        BEGIN
          SELECT c.hash INTO prior FROM {schema}.{EventChainSchema.ChainTable} c
          WHERE c.stream_id = e.stream_id AND c.version = e.version - 1;
          FOREACH field IN ARRAY ARRAY[e.seq_id::text, e.stream_id::text, e.version::text, e.type,
            to_char(e.timestamp AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), e.tenant_id,
            e.mt_dotnet_type, e.user_name, e.correlation_id, e.causation_id, e.headers::text, e.data::text]
          LOOP
            canonical := canonical || coalesce(octet_length(field)::text || ':' || field, '-') || E'\n';
          END LOOP;
          INSERT INTO {schema}.{EventChainSchema.ChainTable} (seq_id, stream_id, version, previous, hash)
          VALUES (e.seq_id, e.stream_id, e.version, prior,
                  sha256(coalesce(prior, ''::bytea) || convert_to(canonical, 'UTF8')));
        END

        """;

    private string TriggerBody => $"""

        BEGIN
          IF NOT ({TombstoneShape("NEW")}) THEN
            PERFORM {schema}.{AppendFunction}(NEW);
          END IF;
          RETURN NULL;
        END

        """;

    /// <summary>
    /// Guarded by the event table's existence, because Marten creates it only for a store that knows
    /// event types or projections; every service does, a host without events simply gets no chain.
    /// </summary>
    public void WriteCreateStatement(Migrator migrator, TextWriter writer)
    {
        writer.WriteLine($"""
            DO $install$
            DECLARE e record;
            BEGIN
              IF to_regclass('{schema}.mt_events') IS NULL THEN
                RETURN;
              END IF;
              EXECUTE $ddl${Function($"{AppendFunction}(e {schema}.mt_events) RETURNS void", AppendBody)}$ddl$;
              EXECUTE $ddl${Function($"{TriggerFunction}() RETURNS trigger", TriggerBody)}$ddl$;
              DROP TRIGGER IF EXISTS {TriggerName} ON {schema}.mt_events;
              CREATE TRIGGER {TriggerName} AFTER INSERT ON {schema}.mt_events FOR EACH ROW EXECUTE FUNCTION {schema}.{TriggerFunction}();
              -- Events written before the chain existed are chained once, in order, when it is first installed.
              IF NOT EXISTS (SELECT 1 FROM {schema}.{EventChainSchema.ChainTable}) THEN
                FOR e IN SELECT ev FROM {schema}.mt_events ev WHERE NOT ({TombstoneShape("ev")}) ORDER BY ev.seq_id LOOP
                  PERFORM {schema}.{AppendFunction}(e.ev);
                END LOOP;
              END IF;
            END $install$;
            """);
    }

    public void WriteDropStatement(Migrator rules, TextWriter writer)
    {
        writer.WriteLine($"DROP FUNCTION IF EXISTS {schema}.{TriggerFunction}() CASCADE;");
        writer.WriteLine($"DROP FUNCTION IF EXISTS {schema}.{AppendFunction}({schema}.mt_events) CASCADE;");
    }

    /// <summary>Ends with a semicolon: Weasel batches the next schema object's query right after it.</summary>
    public void ConfigureQueryCommand(DbCommandBuilder builder)
    {
        var schemaParameter = builder.AddParameter(schema).ParameterName;
        builder.Append($"""
            SELECT
              (SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = :{schemaParameter} AND p.proname = '{AppendFunction}' AND p.prosecdef),
              (SELECT p.prosrc FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
               WHERE n.nspname = :{schemaParameter} AND p.proname = '{TriggerFunction}' AND p.prosecdef),
              (SELECT t.tgenabled::text FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
               JOIN pg_namespace n ON n.oid = c.relnamespace
               WHERE n.nspname = :{schemaParameter} AND c.relname = 'mt_events' AND t.tgname = '{TriggerName}');
            """);
    }

    /// <summary>Recreated when either function differs from this code, or the trigger is missing or disabled.</summary>
    public async Task<ISchemaObjectDelta> CreateDeltaAsync(DbDataReader reader, CancellationToken ct = default)
    {
        await reader.ReadAsync(ct);
        var append = await reader.IsDBNullAsync(0, ct) ? null : reader.GetString(0);
        var link = await reader.IsDBNullAsync(1, ct) ? null : reader.GetString(1);
        var enabled = await reader.IsDBNullAsync(2, ct) ? null : reader.GetString(2);
        var difference = (append, link, enabled) switch
        {
            (null, null, null) => SchemaPatchDifference.Create,
            _ when append == AppendBody && link == TriggerBody && enabled == "O" => SchemaPatchDifference.None,
            _ => SchemaPatchDifference.Update,
        };
        return new SchemaObjectDelta(this, difference);
    }

    public IEnumerable<DbObjectName> AllNames()
    {
        yield return Identifier;
        yield return new PostgresqlObjectName(schema, AppendFunction, SchemaUtils.IdentifierUsage.Function);
    }

    private string Function(string signature, string body) =>
        $"CREATE OR REPLACE FUNCTION {schema}.{signature} LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS $function${body}$function$";
}
