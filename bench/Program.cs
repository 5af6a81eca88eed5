using System.Diagnostics;
using Shop.Bench;

// Started by scripts/bench.sh (./shop bench), which starts the shop first and passes where it runs;
// "--render bench/results" only writes that run's report again (with bench/FINDINGS.md as it is now).
if (args is ["--render", var folder])
{
    await Report.RenderAsync(folder, Path.Combine(folder, "..", "FINDINGS.md"));
    return;
}

var options = Options.Parse(args);
var sizes = options.Quick ? Sizes.Tiny : Sizes.Full;
var shop = new ShopProcesses(options.Root, options.Data);
var clock = Stopwatch.StartNew();
var machine = await MachineInfo.DescribeAsync(options.Postgres, options.Quick);
Console.WriteLine($"Benchmarking on {machine}{(options.Quick ? " (quick)" : "")}");
if (options.Replicas > 1)
{
    Console.WriteLine($"orders through the gateway, {options.Replicas} replicas of every service");
    var replicated = await new OrderLoad(sizes, shop, options.Postgres).RunAsync();
    await Report.AddReplicatedAsync(options.Output, Path.Combine(options.Root, "bench", "FINDINGS.md"), new ReplicatedOrders(options.Replicas, replicated));
    return;
}

// scripts/bench.sh started the shop as ./shop start starts a new build: trained first (scripts/run.sh, train).
Console.WriteLine("first order after ./shop start (a new build, trained at its first start)");
await ColdStart.QuietAsync();
var firstOrderAfterStart = await new FirstOrder("start").RunAsync();

Console.WriteLine("cold start (no JIT profile: a new build started without its training)");
var coldStarts = await new ColdStart(sizes, shop, withoutJitProfile: true).RunAsync();
// Let the restarted services settle before their idle memory is read.
await Task.Delay(TimeSpan.FromSeconds(sizes.Quick ? 1 : 5));
var idle = shop.ResidentKiB();

Console.WriteLine("first order after start (a new build: no JIT profile to play)");
var firstOrder = await new FirstOrder("new").RunAsync();

Console.WriteLine("database ceiling (pgbench -N)");
var database = await new DatabaseCeiling(sizes, options.Postgres, options.PgBin).RunAsync();
Console.WriteLine($"  {database.PgbenchTps:F0} tps");

Console.WriteLine("event appends");
var appends = await new EventAppends(sizes, options.Postgres).RunAsync();

Console.WriteLine("orders through the gateway");
var orders = await new OrderLoad(sizes, shop, options.Postgres).RunAsync();

// Each process's graceful stop writes its JIT profile (of the order load above); its next start plays it.
Console.WriteLine("restart after serving orders");
var restarts = await new ColdStart(sizes, shop).RunAsync();
Console.WriteLine("first order after that restart (the JIT profile played)");
var firstOrderAfterRestart = await new FirstOrder("restart").RunAsync();

Console.WriteLine("gateway overhead (wrk)");
var reads = await new GatewayOverhead(sizes).RunAsync();

Console.WriteLine("projection rebuild");
var rebuild = await new ProjectionRebuild(sizes, options.Root, options.Postgres).RunAsync();

var results = new BenchResults(machine, clock.Elapsed.TotalSeconds, coldStarts, firstOrder, idle, database, appends, orders, reads, rebuild)
{
    FirstOrderAfterStart = firstOrderAfterStart,
    Restarts = restarts,
    FirstOrderAfterRestart = firstOrderAfterRestart,
};
await Report.WriteAsync(results, options.Output, Path.Combine(options.Root, "bench", "FINDINGS.md"));
Console.WriteLine($"report: {Path.Combine(options.Output, "report.md")} ({clock.Elapsed.TotalMinutes:F1} minutes)");
