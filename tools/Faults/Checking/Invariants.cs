using Shop.Faults.Workload;

namespace Shop.Faults.Checking;

/// <summary>One broken promise: which rule, about what, and what was seen.</summary>
public sealed record Violation(string Rule, string Subject, string Detail);

/// <summary>
/// What must hold after any single fault, healed (issue #14, item 4). Each rule is a pure function of
/// the history; a rule returns nothing when it holds.
/// </summary>
public static class Invariants
{
    public static readonly TimeSpan TerminalWithin = TimeSpan.FromSeconds(60);
    public static readonly TimeSpan DrainedWithin = TimeSpan.FromSeconds(30);

    /// <summary>Every rule; each names itself in the violations it reports.</summary>
    public static readonly IReadOnlyList<Func<History, IEnumerable<Violation>>> All =
    [
        AcceptedOrdersKept,
        OrdersTerminate,
        OneNetCapture,
        StockConserved,
        OneEffectPerIdempotencyKey,
        SagaMessagesHandled,
        Drained,
        ReadModelsMatchFolds,
        OneNotificationPerOrderStatus,
    ];

    public static IReadOnlyList<Violation> Check(History history) => [.. All.SelectMany(rule => rule(history))];

    /// <summary>A write made right after the heal shows in its read model within <see cref="FreshnessProbes.Bound"/>, in every service.</summary>
    public static IEnumerable<Violation> FreshAfterHeal(IEnumerable<FreshnessProbe> probes) =>
        probes.Where(p => p.Problem is not null || p.Seconds is null || p.Seconds > FreshnessProbes.Bound.TotalSeconds)
            .Select(p => new Violation("fresh-after-heal", $"{p.Service}: {p.Write}", p.Problem ?? $"visible after {p.Seconds} s"));

    /// <summary>
    /// How long a failing replica may cost clients: the gateway's active health checks probe every 2 s, and a
    /// replica cut off from the broker knows its connection dead after a few missed AMQP heartbeats.
    /// </summary>
    public static readonly TimeSpan TakenOutWithin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// How long a killed replica's agents (projections, the durability agent with the saga's timeouts) may stay
    /// stopped, from the kill: the crash is seen within about a second (CrashedNodes), then an assignment round starts
    /// them on a live replica.
    /// </summary>
    public static readonly TimeSpan AgentsResumeWithin = TimeSpan.FromSeconds(5);

    /// <summary>
    /// With replicas, one of them failing is no client's problem for long: no order request made more than
    /// <see cref="TakenOutWithin"/> after the fault is answered 5xx or left without an answer. A dead replica is
    /// taken out by the gateway; one cut off from the broker stays in and answers from its outbox.
    /// </summary>
    public static IEnumerable<Violation> AnsweredOnceTakenOut(IEnumerable<RecordedRequest> requests, DateTimeOffset injected) =>
        requests.Where(r => r.Outcome == Outcome.Info && r.Invoked > injected + TakenOutWithin)
            .Select(r => new Violation("answered-once-taken-out", $"{r.Kind} {r.OrderId?.ToString() ?? "(new order)"}",
                $"{(r.Status is { } status ? $"answered {status}" : "no answer")} {(r.Invoked - injected).TotalSeconds:0.0} s after the fault"));

    /// <summary>The agents a killed replica ran are running again on a live replica within <see cref="AgentsResumeWithin"/>.</summary>
    public static IEnumerable<Violation> AgentsResumed(string replica, IReadOnlyCollection<string> agents, double? seconds) =>
        seconds is { } s && s <= AgentsResumeWithin.TotalSeconds
            ? []
            : [new Violation("agents-resumed", replica, seconds is { } late
                ? $"its {agents.Count} agents ran again after {late:0.0} s"
                : $"its agents ({string.Join(", ", agents)}) were not running anywhere 30 s after the kill")];

    /// <summary>Every order the shop answered 201 (created) or 202 (checked out) for exists, and is checked out when 202 said so.</summary>
    public static IEnumerable<Violation> AcceptedOrdersKept(History h)
    {
        var orders = h.Orders();
        foreach (var request in h.Requests.Where(r => r.Outcome == Outcome.Ok && r.OrderId is { } && r.Kind is "create" or "checkout"))
        {
            var id = request.OrderId!.Value;
            if (!orders.TryGetValue(id, out var events))
            {
                yield return new("accepted-orders-kept", $"order {id}", $"answered {request.Status} to {request.Kind}, but the order has no events");
            }
            else if (request.Kind == "checkout" && events.All(e => e.Type != "order_checked_out"))
            {
                yield return new("accepted-orders-kept", $"order {id}", "checkout answered 202, but the order was never checked out");
            }
        }
    }

