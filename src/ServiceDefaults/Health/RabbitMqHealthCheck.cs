using Microsoft.Extensions.Diagnostics.HealthChecks;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Health;

/// <summary>Ready when the broker accepts an AMQP connection with the service's credentials.</summary>
internal sealed class RabbitMqHealthCheck(ShopSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(settings.RabbitMq);
        try
        {
            var factory = new ConnectionFactory
            {
                Uri = uri,
                RequestedConnectionTimeout = TimeSpan.FromSeconds(3),
                ClientProvidedName = "health-check",
            };
            await using var connection = await factory.CreateConnectionAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{uri.Host}:{uri.Port}");
        }
        catch (Exception e) when (e is BrokerUnreachableException or OperationCanceledException or TimeoutException or IOException)
        {
            return HealthCheckResult.Unhealthy("RabbitMQ is not reachable", e);
        }
    }
}
