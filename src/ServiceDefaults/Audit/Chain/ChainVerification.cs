namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>One event's chain row: its position, its predecessor's hash (none for a stream's first event) and its own.</summary>
public sealed record ChainRow(long Sequence, Guid StreamId, long Version, byte[]? Previous, byte[] Hash);

/// <summary>A stream's head as a checkpoint recorded it.</summary>
public sealed record StreamHead(Guid StreamId, long Version, long Sequence, byte[] Hash);

/// <summary>A checkpoint as stored: the heads of every stream at one instant, signed.</summary>
public sealed record SignedCheckpoint(long Id, DateTimeOffset TakenAt, string KeyId, byte[] Signature, IReadOnlyList<StreamHead> Heads);

/// <summary>
/// What the log holds today for one head of a checkpoint: the stream's last version (null when the stream is gone),
/// whether the chain row the head vouched for is still there unchanged, and the chain row's sequence just past the
/// stream's end, if one survived.
/// </summary>
public sealed record HeadToday(StreamHead Head, long? LastVersion, bool Intact, long? SequenceAfterEnd);

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
/// a known key, and no stream has lost what a checkpoint vouched for. Each rule looks at one stream,
/// one checkpoint or the chain rows left without events, so the log is checked a stream at a time.
/// </summary>
public static class ChainVerification
{
    /// <summary>Every problem once, earliest position in the log first.</summary>
    public static IReadOnlyList<ChainProblem> Ordered(IEnumerable<ChainProblem> problems) =>
        [.. problems.Distinct().OrderBy(p => p.Sequence ?? long.MaxValue).ThenBy(p => p.Checkpoint ?? 0)];

    public static IEnumerable<ChainProblem> OrphanedRows(IEnumerable<ChainRow> orphans) =>
        orphans.Select(l => new ChainProblem(ProblemKinds.Deleted, l.StreamId, l.Version, l.Sequence, null, "a chain row without its event"));

    /// <summary>Stream records that count events their stream no longer has any of (a rejected append leaves one at version 0).</summary>
    public static IEnumerable<ChainProblem> RecordsWithoutEvents(IEnumerable<KeyValuePair<Guid, long>> records, Func<Guid, long, long?> sequenceAt) =>
        records.Where(r => r.Value > 0).Select(r => new ChainProblem(
            ProblemKinds.Deleted, r.Key, 1, sequenceAt(r.Key, 1), null, $"the stream record says version {r.Value}, the events end at 0"));

    public static IEnumerable<ChainProblem> CheckpointProblems(SignedCheckpoint checkpoint, bool signatureIsValid, IEnumerable<HeadToday> heads)
    {
        if (!signatureIsValid)
        {
            yield return new ChainProblem(ProblemKinds.BadSignature, null, null, null, checkpoint.Id,
                $"checkpoint {checkpoint.Id} of {checkpoint.TakenAt:O} is not signed by a known key ({checkpoint.KeyId})");
            yield break;
        }

        foreach (var (head, last, intact, afterEnd) in heads)
        {
            if (last is null)
            {
                yield return new ChainProblem(ProblemKinds.Truncated, head.StreamId, 1, null, checkpoint.Id,
                    $"the stream is gone; checkpoint {checkpoint.Id} saw it at version {head.Version}");
            }
            else if (last < head.Version)
            {
                yield return new ChainProblem(ProblemKinds.Truncated, head.StreamId, last + 1, afterEnd, checkpoint.Id,
                    $"the stream ends at version {last}; checkpoint {checkpoint.Id} saw version {head.Version}");
            }
            else if (!intact)
            {
                yield return new ChainProblem(ProblemKinds.Altered, head.StreamId, head.Version, head.Sequence, checkpoint.Id,
                    $"the chain was rewritten since checkpoint {checkpoint.Id}");
            }
        }
    }
}

/// <summary>
/// The checks of one stream, fed its events in version order with each event's own chain row, holding only the
/// previous hash and the positions of the stream's chain rows (no event data), so a stream of any length is
/// checked in little memory.
/// </summary>
public sealed class StreamCheck(Guid stream, long recordedVersion, Func<Guid, long, long?> orphanAt)
{
    private readonly List<ChainProblem> _problems = [];
    private readonly List<long> _gaps = [];
    private readonly Dictionary<long, long> _rowAt = [];
    private byte[]? _previous;
    private long _expected = 1;
    private long _last;
    private bool _beyondRecorded;

    public Guid Stream => stream;

    public int Events { get; private set; }

    public void Add(ChainedEvent e, ChainRow? link)
    {
        Events++;
        if (e.Version > _expected)
        {
            _gaps.Add(_expected);
        }
        else if (e.Version < _expected)
        {
            _problems.Add(At(ProblemKinds.Inserted, e, $"a second event at version {e.Version}"));
        }

        _expected = e.Version + 1;
        _last = e.Version;
        if (!_beyondRecorded && e.Version > recordedVersion)
        {
            _beyondRecorded = true;
            _problems.Add(At(ProblemKinds.Inserted, e, $"the stream record ends at version {recordedVersion}"));
        }

        if (link is null)
        {
            _previous = null;
            _problems.Add(At(ProblemKinds.Inserted, e, "an event without a chain row"));
            return;
        }

        if (link.StreamId == stream)
        {
            _rowAt.TryAdd(link.Version, link.Sequence);
        }

        if (link.StreamId != e.StreamId || link.Version != e.Version)
        {
            _problems.Add(At(ProblemKinds.Altered, e, $"its chain row was written for stream {link.StreamId} version {link.Version}"));
        }
        else if (!ChainLink.Hash(link.Previous, e).AsSpan().SequenceEqual(link.Hash))
        {
            _problems.Add(At(ProblemKinds.Altered, e, "the event no longer matches its hash"));
        }
        else if (!SameHash(link.Previous, _previous))
        {
            _problems.Add(At(ProblemKinds.Inserted, e, "its link does not follow the previous event of the stream"));
        }

        _previous = link.Hash;
    }

    /// <summary>The stream's problems, once every event has been added.</summary>
    public IEnumerable<ChainProblem> Finish()
    {
        foreach (var version in _gaps)
        {
            _problems.Add(new ChainProblem(ProblemKinds.Deleted, stream, version, SequenceAt(version), null, $"version {version} is missing from the stream"));
        }

        if (recordedVersion > _last)
        {
            _problems.Add(new ChainProblem(ProblemKinds.Deleted, stream, _last + 1, SequenceAt(_last + 1), null,
                $"the stream record says version {recordedVersion}, the events end at {_last}"));
        }

        return _problems;
    }

    /// <summary>A position no event holds: its sequence is known only if its chain row survived.</summary>
    private long? SequenceAt(long version) => _rowAt.TryGetValue(version, out var sequence) ? sequence : orphanAt(stream, version);

    private static ChainProblem At(string kind, ChainedEvent e, string detail) => new(kind, e.StreamId, e.Version, e.Sequence, null, detail);

    private static bool SameHash(byte[]? a, byte[]? b) => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);
}
