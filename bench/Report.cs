using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Shop.Bench;

public sealed record BenchResults(
    MachineInfo Machine,
    double TotalSeconds,
    IReadOnlyList<ColdStartResult> ColdStarts,
    FirstOrderResult? FirstOrder,
    IReadOnlyDictionary<string, long> IdleResidentKiB,
    DatabaseResults Database,
    IReadOnlyList<AppendRate> Appends,
    OrderResults Orders,
    IReadOnlyList<ReadRate> Reads,
    RebuildResults Rebuild,
    ReplicatedOrders? Replicated = null)
{
    /// <summary>The first order right after scripts/run.sh start of a new build, which trained its JIT profiles first.</summary>
    public FirstOrderResult? FirstOrderAfterStart { get; init; }

    /// <summary>Each service restarted again after the order load: its start plays the JIT profile its stop wrote.</summary>
    public IReadOnlyList<ColdStartResult> Restarts { get; init; } = [];

    /// <summary>The first order after those restarts.</summary>
    public FirstOrderResult? FirstOrderAfterRestart { get; init; }

    /// <summary>Orders/s the database alone could carry: pgbench's commits/s over the shop's commits per order.</summary>
    [JsonIgnore]
    public double DatabaseCeilingOrdersPerSecond => Database.PgbenchTps / Orders.Database.CommitsPerOrder;
}

/// <summary>The order load run again with several processes of every service (<c>./shop bench --replicas N</c>).</summary>
public sealed record ReplicatedOrders(int Replicas, OrderResults Orders);

/// <summary>Writes results.json, the two plots and report.md, and prints the headline table.</summary>
public static class Report
{
    // A measurement with no samples has NaN percentiles.
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    /// <summary>Writes the report again from a run's results.json, e.g. after the findings were edited.</summary>
    public static async Task RenderAsync(string directory, string findingsFile)
    {
        await using var json = File.OpenRead(Path.Combine(directory, "results.json"));
        var results = await JsonSerializer.DeserializeAsync<BenchResults>(json, Json)
            ?? throw new InvalidOperationException($"no results in {directory}");
        await json.DisposeAsync();
        await WriteAsync(results, directory, findingsFile);
    }

    /// <summary>Adds the order load with replicas to the run whose results.json is in the directory, and writes the report again.</summary>
    public static async Task AddReplicatedAsync(string directory, string findingsFile, ReplicatedOrders replicated)
    {
        BenchResults results;
        await using (var json = File.OpenRead(Path.Combine(directory, "results.json")))
        {
            results = await JsonSerializer.DeserializeAsync<BenchResults>(json, Json)
                ?? throw new InvalidOperationException($"no results in {directory}");
        }

        await WriteAsync(results with { Replicated = replicated }, directory, findingsFile);
    }

    public static async Task WriteAsync(BenchResults results, string directory, string findingsFile)
    {
        Directory.CreateDirectory(directory);
        await File.WriteAllTextAsync(Path.Combine(directory, "results.json"), JsonSerializer.Serialize(results, Json));
        Plots.LatencyHistogram(results.Orders, Path.Combine(directory, "latency-histogram.png"));
        Plots.Throughput(results.Orders, Path.Combine(directory, "throughput.png"));
        var findings = File.Exists(findingsFile) ? await File.ReadAllTextAsync(findingsFile) : "";
        await File.WriteAllTextAsync(Path.Combine(directory, "report.md"), Markdown(results, findings));
        Console.WriteLine();
        Console.WriteLine(Headline(results));
    }

    /// <summary>The table the README shows: each measure beside its reference from the same run.</summary>
    private static string[] FirstOrderRow(string measure, FirstOrderResult? first, OrderResults o) =>
    [
        measure, first is null ? "–" : Inv($"{first.CheckoutToConfirmedMilliseconds:F0} ms"),
        Inv($"steady p50 {o.CheckoutToConfirmed.P50:F0} ms"), first is null ? "" : Times(first.CheckoutToConfirmedMilliseconds, o.CheckoutToConfirmed.P50),
    ];

