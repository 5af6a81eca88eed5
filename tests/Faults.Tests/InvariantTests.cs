using Shop.Faults.Checking;
using Shop.Faults.Workload;

namespace Shop.Faults.Tests;

/// <summary>The checker passes a clean run and fails each hand-made bad one, naming the rule that broke.</summary>
public class InvariantTests
{
    private readonly HistoryBuilder _run = new();

    private static IEnumerable<string> Broken(History history) => Invariants.Check(history).Select(v => v.Rule).Distinct();

    [Fact]
    public void a_clean_run_with_confirmed_and_cancelled_orders_passes_every_rule()
    {
        var product = _run.Product(stock: 5);
        _run.Confirmed(product);
        _run.Declined(product);

        Invariants.Check(_run.Build()).ShouldBeEmpty();
        Report.Of(_run.Build(), []).ShouldSatisfyAllConditions(r => r.Valid.ShouldBeTrue(), r => r.Accepted.ShouldBe(2), r => r.Confirmed.ShouldBe(1), r => r.Cancelled.ShouldBe(1));
    }

    [Fact]
    public void a_checkout_answered_202_whose_order_left_no_events_is_a_lost_order()
    {
        _run.Requests.Add(new RecordedRequest("checkout", _run.Customer, Guid.NewGuid(), Outcome.Ok, 202, HistoryBuilder.Quiet, HistoryBuilder.Quiet));

        Broken(_run.Build()).ShouldBe(["accepted-orders-kept"]);
    }

    [Fact]
    public void a_checkout_whose_answer_was_lost_may_or_may_not_have_happened()
    {
        _run.Requests.Add(new RecordedRequest("checkout", _run.Customer, Guid.NewGuid(), Outcome.Info, null, HistoryBuilder.Quiet, HistoryBuilder.Quiet));

        Invariants.Check(_run.Build()).ShouldBeEmpty();
    }

    [Fact]
    public void an_order_left_submitted_does_not_terminate()
    {
        var product = _run.Product(stock: 5);
        var order = _run.Reserved(product);
        _run.Event("inventory", product, "stock_released", new { productId = product, orderId = order, quantity = 1 });

        Invariants.OrdersTerminate(_run.Build()).ShouldHaveSingleItem().Subject.ShouldBe($"order {order}");
    }

    [Fact]
    public void an_order_confirmed_more_than_a_minute_after_the_heal_is_late()
    {
        var product = _run.Product(stock: 5);
        var order = _run.Reserved(product);
        _run.Event("ordering", order, "order_confirmed", new { orderId = order }, secondsAfterQuiet: 65);

        Invariants.OrdersTerminate(_run.Build()).ShouldHaveSingleItem().Detail.ShouldContain("after the deadline");
    }

    [Fact]
    public void a_double_capture_is_caught()
    {
        var product = _run.Product(stock: 5);
        var order = _run.Confirmed(product);
        var second = Guid.NewGuid();
        _run.Event("payments", second, "payment_requested", new { paymentId = second, orderId = order, amount = 10m });
        _run.Event("payments", second, "payment_captured", new { paymentId = second, amount = 10m });

        Broken(_run.Build()).ShouldContain("one-net-capture");
    }

    [Fact]
    public void a_cancelled_order_that_keeps_a_late_capture_is_caught()
    {
        var product = _run.Product(stock: 5);
        var order = _run.Declined(product);
        var payment = _run.Build().PaymentsByOrder()[order][0].StreamId;
        _run.Event("payments", payment, "payment_captured", new { paymentId = payment, amount = 10m });

        Invariants.OneNetCapture(_run.Build()).ShouldHaveSingleItem().Detail.ShouldBe("cancelled, but 10 kept");
    }

    [Fact]
    public void a_late_capture_refunded_leaves_a_cancelled_order_clean()
    {
        var product = _run.Product(stock: 5);
        var order = _run.Declined(product);
        var payment = _run.Build().PaymentsByOrder()[order][0].StreamId;
        _run.Event("payments", payment, "payment_captured", new { paymentId = payment, amount = 10m });
        _run.Event("payments", payment, "payment_refunded", new { paymentId = payment, amount = 10m, reason = "late" });
        _run.Event("ordering", order, "order_payment_refunded", new { orderId = order, paymentId = payment, amount = 10m });

        Invariants.Check(_run.Build()).ShouldBeEmpty();
    }

    [Fact]
    public void the_last_unit_sold_twice_is_negative_stock()
    {
        var product = _run.Product(stock: 1);
        _run.Confirmed(product);
        _run.Confirmed(product);

        Invariants.StockConserved(_run.Build()).ShouldHaveSingleItem().Detail.ShouldContain("received 1, reserved 2");
    }

