namespace Shop.ServiceDefaults.Projections.Rebuilds;

public enum RebuildState
{
    Requested,
    Running,
    Done,
    Failed,
}

/// <summary>
/// One rebuild of one projection, kept as a document in the service's schema so that any node can take it up,
/// every node can report on it, and one that crashed mid-way is taken over (<see cref="RebuildJobs"/>).
/// </summary>
public sealed record ProjectionRebuild(
    Guid Id,
    string Projection,
    RebuildState State,
    DateTimeOffset RequestedAt,
    string? RequestedBy,
    DateTimeOffset? StartedAt = null,
    DateTimeOffset? FinishedAt = null,
    DateTimeOffset? HeartbeatAt = null,
    string? Node = null,
    long EventsTotal = 0,
    long EventsDone = 0,
    string? Error = null)
{
    /// <summary>A running rebuild whose node has not reported for this long has lost its node; another takes it over.</summary>
    public static readonly TimeSpan Orphaned = TimeSpan.FromSeconds(30);

    public bool IsOrphaned(DateTimeOffset now) => State == RebuildState.Running && HeartbeatAt < now - Orphaned;

    /// <summary>Requested, or running on a live node: a second request for the same projection joins it.</summary>
    public bool IsUnderWay(DateTimeOffset now) => State == RebuildState.Requested || (State == RebuildState.Running && !IsOrphaned(now));
}

/// <summary>A rebuild as operators see it: how far, how fast, and how long still to go.</summary>
public sealed record RebuildStatus(
    Guid Id,
    string Projection,
    string State,
    long EventsDone,
    long EventsTotal,
    double Percent,
    double EventsPerSecond,
    double? SecondsLeft,
    DateTimeOffset RequestedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Node,
    string? Error)
{
    public bool Finished => State is "done" or "failed";

    public static RebuildStatus Of(ProjectionRebuild job, DateTimeOffset now)
    {
        var done = Math.Min(job.EventsDone, job.EventsTotal);
        var elapsed = ((job.FinishedAt ?? now) - (job.StartedAt ?? now)).TotalSeconds;
        var rate = elapsed > 0 ? done / elapsed : 0;
        var left = job.State == RebuildState.Running && rate > 0 ? (job.EventsTotal - done) / rate : (double?)null;
        var state = job.IsOrphaned(now) ? "interrupted" : job.State.ToString().ToLowerInvariant();
        var percent = job.State == RebuildState.Done ? 100 : job.EventsTotal > 0 ? Math.Round(100.0 * done / job.EventsTotal, 1) : 0;
        return new RebuildStatus(
            job.Id, job.Projection, state, done, job.EventsTotal, percent, Math.Round(rate, 1), left is { } l ? Math.Round(l, 1) : null,
            job.RequestedAt, job.StartedAt, job.FinishedAt, job.Node, job.Error);
    }
}
