using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Shop.Testing;

/// <summary>
/// A real HTTP server on a loopback port standing in for another Shop service, with faults that
/// can be switched on per resource (so tests running side by side do not disturb each other).
/// </summary>
public sealed class StubHttpService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private StubHttpService(WebApplication app, Uri address)
    {
        _app = app;
        Address = address;
    }

    public Uri Address { get; }

    public static async Task<StubHttpService> StartAsync(Action<IEndpointRouteBuilder> map)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        map(app);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new StubHttpService(app, new Uri(address));
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}

/// <summary>Faults to play for one key (a product, a user): fail N times, answer slowly, or drop the connection.</summary>
public sealed class Faults
{
    private readonly ConcurrentDictionary<Guid, int> _failuresLeft = new();
    private readonly ConcurrentDictionary<Guid, TimeSpan> _latency = new();
    private readonly ConcurrentDictionary<Guid, bool> _down = new();
    private readonly ConcurrentDictionary<Guid, int> _calls = new();

    public void FailTimes(Guid key, int times) => _failuresLeft[key] = times;

    public void Slow(Guid key, TimeSpan latency) => _latency[key] = latency;

    public void Down(Guid key) => _down[key] = true;

    /// <summary>How many requests for the key arrived, failed or not.</summary>
    public int Calls(Guid key) => _calls.GetValueOrDefault(key);

    /// <summary>Plays the key's fault; true when the request was answered (or dropped) by the fault.</summary>
    public async Task<bool> PlayAsync(Guid key, HttpContext context)
    {
        _calls.AddOrUpdate(key, 1, (_, n) => n + 1);
        if (_down.ContainsKey(key))
        {
            context.Abort();
            return true;
        }

        if (_latency.TryGetValue(key, out var latency))
        {
            await Task.Delay(latency, context.RequestAborted);
        }

        if (_failuresLeft.TryGetValue(key, out var left) && left > 0 && _failuresLeft.TryUpdate(key, left - 1, left))
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return true;
        }

        return false;
    }
}
