using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Shop.ServiceDefaults.OpenApi;
using Shop.ServiceDefaults.Security;
using Wolverine.Runtime;

namespace Shop.ServiceDefaults.Nodes;

/// <summary>
/// This process as its service's cluster sees it: its node and the agents it runs (projection shards, the
/// durability agent that recovers messages and fires scheduled ones).
/// </summary>
public sealed record NodeStatus(Guid Node, int NodeNumber, IReadOnlyList<string> Agents);

public static class NodeAdminEndpoints
{
    /// <summary>GET /admin/node tells which replica this is and what it runs: with several replicas, each answers for itself.</summary>
    public static IEndpointRouteBuilder MapNodeAdminEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/admin/node", Status).WithMetadata(new OperationEndpointAttribute())
            .RequireAuthorization(ShopPolicies.AdminOrAuditor).WithName("getNode")
            .WithSummary("Show which node of its service this replica is and the agents it runs.").Produces<NodeStatus>();
        return endpoints;
    }

    public static NodeStatus Status(IWolverineRuntime runtime) => new(
        runtime.Options.UniqueNodeId,
        runtime.Options.Durability.AssignedNodeNumber,
        [.. runtime.Agents.AllRunningAgentUris().Select(uri => uri.ToString()).Order(StringComparer.Ordinal)]);
}
