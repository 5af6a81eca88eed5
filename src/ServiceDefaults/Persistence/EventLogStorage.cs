using System.Data.Common;
using Marten;
using Npgsql;
using Shop.ServiceDefaults.Audit.Chain;

namespace Shop.ServiceDefaults.Persistence;

/// <summary>
/// How every service keeps its event log: the pool its store draws connections from, the metadata each event
/// carries, the hash chain's trigger, and the notification that wakes the daemon. The benchmark appends
/// through the same configuration, so its numbers are the services'.
/// </summary>
public static class EventLogStorage
{
    /// <summary>
    /// Marten's and Wolverine's pool skips the <c>DISCARD ALL</c> Npgsql sends when a connection goes back to
    /// the pool: it was every second statement (and commit) the services sent. What runs from this pool
    /// leaves no session state behind: no temporary tables, <c>SET</c>s or <c>LISTEN</c>s, and advisory locks
    /// that end with their transaction, except Wolverine's leader lock, which is held by the session and
    /// released with <c>pg_advisory_unlock</c> before its connection closes (one that failed to unlock would
    /// now stay on the pooled connection). The crashed-node lock and the append wake-up's <c>LISTEN</c> use
    /// data sources of their own.
    /// The statements sent more than once on a connection are prepared there: PostgreSQL then parses and
    /// plans each once per connection instead of on every call (bench/FINDINGS.md: its CPU per order fell by
    /// a third). A prepared statement is planned again by PostgreSQL when a table it reads changes.
    /// The pool holds at most <see cref="DefaultMaxPoolSize"/> connections unless the connection string
    /// names its own maximum.
    /// </summary>
    public static string PooledConnectionString(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        var namesMaxPoolSize = NamesMaxPoolSize(builder);
        builder.NoResetOnClose = true;
        builder.MaxAutoPrepare = 100;
        builder.AutoPrepareMinUsages = 2;
        if (!namesMaxPoolSize)
        {
            builder.MaxPoolSize = DefaultMaxPoolSize;
        }

        return builder.ConnectionString;
    }

    /// <summary>
    /// Connections one process's pool may hold. With Npgsql's default of 100 a busy service's pool grew
    /// with each burst, and every connection is a PostgreSQL backend with its own prepared statements on
    /// the same cores; with 24 the shop confirmed a quarter to a third more orders per second at saturation
    /// (bench/FINDINGS.md). A request finding the pool busy waits for a connection.
    /// </summary>
    public const int DefaultMaxPoolSize = 24;

    /// <summary>Npgsql writes back only the settings a connection string named, each under its canonical keyword.</summary>
    private static bool NamesMaxPoolSize(NpgsqlConnectionStringBuilder configured) =>
        new DbConnectionStringBuilder { ConnectionString = configured.ConnectionString }.ContainsKey("Maximum Pool Size");

    /// <summary>The event log in <paramref name="schema"/>: every metadata column and the chain.</summary>
    public static void Configure(StoreOptions opts, string schema)
    {
        opts.Events.DatabaseSchemaName = schema;
        opts.Events.MetadataConfig.EnableAll();
        // EnableAll leaves the user name out in this Marten version; auditors need it.
        opts.Events.MetadataConfig.UserNameEnabled = true;
        opts.Storage.Add(new EventChainSchema(opts));
        // A skipped event is recorded in mt_high_water_skips instead of passing silently.
        opts.Events.EnableAdvancedAsyncTracking = true;
        ReadModelFreshness.Configure(opts);
    }

    /// <summary>Tells <paramref name="notices"/> of every commit that appends events (<see cref="EventAppendWakeup"/>).</summary>
    public static void NotifyAppends(StoreOptions opts, EventAppendNotices notices) =>
        opts.Listeners.Add(new EventAppendNotifier(notices));
}
