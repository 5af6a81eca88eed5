using System.Net.Http.Json;

namespace Shop.Faults.Workload;

/// <summary>How much load a run puts on the shop, and over how long.</summary>
public sealed record WorkloadSettings(Uri Gateway, int Checkouts, TimeSpan Duration, string AdminEmail, string AdminPassword)
{
    /// <summary>With more than one, requests go to every gateway replica, as through a load balancer.</summary>
    public Replicas Replicas { get; init; } = new(1);
}

/// <summary>
/// A bounded workload through the gateway: checkouts with the visa, declined and slow cards, races
/// of five customers for a last unit, cancellations while the saga is in flight, and order creations
/// repeated under one Idempotency-Key, with the same body and with another. Every order request is
/// recorded; set-up requests (catalog, customers) are not part of the history.
/// </summary>
public sealed class Workload(WorkloadSettings settings, RequestLog log)
{
    private const string Password = "fault run passphrase 1";
    private readonly Random _random = new(settings.Checkouts);
    private readonly string _run = $"{DateTimeOffset.UtcNow:yyyyMMddHHmmss}";

    /// <summary>The writes that check, after the heal, that every read model follows again; ready once set-up is done.</summary>
    public FreshnessProbes? Probes { get; private set; }

    public async Task RunAsync(Func<TimeSpan, Task> onFlowsStarted, CancellationToken ct)
    {
        using var http = new HttpClient(settings.Replicas.Count > 1 ? settings.Replicas.GatewayBalancer() : new SocketsHttpHandler())
        {
            BaseAddress = settings.Gateway,
            Timeout = TimeSpan.FromSeconds(10),
        };
        var admin = await SetUpAsync(() => ShopClient.LogInAsync(http, log, settings.AdminEmail, settings.AdminPassword, ct), ct);
        var plenty = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var sku = $"FAULT-{_run}-{i}";
            plenty.Add(await SetUpAsync(() => ProductAsync(http, admin, sku, 100_000, ct), ct));
        }

        var races = Math.Max(1, settings.Checkouts / 20);
        var lastUnits = new Queue<Guid>();
        for (var i = 0; i < races; i++)
        {
            var sku = $"FAULT-{_run}-LAST-{i}";
            lastUnits.Enqueue(await SetUpAsync(() => ProductAsync(http, admin, sku, 1, ct), ct));
        }

        var customers = new List<ShopClient>();
        for (var i = 0; i < 11; i++)
        {
            var email = $"fault-{_run}-{i}@shop.local";
            customers.Add(await SetUpAsync(() => CustomerAsync(http, email, ct), ct));
        }

        var keyed = customers[^1];
        customers.RemoveAt(customers.Count - 1);
        // The probes' customer has a checkout budget of its own at the gateway.
        var prober = await SetUpAsync(() => CustomerAsync(http, $"fault-{_run}-probe@shop.local", ct), ct);

        Probes = new FreshnessProbes(http, admin, prober, plenty[0]);
        var flows = new List<Task>();
        var gap = settings.Duration / settings.Checkouts;
        var faultTask = onFlowsStarted(settings.Duration);
        for (var i = 0; i < settings.Checkouts; i++)
        {
            var customer = customers[i % customers.Count];
            flows.Add((i % 20, i % 10) switch
            {
                (10, _) when lastUnits.TryDequeue(out var last) => RaceAsync(customers.Take(5).ToList(), last),
                (_, 5) => KeyedAsync(keyed, plenty[0], $"{_run}-{i}"),
                (_, 3) => CheckOutAsync(customer, plenty[i % plenty.Count], cancel: true),
                _ => CheckOutAsync(customer, plenty[i % plenty.Count], cancel: false),
            });
            await Task.Delay(gap, ct);
        }

        await Task.WhenAll(flows);
        await faultTask;
    }

    /// <summary>
    /// A set-up step, tried again a few times: the shop may still be busy with the previous run, and
    /// set-up is not part of the history being judged.
    /// </summary>
    private static async Task<T> SetUpAsync<T>(Func<Task<T>> step, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await step();
            }
            catch (Exception e) when (attempt < 5 && e is HttpRequestException or TaskCanceledException)
            {
                await Task.Delay(TimeSpan.FromSeconds(2), ct);
            }
        }
    }

    private string Card() => _random.Next(100) switch
    {
        < 70 => "pm_card_visa",
        < 85 => "pm_card_declined",
        _ => "pm_card_slow",
    };

    private async Task CheckOutAsync(ShopClient customer, Guid product, bool cancel)
    {
        var card = Card();
        if (await customer.CreateOrderAsync(product, 1 + (product.GetHashCode() & 1)) is { } order && await customer.CheckOutAsync(order, card) is not null && cancel)
        {
            await customer.CancelAsync(order);
        }
    }

    private static Task RaceAsync(List<ShopClient> racers, Guid lastUnit) => Task.WhenAll(racers.Select(async racer =>
    {
        if (await racer.CreateOrderAsync(lastUnit, 1) is { } order)
        {
            await racer.CheckOutAsync(order, "pm_card_visa");
        }
    }));

    /// <summary>The same creation three times under one key (two at once), then the key reused for another body.</summary>
    private static async Task KeyedAsync(ShopClient customer, Guid product, string key)
    {
        await Task.WhenAll(customer.CreateOrderAsync(product, 1, key), customer.CreateOrderAsync(product, 1, key));
        var order = await customer.CreateOrderAsync(product, 1, key);
        await customer.CreateOrderAsync(product, 2, key);
        if (order is { } id)
        {
            await customer.CheckOutAsync(id, "pm_card_visa");
        }
    }

    private static async Task<Guid> ProductAsync(HttpClient http, ShopClient admin, string sku, int stock, CancellationToken ct)
    {
        // Each attempt its own SKU: an attempt that timed out may have added its product after all.
        sku = $"{sku}-{Guid.NewGuid().ToString("N")[..6]}";
        var id = (await admin.AdminAsync("api/products", new { sku, name = $"Fault run {sku}", price = 9.5m, currency = "EUR" }, ct)).GetProperty("id").GetGuid();
        await admin.AdminAsync($"api/products/{id}/stock", new { quantity = stock }, ct);
        // Ordering prices from the catalog read model: the product must show there before anyone orders it.
        var deadline = DateTimeOffset.UtcNow.AddSeconds(60);
        while ((await http.GetAsync($"api/products/{id}", ct)).StatusCode != System.Net.HttpStatusCode.OK)
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"product {sku} did not reach the catalog within 60 s");
            }

            await Task.Delay(200, ct);
        }

        return id;
    }

    private async Task<ShopClient> CustomerAsync(HttpClient http, string email, CancellationToken ct)
    {
        using var registered = await http.PostAsJsonAsync("api/users", new { email, password = Password, displayName = "Fault customer" }, ct);
        // A conflict is an earlier attempt of this very step that did register the customer.
        if (!registered.IsSuccessStatusCode && registered.StatusCode != System.Net.HttpStatusCode.Conflict)
        {
            throw new InvalidOperationException($"registering {email}: {(int)registered.StatusCode} {await registered.Content.ReadAsStringAsync(ct)}");
        }

        return await ShopClient.LogInAsync(http, log, email, Password, ct);
    }
}
