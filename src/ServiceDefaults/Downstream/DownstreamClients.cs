using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Net.Http.Headers;
using Polly;

namespace Shop.ServiceDefaults.Downstream;

public static class DownstreamClients
{
    /// <summary>
    /// A typed client for another Shop service, balanced over its replicas by .NET service discovery
    /// (<c>Services:{name}:http:0</c>, <c>…:1</c>, e.g. <c>Services__inventory__http__0</c>, as the gateway reads
    /// them; without them, the development address), behind the standard .NET resilience pipeline: a
    /// concurrency limit, a total timeout, retries with exponential back-off and jitter, a circuit breaker
    /// and a per-attempt timeout. Discovery sits inside the retry, so each attempt takes the next replica:
    /// one refused by a dead replica is tried again on a live one. The caller's bearer token travels
    /// along: every service validates it itself.
    /// </summary>
    public static IHttpClientBuilder AddDownstreamClient<TClient>(this IServiceCollection services, IConfiguration configuration, string name, string developmentAddress)
        where TClient : class
    {
        services.AddHttpContextAccessor();
        services.AddServiceDiscovery();
        services.AddTransient<ForwardBearerToken>();
        var address = configuration.GetSection($"Services:{name}:http").Exists() ? $"http://{name}" : developmentAddress;
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
            // A refused connection is a replica that is gone: the next replica is tried at once, later attempts back off.
            o.Retry.DelayGenerator = retry => ValueTask.FromResult(retry.AttemptNumber == 0 && IsRefused(retry.Outcome.Exception) ? TimeSpan.Zero : (TimeSpan?)null);
            o.AttemptTimeout.Timeout = TimeSpan.FromSeconds(2);
            o.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
            o.CircuitBreaker.MinimumThroughput = 20;
            // The breaker guards the service as a whole: a dead replica among live ones fails up to half the
            // attempts (each then retried on the next replica), so only nearly all attempts failing opens it.
            o.CircuitBreaker.FailureRatio = 0.9;
            o.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(10);
        });
        builder.AddServiceDiscovery();
        return builder;
    }

    /// <summary>
    /// Requests to a service balanced over its replicas by service discovery, and tried once more at once on
    /// the next replica when the first fails (a replica that just died refuses the connection), for clients
    /// that have a fallback of their own rather than the full pipeline above.
    /// </summary>
    public static IHttpClientBuilder AddReplicaFailover(this IHttpClientBuilder builder)
    {
        builder.Services.AddServiceDiscovery();
        builder.AddResilienceHandler("next-replica", pipeline =>
            pipeline.AddRetry(new HttpRetryStrategyOptions { MaxRetryAttempts = 1, Delay = TimeSpan.Zero }));
        return builder.AddServiceDiscovery();
    }

    private static bool IsRefused(Exception? e) => e is HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError };

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
