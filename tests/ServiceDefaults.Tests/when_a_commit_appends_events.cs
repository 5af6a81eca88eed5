using System.Collections.Concurrent;
using System.Diagnostics;
using JasperFx;
using Marten;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Shop.ServiceDefaults.Persistence;
using Shop.Testing;

namespace Shop.ServiceDefaults.Tests;

/// <summary>
/// The notice that wakes a service's daemon: told on the service's channel after a commit that appended
/// events, and shared by commits that follow one another closely.
/// </summary>
public sealed class when_a_commit_appends_events : IAsyncLifetime
{
    private const string Schema = "wakeup_tests";
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(10);

    private readonly ConcurrentQueue<int> _noticesFrom = new();
    private readonly CancellationTokenSource _stopListening = new();
    private EventAppendChannel _wakeup = null!;
    private DocumentStore _store = null!;
    private NpgsqlConnection _listener = null!;
    private Task _listening = Task.CompletedTask;

    public async ValueTask InitializeAsync()
    {
        _wakeup = new EventAppendChannel(Database.ConnectionString, EventAppendWakeup.ChannelFor(Schema), NullLoggerFactory.Instance);
        _store = DocumentStore.For(o =>
        {
            o.Connection(EventLogStorage.PooledConnectionString(Database.ConnectionString));
            o.DatabaseSchemaName = Schema;
            EventLogStorage.Configure(o, Schema);
            EventLogStorage.NotifyAppends(o, _wakeup.Notices);
            o.AutoCreateSchemaObjects = AutoCreate.All;
            o.Events.AddEventType<Counted>();
        });
        await _store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();

        _listener = new NpgsqlConnection(Database.ConnectionString);
        await _listener.OpenAsync();
        _listener.Notification += (_, notice) => _noticesFrom.Enqueue(notice.PID);
        await using (var listen = new NpgsqlCommand($"LISTEN {EventAppendWakeup.ChannelFor(Schema)}", _listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        _listening = ListenAsync(_stopListening.Token);
    }

    [Fact]
    public async Task the_commit_is_told_on_the_service_channel_from_outside_its_transaction()
    {
        var appendedBy = await AppendAsync();

        var notices = await Eventually.ValueAsync(() => Task.FromResult(_noticesFrom.ToArray()), n => n.Length > 0, Within, "a notice of the commit");

        // The appending transaction itself does not notify: PostgreSQL would make such commits queue on one another.
        notices.ShouldNotContain(appendedBy);
    }

    [Fact]
    public async Task commits_that_follow_one_another_closely_share_a_notice()
    {
        const int commits = 20;
        var burst = Stopwatch.StartNew();
        for (var i = 0; i < commits; i++)
        {
            await AppendAsync();
        }

        var spacings = (int)(burst.Elapsed / EventAppendWakeup.Spacing);

        // The last notice of the burst comes at most one spacing after it.
        await Eventually.ValueAsync(() => Task.FromResult(_noticesFrom.Count), n => n > 0, Within, "a notice of the burst");
        var last = await NoticesOnceQuietAsync();

        last.ShouldBeInRange(1, spacings + 2, $"{commits} commits in {burst.ElapsedMilliseconds} ms");
    }

    /// <summary>Appends one event and returns the backend pid of the connection that committed it.</summary>
    private async Task<int> AppendAsync()
    {
        await using var session = _store.LightweightSession();
        // Held from here to the commit, so the pid is the committing connection's.
        await session.BeginTransactionAsync(CancellationToken.None);
        var pid = await session.QueryAsync<int>("select pg_backend_pid()");
        session.Events.StartStream(Guid.NewGuid(), new Counted("apple", 1));
        await session.SaveChangesAsync();
        return pid[0];
    }

    /// <summary>The notices counted once none has come for twice the spacing (an absence has no event to poll for).</summary>
    private async Task<int> NoticesOnceQuietAsync()
    {
        var seen = -1;
        while (_noticesFrom.Count != seen)
        {
            seen = _noticesFrom.Count;
            await Task.Delay(EventAppendWakeup.Spacing * 2);
        }

        return seen;
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        try
        {
            while (!stop.IsCancellationRequested)
            {
                await _listener.WaitAsync(stop);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The test is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopListening.CancelAsync();
        await _listening;
        await _listener.DisposeAsync();
        await _store.DisposeAsync();
        await _wakeup.DisposeAsync();
        _stopListening.Dispose();
    }
}
