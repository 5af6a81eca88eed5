using System.Text.Json;
using Npgsql;
using Shop.Faults;
using Shop.Faults.Checking;
using Shop.Faults.Workload;

// Shop.Faults run --fault <name> [--checkouts N] [--seconds S] [--hold S] [--out DIR]
//   runs the workload through the gateway, injects the fault at a random moment, heals it, and checks.
// Shop.Faults check --requests FILE --quiet ISO-TIME
//   checks a recorded run again.
// The database is read through SHOP_AUDITOR_CONNECTION (default: the development role).
var options = Options(args.Skip(1));
var connection = Environment.GetEnvironmentVariable("SHOP_AUDITOR_CONNECTION") ?? "Host=127.0.0.1;Port=5432;Database=shop;Username=shop;Password=shop";
await using var database = NpgsqlDataSource.Create(connection);
using var cancel = new CancellationTokenSource(TimeSpan.FromMinutes(15));
var scripts = new Scripts(Environment.GetEnvironmentVariable("SHOP_ROOT") ?? ".");
var broker = new BrokerQueues(scripts);
var deadLetters = new DeadLetters(database, HistoryReader.Services);

switch (args.FirstOrDefault())
{
    case "run":
        return await RunAsync();
    case "check":
        var requests = RequestLog.Read(options["requests"]);
        return Verdict(Report.Of(await new HistoryReader(database, broker, deadLetters).ReadAsync(requests, DateTimeOffset.Parse(options["quiet"], System.Globalization.CultureInfo.InvariantCulture), [], cancel.Token), []), null);
    default:
        Console.Error.WriteLine("usage: Shop.Faults run --fault <name> [--checkouts N] [--seconds S] [--hold S] [--out DIR] | check --requests FILE --quiet TIME");
        return 2;
}

async Task<int> RunAsync()
{
    var fault = options["fault"];
    var output = options.GetValueOrDefault("out", ".local/faults");
    Directory.CreateDirectory(output);
    var settings = new WorkloadSettings(
        new Uri(Environment.GetEnvironmentVariable("SHOP_GATEWAY") ?? "http://127.0.0.1:3000/"),
        int.Parse(options.GetValueOrDefault("checkouts", "120"), System.Globalization.CultureInfo.InvariantCulture),
        TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("seconds", "40"), System.Globalization.CultureInfo.InvariantCulture)),
        "admin@shop.local",
        Environment.GetEnvironmentVariable("SHOP_DEMO_ADMIN_PASSWORD") ?? "admin passphrase 1");
    var hold = TimeSpan.FromSeconds(double.Parse(options.GetValueOrDefault("hold", "8"), System.Globalization.CultureInfo.InvariantCulture));
    using var log = new RequestLog(Path.Combine(output, $"{fault}.requests.ndjson"));
    var healed = DateTimeOffset.MinValue;
    var injectedAfter = TimeSpan.Zero;
    var before = await deadLetters.ReadAsync(cancel.Token);
    var workload = new Workload(settings, log);
    IReadOnlyList<FreshnessProbe> freshness = [];

    async Task FaultAsync(TimeSpan duration)
    {
        var started = DateTimeOffset.UtcNow;
        // A random moment in the middle of the load, so the fault meets work in every stage of the saga.
        await Task.Delay(duration * (0.2 + (Random.Shared.NextDouble() * 0.4)), cancel.Token);
        injectedAfter = DateTimeOffset.UtcNow - started;
        await scripts.RunAsync("faults.sh", ["inject", fault], cancel.Token);
        await Task.Delay(hold, cancel.Token);
        await scripts.RunAsync("faults.sh", ["heal", fault], cancel.Token);
        healed = DateTimeOffset.UtcNow;
        freshness = await workload.Probes!.RunAsync(cancel.Token);
    }

    await workload.RunAsync(FaultAsync, cancel.Token);
    // The connections the checker pooled before the fault may not have survived it (a database restart, terminated sessions).
    database.Clear();
    var quiet = healed > DateTimeOffset.UtcNow ? healed : DateTimeOffset.UtcNow;
    var report = Report.Of(await new HistoryReader(database, broker, deadLetters).ReadAsync(log.All, quiet, before, cancel.Token), freshness);
    var run = new { fault, checkouts = settings.Checkouts, injectedAfterSeconds = Math.Round(injectedAfter.TotalSeconds, 1), heldSeconds = hold.TotalSeconds, quiet, report };
    await File.WriteAllTextAsync(Path.Combine(output, $"{fault}.report.json"), JsonSerializer.Serialize(run, RequestLog.Json), cancel.Token);
    return Verdict(report, run);
}

int Verdict(Report report, object? run)
{
    Console.WriteLine(JsonSerializer.Serialize(run ?? report, new JsonSerializerOptions(RequestLog.Json) { WriteIndented = true }));
    return report.Valid ? 0 : 1;
}

static Dictionary<string, string> Options(IEnumerable<string> args)
{
    var pairs = args.Chunk(2).Where(p => p.Length == 2 && p[0].StartsWith("--", StringComparison.Ordinal));
    return pairs.ToDictionary(p => p[0][2..], p => p[1]);
}
