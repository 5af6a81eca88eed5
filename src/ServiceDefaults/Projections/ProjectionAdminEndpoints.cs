using System.Diagnostics;
using JasperFx.Events.Projections;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;
using Wolverine.Runtime;
using Wolverine.Runtime.Agents;

namespace Shop.ServiceDefaults.Projections;

/// <summary>One shard's position, how many events it is behind the high-water mark, and (from the last lag sample) how old its oldest unprojected event is and whether it is stalled.</summary>
public sealed record ShardProgress(string Projection, string Shard, long Sequence, long Lag, double SecondsBehind, bool Stalled);

public sealed record ProjectionStatus(long EventCount, long HighestSequence, long HighWaterMark, IReadOnlyList<ShardProgress> Shards);

public sealed record ProjectionRebuilt(string Projection, long Sequence, double Milliseconds);

public static class ProjectionAdminEndpoints
{
    private const string HighWaterMark = "HighWaterMark";

    /// <summary>GET /admin/projections shows each async projection's progress and lag; POST …/{name}/rebuild rebuilds one.</summary>
    public static IEndpointRouteBuilder MapProjectionAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/projections").WithMetadata(new OperationEndpointAttribute());
        group.MapGet("/", StatusAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName("listProjections")
            .WithSummary("Show every projection shard's progress against the event log.").Produces<ProjectionStatus>();
        group.MapPost("/{name}/rebuild", RebuildAsync).RequireAuthorization(ShopPolicies.Admin).WithName("rebuildProjection")
            .WithSummary("Rebuild one projection from the whole event log, with the live daemon.").Produces<ProjectionRebuilt>();
        return endpoints;
    }

    public static async Task<ProjectionStatus> StatusAsync(IDocumentStore store, ProjectionLagMonitor lag, CancellationToken ct)
    {
        var sampled = lag.Latest.Shards.ToDictionary(s => s.Shard);
        var stats = await store.Advanced.FetchEventStoreStatistics(token: ct);
        var progress = await store.Advanced.AllProjectionProgress(token: ct);
        var byShard = progress.ToDictionary(p => p.ShardName, p => p.Sequence);
        // Lag is measured against the high-water mark: sequence numbers above it may be gaps left by
        // rolled-back transactions, which no projection will ever see.
        var highWaterMark = byShard.GetValueOrDefault(HighWaterMark);
        var shards = store.Advanced.AllAsyncProjectionShardNames()
            .Select(s => new ShardProgress(
                s.Name,
                s.Identity,
                byShard.GetValueOrDefault(s.Identity),
                Math.Max(0, highWaterMark - byShard.GetValueOrDefault(s.Identity)),
                sampled.GetValueOrDefault(s.Identity)?.SecondsBehind ?? 0,
                sampled.GetValueOrDefault(s.Identity)?.Stalled ?? false))
            .OrderBy(s => s.Shard)
            .ToList();
        return new ProjectionStatus(stats.EventCount, stats.EventSequenceNumber, highWaterMark, shards);
    }

    private static async Task<IResult> RebuildAsync(string name, IDocumentStore store, IServiceProvider services, CancellationToken ct)
    {
        var shards = store.Advanced.AllAsyncProjectionShardNames()
            .Where(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase))
            .ToList();
        if (shards.Count == 0)
        {
            return Problems.NotFound($"Async projection '{name}'");
        }

        var watch = Stopwatch.StartNew();
        foreach (var shard in shards)
        {
            await RebuildShardAsync(shard, services, ct);
        }

        var progress = await store.Advanced.ProjectionProgressFor(shards[0], token: ct);
        return Results.Ok(new ProjectionRebuilt(shards[0].Name, progress, watch.Elapsed.TotalMilliseconds));
    }

    /// <summary>
    /// Rebuilds through the agent that owns the shard on this node, so there is never a second writer
    /// of its progress; when this node does not run it, Wolverine's transient rebuild agent does the work.
    /// </summary>
    private static async Task RebuildShardAsync(ShardName shard, IServiceProvider services, CancellationToken ct)
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
