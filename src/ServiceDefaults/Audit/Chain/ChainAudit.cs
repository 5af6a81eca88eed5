namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>The outcome of verifying one schema: what was checked, and every problem, first first.</summary>
public sealed record ChainReport(string Schema, long Events, int Streams, int Checkpoints, IReadOnlyList<ChainProblem> Problems)
{
    public bool Valid => Problems.Count == 0;
    public ChainProblem? FirstProblem => Problems.Count > 0 ? Problems[0] : null;
}

/// <summary>How far a verification has got: events checked of the events in the log.</summary>
public sealed record ChainProgress(long Checked, long Total);

/// <summary>
/// Verifies a schema's event log against its chain and its signed checkpoints, reading the events as a stream,
/// a stream at a time: memory holds the stream records, one stream's chain positions and one checkpoint's heads,
/// never the log.
/// </summary>
public sealed class ChainAudit(EventChainStore store, CheckpointKeys keys)
{
    private const int ReportEvery = 10_000;

    public Task<ChainReport> VerifyAsync(CancellationToken ct) => VerifyAsync(null, ct);

    public async Task<ChainReport> VerifyAsync(IProgress<ChainProgress>? progress, CancellationToken ct)
    {
        await using var snapshot = await store.SnapshotAsync(ct);
        var total = await snapshot.CountEventsAsync(ct);
        var records = await snapshot.StreamRecordsAsync(ct);
        var orphans = await snapshot.OrphanedRowsAsync(ct);
        var orphanAt = orphans.ToLookup(o => (o.StreamId, o.Version));
        long? OrphanAt(Guid stream, long version) => orphanAt[(stream, version)].FirstOrDefault()?.Sequence;

        var problems = new List<ChainProblem>(ChainVerification.OrphanedRows(orphans));
        StreamCheck? stream = null;
        var (events, streams) = (0L, 0);
        await foreach (var (e, link) in snapshot.EventsAsync(ct))
        {
            if (stream?.Stream != e.StreamId)
            {
                problems.AddRange(stream?.Finish() ?? []);
                stream = new StreamCheck(e.StreamId, records.Remove(e.StreamId, out var recorded) ? recorded : 0, OrphanAt);
                streams++;
            }

            stream.Add(e, link);
            if (++events % ReportEvery == 0)
            {
                progress?.Report(new ChainProgress(events, total));
            }
        }

        problems.AddRange(stream?.Finish() ?? []);
        problems.AddRange(ChainVerification.RecordsWithoutEvents(records, OrphanAt));

        var checkpoints = await snapshot.CheckpointsAsync(ct);
        var known = keys.All();
        try
        {
            foreach (var checkpoint in checkpoints)
            {
                var heads = await snapshot.HeadsTodayAsync(checkpoint.Id, ct);
                var signed = checkpoint with { Heads = [.. heads.Select(h => h.Head)] };
                var valid = CheckpointSignature.IsValid(known.GetValueOrDefault(checkpoint.KeyId), store.Schema, signed);
                problems.AddRange(ChainVerification.CheckpointProblems(signed, valid, heads));
            }
        }
        finally
        {
            foreach (var key in known.Values)
            {
                key.Dispose();
            }
        }

        progress?.Report(new ChainProgress(events, total));
        return new ChainReport(store.Schema, events, streams, checkpoints.Count, ChainVerification.Ordered(problems));
    }
}
