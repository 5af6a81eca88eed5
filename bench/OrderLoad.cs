using System.Collections.Concurrent;
using System.Diagnostics;

namespace Shop.Bench;

public sealed record ConcurrencyStep(int Concurrency, int Confirmed, double OrdersPerSecond);

public sealed record ProcessCpu(string Process, double MillisecondsPerOrder);

/// <summary>Confirmations in one second of the run, for the throughput plot.</summary>
public sealed record ThroughputPoint(double Second, int Confirmed, string Phase);

public sealed record OrderResults(
    IReadOnlyList<ConcurrencyStep> Steps,
    double SaturationOrdersPerSecond,
    DatabaseWork Database,
    IReadOnlyList<ProcessCpu> CpuPerOrder,
    double MachineBusyPercent,
    double TargetOrdersPerSecond,
    double SteadyOrdersPerSecond,
    Latency CheckoutToConfirmed,
    Latency ProjectionLag,
    Latency ReadYourWriteIdle,
    Latency ReadYourWriteLoaded,
    long GapSkips,
    int Failed,
    IReadOnlyList<string> FirstErrors,
    IReadOnlyDictionary<string, long> PeakResidentKiB,
    IReadOnlyList<ThroughputPoint> Timeline,
    IReadOnlyList<double> SteadyLatenciesMs);

/// <summary>
/// Simulated customers ordering through the gateway: each creates a one-line order, checks it out with a
/// card that is approved, and polls the order until it is Confirmed. First a closed loop at rising
/// concurrency finds the rate at saturation; then orders arrive at a fixed 70% of that rate and their
/// latency from checkout to confirmation is taken, while a probe measures the projection's lag.
/// </summary>
public sealed class OrderLoad(Sizes sizes, ShopProcesses shop, string postgres)
{
    private const string Password = "benchmark passphrase";
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan LagPoll = TimeSpan.FromMilliseconds(5);

    // Each probe creates an order: at a tenth of a second apart the two probes added up to twenty
    // creates a second to the 70 % load, which then was no longer 70 % of anything.
    private static readonly TimeSpan ProbeSpacing = TimeSpan.FromMilliseconds(500);

    private readonly HttpClient gatewayClient = ShopApi.Client(ShopApi.Gateway);
    private readonly ConcurrentQueue<(DateTimeOffset At, string Phase)> confirmations = new();
    private readonly ConcurrentQueue<string> errors = new();
    private readonly ConcurrentDictionary<string, long> peakResident = new();
    private int failed;

    private sealed record Outcome(DateTimeOffset CheckoutSent, DateTimeOffset ConfirmedAt);

