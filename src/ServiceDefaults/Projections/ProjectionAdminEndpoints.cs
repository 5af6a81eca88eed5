using System.Security.Claims;
using Marten;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shop.ServiceDefaults.Http;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Projections.Rebuilds;
using Shop.ServiceDefaults.Security;

namespace Shop.ServiceDefaults.Projections;

/// <summary>One shard's position, how many events it is behind the high-water mark, and (from the last lag sample) how old its oldest unprojected event is and whether it is stalled.</summary>
public sealed record ShardProgress(string Projection, string Shard, long Sequence, long Lag, double SecondsBehind, bool Stalled);

/// <summary>The read side's progress, with the messaging backlog sampled beside it: outbox rows not yet confirmed by the broker, and dead letters.</summary>
public sealed record ProjectionStatus(long EventCount, long HighestSequence, long HighWaterMark, long OutboxPending, long DeadLetters, IReadOnlyList<ShardProgress> Shards);

public static class ProjectionAdminEndpoints
{
    /// <summary>GET /admin/projections shows each async projection's progress and lag; POST …/{name}/rebuild starts a rebuild, followed at …/rebuilds/{id}.</summary>
    public static IEndpointRouteBuilder MapProjectionAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var group = endpoints.MapGroup("/admin/projections").WithMetadata(new OperationEndpointAttribute());
        group.MapGet("/", StatusAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName("listProjections")
            .WithSummary("Show every projection shard's progress against the event log, with the outbox backlog and the dead letters.").Produces<ProjectionStatus>();
        group.MapPost("/{name}/rebuild", RebuildAsync).RequireAuthorization(ShopPolicies.Admin).WithName("rebuildProjection")
            .WithSummary("Start rebuilding one projection from the whole event log beside the live read model, which it replaces when done; follow it at the address it answers.")
            .Produces<RebuildStatus>(StatusCodes.Status202Accepted);
        group.MapGet("/rebuilds", RecentAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName("listProjectionRebuilds")
            .WithSummary("List the latest projection rebuilds with their progress.").Produces<IReadOnlyList<RebuildStatus>>();
        group.MapGet("/rebuilds/{id:guid}", RebuildStatusAsync).RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName("getProjectionRebuild")
            .WithSummary("Follow one projection rebuild: events done of the total, rate, time left and state.").Produces<RebuildStatus>();
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
        var highWaterMark = byShard.GetValueOrDefault(ProjectionRebuilder.HighWaterMark);
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
        return new ProjectionStatus(stats.EventCount, stats.EventSequenceNumber, highWaterMark, lag.Latest.OutboxPending, lag.Latest.DeadLetters, shards);
    }

    private static async Task<IResult> RebuildAsync(string name, ProjectionRebuilder rebuilder, RebuildJobs jobs, ClaimsPrincipal user, TimeProvider clock, CancellationToken ct)
    {
        var shards = rebuilder.ShardsOf(name);
        if (shards.Count == 0)
        {
            return Problems.NotFound($"Async projection '{name}'");
        }

        if (shards.Count > 1)
        {
            return Problems.BadRequest("name", $"'{name}' runs in {shards.Count} shards; only single-stream projections are rebuilt while the service runs.");
        }

        var job = await jobs.RequestAsync(shards[0].Name, user.UserId().ToString(), ct);
        return Results.Accepted($"/admin/projections/rebuilds/{job.Id}", RebuildStatus.Of(job, clock.GetUtcNow()));
    }

    private static async Task<IReadOnlyList<RebuildStatus>> RecentAsync(RebuildJobs jobs, TimeProvider clock, CancellationToken ct) =>
        [.. (await jobs.RecentAsync(20, ct)).Select(j => RebuildStatus.Of(j, clock.GetUtcNow()))];

    private static async Task<IResult> RebuildStatusAsync(Guid id, RebuildJobs jobs, TimeProvider clock, CancellationToken ct) =>
        await jobs.FindAsync(id, ct) is { } job
            ? Results.Ok(RebuildStatus.Of(job, clock.GetUtcNow()))
            : Problems.NotFound($"Projection rebuild {id}");
}
