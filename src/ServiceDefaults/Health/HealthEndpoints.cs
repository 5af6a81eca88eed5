using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Shop.ServiceDefaults.Projections;

namespace Shop.ServiceDefaults.Health;

public static class HealthEndpoints
{
    /// <summary>Checks tagged with this take part in readiness; liveness runs none.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The process's own infrastructure (its database and broker), as opposed to the services a gateway forwards to.</summary>
    public const string InfrastructureTag = "infrastructure";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = false };

    public static IHealthChecksBuilder AddShopHealthChecks(this IServiceCollection services) =>
        services.AddHealthChecks()
            .AddCheck<PostgresHealthCheck>("postgres", tags: [ReadyTag, InfrastructureTag], timeout: TimeSpan.FromSeconds(5))
            .AddCheck<RabbitMqHealthCheck>("rabbitmq", tags: [ReadyTag, InfrastructureTag], timeout: TimeSpan.FromSeconds(5));

    /// <summary>Lag metrics for every async projection, and readiness that reports a stalled one as degraded.</summary>
    public static IServiceCollection AddProjectionLag(this IServiceCollection services)
    {
        services.AddSingleton<ProjectionLagMonitor>();
        services.AddHostedService(sp => sp.GetRequiredService<ProjectionLagMonitor>());
        services.AddHealthChecks().AddCheck<ProjectionsHealthCheck>("projections", tags: [ReadyTag]);
        return services;
    }

    /// <summary>/health/live answers while the process runs; /health/ready names each dependency and is 503 when one fails.</summary>
    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync })
            .AllowAnonymous();
        endpoints.MapHealthChecks("/health/ready", new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(ReadyTag),
            ResponseWriter = WriteAsync,
        }).AllowAnonymous();
        return endpoints;
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        context.Response.Headers.CacheControl = "no-store";
        var body = new
        {
            status = report.Status.ToString(),
            durationMs = report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.Select(e => new
            {
                name = e.Key,
                status = e.Value.Status.ToString(),
                description = e.Value.Description,
                error = e.Value.Exception?.Message,
                durationMs = e.Value.Duration.TotalMilliseconds,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}
