using Shop.Faults.Workload;

namespace Shop.Faults.Checking;

/// <summary>The checker's verdict on a run, in the shape of Jepsen's results: valid or not, counts, and every violation.</summary>
public sealed record Report(
    bool Valid,
    int Requests,
    int Unknown,
    int Accepted,
    int Confirmed,
    int Cancelled,
    double? AllTerminalAfterSeconds,
    double? DrainedAfterSeconds,
    IReadOnlyDictionary<string, int> CancelledBecause,
    IReadOnlyList<FreshnessProbe> Freshness,
    IReadOnlyList<Violation> Violations)
{
    /// <summary>The verdict on a history, with the rules judged outside it (freshness after the heal, and a replica run's own rules).</summary>
    public static Report Of(History history, IReadOnlyList<FreshnessProbe> freshness, IEnumerable<Violation>? also = null)
    {
        var violations = Invariants.Check(history).Concat(Invariants.FreshAfterHeal(freshness)).Concat(also ?? []).ToList();
        // Counts are about this run's orders; the rules judge every order the shop holds.
        var ours = history.Requests.Where(r => r.OrderId is not null).Select(r => r.OrderId!.Value).ToHashSet();
        var orders = history.Orders().Where(o => ours.Contains(o.Key)).Select(o => o.Value).Where(events => events.Any(e => e.Type == "order_checked_out")).ToList();
        var terminals = orders.Select(events => events.FirstOrDefault(e => e.Type is "order_confirmed" or "order_cancelled")).ToList();
        var lastTerminal = terminals.All(t => t is not null) && terminals.Count > 0 ? terminals.Max(t => t!.Timestamp) : (DateTimeOffset?)null;
        return new Report(
            violations.Count == 0,
            history.Requests.Count,
            history.Requests.Count(r => r.Outcome == Outcome.Info),
            orders.Count,
            orders.Count(events => Invariants.Status(events) == "confirmed"),
            orders.Count(events => events.Any(e => e.Type == "order_cancelled")),
            lastTerminal is { } last ? Math.Max(0, Math.Round((last - history.Quiet).TotalSeconds, 1)) : null,
            history.Drained is { } drained ? Math.Max(0, Math.Round((drained - history.Quiet).TotalSeconds, 1)) : null,
            orders.SelectMany(events => events.Where(e => e.Type == "order_cancelled").Take(1)).GroupBy(e => e.Text("reason").Split(':')[0]).ToDictionary(g => g.Key, g => g.Count()),
            freshness,
            violations);
    }
}
