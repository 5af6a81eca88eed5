extern alias ordering;

using System.Text;
using ordering::Shop.Ordering.Orders;
using RabbitMQ.Client;
using Shop.Testing;

namespace Shop.OrderSaga.Tests;

public class PoisonMessageTests(SagaFixture shop)
{
    [Fact]
    public async Task a_message_that_cannot_be_read_goes_to_the_dead_letter_queue_and_does_not_block_its_queue()
    {
        var poison = $"{{ this is not a payment {Guid.NewGuid()}";
        var factory = new ConnectionFactory { Uri = new Uri(shop.BrokerUri) };
        await using (var connection = await factory.CreateConnectionAsync())
        await using (var channel = await connection.CreateChannelAsync())
        {
            var properties = new BasicProperties
            {
                ContentType = "application/json",
                MessageId = Guid.NewGuid().ToString(),
                Headers = new Dictionary<string, object?> { ["message-type"] = "Shop.Contracts.Payments.ProcessPayment" },
            };
            await channel.BasicPublishAsync("", "payments", mandatory: false, properties, Encoding.UTF8.GetBytes(poison));
        }

        var product = await shop.ProductAsync(stock: 2);
        var (orderId, _) = await shop.CheckOutAsync(product, 1, "pm_card_visa");

        (await shop.SettledAsync(orderId)).Status.ShouldBe(OrderStatus.Confirmed);
        await Eventually.ValueAsync(
            () => Broker.PeekAsync(SagaFixture.VirtualHost, "wolverine-dead-letter-queue"),
            bodies => bodies.Contains(poison),
            TimeSpan.FromSeconds(30),
            "the unreadable message reaching the dead-letter queue");
    }
}
