namespace Shop.ServiceDefaults.Projections;

/// <summary>How far one async projection shard is behind the event log, and whether it has stopped moving.</summary>
public sealed record ShardLag(string Projection, string Shard, long Sequence, long EventsBehind, double SecondsBehind, bool Stalled);

/// <summary>What the service's read side and messaging hold back, sampled together.</summary>
public sealed record LagSample(IReadOnlyList<ShardLag> Shards, long OutboxPending, long DeadLetters, DateTimeOffset At)
{
    public static readonly LagSample None = new([], 0, 0, DateTimeOffset.MinValue);
}

/// <summary>
/// A shard is stalled when events wait for it and its position has not moved for longer than the
/// threshold. A shard that is merely behind but moving is busy, not stalled.
/// </summary>
public sealed class StallWatch(TimeSpan threshold)
{
    private readonly Dictionary<string, (long Sequence, DateTimeOffset Since)> _moved = [];

    public TimeSpan Threshold { get; } = threshold;

    public bool Observe(string shard, long sequence, long eventsBehind, DateTimeOffset now)
    {
        if (eventsBehind == 0 || !_moved.TryGetValue(shard, out var last) || last.Sequence != sequence)
        {
            _moved[shard] = (sequence, now);
            return false;
        }

        return now - last.Since > Threshold;
    }
}
