using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Shop.Testing;

namespace Shop.EndToEnd.Tests;

/// <summary>A real Prometheus (Debian's package) scraping the running shop with the shipped alert rules.</summary>
[Collection(nameof(TheShop))]
public sealed class MetricsTests(ShopProcesses shop) : IAsyncDisposable
{
    private static readonly IReadOnlyDictionary<string, int> Services = ShopProcesses.Services;

    private readonly string _directory = Directory.CreateTempSubdirectory("shop-prometheus-").FullName;
    private Process? _prometheus;

    [Fact]
    public async Task prometheus_scrapes_every_service_every_shipped_alert_rule_evaluates_and_the_dead_letter_alert_fires_for_a_dead_letter()
    {
        var (token, product) = await shop.CustomerWithProductAsync(price: 3m);
        await shop.SettledAsync(token, await shop.CheckOutAsync(token, product, "pm_card_visa"));
        var admin = await shop.TokenAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        using var notifications = ShopProcesses.ServiceClient("notifications", admin);
        var (letter, _) = await shop.DeadLetteredWelcomeAsync(notifications);
        using var api = await StartPrometheusAsync();

        var targets = await UntilAsync(api, "targets", data => data.GetProperty("activeTargets").EnumerateArray().Count(t => t.GetProperty("health").GetString() == "up") == Services.Count);
        targets.GetProperty("activeTargets").EnumerateArray().Select(t => t.GetProperty("labels").GetProperty("job").GetString()).Order().ShouldBe(Services.Keys.Order());

        var rules = await UntilAsync(api, "rules", data => Rules(data).All(r => r.GetProperty("lastEvaluation").GetString() is { } at && !at.StartsWith("0001", StringComparison.Ordinal)));
        Rules(rules).Select(r => r.GetProperty("name").GetString()).ShouldContain("ShopDeadLetters");
        foreach (var rule in Rules(rules))
        {
            rule.GetProperty("health").GetString().ShouldBe("ok", $"{rule.GetProperty("name")}: {(rule.TryGetProperty("lastError", out var error) ? error : "")}");
        }

        // The metrics the rules read: the messaging ones from every service with a message store, the
        // projection ones from the services with async projections.
        string[] stores = ["identity", "inventory", "notifications", "ordering", "payments"];
        foreach (var metric in new[] { "shop_dead_letters", "shop_outbox_pending" })
        {
            (await JobsAsync(api, metric)).ShouldBe(stores, metric);
        }

        foreach (var metric in new[] { "shop_projection_stalled", "shop_projection_lag_seconds" })
        {
            (await JobsAsync(api, metric)).ShouldContain("ordering", metric);
        }

        // The events each write folded: recorded by every write that loads an aggregate, the checkout's included.
        (await JobsAsync(api, "marten_fetch_for_writing_events_replayed_events_bucket")).ShouldContain("inventory");

        // The rule holds for a minute before it fires: Prometheus's own semantics, as shipped.
        await UntilAsync(api, "alerts", data => data.GetProperty("alerts").EnumerateArray().Any(a =>
            a.GetProperty("labels").GetProperty("alertname").GetString() == "ShopDeadLetters"
            && a.GetProperty("labels").GetProperty("job").GetString() == "notifications"
            && a.GetProperty("state").GetString() == "firing"), TimeSpan.FromSeconds(120));

        (await notifications.PostAsJsonAsync("admin/dead-letters/replay", new { ids = new[] { letter } })).EnsureSuccessStatusCode();
        await Eventually.ValueAsync(
            async () => (await notifications.GetAsync($"admin/dead-letters/{letter}")).StatusCode,
            status => status == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(30),
            "the replayed welcome leaving Notifications' dead letters");
    }

    public async ValueTask DisposeAsync()
    {
        if (_prometheus is { HasExited: false })
        {
            _prometheus.Kill(entireProcessTree: true);
            await _prometheus.WaitForExitAsync();
        }

        _prometheus?.Dispose();
        Directory.Delete(_directory, recursive: true);
    }

    private async Task<HttpClient> StartPrometheusAsync()
    {
        var port = FreePort();
        var rules = Path.Combine(ShopProcesses.Root, "deploy", "prometheus", "alerts.yml");
        var jobs = string.Join("\n", Services.Select(s => $"  - job_name: {s.Key}\n    static_configs: [{{ targets: ['127.0.0.1:{s.Value}'] }}]"));
        var config = Path.Combine(_directory, "prometheus.yml");
        await File.WriteAllTextAsync(config, $"global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files: ['{rules}']\nscrape_configs:\n{jobs}\n");
        _prometheus = Process.Start(new ProcessStartInfo("prometheus",
            $"--config.file={config} --storage.tsdb.path={Path.Combine(_directory, "data")} --web.listen-address=127.0.0.1:{port}")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        _prometheus.OutputDataReceived += (_, _) => { };
        _prometheus.ErrorDataReceived += (_, _) => { };
        _prometheus.BeginOutputReadLine();
        _prometheus.BeginErrorReadLine();
        return new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/api/v1/"), Timeout = TimeSpan.FromSeconds(10) };
    }

    private static IEnumerable<JsonElement> Rules(JsonElement data) =>
        data.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray());

    /// <summary>The jobs that expose the metric, in order.</summary>
    private static async Task<string[]> JobsAsync(HttpClient api, string metric)
    {
        var data = await UntilAsync(api, $"query?query={Uri.EscapeDataString($"count by (job) ({metric})")}", d => d.GetProperty("result").GetArrayLength() > 0);
        return [.. data.GetProperty("result").EnumerateArray().Select(r => r.GetProperty("metric").GetProperty("job").GetString()!).Order()];
    }

    /// <summary>Asks Prometheus's API until the answer's data satisfies <paramref name="done"/>, for up to 60 s (or <paramref name="within"/>).</summary>
    private static async Task<JsonElement> UntilAsync(HttpClient api, string path, Func<JsonElement, bool> done, TimeSpan? within = null)
    {
        var limit = within ?? TimeSpan.FromSeconds(60);
        var deadline = DateTime.UtcNow + limit;
        var last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                last = await api.GetStringAsync(path);
                var data = JsonDocument.Parse(last).RootElement.GetProperty("data").Clone();
                if (done(data))
                {
                    return data;
                }
            }
            catch (HttpRequestException)
            {
                // Prometheus is still starting.
            }

            await Task.Delay(250);
        }

        throw new TimeoutException($"Prometheus's {path} did not get there within {limit.TotalSeconds} s; last answer: {last}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
