using Marten;
using Marten.Events;
using Shop.Contracts.Inventory;
using Shop.Inventory.Products;
using Wolverine;

namespace Shop.Inventory.Tests;

public class OversellTests(InventoryFixture fixture)
{
    [Fact]
    public async Task many_simultaneous_orders_for_the_last_units_never_reserve_more_than_was_received()
    {
        const int units = 5;
        const int orders = 40;
        var scarce = await fixture.ProductAsync(stock: units);
        var bus = fixture.Host.MessageBus();

        var answers = await Task.WhenAll(Enumerable.Range(0, orders).Select(_ => Task.Run(() =>
            bus.InvokeAsync<object>(InventoryFixture.Reserve(Guid.NewGuid(), (scarce, 1)), TestContext.Current.CancellationToken, TimeSpan.FromSeconds(60)))));
        var replies = answers.SelectMany(a => a as IEnumerable<object> ?? [a]).ToList();

        replies.OfType<StockReservedForOrder>().Count().ShouldBe(units);
        replies.OfType<StockReservationRejected>().Count().ShouldBe(orders - units);
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var product = (await session.Events.AggregateStreamAsync<Product>(scarce, token: TestContext.Current.CancellationToken))!;
        product.Reservations.Values.Sum().ShouldBe(units);
        product.Available.ShouldBe(0);

        await fixture.Host.WaitForNonStaleProjectionDataAsync(TimeSpan.FromSeconds(30));
        var level = (await session.LoadAsync<StockLevel>(scarce, TestContext.Current.CancellationToken))!;
        (level.Received, level.Reserved, level.Available).ShouldBe((units, units, 0));
    }

    [Fact]
    public async Task simultaneous_reservations_of_one_product_wait_for_each_other_instead_of_failing_and_running_again()
    {
        const int orders = 20;
        var popular = await fixture.ProductAsync(stock: orders);

        var bus = fixture.Host.MessageBus();

        await Task.WhenAll(Enumerable.Range(0, orders).Select(_ => Task.Run(() =>
            bus.InvokeAsync<object>(InventoryFixture.Reserve(Guid.NewGuid(), (popular, 1)), TestContext.Current.CancellationToken, TimeSpan.FromSeconds(60)))));

        fixture.Statements.Failures.Where(f => f.Values.Contains(popular)).ShouldBeEmpty();
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var product = (await session.Events.AggregateStreamAsync<Product>(popular, token: TestContext.Current.CancellationToken))!;
        product.Reservations.Count.ShouldBe(orders);
    }
}
