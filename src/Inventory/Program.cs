using JasperFx.Events.Projections;
using Shop.Contracts;
using Shop.Contracts.Inventory;
using Shop.Inventory.Products;
using Shop.Inventory.Reservations;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.Hosting;
using Wolverine.RabbitMQ;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(new ShopService
{
    Name = "inventory",
    ApplicationAssembly = typeof(Program).Assembly,
    Marten = opts =>
    {
        opts.Projections.Add<CatalogItemProjection>(ProjectionLifecycle.Async);
        opts.Projections.Add<StockLevelProjection>(ProjectionLifecycle.Async);
        // A product's stream grows with every order that reserves it: a write loads the product from its
        // snapshot and folds only the events the daemon has not applied yet, not the whole stream.
        opts.Projections.Snapshot<Product>(SnapshotLifecycle.Async);
        opts.Schema.For<OrderReservation>();
    },
    Wolverine = opts =>
    {
        opts.ListenToRabbitQueue(Queues.Inventory);
        opts.PublishMessage<StockReservedForOrder>().ToRabbitQueue(Queues.Ordering);
        opts.PublishMessage<StockReservationRejected>().ToRabbitQueue(Queues.Ordering);
        opts.PublishMessage<StockReleasedForOrder>().ToRabbitQueue(Queues.Ordering);
        opts.PublishMessage<StockCommittedForOrder>().ToRabbitQueue(Queues.Ordering);
        opts.PublishMessage<StockCommitRejected>().ToRabbitQueue(Queues.Ordering);
    },
});
// Products have no owner: their history is for admins and auditors only.
builder.Services.AddAuditedStream<Product>("products", "product", _ => null);

var app = builder.Build();
app.MapServiceDefaults();
return await app.RunServiceAsync(args);

public partial class Program;
