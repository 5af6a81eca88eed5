using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.Faults.Workload;

/// <summary>How long one write, made right after the fault was healed, took to show in the read model a client reads it from.</summary>
public sealed record FreshnessProbe(string Service, string Write, double? Seconds, string? Problem);

/// <summary>
/// Right after the heal, one write per service whose read model a client reads, each read back as a
/// client reads its own write (X-Min-Version with the ETag as answered; for the saga's products,
/// the payment and the notification of a checkout, by polling the list). A read model that does not
/// show the write within <see cref="Bound"/> breaks the rule "fresh after heal".
/// </summary>
public sealed class FreshnessProbes(HttpClient http, ShopClient admin, ShopClient customer, Guid product)
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(5);

    private const int Attempts = 15;

    public async Task<IReadOnlyList<FreshnessProbe>> RunAsync(CancellationToken ct)
    {
        var probes = new List<FreshnessProbe>
        {
            await OwnWriteAsync("inventory", "product added", admin, HttpMethod.Post, "api/products",
                new { sku = $"FRESH-{Guid.NewGuid():N}", name = "Freshness probe", price = 1m, currency = "EUR" }, id => $"api/products/{id}", ct),
            await OwnWriteAsync("identity", "display name changed", customer, HttpMethod.Put, "api/users/me/display-name",
                new { displayName = $"Fault customer {DateTimeOffset.UtcNow:HHmmss}" }, _ => "api/users/me", ct),
        };
        // Ordering may still refuse for a while (its circuit to a restarted Inventory stays open up to
        // 10 s): the order is tried again, a new one each time; only what follows a success is timed.
        Guid? order = null;
        for (var attempt = 1; attempt <= Attempts && order is null; attempt++)
        {
            order = await customer.CreateOrderAsync(product, 1);
            if (order is null)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), ct);
            }
        }

        if (order is not { } created)
        {
            probes.Add(new FreshnessProbe("ordering", "order created", null, $"no order could be created in {Attempts} attempts after the heal"));
            return probes;
        }

        probes.Add(await ReadBackAsync("ordering", "order created", customer, $"api/orders/{created}", "\"1\"", Stopwatch.StartNew(), ct));
        var (checkedOut, refused) = await CheckOutAsync(created, ct);
        if (checkedOut is null)
        {
            probes.Add(new FreshnessProbe("payments", "order checked out", null, $"the checkout was refused after the heal ({refused})"));
            return probes;
        }

        probes.Add(await ListedAsync("payments", "payment of a checkout", $"api/payments?orderId={created}", created, checkedOut, ct));
        probes.Add(await ListedAsync("notifications", "notification of a confirmed order", "api/notifications?pageSize=100", created, checkedOut, ct));
        return probes;
    }

    /// <summary>
    /// Checks the order out, again while the answer is a server error or none (the shop still recovering);
    /// a conflict after such an answer means an earlier attempt went through, and is timed from the first
    /// of them. Either the time since the checkout, or why it was refused.
    /// </summary>
    private async Task<(Stopwatch? CheckedOut, string? Refused)> CheckOutAsync(Guid order, CancellationToken ct)
    {
        Stopwatch? firstUnanswered = null;
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            var attempted = Stopwatch.StartNew();
            if (await customer.CheckOutAsync(order, "pm_card_visa") is not null)
            {
                return (Stopwatch.StartNew(), null);
            }

            var status = customer.LastStatusAbout(order);
            if (status is 409 && firstUnanswered is not null)
            {
                return (firstUnanswered, null);
            }

            if (status is not (null or >= 500))
            {
                return (null, $"answered {status}");
            }

            firstUnanswered ??= attempted;
            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        return (null, $"no answer but server errors in {Attempts} attempts");
    }

    private async Task<FreshnessProbe> OwnWriteAsync(
        string service, string write, ShopClient who, HttpMethod method, string path, object body, Func<Guid, string> readPath, CancellationToken ct)
    {
        // The write itself may meet the shop still recovering: it is tried again; only the read is timed.
        for (var attempt = 1; attempt <= Attempts; attempt++)
        {
            using var request = who.Request(method, path, body);
            try
            {
                using var answer = await http.SendAsync(request, ct);
                if (answer.IsSuccessStatusCode)
                {
                    var written = Stopwatch.StartNew();
                    var id = (await answer.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("id").GetGuid();
                    return await ReadBackAsync(service, write, who, readPath(id), answer.Headers.ETag!.ToString(), written, ct);
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // The service is not answering yet.
            }

            await Task.Delay(TimeSpan.FromSeconds(1), ct);
        }

        return new FreshnessProbe(service, write, null, $"the write did not succeed in {Attempts} attempts after the heal");
    }

    private async Task<FreshnessProbe> ReadBackAsync(string service, string write, ShopClient who, string path, string etag, Stopwatch since, CancellationToken ct)
    {
        using var request = who.Request(HttpMethod.Get, path, null);
        request.Headers.Add("X-Min-Version", etag);
        using var answer = await http.SendAsync(request, ct);
        var version = answer.Headers.ETag?.ToString();
        return answer.StatusCode == HttpStatusCode.OK && version == etag && since.Elapsed <= Bound
            ? new FreshnessProbe(service, write, Math.Round(since.Elapsed.TotalSeconds, 3), null)
            : new FreshnessProbe(service, write, Math.Round(since.Elapsed.TotalSeconds, 3), $"read {path} answered {(int)answer.StatusCode} at version {version ?? "none"}, not {etag}");
    }

    private async Task<FreshnessProbe> ListedAsync(string service, string write, string path, Guid order, Stopwatch since, CancellationToken ct)
    {
        while (since.Elapsed <= Bound)
        {
            using var request = customer.Request(HttpMethod.Get, path, null);
            using var answer = await http.SendAsync(request, ct);
            if (answer.IsSuccessStatusCode)
            {
                var items = (await answer.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("items").EnumerateArray();
                if (items.Any(i => i.GetProperty("orderId").GetGuid() == order))
                {
                    return new FreshnessProbe(service, write, Math.Round(since.Elapsed.TotalSeconds, 3), null);
                }
            }

            await Task.Delay(TimeSpan.FromMilliseconds(50), ct);
        }

        return new FreshnessProbe(service, write, null, $"{path} did not list order {order} within {Bound.TotalSeconds:0} s");
    }
}
