using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Shop.ServiceDefaults.Hosting;

/// <summary>The settings every service reads, with development defaults applied only in Development.</summary>
public sealed record ShopSettings(string Postgres, string RabbitMq, string Schema)
{
    /// <summary>
    /// Whether the service creates and patches its own schema at start. Off when it runs as its app
    /// role, which may not change the schema: the owner role applies it first with <c>db-apply</c>.
    /// </summary>
    public bool ApplySchemaOnStartup { get; init; } = true;

    public const string DevelopmentPostgres = "Host=127.0.0.1;Port=5432;Database=shop;Username=shop;Password=shop";
    public const string DevelopmentRabbitMq = "amqp://shop:shop@127.0.0.1:5672";

    public static ShopSettings From(IConfiguration configuration, IHostEnvironment environment, string serviceName)
    {
        var development = environment.IsDevelopment();
        var postgres = configuration.GetConnectionString("Postgres") ?? (development ? DevelopmentPostgres : null);
        var rabbit = configuration.GetConnectionString("RabbitMq") ?? (development ? DevelopmentRabbitMq : null);
        if (postgres is null || rabbit is null)
        {
            throw new InvalidOperationException(
                "ConnectionStrings__Postgres and ConnectionStrings__RabbitMq must be set outside Development.");
        }

        if (!development && (postgres == DevelopmentPostgres || rabbit == DevelopmentRabbitMq))
        {
            throw new InvalidOperationException(
                "Refusing to start outside Development with the development database or broker password.");
        }

        return new ShopSettings(postgres, rabbit, configuration["Shop:Schema"] ?? serviceName)
        {
            ApplySchemaOnStartup = configuration.GetValue("Shop:ApplySchemaOnStartup", true),
        };
    }
}
