using JasperFx.Core;
using Microsoft.Extensions.Hosting;
using Shop.ServiceDefaults.DeadLetters;
using Wolverine;
using Wolverine.Configuration;
using Wolverine.RabbitMQ;
using Wolverine.RabbitMQ.Internal;
using Wolverine.Runtime;

namespace Shop.ServiceDefaults.Persistence;

/// <summary>How one endpoint of the running configuration delivers, as far as the guarantees care.</summary>
public sealed record EndpointDelivery(Uri Uri, bool Listens, bool Sends, EndpointMode Mode, DeadLetterStorageMode DeadLetters = DeadLetterStorageMode.Durable);

/// <summary>
/// The delivery settings Shop relies on (DESIGN.md, "Messaging topology"), set explicitly and checked
/// against the running configuration at start-up: Wolverine's policies have skipped endpoints before,
/// so that every endpoint is durable is verified, not assumed.
/// </summary>
public static class DeliveryGuarantees
{
    public static readonly TimeSpan KeepHandledInboxRows = 30.Minutes();

    /// <summary>
    /// How long a node may miss its heartbeats before its unfinished inbox and outbox rows go to a
    /// live node. Wolverine waits a minute by default, so a service killed mid-message left those
    /// messages untouched for a minute after it was back.
    /// </summary>
    public static readonly TimeSpan CrashedNodeTimeout = 15.Seconds();

    /// <summary>
    /// How old an outbox row may grow before it is sent again although a live node owns it. A send
    /// that failed while the database was away left its row behind, owned and never retried.
    /// </summary>
    public static readonly TimeSpan StuckOutboxRow = 15.Seconds();

    /// <summary>
    /// Quorum queues that refuse a publish when full, so that the publisher's confirm fails and the outbox row
    /// stays, instead of dropping the queue's oldest message.
    /// </summary>
    /// <remarks>
    /// No <c>x-delivery-limit</c>. Before RabbitMQ 4.3 every return counts as a delivery: a closed channel
    /// returning its prefetch, and the requeue of each message a listener receives while Wolverine has it
    /// latched during a reconnect. After a broker restart that spent a limit of 10 within a second, and
    /// dead-lettered replies and order events nobody had failed on. A poison message is still
    /// dead-lettered, by Wolverine: every listener takes each message into its durable inbox first and
    /// counts the attempts of its handler there. RabbitMQ 4 applies a limit of 20 when none is declared
    /// and takes -1 for none; RabbitMQ 3.10 (Debian 12's) drops a message declared with -1 on its first
    /// return, so no argument is the only setting that is safe here. No <c>x-dead-letter-exchange</c>
    /// either: Wolverine leaves it out for queues that dead-letter into its own storage (see
    /// <see cref="WithShopDeliveryGuarantees"/>), so on RabbitMQ 4 the limit must be set to -1 by policy.
    /// </remarks>
    public static readonly IReadOnlyDictionary<string, object> QueueArguments = new Dictionary<string, object>
    {
        ["x-overflow"] = "reject-publish",
    };

    public static RabbitMqTransportExpression WithShopDeliveryGuarantees(this RabbitMqTransportExpression rabbit, WolverineOptions opts)
    {
        rabbit.ConfigureChannelCreation(channel =>
        {
            // Without confirms an outbox row can be deleted for a message the broker never stored.
            channel.PublisherConfirmationsEnabled = true;
            channel.PublisherConfirmationTrackingEnabled = true;
        });
        rabbit.UseQuorumQueues();
        // A handler's failure is dead-lettered into the service's own table, in the inbox's transaction, where
        // operators can list, replay and discard it (/admin/dead-letters); the broker's shared queue could only
        // be read by hand, and told no service which of its messages were its own.
        rabbit.CustomizeDeadLetterQueueing(new DeadLetterQueue(BrokerDeadLetterQueue.QueueName, DeadLetterQueueMode.WolverineStorage));
        opts.Policies.Add(new LambdaEndpointPolicy<RabbitMqQueue>((queue, _) =>
        {
            if (queue.Role == EndpointRole.Application)
            {
                foreach (var (name, value) in QueueArguments)
                {
                    queue.Arguments[name] = value;
                }
            }
        }));
        return rabbit;
    }

    /// <summary>What is wrong with the running configuration; empty when every guarantee holds.</summary>
    public static IReadOnlyList<string> Problems(IEnumerable<EndpointDelivery> endpoints, bool publisherConfirms, TimeSpan keepHandled)
    {
        var problems = new List<string>();
        foreach (var endpoint in endpoints.Where(e => e.Mode != EndpointMode.Durable))
        {
            if (endpoint.Listens)
            {
                problems.Add($"listener {endpoint.Uri} is {endpoint.Mode}, not on the durable inbox");
            }

            if (endpoint.Sends)
            {
                problems.Add($"sender {endpoint.Uri} is {endpoint.Mode}, not on the durable outbox");
            }
        }

        foreach (var endpoint in endpoints.Where(e => e.Listens && e.DeadLetters != DeadLetterStorageMode.Durable))
        {
            problems.Add($"listener {endpoint.Uri} dead-letters to {endpoint.DeadLetters}, not into the service's own table");
        }

        if (!publisherConfirms)
        {
            problems.Add("RabbitMQ publisher confirms are off");
        }

        if (keepHandled < KeepHandledInboxRows)
        {
            problems.Add($"handled inbox rows are kept {keepHandled}, less than {KeepHandledInboxRows}");
        }

        return problems;
    }

    /// <summary>The application's endpoints of the running configuration (Wolverine's own reply and dead-letter queues aside).</summary>
    public static IEnumerable<EndpointDelivery> Endpoints(WolverineOptions options) => options.Transports.AllEndpoints()
        .Where(e => e.Role == EndpointRole.Application && (e.IsListener || e.Subscriptions.Count > 0))
        .Select(e => new EndpointDelivery(e.Uri, e.IsListener, e.Subscriptions.Count > 0, e.Mode, e.DeadLetterStorage));

    public static bool PublisherConfirms(WolverineOptions options)
    {
        var channel = new WolverineRabbitMqChannelOptions();
        options.Transports.GetOrCreate<RabbitMqTransport>().ChannelCreationOptions?.Invoke(channel);
        return channel.PublisherConfirmationsEnabled && channel.PublisherConfirmationTrackingEnabled;
    }
}

/// <summary>Refuses to run a service whose running configuration breaks a delivery guarantee.</summary>
internal sealed class DeliveryGuaranteeCheck(IWolverineRuntime runtime) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var options = runtime.Options;
        var problems = DeliveryGuarantees.Problems(
            DeliveryGuarantees.Endpoints(options), DeliveryGuarantees.PublisherConfirms(options), options.Durability.KeepAfterMessageHandling);
        return problems.Count == 0
            ? Task.CompletedTask
            : throw new InvalidOperationException($"Delivery guarantees not met: {string.Join("; ", problems)}.");
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
