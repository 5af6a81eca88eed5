using Npgsql;
using Shop.ServiceDefaults.Hosting;

namespace Shop.ServiceDefaults.Tests;

public class when_postgres_is_unreachable
{
    [Fact]
    public async Task readiness_turns_503_and_names_postgres()
    {
        var real = new NpgsqlConnectionStringBuilder(
            Environment.GetEnvironmentVariable("ConnectionStrings__Postgres") ?? ShopSettings.DevelopmentPostgres);
        await using var relay = new TcpForwarder(real.Host!, real.Port);
        var relayed = new NpgsqlConnectionStringBuilder(real.ConnectionString) { Host = "127.0.0.1", Port = relay.Port };
        await using var host = await SmallServiceHost.StartAsync(builder =>
            builder.WebHost.UseSetting("ConnectionStrings:Postgres", relayed.ConnectionString));

        await relay.CutAsync();

        var result = await host.Scenario(s =>
        {
            s.Get.Url("/health/ready");
            s.StatusCodeShouldBe(503);
        });
        var checks = await when_a_service_uses_the_defaults.ChecksOf(result);
        checks["postgres"].ShouldBe("Unhealthy");
        checks["rabbitmq"].ShouldBe("Healthy");
    }
}