    public static string Headline(BenchResults r)
    {
        var o = r.Orders;
        var single = (Append(r, "Marten", 1), Append(r, "Npgsql INSERT", 1));
        var batch = (Append(r, "Marten", 0), Append(r, "Npgsql COPY", 0));
        var (direct, gateway) = (r.Reads[0], r.Reads[1]);
        var slowest = r.ColdStarts.MaxBy(c => c.SecondsToReady)!;
        var fastest = r.ColdStarts.MinBy(c => c.SecondsToReady)!;
        var t = new StringBuilder();
        string[][] rows =
        [
            [
                "orders through the gateway, saturated", Inv($"{o.SaturationOrdersPerSecond:F1} confirmed orders/s"),
                Inv($"pgbench -N {r.Database.PgbenchTps:F0} transactions/s"),
                Ratio(o.SaturationOrdersPerSecond, r.Database.PgbenchTps),
            ],
            [
                "database work per confirmed order", Inv($"{o.Database.CommitsPerOrder:F1} commits, {o.Database.WalFlushesPerOrder:F1} WAL flushes"),
                Inv($"pgbench -N: 1 commit, 1 flush or less"), "",
            ],
            [
                Inv($"checkout → Confirmed at {o.TargetOrdersPerSecond:F1} orders/s (70%)"),
                Inv($"p50 {o.CheckoutToConfirmed.P50:F0} ms · p95 {o.CheckoutToConfirmed.P95:F0} ms · p99 {o.CheckoutToConfirmed.P99:F0} ms"), "", "",
            ],
            [
                "event appends, 1 per transaction", Inv($"Marten {single.Item1.EventsPerSecond:F0} events/s"),
                Inv($"Npgsql INSERT {single.Item2.EventsPerSecond:F0} events/s"), Ratio(single.Item1.EventsPerSecond, single.Item2.EventsPerSecond),
            ],
            [
                Inv($"event appends, {batch.Item1.EventsPerTransaction} per transaction"), Inv($"Marten {batch.Item1.EventsPerSecond:F0} events/s"),
                Inv($"Npgsql COPY {batch.Item2.EventsPerSecond:F0} events/s"), Ratio(batch.Item1.EventsPerSecond, batch.Item2.EventsPerSecond),
            ],
            [
                Inv($"projection rebuild, {r.Rebuild.Events:N0} events"), Inv($"CLI {r.Rebuild.RebuildEventsPerSecond:F0} events/s ({r.Rebuild.CommandSeconds:F1} s)"),
                Inv($"raw scan {r.Rebuild.ScanEventsPerSecond:F0} events/s ({r.Rebuild.ScanSeconds:F1} s)"), Ratio(r.Rebuild.RebuildEventsPerSecond, r.Rebuild.ScanEventsPerSecond),
            ],
            [
                Inv($"audit verify, {r.Rebuild.Events:N0} events"), Inv($"{r.Rebuild.AuditEventsPerSecond:F0} events/s ({r.Rebuild.AuditSeconds:F1} s), peak {r.Rebuild.AuditPeakMiB:F0} MiB"),
                r.Rebuild.AuditValid ? "log valid" : "LOG INVALID", Ratio(r.Rebuild.AuditEventsPerSecond, r.Rebuild.ScanEventsPerSecond),
            ],
            ["projection lag under load", Inv($"p99 {o.ProjectionLag.P99:F0} ms (p50 {o.ProjectionLag.P50:F0} ms)"), "", ""],
            ["read-your-write (X-Min-Version), idle", Inv($"p99 {o.ReadYourWriteIdle.P99:F0} ms (p50 {o.ReadYourWriteIdle.P50:F0} ms)"), "", ""],
            [Inv($"read-your-write at {o.TargetOrdersPerSecond:F1} orders/s (70%)"), Inv($"p99 {o.ReadYourWriteLoaded.P99:F0} ms (p50 {o.ReadYourWriteLoaded.P50:F0} ms)"), "", ""],
            ["sequence holes skipped during the order load", Inv($"{o.GapSkips}"), "", ""],
            [
                "GET /api/products", Inv($"gateway {gateway.RequestsPerSecond:F0} req/s, p99 {gateway.P99Ms:F1} ms"),
                Inv($"Inventory direct {direct.RequestsPerSecond:F0} req/s, p99 {direct.P99Ms:F1} ms"), Ratio(gateway.RequestsPerSecond, direct.RequestsPerSecond),
            ],
            [
                "cold start to ready", Inv($"slowest {slowest.Service} {slowest.SecondsToReady:F1} s"),
                Inv($"fastest {fastest.Service} {fastest.SecondsToReady:F1} s"), "",
            ],
            FirstOrderRow("first order after ./shop start of a new build (trained), checkout → Confirmed", r.FirstOrderAfterStart, o),
            FirstOrderRow("first order of a new build without training, checkout → Confirmed", r.FirstOrder, o),
            [
                "restart after serving orders, to ready", r.Restarts.MaxBy(c => c.SecondsToReady) is { } slowestRestart ? Inv($"slowest {slowestRestart.Service} {slowestRestart.SecondsToReady:F1} s") : "–",
                r.Restarts.MinBy(c => c.SecondsToReady) is { } fastestRestart ? Inv($"fastest {fastestRestart.Service} {fastestRestart.SecondsToReady:F1} s") : "", "",
            ],
            FirstOrderRow("first order after that restart (JIT profile played)", r.FirstOrderAfterRestart, o),
            ["resident memory, six services", $"idle {MiB(r.IdleResidentKiB.Values.Sum())} MiB", $"peak under load {MiB(o.PeakResidentKiB.Values.Sum())} MiB", ""],
        ];
        Table(t, ["measure", "Shop", "reference, same run", "Shop / reference"], rows);
        return t.ToString();
    }

