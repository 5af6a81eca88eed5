using System.Collections.Immutable;
using Shop.Inventory.Products;
using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Inventory.Tests;

/// <summary>Stock rules as pure functions: given a product, when a command, then events or a refusal.</summary>
public class StockRulesTests
{
    private static readonly Guid Order = Guid.NewGuid();

    private static Product Mug(int onHand = 5) =>
        new(Guid.NewGuid(), "MUG", "Mug", 10m, "EUR", false, onHand, ImmutableDictionary<Guid, int>.Empty);

    [Fact]
    public void a_reservation_within_what_is_available_holds_the_units()
    {
        var mug = Mug();

        StockRules.Reserve(mug, Order, 5).Events.ShouldHaveSingleItem().ShouldBe(new StockReserved(mug.Id, Order, 5));
    }

    [Fact]
    public void a_reservation_beyond_what_is_available_is_refused()
    {
        var mug = Mug().Apply(new StockReserved(Guid.Empty, Guid.NewGuid(), 4));

        StockRules.Reserve(mug, Order, 2).Error.ShouldNotBeNull().Kind.ShouldBe(ErrorKind.Conflict);
    }

    [Fact]
    public void a_discontinued_product_cannot_be_reserved()
    {
        var mug = Mug().Apply(new ProductDiscontinued(Guid.Empty));

        StockRules.Reserve(mug, Order, 1).Error.ShouldNotBeNull().Message.ShouldContain("discontinued");
    }

    [Fact]
    public void reserving_again_for_the_same_order_changes_nothing()
    {
        var mug = Mug().Apply(new StockReserved(Guid.Empty, Order, 2));

        var again = StockRules.Reserve(mug, Order, 2);

        again.IsAccepted.ShouldBeTrue();
        again.Events.ShouldBeEmpty();
    }

    [Fact]
    public void a_release_gives_back_exactly_what_the_order_holds()
    {
        var mug = Mug().Apply(new StockReserved(Guid.Empty, Order, 3));

        StockRules.Release(mug, Order).Events.ShouldHaveSingleItem().ShouldBe(new StockReleased(mug.Id, Order, 3));
        StockRules.Release(mug, Guid.NewGuid()).Events.ShouldBeEmpty();
    }

    [Fact]
    public void only_what_an_order_holds_can_be_committed()
    {
        var mug = Mug().Apply(new StockReserved(Guid.Empty, Order, 3));

        var shipped = mug.Apply((StockCommitted)StockRules.Commit(mug, Order).Events.Single());

        shipped.OnHand.ShouldBe(2);
        shipped.Available.ShouldBe(2);
        StockRules.Commit(mug, Guid.NewGuid()).IsAccepted.ShouldBeFalse();
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void received_quantities_must_be_positive(int quantity)
    {
        StockRules.Receive(Mug(), quantity).Error.ShouldNotBeNull().Kind.ShouldBe(ErrorKind.Invalid);
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(12.5, true)]
    [InlineData(12.555, false)]
    [InlineData(-1, false)]
    public void prices_are_positive_with_at_most_two_decimals(decimal price, bool valid)
    {
        (CatalogRules.PriceProblem(price) is null).ShouldBe(valid);
    }
}
