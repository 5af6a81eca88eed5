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
        await using var tap = await TapAsync(ct);

        var (id, email, _) = await fixture.CustomerAsync();
        await fixture.Host.Scenario(s =>
        {
            s.Post.Url($"/users/{id}/deactivate");
            s.Bearer(fixture.AdminToken);
            s.StatusCodeShouldBeOk();
        });

        var registered = await NextForAsync(tap, id, ct);
        registered.RoutingKey.ShouldBe("user.registered");
        registered.Body.GetProperty("email").GetString().ShouldBe(email);
        (await NextForAsync(tap, id, ct)).RoutingKey.ShouldBe("user.deactivated");
    }

    [Fact]
    public async Task changing_the_display_name_publishes_user_renamed()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var tap = await TapAsync(ct);
        var (id, _, token) = await fixture.CustomerAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Put.Json(new { displayName = "Renée Renamed" }).ToUrl("/users/me/display-name");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });

        (await NextForAsync(tap, id, ct)).RoutingKey.ShouldBe("user.registered");
        var renamed = await NextForAsync(tap, id, ct);
        renamed.RoutingKey.ShouldBe("user.renamed");
        renamed.Body.GetProperty("displayName").GetString().ShouldBe("Renée Renamed");
    }

    [Fact]
    public async Task forgetting_publishes_user_forgotten_under_its_wire_name_and_version()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var tap = await TapAsync(ct);
        var (id, _, token) = await fixture.CustomerAsync();

        await fixture.Host.Scenario(s =>
        {
            s.Post.Json(new { password = IdentityFixture.Password }).ToUrl($"/users/{id}/forget");
            s.Bearer(token);
            s.StatusCodeShouldBeOk();
        });

        (await NextForAsync(tap, id, ct)).MessageType.ShouldBe("user.registered.V1");
        var forgotten = await NextForAsync(tap, id, ct);
        (forgotten.RoutingKey, forgotten.MessageType).ShouldBe(("user.forgotten", "user.forgotten.V1"));
    }

    /// <summary>A queue of the test's own, bound to every user event on the users exchange.</summary>
    private static async Task<UsersExchangeTap> TapAsync(CancellationToken ct)
    {
        var connection = await new ConnectionFactory { Uri = new Uri(Database.RabbitMq) }.CreateConnectionAsync(ct);
        var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var queue = (await channel.QueueDeclareAsync(exclusive: true, autoDelete: true, cancellationToken: ct)).QueueName;
        await channel.QueueBindAsync(queue, Exchanges.Users, "user.*", cancellationToken: ct);
        return new UsersExchangeTap(connection, channel, queue);
    }

    /// <summary>The next message about this user, waiting up to 30 seconds; other tests' users are skipped.</summary>
    private static async Task<(string RoutingKey, string? MessageType, JsonElement Body)> NextForAsync(UsersExchangeTap tap, Guid userId, CancellationToken ct)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var message = await tap.Channel.BasicGetAsync(tap.Queue, autoAck: true, ct);
            if (message is null)
            {
                await Task.Delay(100, ct);
                continue;
            }

            var body = JsonDocument.Parse(Encoding.UTF8.GetString(message.Body.Span)).RootElement;
            if (body.GetProperty("userId").GetGuid() == userId)
            {
                // Wolverine sends the message's name in the AMQP type property.
                return (message.RoutingKey, message.BasicProperties.Type, body);
            }
        }

        throw new TimeoutException($"No message about user {userId} within 30 seconds.");
    }

    private sealed record UsersExchangeTap(IConnection Connection, IChannel Channel, string Queue) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Channel.DisposeAsync();
            await Connection.DisposeAsync();
        }
    }
}