    private static string Markdown(BenchResults r, string findings)
    {
        var o = r.Orders;
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"# Shop benchmark{(r.Machine.Quick ? " (quick run: tiny sizes, numbers mean nothing)" : "")}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Run {r.Machine.At:yyyy-MM-dd HH:mm} UTC on {r.Machine}; {r.TotalSeconds / 60:F1} minutes. Everything on loopback, on this one machine, the load generator included.");
        md.AppendLine();
        md.AppendLine(Headline(r));

        var shopCpu = o.CpuPerOrder.Where(c => c.Process != ShopProcesses.LoadGenerator).ToList();
        var biggest = shopCpu[0];
        md.AppendLine("## The biggest cost");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Of the CPU the shop spends on one confirmed order ({shopCpu.Sum(c => c.MillisecondsPerOrder):F0} ms over all its processes), **{biggest.Process}** takes the most: {biggest.MillisecondsPerOrder:F0} ms ({biggest.MillisecondsPerOrder / shopCpu.Sum(c => c.MillisecondsPerOrder):P0}). During the saturated steps the machine's cores were {o.MachineBusyPercent:F0}% busy (everything running on it counted).");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"The database committed {o.Database.CommitsPerOrder:F1} transactions and flushed its write-ahead log {o.Database.WalFlushesPerOrder:F1} times per confirmed order. Rows written per order, by table:");
        md.AppendLine();
        Table(md, ["table", "rows inserted, updated or deleted per order"], o.Database.Writes.Select(w => new[] { $"`{w.Table}`", F(w.RowsPerOrder, "F1") }));
        md.AppendLine("What the shop's connections were doing when sampled (`pg_stat_activity` every 50 ms, active connections only):");
        md.AppendLine();
        Table(md, ["statement", "waiting on", "share of samples"], o.Database.Statements.Select(a => new[]
        {
            $"`{a.Statement.Replace("|", "\\|", StringComparison.Ordinal)}`", a.WaitingOn, F(a.Share, "P0"),
        }));
        if (findings.Length > 0)
        {
            md.AppendLine(findings.Trim());
            md.AppendLine();
        }

        md.AppendLine("## End-to-end orders");
        md.AppendLine();
        md.AppendLine("Simulated customers (each with its own account and token) create a one-line order through the gateway, check it out with `pm_card_visa` and poll the order every 100 ms until it is `Confirmed`. A closed loop at rising concurrency finds the saturated rate (confirmations counted after the first fifth of each step; it stops rising when a step gains less than 5%); then orders arrive at a fixed 70% of that rate for the latency. The latency runs from just before the checkout request to the time the `order_confirmed` event records: one clock, so the polling interval does not blur it. Rate limits are lifted for the run (every customer comes from 127.0.0.1).");
        md.AppendLine();
        Table(md, ["customers at once", "confirmed orders/s"], o.Steps.Select(step => new[] { F(step.Concurrency, "F0"), F(step.OrdersPerSecond, "F1") }));
        if (o.Steps.Count > 1 && OrderLoad.StillRising(o.Steps))
        {
            md.AppendLine("The rate still rose at the last step: the saturated rate above is the highest measured, and more concurrency might reach a little more.");
            md.AppendLine();
        }

