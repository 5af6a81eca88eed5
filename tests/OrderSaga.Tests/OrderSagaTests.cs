extern alias inventory;
extern alias ordering;
extern alias payments;
using Marten;
using ordering::Shop.Ordering.Orders;
using payments::Shop.Payments.Payments;
using Shop.Contracts.Inventory;
using Shop.Contracts.Payments;
using Shop.Testing;

namespace Shop.OrderSaga.Tests;

/// <summary>Checkout → reserve → pay → confirm, and every way it can go wrong, across three services over RabbitMQ.</summary>
public class OrderSagaTests(SagaFixture shop)
{
    [Fact]
    public async Task a_visa_checkout_is_confirmed_with_one_capture_and_its_stock_held()
    {
        var product = await shop.ProductAsync(stock: 5, price: 12m);

        var (orderId, _) = await shop.CheckOutAsync(product, 2, "pm_card_visa");

        var order = await shop.SettledAsync(orderId);
        order.Status.ShouldBe(OrderStatus.Confirmed);
        var payment = (await shop.PaymentAsync(orderId)).ShouldNotBeNull();
        (payment.Status, payment.NetCaptured).ShouldBe((PaymentStatus.Captured, 24m));
        (await shop.ProductStateAsync(product)).Reservations[orderId].ShouldBe(2);
    }

    [Fact]
    public async Task the_orders_history_shows_each_step_linked_to_the_other_services_by_correlation_id()
    {
        var product = await shop.ProductAsync(stock: 5);
        var (orderId, token) = await shop.CheckOutAsync(product, 1, "pm_card_visa");
        await shop.SettledAsync(orderId);

        await using var ordering = shop.Ordering.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var events = await ordering.Events.FetchStreamAsync(orderId);
        await using var inventory = shop.Inventory.Services.GetRequiredService<IDocumentStore>().QuerySession();
        var reserved = (await inventory.Events.FetchStreamAsync(product)).Single(e => e.Data is inventory::Shop.Inventory.Products.StockReserved);

        events.Select(e => e.EventTypeName).ShouldBe(
            ["order_created", "order_checked_out", "order_stock_reserved", "order_payment_captured", "order_confirmed"]);
        var checkedOut = events.Single(e => e.EventTypeName == "order_checked_out");
        reserved.CorrelationId.ShouldBe(checkedOut.CorrelationId);
        events.Single(e => e.EventTypeName == "order_confirmed").CausationId.ShouldNotBeNullOrEmpty();
        await shop.Ordering.Scenario(s =>
        {
            s.Get.Url($"/orders/{orderId}/history");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });
    }

    [Fact]
    public async Task an_order_beyond_the_stock_is_cancelled_naming_the_product_and_nothing_is_charged()
    {
        var product = await shop.ProductAsync(stock: 1);

        var (orderId, _) = await shop.CheckOutAsync(product, 2, "pm_card_visa");

        var order = await shop.SettledAsync(orderId);
        order.Status.ShouldBe(OrderStatus.Cancelled);
        order.CancellationReason.ShouldNotBeNull().ShouldContain("out of stock");
        (await shop.PaymentAsync(orderId)).ShouldBeNull();
        (await shop.ProductStateAsync(product)).Available.ShouldBe(1);
    }

    [Theory]
    [InlineData("pm_card_declined", "card_declined")]
    [InlineData("pm_card_insufficient_funds", "insufficient_funds")]
    [InlineData("pm_card_bogus", "invalid_payment_method")]
    public async Task a_declined_payment_cancels_with_the_processors_reason_and_releases_the_stock(string card, string reason)
    {
        var product = await shop.ProductAsync(stock: 3);

        var (orderId, _) = await shop.CheckOutAsync(product, 3, card);

        var order = await shop.SettledAsync(orderId);
        (order.Status, order.CancellationReason).ShouldBe((OrderStatus.Cancelled, reason));
        await Eventually.ValueAsync(() => shop.ProductStateAsync(product), p => p.Available == 3, TimeSpan.FromSeconds(30), "stock released");
        (await shop.PaymentAsync(orderId))!.NetCaptured.ShouldBe(0);
    }

