using Shop.Testing;

namespace Shop.Gateway.Tests;

/// <summary>Two gateway replicas, each granting its share: together they never let more log-ins through than the limit.</summary>
public sealed class ReplicaRateLimitTests : IAsyncLifetime
{
    private const int Limit = 10;
    private StubHttpService _identity = null!;
    private IAlbaHost[] _gateways = [];

    public async ValueTask InitializeAsync()
    {
        _identity = await StubHttpService.StartAsync(app => app.MapPost("/{**path}", () => Results.Ok()));
        _gateways = await Task.WhenAll(Enumerable.Range(0, 2).Select(_ => AlbaHost.For<Program>(x =>
        {
            x.UseSetting("Services:identity:http:0", _identity.Address.ToString());
            x.UseSetting("RateLimits:TokenPerMinute", $"{Limit}");
            x.UseSetting("RateLimits:GatewayReplicas", "2");
            x.UseSetting("Logging:LogLevel:Default", "Critical");
        })));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var gateway in _gateways)
        {
            await gateway.DisposeAsync();
        }

        await _identity.DisposeAsync();
    }

    [Fact]
    public async Task log_ins_spread_over_both_replicas_are_granted_up_to_the_limit_and_no_more()
    {
        var granted = 0;
        for (var i = 0; i < Limit * 2; i++)
        {
            var result = await _gateways[i % 2].Scenario(s =>
            {
                s.Post.FormData(new() { ["grant_type"] = "password", ["username"] = "x@example.com", ["password"] = "guess" }).ToUrl("/api/oauth/token");
                s.IgnoreStatusCode();
            });
            granted += result.Context.Response.StatusCode == StatusCodes.Status200OK ? 1 : 0;
        }

        granted.ShouldBe(Limit);
    }
}
