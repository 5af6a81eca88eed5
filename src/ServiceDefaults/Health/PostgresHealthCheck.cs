using Microsoft.Extensions.Diagnostics.HealthChecks;
using Npgsql;
using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Health;

/// <summary>Ready when the service's PostgreSQL answers a query.</summary>
internal sealed class PostgresHealthCheck(ShopSettings settings) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(settings.Postgres) { Timeout = 3, Pooling = false };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = new NpgsqlCommand("select 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy($"{builder.Host}:{builder.Port}/{builder.Database}");
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or OperationCanceledException or System.Net.Sockets.SocketException)
        {
            return HealthCheckResult.Unhealthy("PostgreSQL is not reachable", e);
        }
    }
}