    [Fact]
    public async Task a_payment_slower_than_the_timeout_cancels_the_order_and_the_late_capture_is_refunded()
    {
        var product = await shop.ProductAsync(stock: 2);

        var (orderId, _) = await shop.CheckOutAsync(product, 1, "pm_card_slow");

        var order = await shop.SettledAsync(orderId);
        (order.Status, order.CancellationReason).ShouldBe((OrderStatus.Cancelled, "timeout"));
        var payment = await Eventually.ValueAsync(
            () => shop.PaymentAsync(orderId), p => p is { Status: PaymentStatus.Refunded }, TimeSpan.FromSeconds(60), "the late capture being refunded");
        (payment!.Captured, payment.NetCaptured).ShouldBe((10m, 0m));
        await Eventually.ValueAsync(() => shop.ProductStateAsync(product), p => p.Available == 2, TimeSpan.FromSeconds(30), "stock released");
    }

    [Fact]
    public async Task an_order_confirmed_before_its_deadlines_leaves_no_timer_to_fire()
    {
        var product = await shop.ProductAsync(stock: 2);

        var (orderId, _) = await shop.CheckOutAsync(product, 1, "pm_card_visa");

        (await shop.SettledAsync(orderId)).Status.ShouldBe(OrderStatus.Confirmed);
        // The deadlines lived on the saga, which is gone: no scheduled timeout is left to store, fire and clean up.
        var timers = await Database.RowsAsync(
            "select message_type from saga_ordering.wolverine_incoming_envelopes where status = 'Scheduled' and message_type ilike '%timed%out%'");
        timers.ShouldBeEmpty();
        await using var session = shop.Ordering.Services.GetRequiredService<IDocumentStore>().QuerySession();
        (await session.LoadAsync<ordering::Shop.Ordering.Fulfilment.OrderFulfilment>(orderId)).ShouldBeNull();
    }

    [Fact]
    public async Task a_timeout_that_reaches_a_finished_saga_changes_nothing()
    {
        var product = await shop.ProductAsync(stock: 2);
        var (orderId, _) = await shop.CheckOutAsync(product, 1, "pm_card_visa");
        (await shop.SettledAsync(orderId)).Status.ShouldBe(OrderStatus.Confirmed);

        // Sent by a look that read the saga just before the payment's reply ended it, or by a second process.
        await shop.RedeliverAsync(new ordering::Shop.Ordering.Fulfilment.PaymentTimedOut(orderId));
        await shop.RedeliverAsync(new ordering::Shop.Ordering.Fulfilment.ReservationTimedOut(orderId));

        (await shop.OrderAsync(orderId)).Status.ShouldBe(OrderStatus.Confirmed);
    }

    [Fact]
    public async Task slow_card_answers_do_not_hold_up_the_payments_queued_behind_them()
    {
        // Found by the fault runs: with Wolverine's default of five handlers per listener, a few more
        // slow cards than that made every later payment wait past the timeout.
        var product = await shop.ProductAsync(stock: 10);
        for (var i = 0; i < 7; i++)
        {
            await shop.CheckOutAsync(product, 1, "pm_card_slow");
        }

        var (orderId, _) = await shop.CheckOutAsync(product, 1, "pm_card_visa");

        (await shop.SettledAsync(orderId)).Status.ShouldBe(OrderStatus.Confirmed);
    }

