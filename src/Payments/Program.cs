using JasperFx.Events.Projections;
using Shop.Contracts;
using Shop.Contracts.Payments;
using Shop.Payments.Payments;
using Shop.Payments.Processing;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.Hosting;
using Wolverine.RabbitMQ;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(new ShopService
{
    Name = "payments",
    ApplicationAssembly = typeof(Program).Assembly,
    Marten = opts =>
    {
        opts.Projections.Add<PaymentViewProjection>(ProjectionLifecycle.Async);
        opts.Schema.For<ProcessorOperation>();
    },
    Wolverine = opts =>
    {
        // A charge mostly waits on the card processor: one slow answer must not hold up the payments
        // queued behind it past the saga's timeout. Each order's payment is its own stream, so
        // payments of different orders never contend.
        opts.ListenToRabbitQueue(Queues.Payments).MaximumParallelMessages(20);
        opts.PublishMessage<PaymentSucceeded>().ToRabbitQueue(Queues.Ordering);
        opts.PublishMessage<PaymentFailed>().ToRabbitQueue(Queues.Ordering);
        opts.PublishMessage<Shop.Contracts.Payments.PaymentRefunded>().ToRabbitQueue(Queues.Ordering);
    },
});
builder.Services.AddSingleton(new SimulatedProcessorSettings(
    TimeSpan.FromSeconds(builder.Configuration.GetValue("Payments:SlowCardDelaySeconds", 90.0))));
builder.Services.AddSingleton<ICardProcessor, SimulatedCardProcessor>();
builder.Services.AddAuditedStream<Payment>("payments", "payment", payment => payment.CustomerId);

var app = builder.Build();
app.MapServiceDefaults();
return await app.RunServiceAsync(args);

public partial class Program;
