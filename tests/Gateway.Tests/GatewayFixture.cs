using System.Collections.Concurrent;
using Shop.Testing;

[assembly: AssemblyFixture(typeof(Shop.Gateway.Tests.GatewayFixture))]

namespace Shop.Gateway.Tests;

/// <summary>What a stand-in service saw of a proxied request.</summary>
public sealed record Echo(string Service, string Method, string Path, bool HadToken, string? TraceParent);

/// <summary>
/// The gateway in front of five stand-in services, each a real HTTP server on loopback that echoes
/// what it received (and serves its service's committed API description, and a dead-letter overview of two). Payments points at a port nobody listens on; Ordering has a route that hangs
/// and one that answers 201 with its own path in <c>Location</c>;
/// Notifications fails its list.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    public const int TokenPerMinute = 3;
    private readonly List<StubHttpService> _services = [];

    public TestTokens Tokens { get; } = new();

    /// <summary>How often Identity's stand-in was asked to renew each refresh token.</summary>
    public ConcurrentDictionary<string, int> Renewals { get; } = new();

    public IAlbaHost Host { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var addresses = new Dictionary<string, string>();
        foreach (var name in new[] { "identity", "ordering", "inventory", "notifications" })
        {
            var service = await StubHttpService.StartAsync(app => app.Map("/{**path}", async (HttpContext http) =>
            {
                if (name == "ordering" && http.Request.Path.StartsWithSegments("/orders/hang"))
                {
                    await Task.Delay(TimeSpan.FromSeconds(30), http.RequestAborted);
                }

                if (name == "ordering" && http.Request.Path == "/orders/placed")
                {
                    return Results.Created("/orders/placed/1", new { id = 1 });
                }

                if (name == "identity" && http.Request.Path == "/oauth/token" && http.Request.HasFormContentType)
                {
                    var form = await http.Request.ReadFormAsync();
                    Renewals.AddOrUpdate(form["refresh_token"].ToString(), 1, (_, n) => n + 1);
                    return Results.Ok(new { access_token = Tokens.Admin(), token_type = "Bearer", expires_in = 900, refresh_token = Guid.NewGuid().ToString("N") });
                }

                if (http.Request.Path == "/openapi/v1.json")
                {
                    return Results.Text(await File.ReadAllTextAsync(OpenApiContract.CommittedDocumentPath(name)), "application/json");
                }

                if (http.Request.Path.StartsWithSegments("/admin/correlations"))
                {
                    // Each stand-in appended its one event at its own minute, so the merged order is known.
                    var minute = Array.IndexOf(["ordering", "inventory", "identity", "notifications"], name);
                    var at = new DateTimeOffset(2026, 1, 1, 12, minute, 0, TimeSpan.Zero);
                    return Results.Ok(new { events = new[] { new { service = name, @event = new { type = $"{name}_event", timestamp = at } } }, truncated = false });
                }

                if (http.Request.Path == "/admin/audit")
                {
                    return Results.Ok(new { latest = name == "identity" ? null : new { valid = true, events = 3 } });
                }

                if (http.Request.Path == "/admin/projections")
                {
                    return Results.Ok(new { service = name, outboxPending = 1, deadLetters = 2, shards = Array.Empty<object>() });
                }

                if (http.Request.Path.StartsWithSegments("/admin/dead-letters"))
                {
                    return Results.Ok(new { service = name, total = 2, groupedBy = http.Request.Query["groupBy"].ToString() });
                }

                if (name == "notifications" && http.Request.Path.StartsWithSegments("/notifications"))
                {
                    return Results.StatusCode(500);
                }

                return Results.Ok(new Echo(name, http.Request.Method, http.Request.Path + http.Request.QueryString, http.Request.Headers.Authorization.Count > 0, http.Request.Headers["traceparent"]));
            }));
            _services.Add(service);
            addresses[name] = service.Address.ToString();
        }

        addresses["payments"] = DeadAddress.Next().ToString();
        Host = await AlbaHost.For<Program>(x =>
        {
            foreach (var (name, address) in addresses)
            {
                x.UseSetting($"Services:{name}:http:0", address);
            }

            x.UseSetting("ReverseProxy:Clusters:ordering:HttpRequest:ActivityTimeout", "00:00:02");
            x.UseSetting("RateLimits:TokenPerMinute", TokenPerMinute.ToString(System.Globalization.CultureInfo.InvariantCulture));
            x.UseSetting("Logging:LogLevel:Default", "Warning");
            x.ConfigureServices(Tokens.Install);
        });
    }

    public async ValueTask DisposeAsync()
    {
        await Host.DisposeAsync();
        foreach (var service in _services)
        {
            await service.DisposeAsync();
        }
    }
}
