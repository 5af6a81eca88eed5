using Shop.EndToEnd.Tests.Telemetry;
using Shop.Testing;

namespace Shop.EndToEnd.Tests;

/// <summary>What the services export over OTLP for one checkout, as a collector or the trace viewer receives it.</summary>
[Collection(nameof(TheShop))]
public class TracingTests(ShopProcesses shop)
{
    private static readonly string[] EveryService = ["gateway", "ordering", "inventory", "payments", "notifications"];
    private static readonly string[] Shop = [.. ShopProcesses.Services.Keys];
    private const int ServerKind = 2;

    [Fact]
    public async Task one_checkout_is_one_trace_through_every_service_in_causal_order()
    {
        var (token, product) = await shop.CustomerWithProductAsync(price: 7m);
        var (_, traceId) = await shop.ConfirmedCheckoutAsync(token, product);

        var trace = await TraceAsync(traceId, spans =>
            EveryService.All(service => spans.Any(s => s.Service == service))
            && spans.Any(s => s.Service == "notifications" && s.Name.Contains("order.confirmed", StringComparison.Ordinal))
            && Roots(spans).Count() == 1);

        var root = Roots(trace).Single();
        (root.Service, root.Kind).ShouldBe(("gateway", ServerKind));
        var byId = trace.ToDictionary(s => s.SpanId);
        foreach (var span in trace.Where(s => s != root))
        {
            span.Start.ShouldBeGreaterThanOrEqualTo(byId[span.ParentSpanId!].Start, $"{span.Service} span '{span.Name}' starts after its parent");
        }

        // The saga's path, each step caused by the one before: checkout, reservation, capture, confirmation, notification.
        // Message spans are named after the messages' wire names (name and version), not their .NET types.
        var reservation = First(trace, "inventory", "inventory.reserve_stock");
        var capture = First(trace, "payments", "payments.process_payment");
        var notified = First(trace, "notifications", "order.confirmed");
        Ancestors(byId, reservation).ShouldContain(s => s.Service == "ordering");
        Ancestors(byId, capture).ShouldContain(s => s.Service == "inventory");
        Ancestors(byId, notified).ShouldContain(s => s.Service == "payments");
        trace.Where(s => s.Attributes.ContainsKey("messaging.system")).Select(s => s.Service).Distinct().Order()
            .ShouldBe(EveryService.Where(s => s != "gateway").Order());
        var withDatabaseSpans = trace.Where(s => s.Attributes.ContainsKey("db.system") || s.Attributes.ContainsKey("db.system.name")).Select(s => s.Service).ToHashSet();
        new[] { "ordering", "inventory", "payments", "notifications" }.ShouldAllBe(service => withDatabaseSpans.Contains(service));
    }

    [Fact]
    public async Task the_viewer_gets_only_the_shops_services_each_under_its_name_version_and_instance()
    {
        var (token, product) = await shop.CustomerWithProductAsync(price: 2m);
        await shop.SettledAsync(token, await shop.CheckOutAsync(token, product, "pm_card_visa"));

        var senders = await Eventually.ValueAsync(
            () => Task.FromResult(shop.Telemetry.Senders),
            all => EveryService.All(all.ContainsKey),
            TimeSpan.FromSeconds(60),
            "telemetry from every service");

        senders.Keys.ShouldAllBe(service => Shop.Contains(service), "only the shop's services export traces, metrics or logs (the trace viewer exported its own before)");
        foreach (var (service, resource) in senders)
        {
            resource.GetValueOrDefault("service.namespace").ShouldBe("shop", service);
            resource.GetValueOrDefault("service.version").ShouldNotBeNullOrEmpty(service);
            resource.GetValueOrDefault("service.instance.id").ShouldNotBeNullOrEmpty(service);
        }
    }

    [Fact]
    public async Task every_message_a_checkout_sends_is_logged_where_it_is_handled_with_the_checkouts_trace_id()
    {
        var (token, product) = await shop.CustomerWithProductAsync(price: 4m);
        var (_, traceId) = await shop.ConfirmedCheckoutAsync(token, product);

        foreach (var (service, message) in new[] { ("Inventory", "ReserveStock"), ("Ordering", "StockReservedForOrder"), ("Payments", "ProcessPayment"), ("Ordering", "PaymentSucceeded"), ("Notifications", "OrderConfirmed") })
        {
            await HandledLineAsync(service, message, traceId);
        }
    }

    /// <summary>The spans of one trace, once <paramref name="complete"/> says every part has arrived.</summary>
    private async Task<IReadOnlyList<ReceivedSpan>> TraceAsync(string traceId, Func<IReadOnlyList<ReceivedSpan>, bool> complete)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            // An exporter that retried a batch sends its spans twice.
            var spans = shop.Telemetry.Spans.Where(s => s.TraceId == traceId).DistinctBy(s => s.SpanId).ToList();
            if (complete(spans))
            {
                return spans;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"trace {traceId} incomplete after 60 s; spans by service: {string.Join("; ", spans.GroupBy(s => s.Service).Select(g => $"{g.Key}: {string.Join(", ", g.Select(s => s.Name).Distinct())}"))}");
            }

            await Task.Delay(250);
        }
    }

    /// <summary>Spans whose parent is not in the trace: only the gateway's request once every span has arrived.</summary>
    private static IEnumerable<ReceivedSpan> Roots(IReadOnlyList<ReceivedSpan> spans) =>
        spans.Where(s => s.ParentSpanId is null || spans.All(p => p.SpanId != s.ParentSpanId));

    /// <summary>Waits for the service's log line saying it handled the message, in the given trace.</summary>
    private static Task HandledLineAsync(string service, string message, string traceId)
    {
        var log = Path.Combine(ShopProcesses.Root, ".local", "logs", $"{service}.log");
        return Eventually.ValueAsync(
            async () =>
            {
                await using var stream = new FileStream(log, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
                using var reader = new StreamReader(stream);
                while (await reader.ReadLineAsync() is { } line)
                {
                    if (line.Contains(traceId, StringComparison.Ordinal) && line.Contains("Successfully processed message", StringComparison.Ordinal)
                        && line.Contains(message, StringComparison.Ordinal) && line.Contains("\"LogLevel\":\"Information\"", StringComparison.Ordinal))
                    {
                        return true;
                    }
                }

                return false;
            },
            found => found,
            TimeSpan.FromSeconds(30),
            $"{service} logging a handled {message} in trace {traceId} ({log})");
    }

    private static ReceivedSpan First(IEnumerable<ReceivedSpan> trace, string service, string message) =>
        trace.Where(s => s.Service == service && s.Name.Contains(message, StringComparison.Ordinal)).MinBy(s => s.Start)
        ?? throw new ShouldAssertException($"no {service} span for {message}");

    private static IEnumerable<ReceivedSpan> Ancestors(Dictionary<string, ReceivedSpan> byId, ReceivedSpan span)
    {
        while (span.ParentSpanId is { } parent && byId.TryGetValue(parent, out var next))
        {
            yield return next;
            span = next;
        }
    }
}
