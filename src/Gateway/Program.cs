using Shop.Gateway.ApiReference;
using Shop.Gateway.Console;
using Shop.Gateway.Dashboard;
using Shop.Gateway.Limits;
using Shop.Gateway.Operations;
using Shop.Gateway.Routing;
using Shop.ServiceDefaults.Hosting;

var builder = WebApplication.CreateBuilder(args);
builder.AddWebDefaults("gateway");
builder.Services.AddServiceDiscovery();
builder.Services.AddReverseProxy()
    .LoadFromConfig(builder.Configuration.GetSection("ReverseProxy"))
    .AddServiceDiscoveryDestinationResolver()
    .AddPublicLocations();
builder.Services.AddHttpClient(DownstreamReads.Client).AddServiceDiscovery();
builder.Services.AddHealthChecks().AddDownstreamHealthChecks();
builder.Services.AddShopRateLimits(builder.Configuration);
builder.Services.AddHttpContextAccessor();
builder.Services.AddScoped<AdminApi>();
builder.Services.AddConsole();

var app = builder.Build();
app.UseCorrelationHeader();
app.UseConsole();
app.UseWebDefaults();
app.UseAntiforgery();
app.UseRateLimiter();
app.MapGet("/health", () => Results.Ok(new { status = "Healthy" })).AllowAnonymous().WithName("getGatewayHealth").WithSummary("Tell whether the gateway is up.");
app.MapDashboard();
app.MapShopDeadLetters();
app.MapShopCorrelations();
app.MapEveryServiceViews();
app.MapApiReference();
app.MapConsole();
app.MapReverseProxy(proxy =>
{
    proxy.UseServiceUnavailableProblems();
    proxy.UseOtherReplicaWhenRefused();
    proxy.UseLoadBalancing();
    proxy.UsePassiveHealthChecks();
});
await app.RunAsync();

public partial class Program;
