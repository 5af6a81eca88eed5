namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>One event's chain row: its position, its predecessor's hash (none for a stream's first event) and its own.</summary>
public sealed record ChainRow(long Sequence, Guid StreamId, long Version, byte[]? Previous, byte[] Hash);

/// <summary>A stream's head as a checkpoint recorded it.</summary>
public sealed record StreamHead(Guid StreamId, long Version, long Sequence, byte[] Hash);

/// <summary>A checkpoint as stored: the heads of every stream at one instant, signed.</summary>
public sealed record SignedCheckpoint(long Id, DateTimeOffset TakenAt, string KeyId, byte[] Signature, IReadOnlyList<StreamHead> Heads);

/// <summary>Everything verification reads from one service's schema.</summary>
public sealed record EventLog(
    IReadOnlyList<ChainedEvent> Events,
    IReadOnlyList<ChainRow> Links,
    IReadOnlyDictionary<Guid, long> StreamVersions,
    IReadOnlyList<SignedCheckpoint> Checkpoints);

public static class ProblemKinds
{
    public const string Altered = "altered";
    public const string Deleted = "deleted";
    public const string Inserted = "inserted";
    public const string Truncated = "truncated";
    public const string BadSignature = "bad-checkpoint-signature";
}

/// <summary>What is wrong, and where: the stream and version, the global sequence when known, the checkpoint when one is involved.</summary>
public sealed record ChainProblem(string Kind, Guid? StreamId, long? Version, long? Sequence, long? Checkpoint, string Detail);

/// <summary>
/// The rules of an intact log: each stream runs 1, 2, 3… without gaps; each event has its own chain
/// row, whose hash still matches the event and whose link is its predecessor's hash; no chain row
/// outlives its event; the stream record agrees with the last event; every checkpoint is signed by
/// a known key, and no stream has lost what a checkpoint vouched for.
/// </summary>
public static class ChainVerification
{
    /// <summary>Every problem, earliest position in the log first.</summary>
    public static IReadOnlyList<ChainProblem> Problems(EventLog log, Func<SignedCheckpoint, bool> signatureIsValid)
    {
        var bySequence = log.Links.ToDictionary(l => l.Sequence);
        var byPosition = log.Links.ToLookup(l => (l.StreamId, l.Version));
        var streams = log.Events.GroupBy(e => e.StreamId).ToDictionary(g => g.Key, g => g.OrderBy(e => e.Version).ThenBy(e => e.Sequence).ToList());
        var eventSequences = log.Events.Select(e => e.Sequence).ToHashSet();

        var problems = streams.SelectMany(s => StreamProblems(s.Value, bySequence, byPosition))
            .Concat(log.Links.Where(l => !eventSequences.Contains(l.Sequence))
                .Select(l => new ChainProblem(ProblemKinds.Deleted, l.StreamId, l.Version, l.Sequence, null, "a chain row without its event")))
            .Concat(StreamRecordProblems(log.StreamVersions, streams, byPosition))
            .Concat(log.Checkpoints.SelectMany(c => CheckpointProblems(c, signatureIsValid, streams, byPosition)));

        return [.. problems.Distinct().OrderBy(p => p.Sequence ?? long.MaxValue).ThenBy(p => p.Checkpoint ?? 0)];
    }

    private static IEnumerable<ChainProblem> StreamProblems(
        List<ChainedEvent> events, Dictionary<long, ChainRow> bySequence, ILookup<(Guid, long), ChainRow> byPosition)
    {
        byte[]? previous = null;
        var expected = 1L;
        foreach (var e in events)
        {
            if (e.Version > expected)
            {
                yield return Missing(ProblemKinds.Deleted, e.StreamId, expected, byPosition, null, $"version {expected} is missing from the stream");
            }
            else if (e.Version < expected)
            {
                yield return At(ProblemKinds.Inserted, e, $"a second event at version {e.Version}");
            }

            expected = e.Version + 1;
            if (!bySequence.TryGetValue(e.Sequence, out var link))
            {
                previous = null;
                yield return At(ProblemKinds.Inserted, e, "an event without a chain row");
                continue;
            }

            if (link.StreamId != e.StreamId || link.Version != e.Version)
            {
                yield return At(ProblemKinds.Altered, e, $"its chain row was written for stream {link.StreamId} version {link.Version}");
            }
            else if (!ChainLink.Hash(link.Previous, e).AsSpan().SequenceEqual(link.Hash))
            {
                yield return At(ProblemKinds.Altered, e, "the event no longer matches its hash");
            }
            else if (!SameHash(link.Previous, previous))
            {
                yield return At(ProblemKinds.Inserted, e, "its link does not follow the previous event of the stream");
            }

            previous = link.Hash;
        }
    }

    private static IEnumerable<ChainProblem> StreamRecordProblems(
        IReadOnlyDictionary<Guid, long> recorded, Dictionary<Guid, List<ChainedEvent>> streams, ILookup<(Guid, long), ChainRow> byPosition)
    {
        foreach (var (id, events) in streams)
        {
            var version = recorded.GetValueOrDefault(id);
            var beyond = events.FirstOrDefault(e => e.Version > version);
            if (beyond is not null)
            {
                yield return At(ProblemKinds.Inserted, beyond, $"the stream record ends at version {version}");
            }
        }

        foreach (var (id, version) in recorded)
        {
            var last = streams.TryGetValue(id, out var events) ? events[^1].Version : 0;
            if (version > last)
            {
                yield return Missing(ProblemKinds.Deleted, id, last + 1, byPosition, null, $"the stream record says version {version}, the events end at {last}");
            }
        }
    }

    private static IEnumerable<ChainProblem> CheckpointProblems(
        SignedCheckpoint checkpoint, Func<SignedCheckpoint, bool> signatureIsValid,
        Dictionary<Guid, List<ChainedEvent>> streams, ILookup<(Guid, long), ChainRow> byPosition)
    {
        if (!signatureIsValid(checkpoint))
        {
            yield return new ChainProblem(ProblemKinds.BadSignature, null, null, null, checkpoint.Id,
                $"checkpoint {checkpoint.Id} of {checkpoint.TakenAt:O} is not signed by a known key ({checkpoint.KeyId})");
            yield break;
        }

        foreach (var head in checkpoint.Heads)
        {
            if (!streams.TryGetValue(head.StreamId, out var events))
            {
                yield return new ChainProblem(ProblemKinds.Truncated, head.StreamId, 1, null, checkpoint.Id,
                    $"the stream is gone; checkpoint {checkpoint.Id} saw it at version {head.Version}");
            }
            else if (events[^1].Version < head.Version)
            {
                yield return Missing(ProblemKinds.Truncated, head.StreamId, events[^1].Version + 1, byPosition, checkpoint.Id,
                    $"the stream ends at version {events[^1].Version}; checkpoint {checkpoint.Id} saw version {head.Version}");
            }
            else if (!byPosition[(head.StreamId, head.Version)].Any(l => l.Sequence == head.Sequence && l.Hash.AsSpan().SequenceEqual(head.Hash)))
            {
                yield return new ChainProblem(ProblemKinds.Altered, head.StreamId, head.Version, head.Sequence, checkpoint.Id,
                    $"the chain was rewritten since checkpoint {checkpoint.Id}");
            }
        }
    }

    private static ChainProblem At(string kind, ChainedEvent e, string detail) => new(kind, e.StreamId, e.Version, e.Sequence, null, detail);

    /// <summary>A problem at a version no event holds: its sequence is known only if its chain row survived.</summary>
    private static ChainProblem Missing(string kind, Guid stream, long version, ILookup<(Guid, long), ChainRow> byPosition, long? checkpoint, string detail) =>
        new(kind, stream, version, byPosition[(stream, version)].FirstOrDefault()?.Sequence, checkpoint, detail);

    private static bool SameHash(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
