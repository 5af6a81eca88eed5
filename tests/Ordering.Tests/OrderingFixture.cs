using System.Globalization;
using Marten;
using Shop.Ordering.Orders;
using Shop.ServiceDefaults.Http;
using Shop.Testing;

[assembly: AssemblyFixture(typeof(Shop.Ordering.Tests.OrderingFixture))]

namespace Shop.Ordering.Tests;

/// <summary>
/// One Ordering host for the run, on its own schema and real PostgreSQL; Inventory is stood in for
/// by a real HTTP server on loopback that can fail, hang or drop connections. Identity is not
/// called at all: whether a customer may order comes from Identity's events.
/// </summary>
public sealed class OrderingFixture : IAsyncLifetime
{
    public const string Schema = "ordering_tests";

    public TestTokens Tokens { get; } = new() { StandsInForAccountStatus = false };

    public InventoryDouble Inventory { get; private set; } = null!;

    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Inventory = await InventoryDouble.StartAsync();
        Host = await StartAsync(Schema);
        await Host.ResetAllMartenDataAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        await Inventory.DisposeAsync();
    }

    /// <summary>Ordering on <paramref name="schema"/>, with Inventory played by the double.</summary>
    public Task<IAlbaHost> StartAsync(string schema) => TestHosts.StartAsync<Program>(schema, Tokens, adjust: x =>
    {
        x.UseSetting("Services:inventory:http:0", Inventory.Address.ToString());
    });

    /// <summary>A customer and the token they call with.</summary>
    public (Guid Id, string Token) Customer()
    {
        var id = Guid.NewGuid();
        return (id, Tokens.Customer(id));
    }

    /// <summary>Opens an order with the given (product, quantity) lines and returns what the service answered.</summary>
    public async Task<OrderResponse> CreateAsync(string token, params (Guid Product, int Quantity)[] items)
    {
        var result = await Host.Scenario(s =>
        {
            s.Post.Json(new { items = items.Select(i => new { productId = i.Product, quantity = i.Quantity }) }).ToUrl("/orders");
            s.Bearer(token);
            s.StatusCodeShouldBe(201);
        });
        return (await result.ReadAsJsonAsync<OrderResponse>())!;
    }

    public async Task<OrderDetails> DetailsAsync(Guid orderId, string token, long minVersion)
    {
        var result = await Host.Scenario(s =>
        {
            s.Get.Url($"/orders/{orderId}");
            s.Bearer(token);
            s.WithRequestHeader(Versions.MinVersionHeader, minVersion.ToString(CultureInfo.InvariantCulture));
            s.StatusCodeShouldBeOk();
        });
        return (await result.ReadAsJsonAsync<OrderDetails>())!;
    }

    /// <summary>How many events the order's stream holds (0 when there is no such stream).</summary>
    public async Task<long> VersionAsync(Guid orderId)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamStateAsync(orderId))?.Version ?? 0;
    }

    /// <summary>Puts an order where only the saga can take it: Confirmed.</summary>
    public async Task ConfirmAsync(Guid orderId, Guid customerId)
    {
        await using var session = Host.Services.GetRequiredService<IDocumentStore>().LightweightSession();
        session.Events.Append(orderId, new OrderConfirmed(orderId, customerId, Guid.NewGuid()));
        await session.SaveChangesAsync();
    }
}
