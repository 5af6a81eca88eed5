using Shop.Testing;

namespace Shop.Gateway.Tests;

/// <summary>A service with two replicas, one of them dead: the gateway's health checks take the dead one out.</summary>
public sealed class ReplicaBalancingTests : IAsyncLifetime
{
    private StubHttpService _live = null!;
    private IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _live = await StubHttpService.StartAsync(app => app.Map("/{**path}", () => Results.Ok(new { replica = "live" })));
        _host = await AlbaHost.For<Program>(x =>
        {
            x.UseSetting("Services:inventory:http:0", DeadAddress.Next().ToString());
            x.UseSetting("Services:inventory:http:1", _live.Address.ToString());
            x.UseSetting("Logging:LogLevel:Default", "Critical");
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _live.DisposeAsync();
    }

    [Fact]
    public async Task once_the_health_checks_have_seen_a_dead_replica_every_request_goes_to_the_live_one()
    {
        // Spread over both replicas, a run of twenty answers without a failure is one chance in a million.
        await Eventually.ValueAsync(
            async () =>
            {
                for (var i = 0; i < 20; i++)
                {
                    var result = await _host.Scenario(s =>
                    {
                        s.Get.Url("/api/products");
                        s.IgnoreStatusCode();
                    });
                    if (result.Context.Response.StatusCode != StatusCodes.Status200OK)
                    {
                        return false;
                    }
                }

                return true;
            },
            healthy => healthy,
            TimeSpan.FromSeconds(30),
            "twenty answers in a row from the live replica");
    }
}
