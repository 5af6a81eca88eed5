using Marten;
using Shop.Contracts;
using Shop.Contracts.Orders;
using Shop.Contracts.Users;
using Shop.Notifications.Notifications;
using Shop.Testing;
using Wolverine;
using Wolverine.RabbitMQ;

[assembly: AssemblyFixture(typeof(Shop.Notifications.Tests.NotificationsFixture))]

namespace Shop.Notifications.Tests;

/// <summary>
/// One Notifications host on its own schema and a real RabbitMQ (a virtual host of its own). The host is
/// also given routes that publish order and user events to the exchanges, so a test's event
/// travels through the broker and the subscription exactly as one from Ordering or Identity would.
/// </summary>
public sealed class NotificationsFixture : IAsyncLifetime
{
    public TestTokens Tokens { get; } = new();

    public string Mailbox { get; } = Path.Combine(Path.GetTempPath(), $"shop-mail-{Guid.NewGuid():N}");

    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Host = await StartAsync("notifications_tests", "notifications-tests", x => x.UseSetting("Notifications:PickupDirectory", Mailbox));
        await Host.ResetAllMartenDataAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        if (Directory.Exists(Mailbox))
        {
            Directory.Delete(Mailbox, recursive: true);
        }
    }

    public async Task<IAlbaHost> StartAsync(string schema, string virtualHost, Action<Microsoft.AspNetCore.Hosting.IWebHostBuilder> adjust)
    {
        var broker = await Broker.VirtualHostAsync(virtualHost);
        return await AlbaHost.For<Program>(x => Configure(x, schema, broker, adjust));
    }

    private void Configure(Microsoft.AspNetCore.Hosting.IWebHostBuilder x, string schema, string broker, Action<Microsoft.AspNetCore.Hosting.IWebHostBuilder> adjust)
    {
        x.UseSetting("Shop:Schema", schema);
        x.UseSetting("ConnectionStrings:RabbitMq", broker);
        x.UseSetting("Shop:PurgeQueuesOnStartup", "true");
        x.UseSetting("Notifications:FirstRetrySeconds", "0.2");
        x.UseSetting("Notifications:MaxAttempts", "3");
        x.UseSetting("Logging:LogLevel:Default", "Warning");
        adjust(x);
        x.ConfigureServices(s =>
        {
            Tokens.Install(s);
            s.RunWolverineInSoloMode();
            s.ConfigureWolverine(o =>
            {
                o.PublishMessage<UserRegistered>().ToRabbitRoutingKey(Exchanges.Users, UserTopics.Registered);
                o.PublishMessage<UserRenamed>().ToRabbitRoutingKey(Exchanges.Users, UserTopics.Renamed);
                o.PublishMessage<UserForgotten>().ToRabbitRoutingKey(Exchanges.Users, UserTopics.Forgotten);
                o.PublishMessage<OrderCreated>().ToRabbitRoutingKey(Exchanges.Orders, OrderTopics.Created);
                o.PublishMessage<OrderConfirmed>().ToRabbitRoutingKey(Exchanges.Orders, OrderTopics.Confirmed);
                o.PublishMessage<OrderCancelled>().ToRabbitRoutingKey(Exchanges.Orders, OrderTopics.Cancelled);
                o.PublishMessage<OrderCancelledV1>().ToRabbitRoutingKey(Exchanges.Orders, OrderTopics.Cancelled);
                o.PublishMessage<OrderShipped>().ToRabbitRoutingKey(Exchanges.Orders, OrderTopics.Shipped);
            });
        });
    }

    /// <summary>A customer Notifications has heard of through user.registered.</summary>
    public async Task<(Guid Id, string Email)> CustomerAsync(IAlbaHost? host = null)
    {
        host ??= Host;
        var id = Guid.NewGuid();
        var email = $"{id:N}@example.com";
        await host.MessageBus().PublishAsync(new UserRegistered(id, email, "Nora Notified"));
        await Eventually.ValueAsync(async () =>
        {
            await using var session = host.Services.GetRequiredService<IDocumentStore>().QuerySession();
            return await session.LoadAsync<Customers.CustomerContact>(id);
        }, c => c is not null, TimeSpan.FromSeconds(30), "the customer's contact arriving");
        return (id, email);
    }

    public static OrderCreated Created(Guid customer, Guid? order = null) =>
        new(order ?? Guid.NewGuid(), customer, 25m, "EUR", [new OrderLineSummary(Guid.NewGuid(), "Desk lamp", 1, 25m)]);

    public async Task<Notification?> NotificationAsync(Guid orderId, string template, IAlbaHost? host = null)
    {
        await using var session = (host ?? Host).Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Events.AggregateStreamAsync<Notification>(NotifyCustomerHandler.IdFor(orderId, template));
    }
}
