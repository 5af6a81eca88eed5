using System.Collections.Concurrent;
using System.Net;
using Shop.ServiceDefaults.Downstream;
using Shop.Testing;

namespace Shop.ServiceDefaults.Tests;

/// <summary>Calls between services (Ordering's to Inventory) go to every replica service discovery lists, and past a dead one.</summary>
public sealed class when_a_service_calls_another_with_replicas : IAsyncLifetime
{
    private readonly ConcurrentDictionary<string, int> _answeredBy = new();
    private StubHttpService _first = null!;
    private StubHttpService _second = null!;

    public async ValueTask InitializeAsync()
    {
        _first = await StubHttpService.StartAsync(app => app.MapGet("/products", () => Answer("first")));
        _second = await StubHttpService.StartAsync(app => app.MapGet("/products", () => Answer("second")));
    }

    public async ValueTask DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    [Fact]
    public async Task the_calls_are_spread_over_every_replica()
    {
        var client = Client(_first.Address, _second.Address);
        for (var i = 0; i < 20; i++)
        {
            (await client.Http.GetAsync("/products")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        _answeredBy.Keys.Order().ShouldBe(["first", "second"]);
    }

    [Fact]
    public async Task a_call_a_dead_replica_refuses_is_answered_by_a_live_one()
    {
        var client = Client(DeadAddress.Next(), _second.Address);
        for (var i = 0; i < 20; i++)
        {
            (await client.Http.GetAsync("/products")).StatusCode.ShouldBe(HttpStatusCode.OK);
        }

        _answeredBy["second"].ShouldBe(20);
    }

    private IResult Answer(string replica)
    {
        _answeredBy.AddOrUpdate(replica, 1, (_, n) => n + 1);
        return Results.Ok();
    }

    private static Downstream Client(Uri first, Uri second)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Services:inventory:http:0"] = first.ToString(),
            ["Services:inventory:http:1"] = second.ToString(),
        }).Build();
        var services = new ServiceCollection().AddSingleton<IConfiguration>(configuration);
        services.AddDownstreamClient<Downstream>(configuration, "inventory", "http://127.0.0.1:1");
        return services.BuildServiceProvider().GetRequiredService<Downstream>();
    }

    private sealed class Downstream(HttpClient http)
    {
        public HttpClient Http { get; } = http;
    }
}
