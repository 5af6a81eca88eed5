using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Net.Http.Headers;
using Polly;

namespace Shop.ServiceDefaults.Downstream;

public static class DownstreamClients
{
    /// <summary>
    /// A typed client for another Shop service at the address service discovery gives it
    /// (<c>Services:{name}:http:0</c>, e.g. <c>Services__inventory__http__0</c>, as the gateway reads it),
    /// behind the standard .NET resilience pipeline: a concurrency limit, a total timeout, retries
    /// with exponential back-off and jitter, a circuit breaker and a per-attempt timeout. The
    /// caller's bearer token travels along: every service validates it itself.
    /// </summary>
    public static IHttpClientBuilder AddDownstreamClient<TClient>(this IServiceCollection services, IConfiguration configuration, string name, string developmentAddress)
        where TClient : class
    {
        services.AddHttpContextAccessor();
        services.AddTransient<ForwardBearerToken>();
        var address = configuration[$"Services:{name}:http:0"] ?? developmentAddress;
        var builder = services.AddHttpClient<TClient>(c => c.BaseAddress = new Uri(address))
            .AddHttpMessageHandler<ForwardBearerToken>();
        builder.AddStandardResilienceHandler(o =>
        {
            o.RateLimiter.DefaultRateLimiterOptions.PermitLimit = 100;
            o.RateLimiter.DefaultRateLimiterOptions.QueueLimit = 200;
            o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(8);
            o.Retry.MaxRetryAttempts = 3;
            o.Retry.BackoffType = DelayBackoffType.Exponential;
            o.Retry.UseJitter = true;
            o.Retry.Delay = TimeSpan.FromMilliseconds(200);
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(2);
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
            o.CircuitBreaker.MinimumThroughput = 20;
            o.CircuitBreaker.FailureRatio = 0.5;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(10);
        });
        return builder;
    }

    /// <summary>True for the failures that mean "the other service gives no usable answer": silence, refusal or garbage.</summary>
    public static bool IsUnavailable(Exception e) =>
        e is HttpRequestException or System.Text.Json.JsonException or TimeoutException or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException
            or Polly.RateLimiting.RateLimiterRejectedException or TaskCanceledException;
}

/// <summary>Copies the incoming request's Authorization header onto the outgoing one.</summary>
internal sealed class ForwardBearerToken(IHttpContextAccessor accessor) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var authorization = accessor.HttpContext?.Request.Headers[HeaderNames.Authorization].ToString();
        if (!string.IsNullOrEmpty(authorization))
        {
            request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, authorization);
        }

        return base.SendAsync(request, cancellationToken);
    }
}