    /// <summary>Every checked-out order ends Confirmed or Cancelled, within a minute of the heal (or of its checkout, if later).</summary>
    public static IEnumerable<Violation> OrdersTerminate(History h)
    {
        foreach (var (id, events) in h.Orders())
        {
            if (events.FirstOrDefault(e => e.Type == "order_checked_out") is not { } checkedOut)
            {
                continue;
            }

            var deadline = (checkedOut.Timestamp > h.Quiet ? checkedOut.Timestamp : h.Quiet) + TerminalWithin;
            var terminal = events.FirstOrDefault(e => e.Type is "order_confirmed" or "order_cancelled");
            if (terminal is null)
            {
                yield return new("orders-terminate", $"order {id}", "checked out, but neither confirmed nor cancelled");
            }
            else if (terminal.Timestamp > deadline)
            {
                yield return new("orders-terminate", $"order {id}", $"{terminal.Type} {(terminal.Timestamp - deadline).TotalSeconds:0.0} s after the deadline");
            }
        }
    }

    /// <summary>At most one capture per order; a confirmed order keeps exactly its total, a cancelled one nothing.</summary>
    public static IEnumerable<Violation> OneNetCapture(History h)
    {
        var payments = h.PaymentsByOrder();
        foreach (var (id, events) in h.Orders())
        {
            var payment = payments.GetValueOrDefault(id) ?? [];
            var captures = payment.Where(e => e.Type == "payment_captured").ToList();
            var net = captures.Sum(e => e.Decimal("amount")) - payment.Where(e => e.Type == "payment_refunded").Sum(e => e.Decimal("amount"));
            if (captures.Count > 1)
            {
                yield return new("one-net-capture", $"order {id}", $"captured {captures.Count} times");
            }

            switch (Status(events))
            {
                case "confirmed" when captures.Count != 1 || net != events.First(e => e.Type == "order_checked_out").Decimal("total"):
                    yield return new("one-net-capture", $"order {id}", $"confirmed with {captures.Count} capture(s) and {net} kept");
                    break;
                case "cancelled" when net != 0:
                    yield return new("one-net-capture", $"order {id}", $"cancelled, but {net} kept");
                    break;
            }
        }
    }

    /// <summary>
    /// Bank-style, per product, after every event: units never go negative or oversold, an order never
    /// gives back more than it holds; at the end a cancelled order holds nothing and a confirmed one
    /// holds what it ordered.
    /// </summary>
    public static IEnumerable<Violation> StockConserved(History h)
    {
        var held = new Dictionary<(Guid Product, Guid Order), int>();
        foreach (var product in h.Of("inventory").GroupBy(e => e.StreamId))
        {
            int received = 0, reserved = 0, sold = 0;
            foreach (var e in product.OrderBy(e => e.Version))
            {
                var key = e.Type is "stock_reserved" or "stock_released" or "stock_committed" ? (product.Key, e.Guid("orderId")) : default;
                switch (e.Type)
                {
                    case "stock_received":
                        received += e.Int("quantity");
                        break;
                    case "stock_reserved":
                        reserved += e.Int("quantity");
                        held[key] = held.GetValueOrDefault(key) + e.Int("quantity");
                        break;
                    case "stock_released" or "stock_committed":
                        if (held.GetValueOrDefault(key) < e.Int("quantity"))
                        {
                            yield return new("stock-conserved", $"product {product.Key}", $"{e.Type} of {e.Int("quantity")} for order {key.Item2}, which holds {held.GetValueOrDefault(key)}");
                        }

                        reserved -= e.Int("quantity");
                        sold += e.Type == "stock_committed" ? e.Int("quantity") : 0;
                        held[key] = held.GetValueOrDefault(key) - e.Int("quantity");
                        break;
                }

                if (received - reserved - sold < 0 || reserved < 0)
                {
                    yield return new("stock-conserved", $"product {product.Key}", $"after version {e.Version}: received {received}, reserved {reserved}, sold {sold}");
                }
            }
        }

        foreach (var (id, events) in h.Orders())
        {
            var holds = held.Where(x => x.Key.Order == id && x.Value != 0).Sum(x => x.Value);
            var ordered = Ordered(events);
            switch (Status(events))
            {
                case "cancelled" when holds != 0:
                    yield return new("stock-conserved", $"order {id}", $"cancelled, but still holds {holds} unit(s)");
                    break;
                case "confirmed" when holds != ordered:
                    yield return new("stock-conserved", $"order {id}", $"confirmed for {ordered} unit(s), holds {holds}");
                    break;
            }
        }
    }

