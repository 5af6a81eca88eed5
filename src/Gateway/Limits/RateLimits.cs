using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Shop.ServiceDefaults.Security;

namespace Shop.Gateway.Limits;

/// <summary>
/// Requests per minute per signed-in user (per client address otherwise), a smaller budget for
/// log-in requests per client address (a flood guard, large enough for many customers behind one
/// address: Identity itself throttles failed log-ins per account and per address), and one for
/// checkouts per customer. Over the limit: 429 with Retry-After and a ProblemDetails body. Limits
/// come from the "RateLimits" section. They are for the whole shop: each of the gateway's replicas
/// (<c>RateLimits:GatewayReplicas</c>, the most that run) counts on its own and grants its share, so
/// together they never grant more than the limit, and a client whose requests all land on one
/// replica gets that share.
/// </summary>
public static class RateLimits
{
    public static readonly string[] LogInPaths = ["/api/oauth/token", "/api/auth/token", "/console/session"];

    public static IServiceCollection AddShopRateLimits(this IServiceCollection services, IConfiguration configuration)
    {
        var replicas = Math.Max(1, configuration.GetValue("RateLimits:GatewayReplicas", 1));
        int Share(string limit, int fallback) => Math.Max(1, configuration.GetValue(limit, fallback) / replicas);
        var perMinute = Share("RateLimits:PerMinute", 600);
        var tokenPerMinute = Share("RateLimits:TokenPerMinute", 120);
        var checkoutPerMinute = Share("RateLimits:CheckoutPerMinute", 10);
        return services.AddRateLimiter(o =>
        {
            o.GlobalLimiter = PartitionedRateLimiter.CreateChained(
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    RateLimitPartition.GetFixedWindowLimiter(CallerOf(context), _ => Window(perMinute))),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsLogIn(context.Request)
                        ? RateLimitPartition.GetFixedWindowLimiter($"token:{AddressOf(context)}", _ => Window(tokenPerMinute))
                        : RateLimitPartition.GetNoLimiter("none")),
                PartitionedRateLimiter.Create<HttpContext, string>(context =>
                    IsCheckout(context.Request)
                        ? RateLimitPartition.GetFixedWindowLimiter($"checkout:{CallerOf(context)}", _ => Window(checkoutPerMinute))
                        : RateLimitPartition.GetNoLimiter("none")));
            o.OnRejected = RejectAsync;
        });
    }

    private static bool IsLogIn(HttpRequest request) =>
        LogInPaths.Any(path => request.Path.Equals(path, StringComparison.OrdinalIgnoreCase));

    // Checkout reserves stock: one customer may not tie up the shelves with a flood of them.
    private static bool IsCheckout(HttpRequest request) =>
        HttpMethods.IsPost(request.Method) && request.Path.StartsWithSegments("/api/orders", StringComparison.OrdinalIgnoreCase) &&
        request.Path.Value!.EndsWith("/checkout", StringComparison.OrdinalIgnoreCase);

    private static FixedWindowRateLimiterOptions Window(int permits) => new() { PermitLimit = permits, Window = TimeSpan.FromMinutes(1), QueueLimit = 0 };

    private static string CallerOf(HttpContext context) =>
        context.User.Identity?.IsAuthenticated == true ? $"user:{context.User.UserId()}" : $"address:{AddressOf(context)}";

    private static string AddressOf(HttpContext context) => context.Connection.RemoteIpAddress?.ToString() ?? "unknown";

    private static async ValueTask RejectAsync(OnRejectedContext rejected, CancellationToken ct)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
        var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
        rejected.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await Results.Problem(
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests",
            detail: $"Slow down: try again in {seconds} s.").ExecuteAsync(rejected.HttpContext);
    }
}
