using Npgsql;
using Shop.ServiceDefaults.Persistence;

namespace Shop.ServiceDefaults.Tests;

public class when_a_service_pools_its_connections
{
    private const string Configured = "Host=127.0.0.1;Database=shop;Username=shop;Password=shop";

    [Fact]
    public void the_pool_holds_at_most_24_connections_when_the_connection_string_names_no_maximum()
    {
        var pooled = new NpgsqlConnectionStringBuilder(EventLogStorage.PooledConnectionString(Configured));

        pooled.MaxPoolSize.ShouldBe(24);
    }

    [Theory]
    [InlineData("Maximum Pool Size=60")]
    [InlineData("maxpoolsize=60")]
    public void a_maximum_the_connection_string_names_is_kept(string maximum)
    {
        var pooled = new NpgsqlConnectionStringBuilder(EventLogStorage.PooledConnectionString($"{Configured};{maximum}"));

        pooled.MaxPoolSize.ShouldBe(60);
    }
}