    [Fact]
    public async Task a_cancel_while_the_saga_is_in_flight_leaves_no_charge_and_no_stock_held()
    {
        var product = await shop.ProductAsync(stock: 2);
        var (orderId, token) = await shop.CheckOutAsync(product, 1, "pm_card_visa");

        // The cancel races the saga's own writes to the order: a 409 for that concurrent change is
        // tried again, as a client would.
        await Eventually.ValueAsync(
            async () => (await shop.Ordering.Scenario(s =>
            {
                s.Post.Url($"/orders/{orderId}/cancel");
                s.Bearer(token);
                s.IgnoreStatusCode();
            })).Context.Response.StatusCode,
            status => status == 200,
            TimeSpan.FromSeconds(10),
            "the cancel accepted");

        (await shop.SettledAsync(orderId)).Status.ShouldBe(OrderStatus.Cancelled);
        await Eventually.ValueAsync(() => shop.ProductStateAsync(product), p => p.Available == 2, TimeSpan.FromSeconds(30), "stock released");
        await Eventually.ValueAsync(() => shop.PaymentAsync(orderId), p => p is null || p.NetCaptured == 0, TimeSpan.FromSeconds(30), "no money kept");
    }

    [Fact]
    public async Task redelivered_replies_change_nothing_after_the_order_is_confirmed()
    {
        var product = await shop.ProductAsync(stock: 4, price: 5m);
        var (orderId, _) = await shop.CheckOutAsync(product, 1, "pm_card_visa");
        await shop.SettledAsync(orderId);
        var payment = (await shop.PaymentAsync(orderId))!;
        var before = await VersionAsync(orderId);

        await shop.RedeliverAsync(new StockReservedForOrder(orderId, [new ReservedLine(product, "Saga product", 1, 5m, "EUR")]));
        await shop.RedeliverAsync(new PaymentSucceeded(orderId, payment.Id, 5m, "EUR"));
        await shop.RedeliverAsync(new StockReservationRejected(orderId, product, "late"));
        await shop.RedeliverAsync(new PaymentFailed(orderId, payment.Id, "late"));

        (await shop.OrderAsync(orderId)).Status.ShouldBe(OrderStatus.Confirmed);
        (await VersionAsync(orderId)).ShouldBe(before);
        (await shop.PaymentAsync(orderId))!.NetCaptured.ShouldBe(5m);
        (await shop.ProductStateAsync(product)).Reservations[orderId].ShouldBe(1);
    }

    [Fact]
    public async Task a_shipped_order_commits_its_stock_and_cannot_be_cancelled()
    {
        var product = await shop.ProductAsync(stock: 3);
        var (orderId, token) = await shop.CheckOutAsync(product, 2, "pm_card_visa");
        await shop.SettledAsync(orderId);

        await shop.Ordering.Scenario(s =>
        {
            s.Post.Url($"/orders/{orderId}/ship");
            s.Bearer(shop.Tokens.Admin());
            s.StatusCodeShouldBeOk();
        });

        var stock = await Eventually.ValueAsync(() => shop.ProductStateAsync(product), p => p.OnHand == 1, TimeSpan.FromSeconds(30), "stock committed");
        (stock.Available, stock.Reservations.ContainsKey(orderId)).ShouldBe((1, false));
        await Eventually.ValueAsync(() => shop.OrderAsync(orderId), o => o.Ledger.StockShipped, TimeSpan.FromSeconds(30), "shipment recorded on the order");
        await shop.Ordering.Scenario(s =>
        {
            s.Post.Url($"/orders/{orderId}/cancel");
            s.Bearer(token);
            s.StatusCodeShouldBe(409);
        });
    }

    [Fact]
    public async Task cancelling_a_confirmed_order_refunds_it_and_releases_its_stock()
    {
        var product = await shop.ProductAsync(stock: 2, price: 8m);
        var (orderId, token) = await shop.CheckOutAsync(product, 1, "pm_card_visa");
        await shop.SettledAsync(orderId);

        await shop.Ordering.Scenario(s =>
        {
            s.Post.Url($"/orders/{orderId}/cancel");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });

        await Eventually.ValueAsync(() => shop.PaymentAsync(orderId), p => p!.NetCaptured == 0, TimeSpan.FromSeconds(30), "refund");
        await Eventually.ValueAsync(() => shop.ProductStateAsync(product), p => p.Available == 2, TimeSpan.FromSeconds(30), "release");
    }

    private async Task<long> VersionAsync(Guid orderId)
    {
        await using var session = shop.Ordering.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamStateAsync(orderId))!.Version;
    }
}
