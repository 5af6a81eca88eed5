using System.Threading.Channels;
using Marten;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Shop.ServiceDefaults.Projections.Rebuilds;

/// <summary>
/// Runs the rebuilds asked for through the admin endpoint or the command line, one at a time per node. A request is a
/// document; a node claims it under optimistic concurrency, so only one node runs it, and reports its progress there
/// every half second. A rebuild whose node stops reporting (it crashed) is claimed again by a live node and started
/// over, which is safe: a rebuild always starts from the first event.
/// </summary>
public sealed class RebuildJobs(IDocumentStore store, ProjectionRebuilder rebuilder, TimeProvider clock, ILogger<RebuildJobs> log) : BackgroundService
{
    /// <summary>How often a node looks for requests made elsewhere (the command line, another node) and for orphans.</summary>
    public static readonly TimeSpan LookEvery = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan ReportEvery = TimeSpan.FromMilliseconds(500);
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly string _node = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Asks for a rebuild of <paramref name="projection"/>, or returns the one already under way.</summary>
    public async Task<ProjectionRebuild> RequestAsync(string projection, string? user, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        var pending = await UnfinishedAsync(session, ct);
        if (pending.FirstOrDefault(j => j.Projection == projection && j.IsUnderWay(now)) is { } underWay)
        {
            return underWay;
        }

        var job = new ProjectionRebuild(Guid.CreateVersion7(), projection, RebuildState.Requested, now, user);
        session.Store(job);
        await session.SaveChangesAsync(ct);
        _wake.Writer.TryWrite(true);
        return job;
    }

    public async Task<ProjectionRebuild?> FindAsync(Guid id, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<ProjectionRebuild>(id, ct);
    }

    public async Task<IReadOnlyList<ProjectionRebuild>> RecentAsync(int count, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.Query<ProjectionRebuild>().OrderByDescending(j => j.RequestedAt).Take(count).ToListAsync(ct);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await ClaimAsync(stoppingToken) is { } job)
                {
                    await RunAsync(job, stoppingToken);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                log.LogWarning(e, "Looking for projection rebuilds failed; looking again in {Seconds} s", LookEvery.TotalSeconds);
            }

            using var wait = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            wait.CancelAfter(LookEvery);
            try
            {
                await _wake.Reader.ReadAsync(wait.Token);
            }
            catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
            {
                // Time to look again.
            }
        }
    }

    private async Task<ProjectionRebuild?> ClaimAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        foreach (var candidate in (await UnfinishedAsync(session, ct)).Where(j => j.State == RebuildState.Requested || j.IsOrphaned(now)))
        {
            var claimed = candidate with
            {
                State = RebuildState.Running,
                StartedAt = now,
                HeartbeatAt = now,
                Node = _node,
                EventsDone = 0,
                EventsTotal = await rebuilder.HighWaterMarkAsync(ct),
            };
            session.Store(claimed);
            try
            {
                await session.SaveChangesAsync(ct);
                return claimed;
            }
            catch (JasperFx.ConcurrencyException)
            {
                // Another node claimed it first.
                return null;
            }
        }

        return null;
    }

    /// <summary>The rebuilds asked for or running, oldest request first.</summary>
    private static async Task<IReadOnlyList<ProjectionRebuild>> UnfinishedAsync(IQuerySession session, CancellationToken ct) =>
        await session.Query<ProjectionRebuild>()
            .Where(j => j.State == RebuildState.Requested || j.State == RebuildState.Running)
            .OrderBy(j => j.RequestedAt)
            .ToListAsync(ct);

    private async Task RunAsync(ProjectionRebuild job, CancellationToken ct)
    {
        log.LogInformation("Rebuilding {Projection} ({Events} events) for rebuild {Id}", job.Projection, job.EventsTotal, job.Id);
        // A rebuild whose progress can no longer be reported is stopped too: it must not switch after being called failed.
        using var running = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var rebuild = Task.CompletedTask;
        try
        {
            var target = rebuilder.TargetOf(job.Projection);
            rebuild = rebuilder.RebuildAsync(target, running.Token);
            while (await Task.WhenAny(rebuild, Task.Delay(ReportEvery, ct)) != rebuild)
            {
                job = await ReportAsync(job with { EventsDone = await rebuilder.EventsDoneAsync(target, job.EventsTotal, ct) }, ct);
            }

            await rebuild;
            await ReportAsync(job with { State = RebuildState.Done, EventsDone = job.EventsTotal, FinishedAt = clock.GetUtcNow() }, ct);
            log.LogInformation("Rebuilt {Projection} for rebuild {Id}", job.Projection, job.Id);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            await running.CancelAsync();
            // Waits for the rebuild to have stopped, whatever its own outcome; the failure reported is the first one.
            await Task.WhenAny(rebuild);
            log.LogError(e, "Rebuild {Id} of {Projection} failed", job.Id, job.Projection);
            await ReportAsync(job with { State = RebuildState.Failed, FinishedAt = clock.GetUtcNow(), Error = $"{e.GetType().Name}: {e.Message}" }, ct);
        }
    }

    private async Task<ProjectionRebuild> ReportAsync(ProjectionRebuild job, CancellationToken ct)
    {
        var reported = job with { HeartbeatAt = clock.GetUtcNow() };
        await using var session = store.LightweightSession();
        // Loaded first so that the session knows the version it replaces (the document is under optimistic concurrency).
        _ = await session.LoadAsync<ProjectionRebuild>(job.Id, ct);
        session.Store(reported);
        await session.SaveChangesAsync(ct);
        return reported;
    }
}
