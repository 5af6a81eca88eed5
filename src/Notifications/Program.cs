using JasperFx.Events.Projections;
using Shop.Contracts;
using Shop.Contracts.Users;
using Shop.Notifications.Customers;
using Shop.Notifications.Delivery;
using Shop.Notifications.Notifications;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Hosting;
using Wolverine.RabbitMQ;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(new ShopService
{
    Name = "notifications",
    ApplicationAssembly = typeof(Program).Assembly,
    Marten = opts =>
    {
        opts.Projections.Add<NotificationViewProjection>(ProjectionLifecycle.Async);
        opts.Schema.For<CustomerContact>();
        opts.Events.Upcast<NotificationSentV1, NotificationSent>(EventNameAttribute.Of<NotificationSentV1>(), old => old.Upcast());
    },
    Wolverine = opts =>
    {
        opts.ListenToRabbitQueue("notifications.orders", q => q.BindExchange(Exchanges.Orders, "order.*"));
        opts.ListenToRabbitQueue("notifications.users", q =>
        {
            q.BindExchange(Exchanges.Users, UserTopics.Registered);
            q.BindExchange(Exchanges.Users, UserTopics.Renamed);
            q.BindExchange(Exchanges.Users, UserTopics.Forgotten);
        });
    },
});
builder.Services.AddSingleton(DeliverySettings.From(builder.Configuration));
builder.Services.AddSingleton<MailSender>();
builder.Services.AddSingleton<DeliveryAttempt>();
builder.Services.AddAuditedStream<Notification>("notifications", "notification", n => n.CustomerId);

var app = builder.Build();
app.MapServiceDefaults();
return await app.RunServiceAsync(args);

public partial class Program;
