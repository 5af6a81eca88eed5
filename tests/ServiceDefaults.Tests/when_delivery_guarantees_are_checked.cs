using Shop.ServiceDefaults.Persistence;
using Wolverine.Configuration;

namespace Shop.ServiceDefaults.Tests;

public class when_delivery_guarantees_are_checked
{
    private static readonly TimeSpan Kept = DeliveryGuarantees.KeepHandledInboxRows;

    private static EndpointDelivery Endpoint(string uri, bool listens, bool sends, EndpointMode mode) => new(new Uri(uri), listens, sends, mode);

    [Fact]
    public void durable_listeners_and_senders_with_confirms_pass()
    {
        var endpoints = new[]
        {
            Endpoint("rabbitmq://queue/ordering", listens: true, sends: false, EndpointMode.Durable),
            Endpoint("rabbitmq://queue/inventory", listens: false, sends: true, EndpointMode.Durable),
        };

        DeliveryGuarantees.Problems(endpoints, publisherConfirms: true, Kept).ShouldBeEmpty();
    }

    [Fact]
    public void a_listener_off_the_durable_inbox_is_named()
    {
        var endpoints = new[] { Endpoint("rabbitmq://queue/ordering", listens: true, sends: false, EndpointMode.BufferedInMemory) };

        DeliveryGuarantees.Problems(endpoints, publisherConfirms: true, Kept)
            .ShouldHaveSingleItem().ShouldBe("listener rabbitmq://queue/ordering is BufferedInMemory, not on the durable inbox");
    }

    [Fact]
    public void a_listener_that_dead_letters_to_the_broker_is_named()
    {
        var endpoints = new[] { new EndpointDelivery(new Uri("rabbitmq://queue/payments"), true, false, EndpointMode.Durable, DeadLetterStorageMode.Native) };

        DeliveryGuarantees.Problems(endpoints, publisherConfirms: true, Kept)
            .ShouldHaveSingleItem().ShouldBe("listener rabbitmq://queue/payments dead-letters to Native, not into the service's own table");
    }

    [Fact]
    public void a_sender_off_the_durable_outbox_is_named()
    {
        var endpoints = new[] { Endpoint("rabbitmq://exchange/orders", listens: false, sends: true, EndpointMode.Inline) };

        DeliveryGuarantees.Problems(endpoints, publisherConfirms: true, Kept)
            .ShouldHaveSingleItem().ShouldBe("sender rabbitmq://exchange/orders is Inline, not on the durable outbox");
    }

    [Fact]
    public void publisher_confirms_off_is_a_problem()
    {
        DeliveryGuarantees.Problems([], publisherConfirms: false, Kept).ShouldHaveSingleItem().ShouldContain("publisher confirms");
    }

    [Fact]
    public void handled_inbox_rows_kept_too_briefly_is_a_problem()
    {
        DeliveryGuarantees.Problems([], publisherConfirms: true, TimeSpan.FromMinutes(5)).ShouldHaveSingleItem().ShouldContain("handled inbox rows");
    }
}
