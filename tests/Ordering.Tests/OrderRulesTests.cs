using Shop.Ordering.Orders;
using Shop.ServiceDefaults.EventSourcing;
using Integration = Shop.Contracts.Orders;

namespace Shop.Ordering.Tests;

/// <summary>Order rules as pure functions: given an order, when a command, then events or a refusal.</summary>
public class OrderRulesTests
{
    private static readonly Guid CustomerId = Guid.NewGuid();
    private static readonly Caller Customer = new(CustomerId, false);
    private static readonly OrderLine Mug = new(Guid.NewGuid(), "Mug", 2, 5m);

    private static Order Pending(params OrderLine[] lines) =>
        new(Guid.NewGuid(), CustomerId, OrderStatus.Pending, lines.Length > 0 ? "EUR" : null, [.. lines], null, null);

    [Fact]
    public void adding_a_product_already_on_the_order_adds_to_its_quantity()
    {
        var order = Pending(Mug);

        var after = order.After(AddItemEndpoint.Decide(order, Customer, Mug with { Quantity = 3, UnitPrice = 6m }, "EUR").Events);

        after.Lines.ShouldHaveSingleItem().ShouldBe(Mug with { Quantity = 5, UnitPrice = 6m });
        after.Total.ShouldBe(30m);
    }

    [Fact]
    public void quantities_of_one_product_stop_at_999()
    {
        var order = Pending(Mug with { Quantity = 998 });

        AddItemEndpoint.Decide(order, Customer, Mug with { Quantity = 2 }, "EUR").Error.ShouldNotBeNull().Kind.ShouldBe(ErrorKind.Invalid);
    }

    [Fact]
    public void one_order_is_priced_in_one_currency()
    {
        AddItemEndpoint.Decide(Pending(Mug), Customer, Mug with { ProductId = Guid.NewGuid() }, "USD").IsAccepted.ShouldBeFalse();
    }

    [Theory]
    [InlineData(OrderStatus.Submitted)]
    [InlineData(OrderStatus.Confirmed)]
    [InlineData(OrderStatus.Cancelled)]
    [InlineData(OrderStatus.Shipped)]
    public void only_a_pending_order_can_be_edited(OrderStatus status)
    {
        var order = Pending(Mug) with { Status = status };

        AddItemEndpoint.Decide(order, Customer, Mug, "EUR").Error.ShouldNotBeNull().Kind.ShouldBe(ErrorKind.Conflict);
        RemoveItemEndpoint.Decide(order, Customer, Mug.ProductId).Error.ShouldNotBeNull().Kind.ShouldBe(ErrorKind.Conflict);
    }

    [Fact]
    public void someone_elses_order_is_not_found_but_an_admin_may_change_it()
    {
        var order = Pending(Mug);

        RemoveItemEndpoint.Decide(order, new Caller(Guid.NewGuid(), false), Mug.ProductId).Error.ShouldNotBeNull().Kind.ShouldBe(ErrorKind.NotFound);
        RemoveItemEndpoint.Decide(order, new Caller(Guid.NewGuid(), true), Mug.ProductId).Events.ShouldHaveSingleItem();
    }

    [Fact]
    public void an_empty_order_cannot_be_checked_out()
    {
        CheckOutEndpoint.Decide(Pending(), Customer, "pm_card_visa").Error.ShouldNotBeNull().Kind.ShouldBe(ErrorKind.Conflict);
    }

    [Fact]
    public void checking_out_records_the_total_and_submits_the_order()
    {
        var order = Pending(Mug);

        var checkedOut = CheckOutEndpoint.Decide(order, Customer, "pm_card_visa").Events.ShouldHaveSingleItem().ShouldBeOfType<OrderCheckedOut>();

        (checkedOut.Total, checkedOut.Currency).ShouldBe((10m, "EUR"));
        order.After([checkedOut]).Status.ShouldBe(OrderStatus.Submitted);
    }

    [Fact]
    public void a_shipped_order_cannot_be_cancelled_and_a_cancelled_one_cancels_once()
    {
        CancelOrderEndpoint.Decide(Pending(Mug) with { Status = OrderStatus.Shipped }, Customer, null).IsAccepted.ShouldBeFalse();
        CancelOrderEndpoint.Decide(Pending(Mug) with { Status = OrderStatus.Cancelled }, Customer, null).Events.ShouldBeEmpty();
        CancelOrderEndpoint.Decide(Pending(Mug), Customer, null).Events.ShouldHaveSingleItem()
            .ShouldBeOfType<OrderCancelled>().Reason.ShouldBe("cancelled by the customer");
    }

    [Fact]
    public void a_cancellation_is_published_as_version_2_saying_who_and_as_version_1_for_consumers_not_yet_upgraded()
    {
        var order = Pending(Mug);
        Integration.OrderCancelled V2(Guid? by) =>
            IntegrationEvents.For(order, [new OrderCancelled(order.Id, CustomerId, "why", by)]).OfType<Integration.OrderCancelled>().ShouldHaveSingleItem();

        V2(CustomerId).By.ShouldBe(Integration.Cancellers.Customer);
        V2(Guid.NewGuid()).By.ShouldBe(Integration.Cancellers.Staff);
        V2(null).By.ShouldBe(Integration.Cancellers.Shop);
        IntegrationEvents.For(order, [new OrderCancelled(order.Id, CustomerId, "why", null)]).OfType<Integration.OrderCancelledV1>()
            .ShouldHaveSingleItem().ShouldBe(new Integration.OrderCancelledV1(order.Id, CustomerId, "why"));
    }

    [Fact]
    public void only_a_confirmed_order_ships()
    {
        ShipOrderEndpoint.Decide(Pending(Mug) with { Status = OrderStatus.Submitted }, Guid.NewGuid()).IsAccepted.ShouldBeFalse();
        ShipOrderEndpoint.Decide(Pending(Mug) with { Status = OrderStatus.Confirmed }, Guid.NewGuid()).Events.ShouldHaveSingleItem();
    }

    [Fact]
    public void an_order_is_created_in_the_currency_of_its_products()
    {
        var created = CreateOrderEndpoint.Decide(Guid.NewGuid(), CustomerId, [(Mug, "EUR")]);

        var order = Order.Create(created);
        (order.Currency, order.Status, order.Total).ShouldBe(("EUR", OrderStatus.Pending, 10m));
        order.Lines.ShouldBe([Mug]);
    }
}
