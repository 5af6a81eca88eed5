using Marten;
using Shop.Contracts.Payments;
using Shop.Payments.Payments;
using Shop.Payments.Processing;
using Wolverine;
using Wolverine.Tracking;
using Integration = Shop.Contracts.Payments;

namespace Shop.Payments.Tests;

/// <summary>Each test card's outcome, and money that moves at most once whatever is redelivered.</summary>
public class PaymentTests(PaymentsFixture fixture)
{
    [Theory]
    [InlineData("pm_card_visa")]
    [InlineData("pm_card_slow")]
    public async Task an_approving_card_captures_the_full_amount(string card)
    {
        var command = PaymentsFixture.Charge(card: card, amount: 42.1m);

        var reply = await fixture.HandleAsync<PaymentSucceeded>(command);

        reply.ShouldBe(new PaymentSucceeded(command.OrderId, PaymentIds.ForOrder(command.OrderId), 42.1m, "EUR"));
        (await PaymentAsync(command.OrderId)).Status.ShouldBe(PaymentStatus.Captured);
    }

    [Fact]
    public async Task replies_are_routed_to_the_ordering_queue()
    {
        var command = PaymentsFixture.Charge();

        var tracked = await fixture.Host.TrackActivity().InvokeMessageAndWaitAsync(command);

        tracked.Sent.Envelopes().Where(e => e.Message is PaymentSucceeded r && r.OrderId == command.OrderId)
            .ShouldHaveSingleItem().Destination.ShouldBe(new Uri("rabbitmq://queue/ordering"));
    }

    [Theory]
    [InlineData("pm_card_declined", "card_declined")]
    [InlineData("pm_card_insufficient_funds", "insufficient_funds")]
    [InlineData("pm_card_unheard_of", "invalid_payment_method")]
    public async Task a_declining_card_fails_with_the_processors_reason(string card, string reason)
    {
        var command = PaymentsFixture.Charge(card: card);

        var reply = await fixture.HandleAsync<PaymentFailed>(command);

        reply.Reason.ShouldBe(reason);
        (await PaymentAsync(command.OrderId)).Captured.ShouldBe(0);
    }

    [Fact]
    public async Task an_amount_with_more_than_two_decimals_is_declined_without_asking_the_processor()
    {
        var command = PaymentsFixture.Charge(amount: 1.005m);

        (await fixture.HandleAsync<PaymentFailed>(command)).Reason.ShouldBe("invalid_amount");
        (await OperationsAsync(PaymentIds.ForOrder(command.OrderId))).ShouldBe(0);
    }

    [Fact]
    public async Task a_duplicated_payment_command_charges_once_and_answers_the_same()
    {
        var command = PaymentsFixture.Charge();

        var first = await fixture.HandleAsync<PaymentSucceeded>(command);
        var second = await fixture.HandleAsync<PaymentSucceeded>(command);

        second.ShouldBe(first);
        (await OperationsAsync(first.PaymentId)).ShouldBe(1);
        (await StreamVersionAsync(first.PaymentId)).ShouldBe(3);
    }

    [Fact]
    public async Task concurrent_deliveries_of_one_payment_command_charge_once()
    {
        var command = PaymentsFixture.Charge();
        var bus = fixture.Host.MessageBus();

        await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => Task.Run(() => bus.InvokeAsync(command, TestContext.Current.CancellationToken))));

        var payment = await PaymentAsync(command.OrderId);
        payment.Captured.ShouldBe(command.Amount);
        (await OperationsAsync(payment.Id)).ShouldBe(1);
    }

    [Fact]
    public async Task a_retry_after_a_crash_between_the_charge_and_the_append_does_not_charge_again()
    {
        var command = PaymentsFixture.Charge();
        var id = PaymentIds.ForOrder(command.OrderId);
        // The charge happened, then the process died before its events were committed.
        await fixture.Host.Services.GetRequiredService<ICardProcessor>()
            .ChargeAsync(new ChargeRequest(id, command.Amount, command.Currency, command.PaymentMethod), TestContext.Current.CancellationToken);

        var reply = await fixture.HandleAsync<PaymentSucceeded>(command);

        reply.Amount.ShouldBe(command.Amount);
        (await OperationsAsync(id)).ShouldBe(1);
    }

    [Fact]
    public async Task a_refund_gives_back_what_was_captured_once()
    {
        var command = PaymentsFixture.Charge(amount: 30m);
        await fixture.HandleAsync<PaymentSucceeded>(command);

        var first = await fixture.HandleAsync<Integration.PaymentRefunded>(new RefundPayment(command.OrderId, "cancelled"));
        var second = await fixture.HandleAsync<Integration.PaymentRefunded>(new RefundPayment(command.OrderId, "cancelled"));

        (first.Amount, second.Amount).ShouldBe((30m, 0m));
        var payment = await PaymentAsync(command.OrderId);
        (payment.NetCaptured, payment.Status).ShouldBe((0m, PaymentStatus.Refunded));
    }

    [Fact]
    public async Task refunding_an_order_that_was_never_charged_refunds_nothing()
    {
        var declined = PaymentsFixture.Charge(card: "pm_card_declined");
        await fixture.HandleAsync<PaymentFailed>(declined);

        (await fixture.HandleAsync<Integration.PaymentRefunded>(new RefundPayment(declined.OrderId, "x"))).Amount.ShouldBe(0);
        (await fixture.HandleAsync<Integration.PaymentRefunded>(new RefundPayment(Guid.NewGuid(), "x"))).Amount.ShouldBe(0);
    }

    [Fact]
    public void a_refund_is_never_more_than_what_was_captured_and_not_refunded()
    {
        var payment = Payment.Create(new PaymentRequested(Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid(), 10m, "EUR", "pm_card_visa"))
            .Apply(new PaymentCaptured(Guid.Empty, 10m))
            .Apply(new Payments.PaymentRefunded(Guid.Empty, 4m, "partial"));

        PaymentRules.Refund(payment, 6m, "rest").IsAccepted.ShouldBeTrue();
        PaymentRules.Refund(payment, 6.01m, "too much").IsAccepted.ShouldBeFalse();
        PaymentRules.Refund(payment, 0m, "nothing").IsAccepted.ShouldBeFalse();
    }

    [Fact]
    public void a_payment_id_is_the_same_for_the_same_order_and_differs_between_orders()
    {
        var order = Guid.NewGuid();

        PaymentIds.ForOrder(order).ShouldBe(PaymentIds.ForOrder(order));
        PaymentIds.ForOrder(order).ShouldNotBe(PaymentIds.ForOrder(Guid.NewGuid()));
        PaymentIds.RefundOf(order).ShouldNotBe(PaymentIds.ForOrder(order));
    }

    private async Task<Payment> PaymentAsync(Guid orderId)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.AggregateStreamAsync<Payment>(PaymentIds.ForOrder(orderId), token: TestContext.Current.CancellationToken))!;
    }

    private async Task<long> StreamVersionAsync(Guid paymentId)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return (await session.Events.FetchStreamStateAsync(paymentId, TestContext.Current.CancellationToken))!.Version;
    }

    /// <summary>How many charges the processor performed under this payment's key (0 or 1).</summary>
    private async Task<int> OperationsAsync(Guid paymentId)
    {
        await using var session = fixture.Host.Services.GetRequiredService<IDocumentStore>().QuerySession();
        return await session.Query<ProcessorOperation>().CountAsync(o => o.Id == paymentId, TestContext.Current.CancellationToken);
    }
}
