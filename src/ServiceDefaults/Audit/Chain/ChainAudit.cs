namespace Shop.ServiceDefaults.Audit.Chain;

/// <summary>The outcome of verifying one schema: what was checked, and every problem, first first.</summary>
public sealed record ChainReport(string Schema, int Events, int Streams, int Checkpoints, IReadOnlyList<ChainProblem> Problems)
{
    public bool Valid => Problems.Count == 0;
    public ChainProblem? FirstProblem => Problems.Count > 0 ? Problems[0] : null;
}

/// <summary>Verifies a schema's event log against its chain and its signed checkpoints.</summary>
public sealed class ChainAudit(EventChainStore store, CheckpointKeys keys)
{
    public async Task<ChainReport> VerifyAsync(CancellationToken ct)
    {
        var log = await store.ReadAsync(ct);
        var known = keys.All();
        try
        {
            var problems = ChainVerification.Problems(log, c => CheckpointSignature.IsValid(known.GetValueOrDefault(c.KeyId), store.Schema, c));
            return new ChainReport(store.Schema, log.Events.Count, log.Events.Select(e => e.StreamId).Distinct().Count(), log.Checkpoints.Count, problems);
        }
        finally
        {
            foreach (var key in known.Values)
            {
                key.Dispose();
            }
        }
    }
}
