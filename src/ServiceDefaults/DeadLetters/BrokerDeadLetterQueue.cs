using System.Text;
using Microsoft.Extensions.Logging;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using Shop.ServiceDefaults.Hosting;
using Wolverine;
using Wolverine.Configuration;
using Wolverine.Persistence.Durability;
using Wolverine.RabbitMQ.Internal;
using Wolverine.Runtime;

namespace Shop.ServiceDefaults.DeadLetters;

/// <summary>Why a message taken from the broker's dead-letter queue is there: the broker's own reason, from <c>x-death</c>.</summary>
public sealed class DeadLetteredByBrokerException(string queue, string reason)
    : Exception($"RabbitMQ dead-lettered this message from queue '{queue}': {reason}.");

/// <summary>
/// The broker's dead-letter queue, shared by every service. Shop's listeners write their dead letters to their own
/// table, so this queue holds only what the broker dead-lettered itself (a queue's delivery limit, on a broker
/// configured with one) and what older releases sent there. Each service takes the messages of its own queues
/// into its table, one at a time: stored first, then acknowledged, so a crash between the two leaves the
/// message in the queue and the next import finds the row already there.
/// </summary>
public sealed class BrokerDeadLetterQueue(ShopSettings settings, IWolverineRuntime runtime, ILogger<BrokerDeadLetterQueue> log)
{
    public const string QueueName = "wolverine-dead-letter-queue";

    /// <summary>At most this many messages are looked at by one import; the others wait for the next.</summary>
    public const int ImportLimit = 10_000;

    /// <summary>How many messages the queue holds, for every service; empty when the broker has no such queue.</summary>
    public async Task<IReadOnlyList<BrokerDeadLetters>> CountAsync(CancellationToken ct)
    {
        await using var connection = await ConnectAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        try
        {
            var queue = await channel.QueueDeclarePassiveAsync(QueueName, ct);
            return [new BrokerDeadLetters(QueueName, (int)queue.MessageCount)];
        }
        catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
        {
            return [];
        }
    }

    /// <summary>Moves the messages that came from this service's queues into its dead-letter table; returns how many.</summary>
    public async Task<int> MoveIntoAsync(IMessageStore store, CancellationToken ct)
    {
        var own = OwnQueues();
        await using var connection = await ConnectAsync(ct);
        await using var channel = await connection.CreateChannelAsync(cancellationToken: ct);
        var moved = 0;
        // Messages of other services stay unacknowledged until the channel closes, which returns them to the queue.
        for (var looked = 0; looked < ImportLimit; looked++)
        {
            BasicGetResult? message;
            try
            {
                message = await channel.BasicGetAsync(QueueName, autoAck: false, ct);
            }
            catch (OperationInterruptedException e) when (e.ShutdownReason?.ReplyCode == 404)
            {
                return moved;
            }

            if (message is null)
            {
                break;
            }

            var (queue, reason) = DeathOf(message.BasicProperties.Headers);
            if (queue is null || !own.Contains(queue))
            {
                continue;
            }

            var envelope = EnvelopeOf(message, queue);
            if (await store.DeadLetters.DeadLetterEnvelopeByIdAsync(envelope.Id) is null)
            {
                await store.Inbox.MoveToDeadLetterStorageAsync(envelope, new DeadLetteredByBrokerException(queue, reason));
            }

            await channel.BasicAckAsync(message.DeliveryTag, multiple: false, ct);
            moved++;
        }

        log.LogInformation("Took {Count} dead letters of {Service} out of the broker's {Queue}", moved, runtime.Options.ServiceName, QueueName);
        return moved;
    }

    private HashSet<string> OwnQueues() => [.. runtime.Options.Transports.AllEndpoints()
        .OfType<RabbitMqQueue>()
        .Where(q => q.IsListener && q.Role == EndpointRole.Application)
        .Select(q => q.QueueName)];

    private Task<IConnection> ConnectAsync(CancellationToken ct) =>
        new ConnectionFactory { Uri = new Uri(settings.RabbitMq), ClientProvidedName = "dead-letters" }.CreateConnectionAsync(ct);

    /// <summary>The queue a message was last dead-lettered from and why (the broker puts the latest death first), from the broker's <c>x-death</c> header.</summary>
    public static (string? Queue, string Reason) DeathOf(IDictionary<string, object?>? headers)
    {
        if (ValueOf(headers, "x-death") is not IList<object> { Count: > 0 } deaths || deaths[0] is not IDictionary<string, object?> last)
        {
            return (null, "unknown");
        }

        return (Text(ValueOf(last, "queue")), Text(ValueOf(last, "reason")) ?? "unknown");
    }

    private static Envelope EnvelopeOf(BasicGetResult message, string queue)
    {
        var properties = message.BasicProperties;
        var headers = (properties.Headers ?? new Dictionary<string, object?>())
            .Where(h => h.Key != "x-death")
            .ToDictionary(h => h.Key, h => Text(h.Value));
        var envelope = new Envelope
        {
            Id = Guid.TryParse(properties.MessageId, out var id) ? id : Guid.NewGuid(),
            Data = message.Body.ToArray(),
            ContentType = properties.ContentType ?? EnvelopeConstants.JsonContentType,
            MessageType = properties.Type ?? headers.GetValueOrDefault(EnvelopeConstants.MessageTypeKey),
            CorrelationId = properties.CorrelationId,
            Destination = new Uri($"rabbitmq://queue/{queue}"),
            Source = headers.GetValueOrDefault(EnvelopeConstants.SourceKey),
            SentAt = DateTimeOffset.UtcNow,
        };
        foreach (var (name, value) in headers)
        {
            envelope.Headers[name] = value;
        }

        return envelope;
    }

    private static object? ValueOf(IDictionary<string, object?>? values, string key) =>
        values is not null && values.TryGetValue(key, out var value) ? value : null;

    private static string? Text(object? value) => value switch
    {
        byte[] bytes => Encoding.UTF8.GetString(bytes),
        null => null,
        _ => value.ToString(),
    };
}
