using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection;
using Wolverine.Runtime;
using Wolverine.Runtime.Agents;

namespace Shop.ServiceDefaults.Projections.Rebuilds;

/// <summary>Rebuilds an async projection from the whole event log with the live daemon, and tells how far it has got.</summary>
public sealed class ProjectionRebuilder(IDocumentStore store, IServiceProvider services)
{
    /// <summary>The progress row Marten keeps for the high-water mark, beside the shards' own.</summary>
    public const string HighWaterMark = "HighWaterMark";

    public IReadOnlyList<ShardName> ShardsOf(string projection) => [.. store.Advanced.AllAsyncProjectionShardNames()
        .Where(s => string.Equals(s.Name, projection, StringComparison.OrdinalIgnoreCase))];

    public async Task RebuildAsync(IReadOnlyList<ShardName> shards, CancellationToken ct)
    {
        foreach (var shard in shards)
        {
            await RebuildShardAsync(shard, ct);
        }
    }

    /// <summary>The high-water mark: every event up to it is committed, so a rebuild started now goes that far.</summary>
    public async Task<long> HighWaterMarkAsync(CancellationToken ct) =>
        (await store.Advanced.AllProjectionProgress(token: ct)).FirstOrDefault(p => p.ShardName == HighWaterMark)?.Sequence ?? 0;

    /// <summary>How many of the events up to <paramref name="highWaterMark"/> the shards have been through, summed over the shards.</summary>
    public async Task<long> EventsDoneAsync(IReadOnlyList<ShardName> shards, long highWaterMark, CancellationToken ct)
    {
        var positions = (await store.Advanced.AllProjectionProgress(token: ct)).ToDictionary(p => p.ShardName, p => p.Sequence);
        return shards.Sum(s => Math.Min(positions.GetValueOrDefault(s.Identity), highWaterMark));
    }

    /// <summary>
    /// Rebuilds through the agent that owns the shard on this node, so there is never a second writer
    /// of its progress; when this node does not run it, Wolverine's transient rebuild agent does the work.
    /// </summary>
    private async Task RebuildShardAsync(ShardName shard, CancellationToken ct)
    {
        var family = services.GetServices<IAgentFamily>().OfType<EventSubscriptionAgentFamily>().Single();
        var runtime = services.GetRequiredService<IWolverineRuntime>();
        var uri = await family.FindAgentUriAsync(shard.Identity, null, ct);
        if (uri is not null && runtime.Agents.TryFindActiveAgent<IEventSubscriptionAgent>(uri, out var agent))
        {
            await agent.RebuildAsync(ct);
            return;
        }

        if (!await family.TryRebuildRegisteredProjectionAsync(shard.Identity, null, ct))
        {
            throw new InvalidOperationException($"No agent could rebuild {shard.Identity}.");
        }
    }
}
