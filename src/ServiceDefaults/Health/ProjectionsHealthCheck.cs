using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.ServiceDefaults.Projections;

namespace Shop.ServiceDefaults.Health;

/// <summary>
/// Degraded, not unhealthy, while a projection is stalled: the service still answers and its writes
/// still work, so it stays in rotation, but the readiness answer names what is stuck.
/// </summary>
internal sealed class ProjectionsHealthCheck(ProjectionLagMonitor monitor) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var stalled = monitor.Latest.Shards.Where(s => s.Stalled).ToList();
        return Task.FromResult(stalled.Count == 0
            ? HealthCheckResult.Healthy($"{monitor.Latest.Shards.Count} projection(s) keeping up")
            : HealthCheckResult.Degraded(string.Join("; ", stalled.Select(s =>
                $"{s.Projection} has not moved for over {monitor.Stalls.Threshold.TotalSeconds:0} s with {s.EventsBehind} event(s) waiting"))));
    }
}