    [Fact]
    public void a_cancelled_order_still_holding_stock_is_caught()
    {
        var product = _run.Product(stock: 5);
        var order = _run.Reserved(product);
        _run.Cancelled(order, "timeout");

        Invariants.StockConserved(_run.Build()).ShouldHaveSingleItem().Detail.ShouldBe("cancelled, but still holds 1 unit(s)");
    }

    [Fact]
    public void releasing_more_than_an_order_holds_is_caught()
    {
        var product = _run.Product(stock: 5);
        var order = _run.Declined(product);
        _run.Event("inventory", product, "stock_released", new { productId = product, orderId = order, quantity = 1 });

        Broken(_run.Build()).ShouldContain("stock-conserved");
    }

    [Fact]
    public void a_duplicate_notification_is_caught()
    {
        var product = _run.Product(stock: 5);
        var order = _run.Confirmed(product);
        _run.Notify(order, "order-confirmed");

        Invariants.OneNotificationPerOrderStatus(_run.Build()).ShouldHaveSingleItem().Detail.ShouldBe("2 order-confirmed notification(s), expected 1");
    }

    [Fact]
    public void a_missing_notification_is_caught()
    {
        var product = _run.Product(stock: 5);
        var order = _run.Reserved(product);
        _run.Event("ordering", order, "order_cancelled", new { orderId = order, reason = "timeout" });
        _run.Event("inventory", product, "stock_released", new { productId = product, orderId = order, quantity = 1 });

        Invariants.OneNotificationPerOrderStatus(_run.Build()).ShouldHaveSingleItem().Detail.ShouldBe("0 order-cancelled notification(s), expected 1");
    }

    [Fact]
    public void a_repeated_key_answered_with_another_order_is_two_effects()
    {
        var product = _run.Product(stock: 5);
        var first = _run.CheckedOut(product);
        _run.Cancelled(first, "by customer");
        var second = Guid.NewGuid();
        _run.Event("ordering", second, "order_created", new { orderId = second, customerId = _run.Customer, lines = Array.Empty<object>() });
        _run.Requests.Clear();
        _run.Requests.Add(new RecordedRequest("create", _run.Customer, first, Outcome.Ok, 201, HistoryBuilder.Quiet, HistoryBuilder.Quiet, "k1", "body"));
        _run.Requests.Add(new RecordedRequest("create", _run.Customer, second, Outcome.Ok, 201, HistoryBuilder.Quiet.AddSeconds(1), HistoryBuilder.Quiet.AddSeconds(1), "k1", "body"));

        Invariants.OneEffectPerIdempotencyKey(_run.Build()).Select(v => v.Detail)
            .ShouldBe([$"repeat answered order {second}, the first answer was order {first}", "2 orders created with 1 key(s)"]);
    }

    [Fact]
    public void a_key_reused_with_another_body_must_be_refused()
    {
        var order = Guid.NewGuid();
        _run.Event("ordering", order, "order_created", new { orderId = order, customerId = _run.Customer, lines = Array.Empty<object>() });
        _run.Requests.Add(new RecordedRequest("create", _run.Customer, order, Outcome.Ok, 201, HistoryBuilder.Quiet, HistoryBuilder.Quiet, "k1", "body"));
        _run.Requests.Add(new RecordedRequest("create", _run.Customer, order, Outcome.Ok, 201, HistoryBuilder.Quiet.AddSeconds(1), HistoryBuilder.Quiet.AddSeconds(1), "k1", "other body"));

        Invariants.OneEffectPerIdempotencyKey(_run.Build()).ShouldHaveSingleItem().Detail.ShouldBe("another body was answered 201, not 422");
    }

    [Fact]
    public void a_payment_asked_for_and_never_settled_is_a_lost_message()
    {
        var product = _run.Product(stock: 5);
        var order = _run.Reserved(product);
        var payment = Guid.NewGuid();
        _run.Event("payments", payment, "payment_requested", new { paymentId = payment, orderId = order, amount = 10m });
        _run.Cancelled(order, "timeout");
        _run.Event("inventory", product, "stock_released", new { productId = product, orderId = order, quantity = 1 });
        _run.Reservations[order] = "Released";
        _run.Event("ordering", order, "order_stock_released", new { orderId = order });

        Invariants.SagaMessagesHandled(_run.Build()).ShouldHaveSingleItem().Detail.ShouldBe("payment asked for, but never settled");
    }

    [Fact]
    public void an_order_inventory_never_decided_on_is_a_lost_command()
    {
        var product = _run.Product(stock: 5);
        var order = _run.CheckedOut(product);
        _run.Cancelled(order, "timeout");

        Invariants.SagaMessagesHandled(_run.Build()).ShouldHaveSingleItem().Detail.ShouldBe("checked out, but Inventory never decided on its stock");
    }