    public async Task<OrderResults> RunAsync()
    {
        var api = new ShopApi(gatewayClient);
        var admin = await api.TokenAsync("admin@shop.local", "admin passphrase 1");
        var products = new List<Guid>();
        for (var i = 0; i < sizes.Products; i++)
        {
            products.Add(await api.AddProductAsync(admin, $"BENCH-{i}", 10 + i, 1_000_000));
        }

        var tokens = await Task.WhenAll(Enumerable.Range(0, sizes.Customers).Select(async i =>
        {
            var email = $"customer{i}@bench.local";
            await api.RegisterAsync(email, Password, $"Customer {i}");
            return await api.TokenAsync(email, Password);
        }));
        Console.WriteLine($"  {products.Count} products, {tokens.Length} customers ready");

        // Read-your-write on the idle shop, before any load: the delay a lone client sees.
        var readYourWriteIdle = await ProbeReadYourWriteAsync(tokens[0], products[0], sizes.StepDuration);
        var skipsBefore = await GapSkipsAsync();

        using var sampling = new CancellationTokenSource();
        var sampler = SampleMemoryAsync(sampling.Token);
        var origin = DateTimeOffset.UtcNow;

        // The first orders after start-up pay for JIT compilation and connection pools; they are not measured.
        await ClosedLoopAsync(api, tokens, products, sizes.ConcurrencySteps[0], sizes.WarmUp, "warm-up");
        var closedLoop = Stopwatch.StartNew();
        var cpuBefore = shop.CpuTicks();
        await using var profile = new DatabaseProfile(postgres);
        await profile.StartAsync();
        var steps = new List<ConcurrencyStep>();
        var closedLoopOrders = 0;
        foreach (var concurrency in sizes.ConcurrencySteps)
        {
            var (confirmed, total) = await ClosedLoopAsync(api, tokens, products, concurrency, sizes.StepDuration, $"{concurrency} at once");
            closedLoopOrders += total;
            steps.Add(new ConcurrencyStep(concurrency, confirmed, confirmed / Measured(sizes.StepDuration).TotalSeconds));
            Console.WriteLine($"  {concurrency} customers at once: {steps[^1].OrdersPerSecond:F1} confirmed orders/s");
            if (steps.Count > 1 && !StillRising(steps))
            {
                break;
            }
        }

        var database = await profile.StopAsync(closedLoopOrders);
        var cpuAfter = shop.CpuTicks();
        closedLoop.Stop();
        var perOrder = Math.Max(1, closedLoopOrders);
        var cpu = cpuAfter.Where(c => c.Key != ShopProcesses.Machine)
            .Select(c => new ProcessCpu(c.Key, (c.Value - cpuBefore[c.Key]) * 1000 / Procfs.TicksPerSecond / perOrder))
            .OrderByDescending(c => c.MillisecondsPerOrder)
            .ToList();
        var saturation = steps.Max(s => s.OrdersPerSecond);

        var target = Math.Max(0.5, 0.7 * saturation);
        var steady = SteadyAsync(api, tokens, products, target);
        var lag = ProbeLagAsync(tokens[0], products[0], sizes.SteadyDuration);
        var readYourWrite = ProbeReadYourWriteAsync(tokens[^1], products[0], sizes.SteadyDuration);
        var latencies = await steady;
        var lags = await lag;
        var readYourWriteLoaded = await readYourWrite;
        var gapSkips = await GapSkipsAsync() - skipsBefore;
        await sampling.CancelAsync();
        await sampler;

        var busy = (cpuAfter[ShopProcesses.Machine] - cpuBefore[ShopProcesses.Machine]) / Procfs.TicksPerSecond
            / Environment.ProcessorCount / closedLoop.Elapsed.TotalSeconds * 100;
        return new OrderResults(
            steps,
            saturation,
            database,
            cpu,
            Math.Min(100, busy),
            target,
            latencies.Count / sizes.SteadyDuration.TotalSeconds,
            Latency.Of(latencies),
            Latency.Of(lags),
            Latency.Of(readYourWriteIdle),
            Latency.Of(readYourWriteLoaded),
            gapSkips,
            failed,
            [.. errors.Take(5)],
            peakResident,
            Timeline(origin),
            latencies);
    }

    /// <summary>Whether the last step gained at least 5% on the best before it: the load has not saturated the shop yet.</summary>
    public static bool StillRising(IReadOnlyList<ConcurrencyStep> steps) =>
        steps[^1].OrdersPerSecond >= 1.05 * steps.SkipLast(1).Max(s => s.OrdersPerSecond);

    /// <summary>Confirmations are counted once the loop has run for a fifth of the step, so the ramp-up is not averaged in.</summary>
    private static TimeSpan Measured(TimeSpan step) => step * 0.8;

