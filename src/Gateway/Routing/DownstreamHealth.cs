using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.ServiceDefaults.Health;

namespace Shop.Gateway.Routing;

/// <summary>Readiness of the gateway names each service behind it and whether it answers.</summary>
public sealed class DownstreamHealthCheck(IHttpClientFactory clients, string service) : IHealthCheck
{
    public static readonly string[] Services = ["identity", "ordering", "inventory", "payments", "notifications"];

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            using var response = await clients.CreateClient(DownstreamReads.Client).GetAsync($"http://{service}/health/ready", cancellationToken);
            return response.IsSuccessStatusCode
                ? HealthCheckResult.Healthy($"{service} is ready")
                : HealthCheckResult.Unhealthy($"{service} answered {(int)response.StatusCode}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy($"{service} is not answering", e);
        }
    }
}

public static class DownstreamHealth
{
    public static IHealthChecksBuilder AddDownstreamHealthChecks(this IHealthChecksBuilder checks)
    {
        foreach (var service in DownstreamHealthCheck.Services)
        {
            checks.Add(new HealthCheckRegistration(
                service,
                sp => new DownstreamHealthCheck(sp.GetRequiredService<IHttpClientFactory>(), service),
                HealthStatus.Unhealthy,
                [HealthEndpoints.ReadyTag],
                TimeSpan.FromSeconds(3)));
        }

        return checks;
    }
}
