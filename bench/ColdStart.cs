using System.Diagnostics;
using System.Globalization;

namespace Shop.Bench;

public sealed record ColdStartResult(string Service, double SecondsToReady);

/// <summary>
/// Each service stopped and started again by its supervisor (scripts/run.sh pause and resume), one at a
/// time while the others run: the time from its process starting (as the kernel records it) to its
/// first 200 from /health/ready, which means PostgreSQL and RabbitMQ are reachable and its schema is in place.
/// Each one is stopped once the machine is quiet: measured beside a running shop, as in a rolling restart,
/// not beside processes still compiling their own first seconds (the service measured first paid for the
/// whole shop's start, the next one for its predecessor's). <paramref name="withoutJitProfile"/> starts each
/// one without the JIT profile its stop wrote or a training run left: a new build's start.
/// </summary>
public sealed class ColdStart(Sizes sizes, ShopProcesses shop, bool withoutJitProfile = false)
{
    public static readonly IReadOnlyDictionary<string, int> Ports = new Dictionary<string, int>
    {
        ["Gateway"] = 3000,
        ["Identity"] = 3001,
        ["Ordering"] = 3002,
        ["Inventory"] = 3003,
        ["Payments"] = 3004,
        ["Notifications"] = 3005,
    };

    private const double QuietShare = 0.25;

    private static readonly TimeSpan Deadline = TimeSpan.FromMinutes(2);

    private static readonly TimeSpan QuietWithin = TimeSpan.FromSeconds(30);

    public async Task<IReadOnlyList<ColdStartResult>> RunAsync()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(5) };
        var results = new List<ColdStartResult>();
        foreach (var service in sizes.ColdStartServices)
        {
            await QuietAsync();
            var before = shop.PidOf(service);
            await shop.RunScriptAsync("pause", service);
            if (withoutJitProfile)
            {
                shop.ForgetJitProfile(service);
            }

            var resumed = shop.RunScriptAsync("resume", service);
            var clock = Stopwatch.StartNew();
            var pid = before;
            while (pid == before || !await ReadyAsync(http, service))
            {
                if (clock.Elapsed > Deadline)
                {
                    throw new TimeoutException($"{service} did not become ready again");
                }

                await Task.Delay(20);
                pid = shop.CurrentPidOf(service) ?? before;
            }

            var ready = Procfs.UptimeSeconds();
            results.Add(new ColdStartResult(service, ready - Procfs.StartedAt(pid)));
            await resumed;
            Console.WriteLine($"  {service}: ready {results[^1].SecondsToReady:F2} s after its process started");
        }

        return results;
    }

    /// <summary>Waits, at most <see cref="QuietWithin"/>, for a second in which the cores are at most a quarter busy.</summary>
    public static async Task QuietAsync()
    {
        var waiting = Stopwatch.StartNew();
        while (waiting.Elapsed < QuietWithin)
        {
            var busyBefore = Procfs.MachineBusyTicks();
            var second = Stopwatch.StartNew();
            await Task.Delay(TimeSpan.FromSeconds(1));
            var busy = (Procfs.MachineBusyTicks() - busyBefore) / Procfs.TicksPerSecond / second.Elapsed.TotalSeconds / Environment.ProcessorCount;
            if (busy <= QuietShare)
            {
                return;
            }
        }
    }

    private static async Task<bool> ReadyAsync(HttpClient http, string service)
    {
        try
        {
            using var response = await http.GetAsync(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{Ports[service]}/health/ready"));
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }
}
