using Marten;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Wolverine;

namespace Shop.Ordering.Orders;

/// <summary>
/// The write path every order command shares: load at the version If-Match names, apply the rule,
/// append, and publish what other services must hear, in the one transaction Wolverine commits.
/// </summary>
public static class OrderWrites
{
    /// <param name="afterwards">What else must happen, in the same transaction, when the rule appended events (given the order before and after).</param>
    public static async Task<IResult> DecideAsync(
        this IDocumentSession session, Guid id, HttpContext http, IMessageBus bus, Func<Order, Decision> rule, Func<Order, Order, ValueTask>? afterwards = null)
    {
        var (stream, failure) = await session.FetchForWritingAsync<Order>(id, http);
        if (failure is not null)
        {
            return failure;
        }

        var before = stream!.Aggregate!;
        var decision = rule(before);
        if (decision.Error is { } error)
        {
            return Problems.From(error);
        }

        // CurrentVersion moves with every append, so the resulting version is taken first.
        var version = (stream.CurrentVersion ?? 0) + decision.Events.Count;
        stream.AppendMany(decision.Events);
        var after = before.After(decision.Events);
        foreach (var message in IntegrationEvents.For(after, decision.Events))
        {
            await bus.PublishAsync(message);
        }

        if (afterwards is not null && decision.Events.Count > 0)
        {
            await afterwards(before, after);
        }

        http.Response.SetETag(version);
        return Results.Ok(OrderResponse.From(after, version));
    }
}
