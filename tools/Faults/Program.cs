using System.Text.Json;
using Npgsql;
using Shop.Faults;
using Shop.Faults.Checking;
using Shop.Faults.Workload;

// Shop.Faults run --fault <name> [--checkouts N] [--seconds S] [--hold S] [--out DIR] [--replicas N]
//   runs the workload through the gateway, injects the fault at a random moment, heals it, and checks.
//   With replicas, kill-agents-<Service> kills whichever replica of the service runs the most agents,
//   and every kill is followed by a watch for its agents running again elsewhere.
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
    var replicas = new Replicas(int.Parse(options.GetValueOrDefault("replicas", "1"), System.Globalization.CultureInfo.InvariantCulture));
    var injected = DateTimeOffset.MaxValue;
    var replicaRules = new List<Violation>();
    object? agentsWatch = null;
    using var log = new RequestLog(Path.Combine(output, $"{fault}.requests.ndjson"));
    var healed = DateTimeOffset.MinValue;
    var injectedAfter = TimeSpan.Zero;
    var before = await deadLetters.ReadAsync(cancel.Token);
    var workload = new Workload(settings with { Replicas = replicas }, log);
    IReadOnlyList<FreshnessProbe> freshness = [];

    async Task FaultAsync(TimeSpan duration)
    {
        var started = DateTimeOffset.UtcNow;
        // A random moment in the middle of the load, so the fault meets work in every stage of the saga.
        await Task.Delay(duration * (0.2 + (Random.Shared.NextDouble() * 0.4)), cancel.Token);
        var kill = replicas.Count > 1 && fault.StartsWith("kill-", StringComparison.Ordinal) ? await KillOfAsync(fault) : null;
        injectedAfter = DateTimeOffset.UtcNow - started;
        injected = DateTimeOffset.UtcNow;
        var injectedAs = kill is null ? fault : $"kill-{kill.Replica}";
        await scripts.RunAsync("faults.sh", ["inject", injectedAs], cancel.Token);
        // The kill is the script's last step: the agents' time counts from here, not from the script's start-up.
        var watch = kill is null ? Task.CompletedTask : WatchAgentsAsync(kill, DateTimeOffset.UtcNow);
        await Task.Delay(hold, cancel.Token);
        await watch;
        await scripts.RunAsync("faults.sh", ["heal", injectedAs], cancel.Token);
        healed = DateTimeOffset.UtcNow;
        freshness = await workload.Probes!.RunAsync(cancel.Token);
    }

    // The replica a kill fault aims at (kill-Ordering-2 names it; kill-agents-Ordering is whichever runs the most
    // agents now), and what every replica of its service runs just before.
    async Task<ReplicaKill> KillOfAsync(string name)
    {
        var target = name["kill-".Length..];
        var service = target.StartsWith("agents-", StringComparison.Ordinal) ? target["agents-".Length..] : target.Split('-')[0];
        using var http = new HttpClient(replicas.GatewayBalancer()) { BaseAddress = settings.Gateway, Timeout = TimeSpan.FromSeconds(10) };
        var admin = await ShopClient.LogInAsync(http, log, settings.AdminEmail, settings.AdminPassword, cancel.Token);
        var running = service == "Gateway" ? [] : await replicas.AgentsAsync(service, admin.Token, cancel.Token);
        if (target != $"agents-{service}")
        {
            return new ReplicaKill(service, target, running.GetValueOrDefault(target) ?? new HashSet<string>(), admin.Token);
        }

        // The agents are handed out within seconds of a start or a previous fault: wait for them rather than kill a replica that runs none.
        for (var attempt = 0; running.Values.All(agents => agents.Count == 0); attempt++)
        {
            if (attempt == 20)
            {
                throw new InvalidOperationException($"no replica of {service} reported running an agent, so there is none to kill");
            }

            await Task.Delay(500, cancel.Token);
            running = await replicas.AgentsAsync(service, admin.Token, cancel.Token);
        }

        var replica = running.MaxBy(r => r.Value.Count).Key;
        return new ReplicaKill(service, replica, running.GetValueOrDefault(replica) ?? new HashSet<string>(), admin.Token);
    }

    // Polls every live replica until the killed one's agents run again somewhere.
    async Task WatchAgentsAsync(ReplicaKill kill, DateTimeOffset killed)
    {
        var deadline = killed + TimeSpan.FromSeconds(30);
        double? seconds = kill.Agents.Count == 0 ? 0 : null;
        while (seconds is null && DateTimeOffset.UtcNow < deadline)
        {
            // The killed replica restarts meanwhile: a process still starting may take seconds to answer, which must not
            // delay seeing the agents on the others.
            var running = (await replicas.AgentsAsync(kill.Service, kill.AdminToken, cancel.Token, patience: TimeSpan.FromSeconds(1))).Values.SelectMany(a => a).ToHashSet();
            if (kill.Agents.All(running.Contains))
            {
                seconds = Math.Round((DateTimeOffset.UtcNow - killed).TotalSeconds, 2);
            }
            else
            {
                await Task.Delay(100, cancel.Token);
            }
        }

        agentsWatch = new { replica = kill.Replica, agents = kill.Agents, resumedAfterSeconds = seconds };
        replicaRules.AddRange(Invariants.AgentsResumed(kill.Replica, kill.Agents, seconds));
    }

    await workload.RunAsync(FaultAsync, cancel.Token);
    // The connections the checker pooled before the fault may not have survived it (a database restart, terminated sessions).
    database.Clear();
    var quiet = healed > DateTimeOffset.UtcNow ? healed : DateTimeOffset.UtcNow;
    // With replicas, one failing is no client's problem for long: a dead or stopped replica is taken out by the
    // gateway, and one cut off from the broker answers from its outbox once its broker connection is known dead.
    if (replicas.Count > 1)
    {
        replicaRules.AddRange(Invariants.AnsweredOnceTakenOut(log.All, injected));
    }

    var report = Report.Of(await new HistoryReader(database, broker, deadLetters).ReadAsync(log.All, quiet, before, cancel.Token), freshness, replicaRules);
    var run = new { fault, checkouts = settings.Checkouts, replicas = replicas.Count, injectedAfterSeconds = Math.Round(injectedAfter.TotalSeconds, 1), heldSeconds = hold.TotalSeconds, agents = agentsWatch, quiet, report };
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

/// <summary>A replica to kill, and the agents it ran just before.</summary>
internal sealed record ReplicaKill(string Service, string Replica, IReadOnlySet<string> Agents, string AdminToken);
