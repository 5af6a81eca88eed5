using Marten;
using Marten.Events.Daemon.HighWater;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Persistence;

/// <summary>
/// How quickly the async daemon sees a commit. Read models stay asynchronous; these settings make the
/// delay between a write and its projection a matter of milliseconds rather than of polling intervals.
/// </summary>
public static class ReadModelFreshness
{
    /// <summary>How long a hole in the event sequence is waited for before the daemon asks PostgreSQL whether anything can still fill it.</summary>
    public static readonly TimeSpan GapProbeAfter = TimeSpan.FromMilliseconds(150);

    public static void Configure(StoreOptions opts)
    {
        opts.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
        // The wait after a poll that found nothing new, or a hole: a hole is looked at again this soon.
        opts.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(250);

        // The loser of a version-checked race waits for the winner's commit and fails before it draws a
        // sequence number, instead of failing afterwards and leaving a hole every projection must wait out.
        opts.Events.UseExclusiveLockOnConcurrentAppends = true;

        // Holes still come from other rollbacks (a unique-value clash after an append, a failed handler).
        // The daemon skips one only when PostgreSQL shows no transaction alive that could still fill it
        // (transaction evidence, on by default and kept on), so probing early loses nothing.
        opts.Projections.UseTransactionEvidenceForGapSkipping = true;
        opts.Projections.StaleSequenceThreshold = GapProbeAfter;
    }

    /// <summary>
    /// Every commit that appends events sends a NOTIFY on the service's own channel, which wakes its
    /// daemon at once; polling stays as the fallback. Marten's own switch for this
    /// (<c>UseListenNotifyForEventAppends</c>) uses one channel for every schema of the database, so
    /// each service's daemon would wake, poll and write its progress for every other service's commits.
    /// </summary>
    public static IServiceCollection AddEventAppendWakeup(this IServiceCollection services, ShopSettings settings)
    {
        var channel = $"shop_events_{settings.Schema}";
        services.AddSingleton(_ => new EventAppendChannel(NpgsqlDataSource.Create(settings.Postgres)));
        services.ConfigureMarten((provider, opts) =>
        {
            opts.Listeners.Add(new EventAppendNotifier(channel));
            opts.Projections.Wakeup = new PostgresqlListenWakeup(
                provider.GetRequiredService<EventAppendChannel>().Database, provider.GetRequiredService<ILogger<EventAppendChannel>>(), channel);
        });
        return services;
    }
}

/// <summary>The connections the daemon's wake-up listens on, disposed with the host.</summary>
internal sealed class EventAppendChannel(NpgsqlDataSource database) : IAsyncDisposable
{
    public NpgsqlDataSource Database { get; } = database;

    public ValueTask DisposeAsync() => Database.DisposeAsync();
}

/// <summary>Adds the NOTIFY to the transaction of every session that appends events: PostgreSQL delivers it on commit only.</summary>
internal sealed class EventAppendNotifier(string channel) : DocumentSessionListenerBase
{
    public override Task BeforeSaveChangesAsync(IDocumentSession session, CancellationToken token)
    {
        if (session.PendingChanges.Streams().Any())
        {
            session.QueueSqlCommand("select pg_notify(?, '')", channel);
        }

        return Task.CompletedTask;
    }
}