    /// <summary>
    /// The same key with the same body has one effect and one answer; with another body it is refused
    /// with 422. Per customer who only creates orders with keys, one order per key at most.
    /// </summary>
    public static IEnumerable<Violation> OneEffectPerIdempotencyKey(History h)
    {
        var keyed = h.Requests.Where(r => r.Key is not null).ToList();
        foreach (var group in keyed.GroupBy(r => (r.CustomerId, r.Kind, r.Key)))
        {
            var answered = group.Where(r => r.Outcome == Outcome.Ok).OrderBy(r => r.Invoked).ToList();
            if (answered.Count == 0)
            {
                continue;
            }

            var first = answered[0];
            foreach (var repeat in answered.Skip(1).Where(r => r.BodyHash == first.BodyHash && r.OrderId != first.OrderId))
            {
                yield return new("one-effect-per-idempotency-key", $"key {group.Key.Key}", $"repeat answered order {repeat.OrderId}, the first answer was order {first.OrderId}");
            }

            foreach (var other in group.Where(r => r.BodyHash != first.BodyHash && r.Invoked > first.Completed && r.Status is >= 200 and < 300))
            {
                yield return new("one-effect-per-idempotency-key", $"key {group.Key.Key}", $"another body was answered {other.Status}, not 422");
            }
        }

        var created = h.Orders().Values.Select(events => events[0].Guid("customerId")).GroupBy(c => c).ToDictionary(g => g.Key, g => g.Count());
        var unkeyed = h.Requests.Where(r => r.Kind == "create" && r.Key is null).Select(r => r.CustomerId).ToHashSet();
        foreach (var customer in keyed.Where(r => r.Kind == "create").GroupBy(r => r.CustomerId).Where(g => !unkeyed.Contains(g.Key)))
        {
            var keys = customer.Select(r => r.Key).Distinct().Count();
            var orders = created.GetValueOrDefault(customer.Key);
            if (orders > keys)
            {
                yield return new("one-effect-per-idempotency-key", $"customer {customer.Key}", $"{orders} orders created with {keys} key(s)");
            }
        }
    }

    /// <summary>
    /// Every saga command sent was handled and every reply taken into account: each checked-out order
    /// has Inventory's decision, each payment asked for is settled, and what Inventory released or
    /// Payments refunded is recorded on the order. Nothing is dead-lettered.
    /// </summary>
    public static IEnumerable<Violation> SagaMessagesHandled(History h)
    {
        var payments = h.PaymentsByOrder();
        foreach (var (id, events) in h.Orders().Where(o => o.Value.Any(e => e.Type == "order_checked_out")))
        {
            if (!h.Reservations.TryGetValue(id, out var reservation))
            {
                yield return new("saga-messages-handled", $"order {id}", "checked out, but Inventory never decided on its stock");
            }

            var types = events.Select(e => e.Type).ToList();
            var reservedWhileSubmitted = types.IndexOf("order_stock_reserved") is var r and >= 0 && (types.IndexOf("order_cancelled") is var c && (c < 0 || c > r));
            var payment = payments.GetValueOrDefault(id);
            if (reservedWhileSubmitted && payment is null)
            {
                yield return new("saga-messages-handled", $"order {id}", "payment asked for, but Payments never heard of it");
            }
            else if (payment is not null && payment.All(e => e.Type is not ("payment_captured" or "payment_declined")))
            {
                yield return new("saga-messages-handled", $"order {id}", "payment asked for, but never settled");
            }

            if (types.Contains("order_stock_reserved") && reservation == "Released" && !types.Contains("order_stock_released"))
            {
                yield return new("saga-messages-handled", $"order {id}", "Inventory released its stock, but the order never heard");
            }

            if (payment?.Any(e => e.Type == "payment_refunded") == true && !types.Contains("order_payment_refunded"))
            {
                yield return new("saga-messages-handled", $"order {id}", "Payments refunded it, but the order never heard");
            }
        }

        foreach (var letter in h.DeadLetters)
        {
            yield return new("saga-messages-handled", $"{letter.Place}: {letter.Name}", $"dead-lettered: {letter.Reason}");
        }
    }

    /// <summary>Outboxes, inboxes and broker queues are empty within 30 s of the shop going quiet.</summary>
    public static IEnumerable<Violation> Drained(History h)
    {
        if (h.Drained is { } drained && drained <= h.Quiet + DrainedWithin)
        {
            yield break;
        }

        var left = string.Join(", ", h.Backlogs.Where(b => b.Outgoing + b.Incoming > 0).Select(b => $"{b.Place}: {b.Outgoing} out, {b.Incoming} in"));
        yield return new("drained", "outboxes, inboxes and queues", h.Drained is { } late
            ? $"drained {(late - h.Quiet).TotalSeconds:0.0} s after the shop went quiet"
            : $"not drained: {left}");
    }