    [Fact]
    public void an_outbox_not_drained_is_caught()
    {
        _run.Drained = null;
        _run.Backlogs.Add(new Backlog("ordering", 3, 0));

        Invariants.Drained(_run.Build()).ShouldHaveSingleItem().Detail.ShouldBe("not drained: ordering: 3 out, 0 in");
    }

    [Fact]
    public void messages_still_in_a_broker_queue_are_caught()
    {
        _run.Drained = null;
        _run.Backlogs.AddRange(BrokerQueues.Parse("notifications.orders\t4\nordering\t0\nwolverine-dead-letter-queue\t2\n"));

        Invariants.Drained(_run.Build()).ShouldHaveSingleItem().Detail.ShouldBe("not drained: broker queue notifications.orders: 0 out, 4 in");
    }

    [Fact]
    public void each_dead_letter_of_the_run_is_named_with_its_order_and_the_reason_it_was_given_up()
    {
        var order = Guid.NewGuid();
        _run.DeadLetters.Add(new DeadLetter("broker queue wolverine-dead-letter-queue", "m-1", "Shop.Contracts.Payments.ProcessPayment", order, "broker: delivery_limit on payments after 1 death(s)"));

        var violation = Invariants.SagaMessagesHandled(_run.Build()).ShouldHaveSingleItem();

        violation.Subject.ShouldBe($"broker queue wolverine-dead-letter-queue: Shop.Contracts.Payments.ProcessPayment m-1 (order {order})");
        violation.Detail.ShouldBe("dead-lettered: broker: delivery_limit on payments after 1 death(s)");
    }

    [Fact]
    public void a_read_model_behind_its_stream_is_caught()
    {
        var product = _run.Product(stock: 5);
        var order = _run.Confirmed(product);
        _run.Spoil = h => h with { ReadModels = [.. h.ReadModels.Where(r => r.Id != order)] };

        Invariants.ReadModelsMatchFolds(_run.Build()).ShouldHaveSingleItem().Detail.ShouldBe("read model says nothing, the events say confirmed");
    }

    [Fact]
    public void a_write_after_the_heal_that_shows_late_or_never_breaks_fresh_after_heal()
    {
        FreshnessProbe[] probes =
        [
            new("inventory", "product added", 0.012, null),
            new("ordering", "order created", 7.5, null),
            new("payments", "payment of a checkout", null, "api/payments?orderId=x did not list order x within 5 s"),
        ];

        var broken = Invariants.FreshAfterHeal(probes).ToList();

        broken.Select(v => v.Subject).ShouldBe(["ordering: order created", "payments: payment of a checkout"]);
        broken.ShouldAllBe(v => v.Rule == "fresh-after-heal");
        Report.Of(_run.Build(), probes).Valid.ShouldBeFalse();
    }

    [Fact]
    public void with_replicas_an_order_request_failing_after_the_gateway_took_the_dead_replica_out_is_a_violation()
    {
        var fault = HistoryBuilder.Quiet;
        RecordedRequest[] requests =
        [
            new("create", _run.Customer, null, Outcome.Info, 503, fault.AddSeconds(1), fault.AddSeconds(1)),
            new("checkout", _run.Customer, Guid.NewGuid(), Outcome.Ok, 202, fault.AddSeconds(6), fault.AddSeconds(6)),
            new("checkout", _run.Customer, Guid.NewGuid(), Outcome.Fail, 409, fault.AddSeconds(7), fault.AddSeconds(7)),
            new("create", _run.Customer, null, Outcome.Info, 503, fault.AddSeconds(8), fault.AddSeconds(8)),
            new("cancel", _run.Customer, Guid.NewGuid(), Outcome.Info, null, fault.AddSeconds(9), fault.AddSeconds(19)),
        ];

        var broken = Invariants.AnsweredOnceTakenOut(requests, fault).ToList();

        broken.Select(v => v.Detail).ShouldBe(["answered 503 8.0 s after the fault", "no answer 9.0 s after the fault"]);
        broken.ShouldAllBe(v => v.Rule == "answered-once-taken-out");
    }

    [Fact]
    public void a_killed_replicas_agents_running_again_late_or_never_break_agents_resumed()
    {
        string[] agents = ["event-subscriptions://marten/main/ordering/orderdetails/all"];

        Invariants.AgentsResumed("Ordering-2", agents, 3.2).ShouldBeEmpty();
        Invariants.AgentsResumed("Ordering-2", agents, 17.5).Single().Detail.ShouldBe("its 1 agents ran again after 17.5 s");
        Invariants.AgentsResumed("Ordering-2", agents, null).Single().Rule.ShouldBe("agents-resumed");
    }
}
