using Shop.ServiceDefaults.Hosting;
using Shop.ServiceDefaults.ReadModels;
using Wolverine.Persistence.Durability;
using Wolverine.Persistence.Durability.DeadLetterManagement;

namespace Shop.ServiceDefaults.DeadLetters;

/// <summary>
/// What operators do with a service's dead letters, for the admin endpoints and the command line alike.
/// Every dead letter is in Wolverine's table in the service's schema (handlers' failures are written there
/// in the inbox's transaction); what the broker dead-lettered on its own is counted, and taken into the table
/// by <see cref="ImportFromBrokerAsync"/>. A replay marks rows replayable: the service's durability agent
/// moves them back into its inbox within a second or two, so a replay takes effect while the service runs.
/// </summary>
public sealed class DeadLetterAdmin(IMessageStore store, ShopService service, BrokerDeadLetterQueue broker)
{
    public async Task<DeadLetterOverview> OverviewAsync(string groupedBy, CancellationToken ct)
    {
        var grouping = DeadLetterGroupings.ByName[groupedBy];
        var groups = await store.DeadLetters.SummarizeAllAsync(service.Name, new DeadLetterSummaryOptions { Grouping = grouping }, ct);
        var inBroker = await broker.CountAsync(ct);
        return new DeadLetterOverview(
            service.Name,
            groups.Sum(g => g.Count),
            groupedBy.ToLowerInvariant(),
            [.. groups.OrderByDescending(g => g.Count).Select(DeadLetterGroup.From)],
            inBroker);
    }

    public async Task<Page<DeadLetterSummary>> ListAsync(DeadLetterSelection selection, bool archived, int page, int pageSize, CancellationToken ct)
    {
        var query = selection.ToQuery();
        query.Archived = archived ? DeadLetterArchiveFilter.Only : DeadLetterArchiveFilter.Exclude;
        // Wolverine numbers pages from 0; the API, like every list of Shop's, from 1.
        query.PageNumber = page - 1;
        query.PageSize = pageSize;
        var results = await store.DeadLetters.QueryAsync(query, ct);
        return new Page<DeadLetterSummary>([.. results.Envelopes.Select(DeadLetterSummary.From)], page, pageSize, results.TotalCount);
    }

    public Task<DeadLetterEnvelope?> FindAsync(Guid id) => store.DeadLetters.DeadLetterEnvelopeByIdAsync(id);

    public async Task<DeadLetterActionResult> ReplayAsync(DeadLetterSelection selection, CancellationToken ct) =>
        Result("replayed", await store.DeadLetters.ReplayMatchingAsync(selection.ToQuery(), ct));

    public async Task<DeadLetterActionResult> DiscardAsync(DeadLetterSelection selection, CancellationToken ct) =>
        Result("discarded", await store.DeadLetters.DiscardMatchingAsync(selection.ToQuery(), ct));

    public async Task<DeadLetterActionResult> ArchiveAsync(DeadLetterSelection selection, CancellationToken ct) =>
        Result("archived", await store.DeadLetters.ArchiveMatchingAsync(selection.ToQuery(), ct));

    /// <summary>Takes this service's messages out of the broker's dead-letter queue into its own table, where they can be replayed.</summary>
    public async Task<DeadLetterActionResult> ImportFromBrokerAsync(CancellationToken ct) =>
        new("imported", await broker.MoveIntoAsync(store, ct));

    // PostgreSQL's store reports every count; -1 would say it did not.
    private static DeadLetterActionResult Result(string action, DeadLetterOperationResult result) => new(action, result.Affected ?? -1);
}
