using System.Diagnostics.Metrics;
using Marten;
using Microsoft.Extensions.Logging;

namespace Shop.ServiceDefaults.ReadModels;

/// <summary>
/// Reads waiting for a stream to pass a version. One look at the event log's stream table answers every
/// waiting read of the process at once, every <see cref="LookEvery"/> while any read waits and not at all
/// otherwise: a client that waits costs the service a share of one small query instead of a request of its
/// own each time it would have asked again. The stream table is the truth for every replica, so a change
/// written by another replica is seen as well. How many reads wait is published as <c>shop_reads_waiting</c>.
/// </summary>
public sealed partial class StreamChanges : IDisposable
{
    public const string MeterName = "Shop.Reads";

    public static readonly TimeSpan LookEvery = TimeSpan.FromMilliseconds(25);

    private readonly IDocumentStore _store;
    private readonly ILogger<StreamChanges> _logger;
    private readonly Lock _gate = new();
    private readonly List<Waiter> _waiting = [];
    private readonly CancellationTokenSource _stopping = new();
    private bool _looking;

    public StreamChanges(IDocumentStore store, IMeterFactory meters, ILogger<StreamChanges> logger)
    {
        _store = store;
        _logger = logger;
        meters.Create(MeterName).CreateObservableGauge("shop.reads.waiting", () => Waiting, "{request}", "Reads waiting for a newer version of what they read (If-None-Match with Prefer: wait).");
    }

    /// <summary>How many reads wait now.</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>True once the stream's version is above <paramref name="version"/>; false when <paramref name="wait"/> ran out first.</summary>
    public async Task<bool> PassedAsync(Guid stream, long version, TimeSpan wait, CancellationToken ct)
    {
        var waiter = new Waiter(stream, version);
        lock (_gate)
        {
            _waiting.Add(waiter);
            if (!_looking)
            {
                _looking = true;
                _ = Task.Run(LookAsync, CancellationToken.None);
            }
        }

        try
        {
            await waiter.Passed.Task.WaitAsync(wait, ct);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
        finally
        {
            lock (_gate)
            {
                _waiting.Remove(waiter);
            }
        }
    }

    // Only cancelled, never disposed: a look still running reads its token, and a source with no timer holds nothing.
    public void Dispose() => _stopping.Cancel();

    private async Task LookAsync()
    {
        var failing = false;
        while (!_stopping.IsCancellationRequested)
        {
            Waiter[] waiting;
            lock (_gate)
            {
                if (_waiting.Count == 0)
                {
                    _looking = false;
                    return;
                }

                waiting = [.. _waiting];
            }

            try
            {
                var versions = await VersionsAsync([.. waiting.Select(w => w.Stream).Distinct()], _stopping.Token);
                foreach (var waiter in waiting.Where(w => versions.GetValueOrDefault(w.Stream) > w.Version))
                {
                    waiter.Passed.TrySetResult();
                }

                failing = false;
                await Task.Delay(LookEvery, _stopping.Token);
            }
            catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // The waiting reads run out their time and answer what they have; the next look tries again.
                if (!failing)
                {
                    LogLookFailed(e);
                }

                failing = true;
                await Task.Delay(LookEvery, CancellationToken.None);
            }
        }
    }

    private async Task<Dictionary<Guid, long>> VersionsAsync(Guid[] streams, CancellationToken ct)
    {
        await using var session = _store.QuerySession();
        var rows = await session.AdvancedSql.QueryAsync<Guid, long>(
            $"select row(id), row(version) from {_store.Options.Events.DatabaseSchemaName}.mt_streams where id = any(?)", ct, streams);
        return rows.ToDictionary(r => r.Item1, r => r.Item2);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not look for changed streams; waiting reads answer what they have when their time runs out")]
    private partial void LogLookFailed(Exception e);

    private sealed record Waiter(Guid Stream, long Version)
    {
        public TaskCompletionSource Passed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
