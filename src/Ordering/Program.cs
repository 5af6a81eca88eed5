using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.Caching.Memory;
using Shop.Contracts;
using Shop.Contracts.Inventory;
using Shop.Contracts.Payments;
using Shop.Contracts.Users;
using Shop.Ordering.Catalog;
using Shop.Ordering.Customers;
using Shop.Ordering.Fulfilment;
using Shop.Ordering.Orders;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.Downstream;
using Shop.ServiceDefaults.Hosting;
using Shop.ServiceDefaults.Security;
using Wolverine.RabbitMQ;
using Integration = Shop.Contracts.Orders;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(new ShopService
{
    Name = "ordering",
    ApplicationAssembly = typeof(Program).Assembly,
    Marten = opts =>
    {
        opts.Projections.Add<OrderDetailsProjection>(ProjectionLifecycle.Async);
        // "My orders" is a query over the order details, by customer.
        opts.Schema.For<OrderDetails>().Index(x => x.CustomerId);
        opts.Schema.For<OrderFulfilment>();
        // Account events arrive in parallel: a racing write fails its version check and is retried
        // against the newer copy, so a forget is never overwritten.
        opts.Schema.For<CustomerAccount>().UseOptimisticConcurrency(true);
    },
    Wolverine = opts =>
    {
        // Typed HTTP clients come from factory lambdas, which Wolverine's generated code cannot inline.
        opts.CodeGeneration.AlwaysUseServiceLocationFor<Pricing>();
        // Replies from Inventory and Payments: each saga step mostly waits on its commit, and steps of
        // different orders share nothing, so twenty run at once (five, the default, queued replies
        // behind slow commits for up to a second and a half at 70 % load).
        opts.ListenToRabbitQueue(Queues.Ordering).MaximumParallelMessages(20);
        // Whether a customer may order, known from Identity's own events rather than asked per request.
        opts.ListenToRabbitQueue("ordering.users", q =>
        {
            q.BindExchange(Exchanges.Users, UserTopics.Registered);
            q.BindExchange(Exchanges.Users, UserTopics.Deactivated);
            q.BindExchange(Exchanges.Users, UserTopics.Reactivated);
            q.BindExchange(Exchanges.Users, UserTopics.Forgotten);
        });
        opts.PublishMessage<ReserveStock>().ToRabbitQueue(Queues.Inventory);
        opts.PublishMessage<ReleaseStock>().ToRabbitQueue(Queues.Inventory);
        opts.PublishMessage<CommitStock>().ToRabbitQueue(Queues.Inventory);
        opts.PublishMessage<ProcessPayment>().ToRabbitQueue(Queues.Payments);
        opts.PublishMessage<RefundPayment>().ToRabbitQueue(Queues.Payments);
        opts.PublishMessage<Integration.OrderCreated>().ToRabbitRoutingKey(Exchanges.Orders, Integration.OrderTopics.Created);
        opts.PublishMessage<Integration.OrderConfirmed>().ToRabbitRoutingKey(Exchanges.Orders, Integration.OrderTopics.Confirmed);
        opts.PublishMessage<Integration.OrderCancelled>().ToRabbitRoutingKey(Exchanges.Orders, Integration.OrderTopics.Cancelled);
        opts.PublishMessage<Integration.OrderCancelledV1>().ToRabbitRoutingKey(Exchanges.Orders, Integration.OrderTopics.Cancelled);
        opts.PublishMessage<Integration.OrderShipped>().ToRabbitRoutingKey(Exchanges.Orders, Integration.OrderTopics.Shipped);
    },
});
builder.Services.AddDownstreamClient<CatalogClient>(builder.Configuration, "inventory", "http://127.0.0.1:3003");
builder.Services.AddSingleton<IAccountStatus, LocalAccountStatus>();
builder.Services.ConfigureMarten((services, opts) => opts.Listeners.Add(new AccountChanges(services.GetRequiredService<IMemoryCache>())));
builder.Services.AddScoped<Pricing>();
builder.Services.AddSingleton(FulfilmentSettings.From(builder.Configuration));
builder.Services.AddHostedService<FulfilmentDeadlines>();
builder.Services.AddAuditedStream<Order>("orders", "order", order => order.CustomerId);

var app = builder.Build();
app.MapServiceDefaults();
return await app.RunServiceAsync(args);

public partial class Program;
