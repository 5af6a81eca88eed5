using System.Text;
using Marten;
using RabbitMQ.Client;
using Shop.ServiceDefaults.Persistence;
using Shop.Testing;
using Wolverine;
using Wolverine.Configuration;
using Wolverine.Runtime;

namespace Shop.OrderSaga.Tests;

/// <summary>The delivery settings of DESIGN.md ("Messaging topology"), read back from the running hosts and the broker.</summary>
public class DeliverySettingsTests(SagaFixture shop)
{
    public static TheoryData<string> SagaQueues => ["inventory", "payments", "ordering"];

    [Theory]
    [MemberData(nameof(SagaQueues))]
    public async Task each_saga_queue_is_a_quorum_queue_that_refuses_publishes_when_full_and_leaves_dead_letters_to_the_service(string queue)
    {
        var declared = await Broker.QueueAsync(SagaFixture.VirtualHost, queue);

        declared.GetProperty("type").GetString().ShouldBe("quorum");
        var arguments = declared.GetProperty("arguments");
        arguments.TryGetProperty("x-delivery-limit", out _).ShouldBeFalse();
        arguments.GetProperty("x-overflow").GetString().ShouldBe("reject-publish");
        arguments.TryGetProperty("x-dead-letter-exchange", out _).ShouldBeFalse();
    }

    [Fact]
    public async Task a_message_returned_to_the_broker_again_and_again_stays_in_its_queue()
    {
        // Found by the broker-kill fault run: a listener that Wolverine holds latched while it reconnects
        // requeues every delivery, and a delivery limit of 10 dead-lettered replies within a second.
        var queue = $"returns-{Guid.NewGuid():N}";
        var factory = new ConnectionFactory { Uri = new Uri(shop.BrokerUri) };
        await using var connection = await factory.CreateConnectionAsync();
        await using var channel = await connection.CreateChannelAsync();
        var arguments = DeliveryGuarantees.QueueArguments.ToDictionary(a => a.Key, a => (object?)a.Value);
        arguments["x-queue-type"] = "quorum";
        await channel.QueueDeclareAsync(queue, durable: true, exclusive: false, autoDelete: false, arguments);
        try
        {
            await channel.BasicPublishAsync("", queue, mandatory: true, new BasicProperties { Persistent = true }, "a reply"u8.ToArray());

            foreach (var _ in Enumerable.Range(0, 25))
            {
                var delivery = await Eventually.ValueAsync(() => channel.BasicGetAsync(queue, autoAck: false), d => d is not null, TimeSpan.FromSeconds(10), "the message delivered again");
                await channel.BasicNackAsync(delivery!.DeliveryTag, multiple: false, requeue: true);
            }

            var last = await Eventually.ValueAsync(() => channel.BasicGetAsync(queue, autoAck: true), d => d is not null, TimeSpan.FromSeconds(10), "the message still in its queue");
            Encoding.UTF8.GetString(last!.Body.Span).ShouldBe("a reply");
        }
        finally
        {
            await channel.QueueDeleteAsync(queue);
        }
    }

    [Fact]
    public void every_listener_and_sender_of_every_service_is_durable()
    {
        foreach (var host in new[] { shop.Ordering, shop.Inventory, shop.Payments })
        {
            var endpoints = DeliveryGuarantees.Endpoints(Options(host)).ToList();
            endpoints.ShouldContain(e => e.Listens && e.Uri.Scheme == "rabbitmq");
            endpoints.ShouldContain(e => e.Sends && e.Uri.Scheme == "rabbitmq");
            endpoints.ShouldAllBe(e => e.Mode == EndpointMode.Durable);
            endpoints.Where(e => e.Listens).ShouldAllBe(e => e.DeadLetters == DeadLetterStorageMode.Durable);
        }
    }

    [Fact]
    public void publisher_confirms_are_on_and_handled_inbox_rows_are_kept_half_an_hour()
    {
        var options = Options(shop.Ordering);

        DeliveryGuarantees.PublisherConfirms(options).ShouldBeTrue();
        options.Durability.KeepAfterMessageHandling.ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMinutes(30));
    }

    [Fact]
    public async Task the_services_broker_connections_beat_every_two_seconds_so_a_lost_one_is_known_within_seconds()
    {
        // Found by the partition fault run: with the broker's 60 s heartbeats a checkout waited out the whole
        // partition for its publish's confirm, on a connection whose packets were lost.
        var connections = (await Eventually.ValueAsync(
                () => Broker.ConnectionsAsync(SagaFixture.VirtualHost), c => c.Any(IsWolverines), TimeSpan.FromSeconds(10), "the services connected"))
            .Where(IsWolverines).ToList();

        connections.Select(c => c.GetProperty("timeout").GetInt32()).ShouldAllBe(seconds => seconds == (int)BrokerConnection.Heartbeat.TotalSeconds);
    }

    [Fact]
    public void the_messages_a_crashed_node_was_handling_go_to_a_live_node_within_seconds()
    {
        // Found by the fault runs: after a kill -9 the inbox took a minute to drain (Wolverine's default).
        Options(shop.Payments).Durability.StaleNodeTimeout.ShouldBeLessThanOrEqualTo(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public void an_outbox_row_left_behind_by_a_failed_send_is_sent_again_within_seconds()
    {
        // Found by the fault runs: after a database crash one outbox row stayed unsent, owned by a live node.
        Options(shop.Inventory).Durability.OutboxStaleTime.ShouldBe(TimeSpan.FromSeconds(15));
    }

    [Fact]
    public async Task marten_records_skipped_events_instead_of_passing_them_silently()
    {
        shop.Ordering.Services.GetRequiredService<IDocumentStore>().Options.Events.EnableAdvancedAsyncTracking.ShouldBeTrue();

        var tables = await Database.RowsAsync("select table_name from information_schema.tables where table_schema = 'saga_ordering'");
        tables.ShouldContain("mt_high_water_skips");
    }

    private static bool IsWolverines(System.Text.Json.JsonElement connection) =>
        connection.TryGetProperty("client_properties", out var client)
        && client.TryGetProperty("connection_name", out var name)
        && name.GetString() == "Wolverine";

    private static WolverineOptions Options(IAlbaHost host) => host.Services.GetRequiredService<IWolverineRuntime>().Options;
}