    /// <summary>Orders, stock levels and payments as their read models show them equal a fresh fold of their streams.</summary>
    public static IEnumerable<Violation> ReadModelsMatchFolds(History h)
    {
        var rows = h.ReadModels.ToDictionary(r => (r.Model, r.Id));
        foreach (var (id, events) in h.Orders())
        {
            var status = Status(events) ?? (events.Any(e => e.Type == "order_checked_out") ? "submitted" : "pending");
            var shown = rows.TryGetValue(("order", id), out var row) ? row.Document.GetProperty("status").GetString()?.ToLowerInvariant() : null;
            if (shown != status)
            {
                yield return new("read-models-match-folds", $"order {id}", $"read model says {shown ?? "nothing"}, the events say {status}");
            }
        }

        foreach (var product in h.Of("inventory").GroupBy(e => e.StreamId).Where(g => g.Any(e => e.Type == "product_added")))
        {
            var folded = (
                Received: product.Where(e => e.Type == "stock_received").Sum(e => e.Int("quantity")),
                Reserved: product.Where(e => e.Type == "stock_reserved").Sum(e => e.Int("quantity")) - product.Where(e => e.Type is "stock_released" or "stock_committed").Sum(e => e.Int("quantity")),
                Sold: product.Where(e => e.Type == "stock_committed").Sum(e => e.Int("quantity")));
            var shown = rows.TryGetValue(("stock", product.Key), out var row)
                ? (row.Document.GetProperty("received").GetInt32(), row.Document.GetProperty("reserved").GetInt32(), row.Document.GetProperty("sold").GetInt32())
                : default;
            if (shown != folded)
            {
                yield return new("read-models-match-folds", $"product {product.Key}", $"read model says {shown}, the events say {folded}");
            }
        }

        foreach (var payment in h.Of("payments").GroupBy(e => e.StreamId).Where(g => g.Any(e => e.Type == "payment_requested")))
        {
            var folded = (
                Captured: payment.Where(e => e.Type == "payment_captured").Sum(e => e.Decimal("amount")),
                Refunded: payment.Where(e => e.Type == "payment_refunded").Sum(e => e.Decimal("amount")));
            var shown = rows.TryGetValue(("payment", payment.Key), out var row)
                ? (row.Document.GetProperty("captured").GetDecimal(), row.Document.GetProperty("refunded").GetDecimal())
                : (-1m, -1m);
            if (shown != folded)
            {
                yield return new("read-models-match-folds", $"payment {payment.Key}", $"read model says {shown}, the events say {folded}");
            }
        }
    }

    /// <summary>Exactly one notification for each status an order reached (created at checkout, confirmed, cancelled).</summary>
    public static IEnumerable<Violation> OneNotificationPerOrderStatus(History h)
    {
        var sent = h.Of("notifications").Where(e => e.Type == "notification_requested")
            .GroupBy(e => (Order: e.Guid("orderId"), Template: e.Text("template")))
            .ToDictionary(g => g.Key, g => g.Count());
        foreach (var (id, events) in h.Orders())
        {
            var reached = new[] { ("order_checked_out", "order-created"), ("order_confirmed", "order-confirmed"), ("order_cancelled", "order-cancelled") };
            foreach (var (type, template) in reached)
            {
                var expected = events.Any(e => e.Type == type) ? 1 : 0;
                var count = sent.GetValueOrDefault((id, template));
                if (count != expected)
                {
                    yield return new("one-notification-per-order-status", $"order {id}", $"{count} {template} notification(s), expected {expected}");
                }
            }
        }
    }

    /// <summary>"confirmed" or "cancelled" by the order's last terminal event, or null while it has none.</summary>
    internal static string? Status(List<StoredEvent> events) =>
        events.LastOrDefault(e => e.Type is "order_confirmed" or "order_cancelled")?.Type switch
        {
            "order_confirmed" => "confirmed",
            "order_cancelled" => "cancelled",
            _ => null,
        };

    /// <summary>Units on the order when it was checked out: its lines as created, plus items added, less items removed.</summary>
    private static int Ordered(List<StoredEvent> events)
    {
        var lines = new Dictionary<Guid, int>();
        foreach (var e in events)
        {
            switch (e.Type)
            {
                case "order_created":
                    foreach (var line in e.Data.GetProperty("lines").EnumerateArray())
                    {
                        lines[line.GetProperty("productId").GetGuid()] = line.GetProperty("quantity").GetInt32();
                    }

                    break;
                case "item_added":
                    var added = e.Data.GetProperty("line");
                    var product = added.GetProperty("productId").GetGuid();
                    lines[product] = lines.GetValueOrDefault(product) + added.GetProperty("quantity").GetInt32();
                    break;
                case "item_removed":
                    lines.Remove(e.Guid("productId"));
                    break;
            }
        }

        return lines.Values.Sum();
    }
}
