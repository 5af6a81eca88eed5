using Marten;

namespace Shop.ServiceDefaults.Persistence;

/// <summary>
/// How quickly the async daemon sees a commit. Read models stay asynchronous; these settings make the
/// delay between a write and its projection a matter of milliseconds rather than of polling intervals.
/// </summary>
public static class ReadModelFreshness
{
    /// <summary>How long a hole in the event sequence is waited for before the daemon asks PostgreSQL whether anything can still fill it.</summary>
    public static readonly TimeSpan GapProbeAfter = TimeSpan.FromMilliseconds(150);

    public static void Configure(StoreOptions opts)
    {
        opts.Projections.FastPollingTime = TimeSpan.FromMilliseconds(100);
        // The wait after a poll that found nothing new, or a hole: a hole is looked at again this soon.
        opts.Projections.SlowPollingTime = TimeSpan.FromMilliseconds(250);

        // The loser of a version-checked race waits for the winner's commit and fails before it draws a
        // sequence number, instead of failing afterwards and leaving a hole every projection must wait out.
        opts.Events.UseExclusiveLockOnConcurrentAppends = true;

        // Holes still come from other rollbacks (a unique-value clash after an append, a failed handler).
        // The daemon skips one only when PostgreSQL shows no transaction alive that could still fill it
        // (transaction evidence, on by default and kept on), so probing early loses nothing.
        opts.Projections.UseTransactionEvidenceForGapSkipping = true;
        opts.Projections.StaleSequenceThreshold = GapProbeAfter;
    }
}
