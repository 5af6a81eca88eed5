using Marten;
using Shop.ServiceDefaults.EventSourcing;
using Wolverine;

namespace Shop.Ordering.Orders;

/// <summary>
/// The write path every order command shares: load at the version If-Match names, apply the rule,
/// append, and publish what other services must hear, in the one transaction Wolverine commits.
/// </summary>
public static class OrderWrites
{
    /// <param name="afterwards">What else must happen, in the same transaction, when the rule appended events (given the order before and after).</param>
    public static Task<IResult> DecideAsync(
        this IDocumentSession session, Guid id, HttpContext http, IMessageBus bus, Func<Order, Decision> rule, Func<Order, Order, ValueTask>? afterwards = null) =>
        StreamWrites.DecideAsync(session, id, http, rule, async write =>
        {
            var after = write.Before.After(write.Events);
            foreach (var message in IntegrationEvents.For(after, write.Events))
            {
                await bus.PublishAsync(message);
            }

            if (afterwards is not null && write.Events.Count > 0)
            {
                await afterwards(write.Before, after);
            }

            return null;
        }, write => OrderResponse.From(write.Before.After(write.Events), write.Version));
}
