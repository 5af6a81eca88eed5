extern alias inventory;
extern alias ordering;
extern alias payments;

using Marten;
using ordering::Shop.Ordering.Catalog;
using ordering::Shop.Ordering.Orders;
using payments::Shop.Payments.Payments;
using Shop.ServiceDefaults.EventSourcing;
using Shop.Testing;
using Wolverine;
using Product = inventory::Shop.Inventory.Products.Product;

[assembly: AssemblyFixture(typeof(Shop.OrderSaga.Tests.SagaFixture))]

namespace Shop.OrderSaga.Tests;

/// <summary>
/// Ordering, Inventory and Payments hosted together, each on its own schema of a real PostgreSQL,
/// talking over a real RabbitMQ (in a virtual host of their own, so nothing else shares its queues).
/// Identity is a loopback stub that finds every customer active.
/// </summary>
public sealed class SagaFixture : IAsyncLifetime
{
    public static readonly TimeSpan PaymentTimeout = TimeSpan.FromSeconds(8);
    public static readonly TimeSpan SlowCard = TimeSpan.FromSeconds(14);
    private StubHttpService _identity = null!;
    public const string VirtualHost = "saga-tests";
    private string _broker = "";

    public TestTokens Tokens { get; } = new();

    public string BrokerUri => _broker;

    public IAlbaHost Inventory { get; private set; } = null!;

    public IAlbaHost Payments { get; private set; } = null!;

    public IAlbaHost Ordering { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        _broker = await Broker.VirtualHostAsync(VirtualHost);
        _identity = await StubHttpService.StartAsync(app => app.MapGet("/users/{id:guid}/status", (Guid id) => Results.Ok(new { id, active = true })));
        Inventory = await AlbaHost.For<inventory::Program>(x => Configure(x, "saga_inventory"));
        Payments = await AlbaHost.For<payments::Program>(x =>
        {
            Configure(x, "saga_payments");
            x.UseSetting("Payments:SlowCardDelaySeconds", SlowCard.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
        });
        Ordering = await AlbaHost.For<ordering::Program>(x =>
        {
            Configure(x, "saga_ordering");
            x.UseSetting("Ordering:PaymentTimeoutSeconds", PaymentTimeout.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture));
            x.UseSetting("Ordering:ReservationTimeoutSeconds", "20");
            x.UseSetting("Services:identity:http:0", _identity.Address.ToString());
            x.UseSetting("Services:inventory:http:0", "http://inventory/");
            // Catalog reads go to the real Inventory host, in process.
            x.ConfigureServices(s => s.AddHttpClient<CatalogClient>().ConfigurePrimaryHttpMessageHandler(() => Inventory.Server.CreateHandler()));
        });
        foreach (var host in new[] { Inventory, Payments, Ordering })
        {
            await host.ResetAllMartenDataAsync();
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var host in new[] { Ordering, Payments, Inventory })
        {
            await host.DisposeAsync();
        }

        await _identity.DisposeAsync();
    }

    /// <summary>A product in the real catalog with the given stock.</summary>
    public async Task<Guid> ProductAsync(int stock, decimal price = 10m)
    {
        var admin = Tokens.Admin();
        var created = await Inventory.Scenario(s =>
        {
            s.Post.Json(new { sku = $"SAGA-{Guid.NewGuid():N}", name = "Saga product", price, currency = "EUR" }).ToUrl("/products");
            s.Bearer(admin);
            s.StatusCodeShouldBe(201);
        });
        var id = (await created.ReadAsJsonAsync<WriteAccepted>())!.Id;
        await Inventory.Scenario(s =>
        {
            s.Post.Json(new { quantity = stock }).ToUrl($"/products/{id}/stock");
            s.Bearer(admin);
            s.StatusCodeShouldBeOk();
        });
        // Ordering prices from the catalog read model: wait until it shows the product and its stock.
        await Eventually.ValueAsync(
            async () => (await Inventory.Scenario(s =>
            {
                s.Get.Url($"/products/{id}");
                s.IgnoreStatusCode();
            })).Context.Response.StatusCode,
            status => status == 200,
            TimeSpan.FromSeconds(60),
            $"product {id} in the catalog");
        return id;
    }

    /// <summary>A new customer orders <paramref name="quantity"/> of a product and checks out with a card; returns the order id and the customer's token.</summary>
    public async Task<(Guid OrderId, string Token)> CheckOutAsync(Guid product, int quantity, string card)
    {
        var token = Tokens.Customer(Guid.NewGuid());
        var created = await Ordering.Scenario(s =>
        {
            s.Post.Json(new { items = new[] { new { productId = product, quantity } } }).ToUrl("/orders");
            s.Bearer(token);
            s.StatusCodeShouldBe(201);
        });
        var order = (await created.ReadAsJsonAsync<OrderResponse>())!;
        await Ordering.Scenario(s =>
        {
            s.Post.Json(new { paymentMethod = card }).ToUrl($"/orders/{order.Id}/checkout");
            s.Bearer(token);
            s.StatusCodeShouldBe(202);
        });
        return (order.Id, token);
    }

    public async Task<Order> OrderAsync(Guid orderId)
    {
        await using var session = Ordering.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.AggregateStreamAsync<Order>(orderId))!;
    }

    /// <summary>The order once it is Confirmed or Cancelled.</summary>
    public Task<Order> SettledAsync(Guid orderId) => Eventually.ValueAsync(
        () => OrderAsync(orderId),
        o => o.Status is OrderStatus.Confirmed or OrderStatus.Cancelled,
        TimeSpan.FromSeconds(60),
        $"order {orderId} reaching Confirmed or Cancelled");

    public async Task<Payment?> PaymentAsync(Guid orderId)
    {
        await using var session = Payments.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.AggregateStreamAsync<Payment>(PaymentIds.ForOrder(orderId));
    }

    public async Task<Product> ProductStateAsync(Guid productId)
    {
        await using var session = Inventory.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.AggregateStreamAsync<Product>(productId))!;
    }

    /// <summary>Hands a reply to Ordering again, as a broker redelivery would.</summary>
    public Task RedeliverAsync(object reply) => Ordering.MessageBus().InvokeAsync(reply);

    private void Configure(IWebHostBuilder x, string schema)
    {
        x.UseSetting("Shop:Schema", schema);
        x.UseSetting("ConnectionStrings:RabbitMq", _broker);
        x.UseSetting("Shop:PurgeQueuesOnStartup", "true");
        x.UseSetting("Logging:LogLevel:Default", "Warning");
        x.ConfigureServices(s =>
        {
            Tokens.Install(s);
            s.RunWolverineInSoloMode();
        });
    }
}
