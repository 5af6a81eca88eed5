using Marten;
using Marten.Events;
using Shop.Contracts.Inventory;
using Shop.Inventory.Products;
using Wolverine.Tracking;

namespace Shop.Inventory.Tests;

/// <summary>The saga's side of Inventory: reserve, release and commit an order's stock, idempotently.</summary>
public class ReservationTests(InventoryFixture fixture)
{
    [Fact]
    public async Task an_order_of_several_products_is_reserved_whole_and_priced_from_the_catalog()
    {
        var (mug, lamp) = (await fixture.ProductAsync(stock: 5, price: 4.5m, name: "Mug"), await fixture.ProductAsync(stock: 2, price: 30m, name: "Lamp"));
        var order = Guid.NewGuid();

        var reply = await fixture.HandleAsync<StockReservedForOrder>(InventoryFixture.Reserve(order, (mug, 3), (lamp, 2)));

        reply.Lines.OrderBy(l => l.UnitPrice).Select(l => (l.Name, l.Quantity, l.UnitPrice)).ShouldBe([("Mug", 3, 4.5m), ("Lamp", 2, 30m)]);
        (await ProductAsync(mug)).Available.ShouldBe(2);
        (await ProductAsync(lamp)).Available.ShouldBe(0);
    }

    [Fact]
    public async Task a_reservation_reads_its_order_and_its_product_inside_the_transaction_that_writes_them()
    {
        var mug = await fixture.ProductAsync(stock: 2);
        var order = Guid.NewGuid();

        await fixture.HandleAsync<StockReservedForOrder>(InventoryFixture.Reserve(order, (mug, 1)));

        var reads = fixture.Statements.Statements.Where(s => s.Values.Contains(order) || s.Values.Contains(mug)).ToList();
        reads.ShouldContain(s => s.Sql.Contains("mt_doc_orderreservation") && s.IsRead);
        reads.ShouldContain(s => s.Sql.Contains("mt_streams") && s.IsRead);
        reads.Where(s => s.IsRead).ShouldAllBe(s => s.InTransaction);
    }

    [Fact]
    public async Task replies_are_routed_to_the_ordering_queue()
    {
        var mug = await fixture.ProductAsync(stock: 1);
        var order = Guid.NewGuid();

        var tracked = await fixture.Host.TrackActivity().InvokeMessageAndWaitAsync(InventoryFixture.Reserve(order, (mug, 1)));

        tracked.Sent.Envelopes().Where(e => e.Message is StockReservedForOrder r && r.OrderId == order)
            .ShouldHaveSingleItem().Destination.ShouldBe(new Uri("rabbitmq://queue/ordering"));
    }

    [Fact]
    public async Task when_one_product_falls_short_nothing_is_reserved_and_the_reply_names_it()
    {
        var (plenty, scarce) = (await fixture.ProductAsync(stock: 10), await fixture.ProductAsync(stock: 1));

        var reply = await fixture.HandleAsync<StockReservationRejected>(InventoryFixture.Reserve(Guid.NewGuid(), (plenty, 3), (scarce, 2)));

        reply.ProductId.ShouldBe(scarce);
        reply.Reason.ShouldContain("Only 1");
        (await ProductAsync(plenty)).Available.ShouldBe(10);
        (await ProductAsync(scarce)).Available.ShouldBe(1);
    }

