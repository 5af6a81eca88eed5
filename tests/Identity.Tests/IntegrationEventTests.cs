using System.Text;
using System.Text.Json;
using RabbitMQ.Client;
using Shop.Contracts;
using Shop.Testing;

namespace Shop.Identity.Tests;

/// <summary>What other services hear from Identity, read from a real queue bound to the users exchange.</summary>
public class IntegrationEventTests(IdentityFixture fixture)
{
    [Fact]
    public async Task registering_and_deactivating_publish_user_events_to_the_users_exchange()
    {
        var ct = TestContext.Current.CancellationToken;
        var factory = new ConnectionFactory { Uri = new Uri(Database.RabbitMq) };
        await using var connection = await factory.CreateConnectionAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var queue = (await channel.QueueDeclareAsync(exclusive: true, autoDelete: true, cancellationToken: ct)).QueueName;
        await channel.QueueBindAsync(queue, Exchanges.Users, "user.*", cancellationToken: ct);

        var (id, email, _) = await fixture.CustomerAsync();
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/users/{id}/deactivate");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });

        var registered = await NextForAsync(channel, queue, id, ct);
        registered.RoutingKey.ShouldBe("user.registered");
        registered.Body.GetProperty("email").GetString().ShouldBe(email);
        (await NextForAsync(channel, queue, id, ct)).RoutingKey.ShouldBe("user.deactivated");
    }

    /// <summary>The next message about this user, waiting up to 30 seconds; other tests' users are skipped.</summary>
    private static async Task<(string RoutingKey, JsonElement Body)> NextForAsync(IChannel channel, string queue, Guid userId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var message = await channel.BasicGetAsync(queue, autoAck: true, ct);
            if (message is null)
            {
                await Task.Delay(100, ct);
                continue;
            }

            var body = JsonDocument.Parse(Encoding.UTF8.GetString(message.Body.Span)).RootElement;
            if (body.GetProperty("userId").GetGuid() == userId)
            {
                return (message.RoutingKey, body);
            }
        }

        throw new TimeoutException($"No message about user {userId} within 30 seconds.");
    }
}
