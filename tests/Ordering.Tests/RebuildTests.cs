using Marten;
using Marten.Events;
using Shop.Ordering.Orders;
using Shop.ServiceDefaults.Projections.Rebuilds;
using Shop.Testing;

namespace Shop.Ordering.Tests;

[CollectionDefinition(DisableParallelization = true)]
public sealed class Rebuilds;

[Collection(nameof(Rebuilds))]
public class RebuildTests(OrderingFixture fixture)
{
    [Fact]
    public async Task rebuilding_order_details_from_the_command_line_yields_the_same_documents()
    {
        const string schema = "ordering_cli_tests";
        var (_, token) = fixture.Customer();
        var (mug, lamp) = (fixture.Inventory.Product(price: 3m), fixture.Inventory.Product(price: 20m));

        var (before, after, outcome) = await ProjectionRebuilds.FromCommandLineAsync(
            "Ordering",
            schema,
            ["mt_doc_orderdetails"],
            () => fixture.StartAsync(schema),
            async service =>
            {
                var created = await service.Scenario(s =>
                {
                    s.Post.Json(new { items = new[] { new { productId = mug, quantity = 2 } } }).ToUrl("/orders");
                    s.Bearer(token);
                    s.StatusCodeShouldBe(201);
                });
                var id = (await created.ReadAsJsonAsync<Shop.Ordering.Orders.OrderResponse>())!.Id;
                foreach (var (url, body, status) in new (string, object, int)[]
                {
                    ($"/orders/{id}/items", new { productId = lamp, quantity = 1 }, 200),
                    ($"/orders/{id}/checkout", new { paymentMethod = "pm_card_visa" }, 202),
                })
                {
                    await service.Scenario(s =>
                    {
                        s.Post.Json(body).ToUrl(url);
                        s.Bearer(token);
                        s.StatusCodeShouldBe(status);
                    });
                }
            },
            ct: TestContext.Current.CancellationToken);

        outcome.ExitCode.ShouldBe(0, outcome.Output);
        before.Count.ShouldBe(1);
        after.ShouldBe(before);
    }

    [Fact]
    public async Task a_rebuild_of_order_details_over_100k_events_never_answers_a_read_with_404_or_an_older_order()
    {
        const string schema = "ordering_blue_green_tests";
        const int orders = 20_000;
        const int eventsPerOrder = 5;
        var ct = TestContext.Current.CancellationToken;
        await using var service = await fixture.StartAsync(schema);
        await service.ResetAllMartenDataAsync();
        var customer = Guid.NewGuid();
        var token = fixture.Tokens.Customer(customer);
        var ids = await SeedAsync(service.Services.GetRequiredService<IDocumentStore>(), customer, orders, eventsPerOrder, ct);
        await service.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(120));

        // A sample read throughout the rebuild, as a client would: each answer must be there and never behind the last.
        var sample = ids.Where((_, i) => i % 400 == 0).ToList();
        var seen = new Dictionary<Guid, long>();
        foreach (var id in sample)
        {
            seen[id] = (await ReadAsync(service, id, token)).Version;
        }

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var reads = 0;
        var reader = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                foreach (var id in sample)
                {
                    var details = await ReadAsync(service, id, token);
                    details.Version.ShouldBeGreaterThanOrEqualTo(seen[id], $"order {id} went back during the rebuild");
                    seen[id] = details.Version;
                    reads++;
                }
            }
        }, ct);
        // Writes go on as well: the live read model keeps up with them, and the rebuilt one has them when it takes over.
        var writer = Task.Run(async () =>
        {
            var product = fixture.Inventory.Product(price: 2m);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                await service.Scenario(s =>
                {
                    s.Post.Json(new { productId = product, quantity = 1 }).ToUrl($"/orders/{sample[i % sample.Count]}/items");
                    s.Bearer(token);
                    s.StatusCodeShouldBe(200);
                });
            }
        }, ct);

        RebuildStatus status;
        try
        {
            status = await ProjectionRebuilds.ThroughAdminEndpointAsync(service, "OrderDetails", fixture.Tokens.Admin());
        }
        finally
        {
            await stop.CancelAsync();
        }

        await reader;
        await writer;
        status.EventsTotal.ShouldBeGreaterThanOrEqualTo(orders * eventsPerOrder);
        reads.ShouldBeGreaterThan(sample.Count, "the read model was read while it was rebuilt");
        await service.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(60));
        await using var session = service.Services.GetRequiredService<IDocumentStore>().QuerySession();
        (await session.Query<OrderDetails>().CountAsync(ct)).ShouldBe(orders);
        foreach (var id in sample)
        {
            (await ReadAsync(service, id, token)).Version.ShouldBe((await session.Events.FetchStreamStateAsync(id, ct))!.Version);
        }
    }

    private static async Task<OrderDetails> ReadAsync(Alba.IAlbaHost service, Guid id, string token) =>
        (await (await service.Scenario(s =>
        {
            s.Get.Url($"/orders/{id}");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        })).ReadAsJsonAsync<OrderDetails>())!;

    /// <summary>Orders of one customer, each an OrderCreated and then items added, appended straight to the event log.</summary>
    private static async Task<List<Guid>> SeedAsync(IDocumentStore store, Guid customer, int orders, int eventsPerOrder, CancellationToken ct)
    {
        var ids = Enumerable.Range(0, orders).Select(_ => Guid.CreateVersion7()).ToList();
        foreach (var batch in ids.Chunk(2_000))
        {
            await using var session = store.LightweightSession();
            foreach (var id in batch)
            {
                var events = new List<object> { new OrderCreated(id, customer, "EUR", []) };
                events.AddRange(Enumerable.Range(1, eventsPerOrder - 1)
                    .Select(i => new ItemAdded(id, customer, "EUR", new OrderLine(Guid.NewGuid(), $"Item {i}", i, 1.5m))));
                session.Events.StartStream<Order>(id, events);
            }

            await session.SaveChangesAsync(ct);
        }

        return ids;
    }
}