        md.AppendLine(CultureInfo.InvariantCulture,
            $"At {o.TargetOrdersPerSecond:F1} orders/s offered, {o.SteadyOrdersPerSecond:F1}/s were confirmed; checkout → Confirmed: p50 {o.CheckoutToConfirmed.P50:F0} ms, p95 {o.CheckoutToConfirmed.P95:F0} ms, p99 {o.CheckoutToConfirmed.P99:F0} ms, max {o.CheckoutToConfirmed.Max:F0} ms over {o.CheckoutToConfirmed.Count} orders. Orders that failed or were not confirmed in 60 s: {o.Failed}.");
        foreach (var error in o.FirstErrors)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- `{error}`");
        }

        md.AppendLine();
        md.AppendLine("![checkout to Confirmed](latency-histogram.png)");
        md.AppendLine();
        md.AppendLine("![throughput over time](throughput.png)");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"**Against the database's ceiling.** `pgbench -N` ({r.Database.Clients} clients, scale {r.Database.Scale}, {r.Database.Seconds:F0} s, in the benchmark's database) committed {r.Database.PgbenchTps:F0} transactions/s. During the saturated steps the shop's database committed {o.Database.CommitsPerOrder:F1} transactions per confirmed order (`xact_commit` of `pg_stat_database`: every transaction of every service, the customers' polling reads and the services' background polling included). At that many commits per order the database alone could carry about {r.DatabaseCeilingOrdersPerSecond:F0} orders/s, and the shop reached {Ratio(o.SaturationOrdersPerSecond, r.DatabaseCeilingOrdersPerSecond)} of that; the headline compares orders/s with pgbench's transactions/s directly ({Ratio(o.SaturationOrdersPerSecond, r.Database.PgbenchTps)}), which does not improve by committing more per order.");
        md.AppendLine();
        md.AppendLine("CPU per confirmed order during the saturated steps (user + system time from `/proc`; PostgreSQL is the whole server, every `postgres` process and those that ended, whatever database it served; RabbitMQ the `beam.smp` process):");
        md.AppendLine();
        Table(md, ["process", "CPU ms per order"], o.CpuPerOrder.Select(cpu => new[] { cpu.Process, F(cpu.MillisecondsPerOrder, "F1") }));
        if (r.Replicated is { } replicated)
        {
            Replicas(md, r, replicated);
        }

        md.AppendLine("## Event appends");
        md.AppendLine();
        md.AppendLine("One writer, each way for the same time, into the benchmark's database, over the services' connection pool. Marten is configured as the services configure their event log (`EventLogStorage`: metadata columns, the hash chain's trigger, the NOTIFY that wakes the daemon; System.Text.Json). The raw writer puts the same rows into a copy of Marten's `mt_events` table (same columns and indexes, no foreign key, no trigger), and, one per transaction, into Marten's own table, where the stream's foreign key and the chain's trigger apply. Marten also keeps each stream's row (its version); the raw writers do not.");
        md.AppendLine();
        Table(md, ["writer", "events per transaction", "events", "events/s"], r.Appends.Select(a => new[]
        {
            a.Writer, F(a.EventsPerTransaction, "F0"), F(a.Events, "F0"), F(a.EventsPerSecond, "F0"),
        }));
        if (r.Appends.FirstOrDefault(a => a.Writer == EventAppends.ChainedInsert) is { } chained)
        {
            var (marten, bare) = (1000 / Append(r, "Marten", 1).EventsPerSecond, 1000 / Append(r, "Npgsql INSERT", 1).EventsPerSecond);
            var chain = 1000 / chained.EventsPerSecond;
            md.AppendLine(CultureInfo.InvariantCulture,
                $"Where a single append's time goes: the bare INSERT takes {bare:F2} ms, the same INSERT into Marten's table {chain:F2} ms ({chain - bare:F2} ms for the chain's trigger and the foreign key), the append through Marten {marten:F2} ms ({marten - chain:F2} ms more: its append function and the stream's row, the NOTIFY, the session and serialization).");
            md.AppendLine();
        }
        md.AppendLine("## Projection rebuild");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"The order load's own events, copied under new stream ids into a schema of their own until there were {r.Rebuild.Events:N0} events in {r.Rebuild.Streams:N0} orders (seeded with one `INSERT … SELECT` in {r.Rebuild.SeedSeconds:F0} s). Ordering's command line, `projections rebuild -p OrderDetails`, took {r.Rebuild.CommandSeconds:F1} s in all, {r.Rebuild.CommandStartSeconds:F1} s of which is what starting the command line takes (`projections list`), and wrote {r.Rebuild.DocumentsWritten:N0} documents. One `select … order by seq_id` reading every event's type and data took {r.Rebuild.ScanSeconds:F1} s. The chain trigger linked the copied events as they were inserted; `audit verify` on the same schema, which streams the log a stream at a time, checked them in {r.Rebuild.AuditSeconds:F1} s with a peak resident set of {r.Rebuild.AuditPeakMiB:F0} MiB (GNU time's maximum RSS of the command line process), and found the log {(r.Rebuild.AuditValid ? "valid" : "INVALID")}.");
        md.AppendLine();
        md.AppendLine("## Projection lag");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"While the orders ran at 70% of saturation, a probe created an order straight on Ordering (its first event committed when the 201 arrives) and looked every 5 ms in Ordering's `mt_doc_orderdetails` table until the async `OrderDetails` projection had written it (the API answers sooner, from the order's events), one probe at a time, half a second apart: p50 {o.ProjectionLag.P50:F0} ms, p95 {o.ProjectionLag.P95:F0} ms, p99 {o.ProjectionLag.P99:F0} ms, max {o.ProjectionLag.Max:F0} ms over {o.ProjectionLag.Count} probes.");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture,
            $"Read-your-write, as a client does it: an order created straight on Ordering, then one `GET` with the creation's ETag as `X-Min-Version`, answered from the read model or, when the projection does not have it yet, from the order's events; the time from the 201 to the 200. On the idle shop (before the load): p50 {o.ReadYourWriteIdle.P50:F0} ms, p99 {o.ReadYourWriteIdle.P99:F0} ms over {o.ReadYourWriteIdle.Count} probes. Beside the lag probe at 70%: p50 {o.ReadYourWriteLoaded.P50:F0} ms, p99 {o.ReadYourWriteLoaded.P99:F0} ms over {o.ReadYourWriteLoaded.Count} probes. The daemons skipped {o.GapSkips} hole(s) in the event sequence during the order load (rows added to every service's `mt_high_water_skips`).");
        md.AppendLine();
        md.AppendLine("## Gateway overhead");
        md.AppendLine();
        md.AppendLine("`wrk -t2 -c16 --latency` on the anonymous first catalog page, straight to Inventory and through the gateway (after a 2 s warm-up each).");
        md.AppendLine();
        Table(md, ["path", "requests/s", "p50 ms", "p99 ms", "non-2xx"], r.Reads.Select(read => new[]
        {
            read.Path, F(read.RequestsPerSecond, "F0"), F(read.P50Ms, "F2"), F(read.P99Ms, "F2"), F(read.Errors, "F0"),
        }));
        md.AppendLine("## Cold start and memory");
        md.AppendLine();
        md.AppendLine("Each service stopped and started again by its supervisor while the others ran, twice: right after the shop's start, with no JIT profile (the benchmark removes them first, as a new build has none), and again after the order load, when each stop writes the profile its next start plays. Time from the process's start (kernel start time) to its first 200 from `/health/ready`. Resident memory (`VmRSS`) idle before the load, and the highest seen (sampled every second) during the order load.");
        md.AppendLine();
        Table(md, ["service", "seconds to ready", "after serving orders", "idle MiB", "under load MiB"], Sizes.Services.Select(service => new[]
        {
            service,
            r.ColdStarts.FirstOrDefault(c => c.Service == service) is { } cold ? F(cold.SecondsToReady, "F2") : "–",
            r.Restarts.FirstOrDefault(c => c.Service == service) is { } restart ? F(restart.SecondsToReady, "F2") : "–",
            MiB(r.IdleResidentKiB.GetValueOrDefault(service)),
            MiB(o.PeakResidentKiB.GetValueOrDefault(service)),
        }));
        if (r.FirstOrderAfterStart is { } started)
        {
            md.AppendLine();
            md.AppendLine(Inv($"Right after `./shop start` of this new build (whose first start ran a short training on a scratch database first, leaving each process a JIT profile to play), the first order was created in {started.CreateMilliseconds:F0} ms and confirmed {started.CheckoutToConfirmedMilliseconds:F0} ms after its checkout; the next order took {started.NextCheckoutToConfirmedMilliseconds:F0} ms."));
        }

        if (r.FirstOrder is { } first)
        {
            md.AppendLine();
            md.AppendLine(Inv($"The first order after the first restarts (no order had passed through the fresh processes yet, no JIT profile) was created in {first.CreateMilliseconds:F0} ms and confirmed {first.CheckoutToConfirmedMilliseconds:F0} ms after its checkout; the next order took {first.NextCheckoutToConfirmedMilliseconds:F0} ms. What the first one pays extra is each process's first use of its code paths: see the findings."));
        }

        if (r.FirstOrderAfterRestart is { } again)
        {
            md.AppendLine();
            md.AppendLine(Inv($"After the second restarts, which played the profiles the order load left, the first order was created in {again.CreateMilliseconds:F0} ms and confirmed {again.CheckoutToConfirmedMilliseconds:F0} ms after its checkout; the next order took {again.NextCheckoutToConfirmedMilliseconds:F0} ms."));
        }

        md.AppendLine();
        md.AppendLine("Raw numbers: [results.json](results.json).");
        return md.ToString();
    }

    /// <summary>The same order load with one process of every service and with several, side by side.</summary>
    private static void Replicas(StringBuilder md, BenchResults r, ReplicatedOrders replicated)
    {
        var (one, more) = (r.Orders, replicated.Orders);
        static double Cpu(OrderResults o) => o.CpuPerOrder.Where(c => c.Process != ShopProcesses.LoadGenerator).Sum(c => c.MillisecondsPerOrder);
        md.AppendLine(CultureInfo.InvariantCulture, $"## One process of every service, and {replicated.Replicas}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"The order load above, run again right after it with {replicated.Replicas} processes of every service (`./shop start --replicas {replicated.Replicas}`: the gateway balances over the services' replicas, agents are spread over them). The load enters through the first gateway. On this machine's cores the interest is what the extra processes cost, not a speed-up.");
        md.AppendLine();
        Table(md, ["measure", "1 replica", $"{replicated.Replicas} replicas"],
        [
            ["confirmed orders/s at saturation", F(one.SaturationOrdersPerSecond, "F1"), F(more.SaturationOrdersPerSecond, "F1")],
            ["CPU per confirmed order, the shop's processes (ms)", F(Cpu(one), "F1"), F(Cpu(more), "F1")],
            ["commits per confirmed order", F(one.Database.CommitsPerOrder, "F1"), F(more.Database.CommitsPerOrder, "F1")],
            ["WAL flushes per confirmed order", F(one.Database.WalFlushesPerOrder, "F1"), F(more.Database.WalFlushesPerOrder, "F1")],
            ["orders/s offered at 70 %", F(one.TargetOrdersPerSecond, "F1"), F(more.TargetOrdersPerSecond, "F1")],
            ["checkout → Confirmed p50 at 70 % (ms)", F(one.CheckoutToConfirmed.P50, "F0"), F(more.CheckoutToConfirmed.P50, "F0")],
            ["checkout → Confirmed p99 at 70 % (ms)", F(one.CheckoutToConfirmed.P99, "F0"), F(more.CheckoutToConfirmed.P99, "F0")],
            ["projection lag p99 at 70 % (ms)", F(one.ProjectionLag.P99, "F0"), F(more.ProjectionLag.P99, "F0")],
            ["failed or not confirmed in 60 s", F(one.Failed, "F0"), F(more.Failed, "F0")],
            ["peak resident memory, all services (MiB)", MiB(one.PeakResidentKiB.Values.Sum()), MiB(more.PeakResidentKiB.Values.Sum())],
        ]);
    }

    /// <summary>The append rate of a writer; 0 events per transaction means the batched one.</summary>
    private static AppendRate Append(BenchResults r, string writer, int perTransaction) =>
        r.Appends.First(a => a.Writer == writer && (perTransaction == 0 ? a.EventsPerTransaction > 1 : a.EventsPerTransaction == perTransaction));

    private static void Table(StringBuilder md, string[] headers, IEnumerable<string[]> rows)
    {
        md.AppendLine(CultureInfo.InvariantCulture, $"| {string.Join(" | ", headers)} |");
        md.AppendLine(CultureInfo.InvariantCulture, $"|{string.Concat(headers.Select(_ => "---|"))}");
        foreach (var row in rows)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {string.Join(" | ", row)} |");
        }

        md.AppendLine();
    }

    private static string F(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    private static string Inv(FormattableString text) => FormattableString.Invariant(text);

    private static string Ratio(double shop, double reference) =>
        reference > 0 ? (shop / reference).ToString(shop / reference < 0.1 ? "P2" : "P1", CultureInfo.InvariantCulture) : "–";

    private static string Times(double shop, double reference) =>
        reference > 0 ? Inv($"{shop / reference:F1}×") : "–";

    private static string MiB(long kib) => (kib / 1024.0).ToString("F0", CultureInfo.InvariantCulture);
}
