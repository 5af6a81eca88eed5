using Shop.Testing;

namespace Shop.Gateway.Tests;

/// <summary>
/// A service with two replicas, one of them dead, and no health checks to take it out: a request the dead
/// replica refuses is sent to the live one at once, so no client sees the dead replica at all.
/// </summary>
public sealed class ReplicaFailoverTests : IAsyncLifetime
{
    private StubHttpService _live = null!;
    private IAlbaHost _host = null!;

    public async ValueTask InitializeAsync()
    {
        _live = await StubHttpService.StartAsync(app =>
        {
            app.MapGet("/{**path}", () => Results.Ok(new { replica = "live" }));
            app.MapPost("/{**path}", async (HttpRequest request) => Results.Text(await new StreamReader(request.Body).ReadToEndAsync(), "text/plain"));
        });
        _host = await AlbaHost.For<Program>(x =>
        {
            foreach (var service in new[] { "inventory", "identity" })
            {
                x.UseSetting($"Services:{service}:http:0", DeadAddress.Next().ToString());
                x.UseSetting($"Services:{service}:http:1", _live.Address.ToString());
                x.UseSetting($"ReverseProxy:Clusters:{service}:HealthCheck:Active:Enabled", "false");
                x.UseSetting($"ReverseProxy:Clusters:{service}:HealthCheck:Passive:Enabled", "false");
            }

            x.UseSetting("Logging:LogLevel:Default", "Critical");
        });
    }

    public async ValueTask DisposeAsync()
    {
        await _host.DisposeAsync();
        await _live.DisposeAsync();
    }

    [Fact]
    public async Task every_read_is_answered_by_the_live_replica_from_the_first_one_on()
    {
        // Spread over both replicas, twenty answers without a failure by luck is one chance in a million.
        for (var i = 0; i < 20; i++)
        {
            await _host.Scenario(s =>
            {
                s.Get.Url("/api/products");
                s.StatusCodeShouldBeOk();
            });
        }
    }

    [Fact]
    public async Task a_write_the_dead_replica_refused_reaches_the_live_one_with_its_body()
    {
        for (var i = 0; i < 20; i++)
        {
            var body = $"{{\"email\":\"refused-{i}@shop.local\"}}";
            var result = await _host.Scenario(s =>
            {
                s.Post.Text(body).ToUrl("/api/users");
                s.StatusCodeShouldBeOk();
            });
            Assert.Equal(body, await result.ReadAsTextAsync());
        }
    }
}