    private async Task<(int Confirmed, int Total)> ClosedLoopAsync(
        ShopApi api, string[] tokens, List<Guid> products, int concurrency, TimeSpan duration, string phase)
    {
        var started = DateTimeOffset.UtcNow;
        var countFrom = started + (duration - Measured(duration));
        var end = started + duration;
        var outcomes = await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async worker =>
        {
            var mine = new List<Outcome>();
            var random = new Random(worker);
            while (DateTimeOffset.UtcNow < end)
            {
                if (await PlaceAsync(api, tokens[worker % tokens.Length], products[random.Next(products.Count)], phase) is { } outcome)
                {
                    mine.Add(outcome);
                }
            }

            return mine;
        }));
        var all = outcomes.SelectMany(o => o).ToList();
        return (all.Count(o => o.ConfirmedAt >= countFrom && o.ConfirmedAt < end), all.Count);
    }

    /// <summary>Orders arrive at a fixed rate, whether or not earlier ones are done (an open loop), so slow answers do not slow the arrivals.</summary>
    private async Task<List<double>> SteadyAsync(ShopApi api, string[] tokens, List<Guid> products, double ordersPerSecond)
    {
        var clock = Stopwatch.StartNew();
        var random = new Random(7);
        var inFlight = new List<Task<Outcome?>>();
        for (var n = 0; clock.Elapsed < sizes.SteadyDuration; n++)
        {
            var due = TimeSpan.FromSeconds(n / ordersPerSecond);
            if (due > clock.Elapsed)
            {
                await Task.Delay(due - clock.Elapsed);
            }

            inFlight.Add(PlaceAsync(api, tokens[n % tokens.Length], products[random.Next(products.Count)], "70% of saturation"));
        }

        var outcomes = await Task.WhenAll(inFlight);
        return [.. outcomes.OfType<Outcome>().Select(o => (o.ConfirmedAt - o.CheckoutSent).TotalMilliseconds)];
    }

    /// <summary>
    /// One order's whole flow. The latency runs from just before the checkout is sent to the moment the
    /// order was confirmed, as the order's own event records it: this machine's clock on both ends, so
    /// the polling interval does not blur it.
    /// </summary>
    private async Task<Outcome?> PlaceAsync(ShopApi api, string token, Guid product, string phase)
    {
        try
        {
            var order = await api.CreateOrderAsync(token, product);
            var sent = DateTimeOffset.UtcNow;
            await api.CheckOutAsync(token, order);
            while (DateTimeOffset.UtcNow - sent < GiveUpAfter)
            {
                await Task.Delay(PollInterval);
                switch (await api.OrderAsync(token, order))
                {
                    case { Status: "Confirmed", ConfirmedAt: { } confirmedAt }:
                        confirmations.Enqueue((confirmedAt, phase));
                        return new Outcome(sent, confirmedAt);
                    case { Status: "Cancelled" }:
                        return Fail($"order {order} was cancelled");
                }
            }

            return Fail($"order {order} was not confirmed within {GiveUpAfter.TotalSeconds} s");
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return Fail(e.Message);
        }
    }

    private Outcome? Fail(string why)
    {
        Interlocked.Increment(ref failed);
        errors.Enqueue(why);
        return null;
    }

    /// <summary>
    /// Appends an order (its first event) straight to Ordering and looks every 5 ms in Ordering's read model
    /// table until the async projection has written it; one probe at a time, a tenth of a second apart. (The
    /// API would answer sooner: a read of an order not projected yet is built from its events.)
    /// </summary>
    private async Task<List<double>> ProbeLagAsync(string token, Guid product, TimeSpan duration)
    {
        await using var database = Npgsql.NpgsqlDataSource.Create(postgres);
        return await ProbeAsync(token, product, duration, async (_, order) =>
        {
            await using var look = database.CreateCommand("select exists (select 1 from ordering.mt_doc_orderdetails where id = $1)");
            look.Parameters.Add(new Npgsql.NpgsqlParameter { Value = order });
            while (!(bool)(await look.ExecuteScalarAsync())!)
            {
                await Task.Delay(LagPoll);
            }
        });
    }

    /// <summary>
    /// Creates an order straight on Ordering and reads it back once with its ETag as X-Min-Version, as a
    /// client reads its own write: the time from the write's answer to the read's. One probe at a time.
    /// </summary>
    private static Task<List<double>> ProbeReadYourWriteAsync(string token, Guid product, TimeSpan duration) =>
        ProbeAsync(token, product, duration, (api, order) => api.ReadOwnOrderAsync(token, order));

    /// <summary>Creates an order, times <paramref name="readBack"/> from the 201 on, and again <see cref="ProbeSpacing"/> later, until the time is up.</summary>
    private static async Task<List<double>> ProbeAsync(string token, Guid product, TimeSpan duration, Func<ShopApi, Guid, Task> readBack)
    {
        var api = new ShopApi(ShopApi.Client(ShopApi.Ordering));
        var milliseconds = new List<double>();
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < duration)
        {
            var order = await api.CreateOrderAsync(token, product);
            var written = Stopwatch.GetTimestamp();
            await readBack(api, order);
            milliseconds.Add(Stopwatch.GetElapsedTime(written).TotalMilliseconds);
            await Task.Delay(ProbeSpacing);
        }

        return milliseconds;
    }

    /// <summary>Holes in the event sequence the daemons skipped, over every service (Marten records each in mt_high_water_skips).</summary>
    private async Task<long> GapSkipsAsync()
    {
        await using var connection = new Npgsql.NpgsqlConnection(postgres);
        await connection.OpenAsync();
        await using var command = new Npgsql.NpgsqlCommand(
            "select coalesce(sum((xpath('/row/c/text()', query_to_xml(format('select count(*) as c from %I.mt_high_water_skips', table_schema), false, true, '')))[1]::text::bigint), 0) from information_schema.tables where table_name = 'mt_high_water_skips'",
            connection);
        return Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task SampleMemoryAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                foreach (var (service, kib) in shop.ResidentKiB())
                {
                    peakResident.AddOrUpdate(service, kib, (_, peak) => Math.Max(peak, kib));
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The load is over.
        }
    }

    private List<ThroughputPoint> Timeline(DateTimeOffset origin) =>
        [.. confirmations
            .GroupBy(c => (Second: Math.Floor((c.At - origin).TotalSeconds), c.Phase))
            .Select(g => new ThroughputPoint(g.Key.Second, g.Count(), g.Key.Phase))
            .OrderBy(p => p.Second)];
}
