using System.Diagnostics;
using JasperFx.Events.Daemon.HighWater;
using Marten;
using Marten.Events.Daemon.HighWater;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Persistence;

/// <summary>
/// Every commit that appends events sends a NOTIFY on the service's own channel (<see cref="EventLogStorage"/>),
/// which wakes its daemon at once; polling stays as the fallback. Marten's own switch for this
/// (<c>UseListenNotifyForEventAppends</c>) uses one channel for every schema of the database, so
/// each service's daemon would wake, poll and write its progress for every other service's commits.
/// </summary>
public static class EventAppendWakeup
{
    /// <summary>
    /// The least time between two looks of the daemon. Each look writes the daemon's progress, so
    /// under load a look per commit would double the commits; a burst of commits this close together
    /// is seen in one look. A commit on a quiet service is still seen at once, or at most this long after
    /// the previous look. A look costs about six statements of its own, so under load this sets the
    /// daemon's share of the commits per order (bench/FINDINGS.md: 50 ms cost 13 more per order).
    /// </summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(100);

    /// <summary>The channel the commits of the event log in <paramref name="schema"/> notify (<see cref="EventLogStorage"/>).</summary>
    public static string ChannelFor(string schema) => $"shop_events_{schema}";

    public static IServiceCollection AddEventAppendWakeup(this IServiceCollection services, ShopSettings settings)
    {
        services.AddSingleton(provider =>
            new EventAppendChannel(settings.Postgres, ChannelFor(settings.Schema), provider.GetRequiredService<ILogger<EventAppendChannel>>()));
        services.ConfigureMarten((provider, opts) => opts.Projections.Wakeup = provider.GetRequiredService<EventAppendChannel>().Wakeup);
        return services;
    }
}

/// <summary>The service's channel: the connection the daemon listens on, with its looks spaced out.</summary>
internal sealed class EventAppendChannel : IAsyncDisposable
{
    private readonly NpgsqlDataSource _database;

    public EventAppendChannel(string connectionString, string channel, ILogger logger)
    {
        _database = NpgsqlDataSource.Create(connectionString);
        Wakeup = new SpacedWakeup(new PostgresqlListenWakeup(_database, logger, channel), EventAppendWakeup.Spacing);
    }

    public IDaemonWakeup Wakeup { get; }

    public async ValueTask DisposeAsync()
    {
        Wakeup.Dispose();
        await _database.DisposeAsync();
    }
}

/// <summary>Wakes as the inner wake-up does, but never sooner than <paramref name="spacing"/> after the previous wake.</summary>
internal sealed class SpacedWakeup(IDaemonWakeup inner, TimeSpan spacing) : IDaemonWakeup
{
    private long _lastWake = Stopwatch.GetTimestamp();

    public async Task WaitAsync(TimeSpan timeout, CancellationToken token)
    {
        await inner.WaitAsync(timeout, token);
        var since = Stopwatch.GetElapsedTime(_lastWake);
        if (since < spacing)
        {
            await Task.Delay(spacing - since, token);
        }

        _lastWake = Stopwatch.GetTimestamp();
    }

    public void Dispose() => inner.Dispose();
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
