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
    /// A typed client for another Shop service, spread over the replicas service discovery's configuration
    /// lists (<c>Services:{name}:http:0</c>, <c>…:1</c>, e.g. <c>Services__inventory__http__0</c>, as the gateway
    /// reads them; without them, the development address). Each call goes to a replica picked at random; one
    /// that fails or is slower than 2 s is tried on another replica at once (hedging), and each replica has a
    /// circuit breaker, a concurrency limit and an attempt timeout of its own, so a dead replica soon gets no
    /// attempts at all. Around that, a total timeout and retries with exponential back-off and jitter ride
    /// out a moment when no replica answers (a single one restarting). The caller's bearer token travels
    /// along: every service validates it itself.
    /// </summary>
    public static IHttpClientBuilder AddDownstreamClient<TClient>(this IServiceCollection services, IConfiguration configuration, string name, string developmentAddress)
        where TClient : class
    {
        services.AddHttpContextAccessor();
        services.AddTransient<ForwardBearerToken>();
        var replicas = configuration.GetSection($"Services:{name}:http").GetChildren().Select(c => c.Value).OfType<string>().Select(a => new Uri(a)).ToList();
        if (replicas.Count == 0)
        {
            replicas.Add(new Uri(developmentAddress));
        }

        var builder = services.AddHttpClient<TClient>(c => c.BaseAddress = replicas[0])
            .AddHttpMessageHandler<ForwardBearerToken>();
        builder.AddResilienceHandler("downstream", pipeline => pipeline
            .AddTimeout(TimeSpan.FromSeconds(8))
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 3,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
            }));
        builder.AddStandardHedgingHandler(routing => routing.ConfigureWeightedGroups(o =>
            {
                o.SelectionMode = WeightedGroupSelectionMode.EveryAttempt;
                o.Groups = [.. replicas.Select(replica => new WeightedUriEndpointGroup { Endpoints = [new WeightedUriEndpoint { Uri = replica }] })];
            }))
            .Configure(o =>
            {
                o.TotalRequestTimeout.Timeout = TimeSpan.FromSeconds(8);
                o.Hedging.MaxHedgedAttempts = Math.Max(1, replicas.Count - 1);
                o.Hedging.Delay = TimeSpan.FromSeconds(2);
                o.Endpoint.RateLimiter.DefaultRateLimiterOptions.PermitLimit = 100;
                o.Endpoint.RateLimiter.DefaultRateLimiterOptions.QueueLimit = 200;
                o.Endpoint.Timeout.Timeout = TimeSpan.FromSeconds(2);
                o.Endpoint.CircuitBreaker.SamplingDuration = TimeSpan.FromSeconds(30);
                o.Endpoint.CircuitBreaker.MinimumThroughput = 20;
                o.Endpoint.CircuitBreaker.FailureRatio = 0.5;
                o.Endpoint.CircuitBreaker.BreakDuration = TimeSpan.FromSeconds(5);
            });
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
