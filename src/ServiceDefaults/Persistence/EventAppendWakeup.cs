using System.Diagnostics;
using System.Threading.Channels;
using JasperFx.Events.Daemon.HighWater;
using Marten;
using Marten.Events.Daemon.HighWater;
using Marten.Services;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Persistence;

/// <summary>
/// Every commit that appends events is told on the service's own channel, which wakes its daemon at once;
/// polling stays as the fallback. Marten's own switch for this (<c>UseListenNotifyForEventAppends</c>) uses
/// one channel for every schema of the database, so each service's daemon would wake, poll and write its
/// progress for every other service's commits.
/// </summary>
/// <remarks>
/// The NOTIFY is sent after the commit, from a connection of the wake-up's own, and at most once per
/// <see cref="Spacing"/>: PostgreSQL lets one notifying transaction commit at a time (a database-wide lock
/// held through the WAL flush), so a NOTIFY inside every appending transaction made all of them queue on
/// one another's flush. The notice is a hint and is sent without waiting for the disk; a notice lost in a
/// crash or an outage only leaves the commit to the daemon's next poll.
/// </remarks>
public static class EventAppendWakeup
{
    /// <summary>
    /// The least time between two looks of the daemon, and between two notices. Each look writes the
    /// daemon's progress, so under load a look per commit would double the commits; a burst of commits this
    /// close together is seen in one look. A commit on a quiet service is still seen at once, or at most
    /// this long after the previous look. A look costs about six statements of its own, so under load this
    /// sets the daemon's share of the commits per order (bench/FINDINGS.md: 50 ms cost 13 more per order).
    /// </summary>
    public static readonly TimeSpan Spacing = TimeSpan.FromMilliseconds(100);

    /// <summary>The channel the commits of the event log in <paramref name="schema"/> are told on.</summary>
    public static string ChannelFor(string schema) => $"shop_events_{schema}";

    public static IServiceCollection AddEventAppendWakeup(this IServiceCollection services, ShopSettings settings)
    {
        services.AddSingleton(provider =>
            new EventAppendChannel(settings.Postgres, ChannelFor(settings.Schema), provider.GetRequiredService<ILoggerFactory>()));
        services.ConfigureMarten((provider, opts) =>
        {
            var channel = provider.GetRequiredService<EventAppendChannel>();
            opts.Projections.Wakeup = channel.Wakeup;
            EventLogStorage.NotifyAppends(opts, channel.Notices);
        });
        return services;
    }

    /// <summary>The database connection settings of a wake-up: its notices do not wait for the disk.</summary>
    internal static string ConnectionString(string connectionString) =>
        new NpgsqlConnectionStringBuilder(connectionString) { Options = "-c synchronous_commit=off" }.ConnectionString;
}

/// <summary>The service's channel: the connection the daemon listens on, with its looks spaced out, and the notices sent to it.</summary>
public sealed class EventAppendChannel : IAsyncDisposable
{
    private readonly NpgsqlDataSource _database;

    public EventAppendChannel(string connectionString, string channel, ILoggerFactory loggers)
    {
        _database = NpgsqlDataSource.Create(EventAppendWakeup.ConnectionString(connectionString));
        Wakeup = new SpacedWakeup(new PostgresqlListenWakeup(_database, loggers.CreateLogger<EventAppendChannel>(), channel), EventAppendWakeup.Spacing);
        Notices = new EventAppendNotices(_database, channel, EventAppendWakeup.Spacing, loggers.CreateLogger<EventAppendNotices>());
    }

    public IDaemonWakeup Wakeup { get; }

    public EventAppendNotices Notices { get; }

    public async ValueTask DisposeAsync()
    {
        await Notices.DisposeAsync();
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

/// <summary>
/// Sends the channel's NOTIFY after commits that appended events: the first commit of a quiet moment is told
/// at once, and the commits that follow within the spacing share one notice at its end.
/// </summary>
public sealed class EventAppendNotices : IAsyncDisposable
{
    private readonly Channel<bool> _raised = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly NpgsqlDataSource _database;
    private readonly string _channel;
    private readonly TimeSpan _spacing;
    private readonly ILogger _logger;
    private readonly Task _sending;

    public EventAppendNotices(NpgsqlDataSource database, string channel, TimeSpan spacing, ILogger<EventAppendNotices> logger)
    {
        (_database, _channel, _spacing, _logger) = (database, channel, spacing, logger);
        _sending = Task.Run(() => SendAsync(_stopping.Token));
    }

    /// <summary>Tells the channel that events were committed: now, or with the next notice if one was just sent.</summary>
    public void Raise() => _raised.Writer.TryWrite(true);

    private async Task SendAsync(CancellationToken stopping)
    {
        try
        {
            while (await _raised.Reader.WaitToReadAsync(stopping))
            {
                _raised.Reader.TryRead(out _);
                await NotifyAsync(stopping);
                await Task.Delay(_spacing, stopping);
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // The process is stopping.
        }
    }

    private async Task NotifyAsync(CancellationToken stopping)
    {
        try
        {
            await using var notify = _database.CreateCommand("select pg_notify($1, '')");
            notify.Parameters.Add(new NpgsqlParameter { Value = _channel });
            await notify.ExecuteNonQueryAsync(stopping);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A notice is a hint: whatever kept it from going out, the sending goes on with the next commit.
            _logger.LogDebug(e, "The notice on {Channel} was not sent; the daemon's next poll sees the commit", _channel);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _sending;
        _stopping.Dispose();
    }
}

/// <summary>Raises the notice after every commit that appended events.</summary>
internal sealed class EventAppendNotifier(EventAppendNotices notices) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        if (commit.GetStreams().Any())
        {
            notices.Raise();
        }

        return Task.CompletedTask;
    }
}
