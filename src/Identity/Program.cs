using JasperFx.Events.Projections;
using Marten;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Shop.Contracts;
using Shop.Identity;
using Shop.Identity.Credentials;
using Shop.Identity.Tokens;
using Shop.Identity.Users;
using Shop.ServiceDefaults.Audit;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Hosting;
using Shop.ServiceDefaults.Privacy;
using Shop.ServiceDefaults.Security;
using Wolverine.RabbitMQ;
using Integration = Shop.Contracts.Users;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults(new ShopService
{
    Name = "identity",
    ApplicationAssembly = typeof(Program).Assembly,
    Marten = opts =>
    {
        opts.Projections.Add<UserViewProjection>(ProjectionLifecycle.Async);
        opts.Projections.Add<RefreshTokenRevocation>(ProjectionLifecycle.Inline);
        opts.Schema.For<RefreshToken>().UseOptimisticConcurrency(true).Index(t => t.FamilyId).Index(t => t.UserId);
        opts.Schema.For<LoginFailures>().UseOptimisticConcurrency(true);
    },
    Wolverine = opts =>
    {
        opts.PublishMessage<Integration.UserRegistered>().ToRabbitRoutingKey(Exchanges.Users, Integration.UserTopics.Registered);
        opts.PublishMessage<Integration.UserDeactivated>().ToRabbitRoutingKey(Exchanges.Users, Integration.UserTopics.Deactivated);
        opts.PublishMessage<Integration.UserReactivated>().ToRabbitRoutingKey(Exchanges.Users, Integration.UserTopics.Reactivated);
        opts.PublishMessage<Integration.UserRenamed>().ToRabbitRoutingKey(Exchanges.Users, Integration.UserTopics.Renamed);
        opts.PublishMessage<Integration.UserForgotten>().ToRabbitRoutingKey(Exchanges.Users, Integration.UserTopics.Forgotten);
    },
});

var settings = IdentitySettings.From(builder.Configuration, builder.Environment);
builder.Services.AddSingleton(settings);
builder.Services.AddSingleton(new PasswordHasher(settings.PasswordIterations));
builder.Services.AddSingleton<SigningKeyRing>();
builder.Services.AddSingleton<TokenIssuer>();
builder.Services.AddSingleton(LoginThrottle.From(builder.Configuration));
builder.Services.AddSingleton<LogIn>();
builder.Services.AddSingleton<RefreshTokenStore>();
builder.Services.AddTrustedProxies(builder.Configuration);
builder.Services.AddSingleton<IAccountStatus, StreamAccountStatus>();
builder.Services.Replace(ServiceDescriptor.Singleton<IConfigurationManager<OpenIdConnectConfiguration>, KeyRingConfiguration>());
builder.Services.AddAuditedStream<User>("users", "user", user => user.Id);
builder.Services.ConfigureMarten((services, opts) =>
{
    var keys = services.GetRequiredService<PersonalDataKeys>();
    opts.Projections.Add(new Erasure(keys), ProjectionLifecycle.Inline);
    opts.Events.Upcast<UserRegisteredV1, UserRegistered>(EventNameAttribute.Of<UserRegisteredV1>(), old => old.Upcast(keys));
    opts.Events.Upcast<DisplayNameChangedV1, DisplayNameChanged>(EventNameAttribute.Of<DisplayNameChangedV1>(), old => old.Upcast(keys));
});

var app = builder.Build();
app.UseForwardedHeaders();
app.MapServiceDefaults();
app.MapOAuthEndpoints();
return await app.RunServiceAsync(args);

public partial class Program;