    [Fact]
    public async Task an_unknown_or_discontinued_product_rejects_the_order()
    {
        var gone = await fixture.ProductAsync(stock: 3);
        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { }).ToUrl($"/products/{gone}/discontinue");
            s.WithRequestHeader("Authorization", $"Bearer {fixture.AdminToken}");
            s.StatusCodeShouldBeOk();
        });
        var unknown = Guid.NewGuid();

        (await fixture.HandleAsync<StockReservationRejected>(InventoryFixture.Reserve(Guid.NewGuid(), (gone, 1)))).Reason.ShouldContain("discontinued");
        (await fixture.HandleAsync<StockReservationRejected>(InventoryFixture.Reserve(Guid.NewGuid(), (unknown, 1)))).ProductId.ShouldBe(unknown);
    }

    [Fact]
    public async Task a_redelivered_reservation_gets_the_same_answer_and_holds_the_units_once()
    {
        var mug = await fixture.ProductAsync(stock: 5);
        var command = InventoryFixture.Reserve(Guid.NewGuid(), (mug, 2));

        var first = await fixture.HandleAsync<StockReservedForOrder>(command);
        var second = await fixture.HandleAsync<StockReservedForOrder>(command);

        second.ShouldBeEquivalentTo(first);
        (await ProductAsync(mug)).Available.ShouldBe(3);
        (await EventCountAsync(mug)).ShouldBe(3);
    }

    [Fact]
    public async Task a_release_gives_the_units_back_once_however_often_it_comes()
    {
        var mug = await fixture.ProductAsync(stock: 5);
        var order = Guid.NewGuid();
        await fixture.HandleAsync<StockReservedForOrder>(InventoryFixture.Reserve(order, (mug, 4)));

        await fixture.HandleAsync<StockReleasedForOrder>(new ReleaseStock(order));
        await fixture.HandleAsync<StockReleasedForOrder>(new ReleaseStock(order));

        (await ProductAsync(mug)).Available.ShouldBe(5);
        (await EventCountAsync(mug)).ShouldBe(4);
    }

    [Fact]
    public async Task a_release_that_arrives_before_its_reservation_makes_the_reservation_fail()
    {
        var mug = await fixture.ProductAsync(stock: 5);
        var order = Guid.NewGuid();

        await fixture.HandleAsync<StockReleasedForOrder>(new ReleaseStock(order));
        var late = await fixture.HandleAsync<StockReservationRejected>(InventoryFixture.Reserve(order, (mug, 1)));

        late.OrderId.ShouldBe(order);
        (await ProductAsync(mug)).Available.ShouldBe(5);
    }

    [Fact]
    public async Task committing_ships_what_the_order_holds_once_and_an_order_holding_nothing_cannot_commit()
    {
        var mug = await fixture.ProductAsync(stock: 5);
        var order = Guid.NewGuid();
        await fixture.HandleAsync<StockReservedForOrder>(InventoryFixture.Reserve(order, (mug, 2)));

        await fixture.HandleAsync<StockCommittedForOrder>(new CommitStock(order));
        await fixture.HandleAsync<StockCommittedForOrder>(new CommitStock(order));
        var refused = await fixture.HandleAsync<StockCommitRejected>(new CommitStock(Guid.NewGuid()));

        var product = await ProductAsync(mug);
        (product.OnHand, product.Available).ShouldBe((3, 3));
        refused.Reason.ShouldContain("holds no stock");
    }

    [Fact]
    public async Task lines_must_be_positive_distinct_and_at_most_999()
    {
        var mug = await fixture.ProductAsync(stock: 5);

        foreach (var command in new[]
        {
            InventoryFixture.Reserve(Guid.NewGuid()),
            InventoryFixture.Reserve(Guid.NewGuid(), (mug, 0)),
            InventoryFixture.Reserve(Guid.NewGuid(), (mug, 1000)),
            InventoryFixture.Reserve(Guid.NewGuid(), (mug, 1), (mug, 1)),
        })
        {
            await fixture.HandleAsync<StockReservationRejected>(command);
        }

        (await ProductAsync(mug)).Available.ShouldBe(5);
    }

    [Fact]
    public async Task a_reservation_starts_from_the_products_snapshot_instead_of_folding_its_whole_stream()
    {
        var mug = await fixture.ProductAsync(stock: 50);
        for (var i = 0; i < 5; i++)
        {
            await fixture.HandleAsync<StockReservedForOrder>(InventoryFixture.Reserve(Guid.NewGuid(), (mug, 1)));
        }

        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        await using (var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession())
        {
            (await session.LoadAsync<Product>(mug, TestContext.Current.CancellationToken))!.Available.ShouldBe(45);
        }

        using var replayed = new EventsReplayed(typeof(Product).FullName!);
        await fixture.HandleAsync<StockReservedForOrder>(InventoryFixture.Reserve(Guid.NewGuid(), (mug, 1)));

        replayed.Fetches.ShouldContain(("Async", 0L));
        replayed.Fetches.ShouldNotContain(f => f.Plan == "Live");
        (await ProductAsync(mug)).Available.ShouldBe(44);
    }

    private async Task<Product> ProductAsync(Guid id)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.AggregateStreamAsync<Product>(id, token: TestContext.Current.CancellationToken))!;
    }

    private async Task<long> EventCountAsync(Guid id)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamStateAsync(id, TestContext.Current.CancellationToken))!.Version;
    }
}
