using Marten;
using Shop.ServiceDefaults.EventSourcing;
using Shop.ServiceDefaults.Http;
using Wolverine;

namespace Shop.Identity.Users;

/// <summary>
/// The write path every user command shares: load the user at the version If-Match names, apply the
/// command's rule, keep the admin roster in step (refusing to lose the last admin), append, and
/// publish what other services must hear, all in the one transaction Wolverine commits.
/// </summary>
public static class UserWrites
{
    public static async Task<IResult> DecideAsync(this IDocumentSession session, Guid id, HttpContext http, IMessageBus bus, Func<User, Decision> rule)
    {
        var (stream, failure) = await session.FetchForWritingAsync<User>(id, http);
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

        var after = before.After(decision.Events);
        if (before.IsActiveAdmin != after.IsActiveAdmin)
        {
            var roster = await session.Events.FetchForWriting<AdminRoster>(AdminRoster.StreamId, http.RequestAborted);
            var change = (roster.Aggregate ?? AdminRoster.Empty).Reconcile(before, after);
            if (change.Error is { } rosterError)
            {
                return Problems.From(rosterError);
            }

            roster.AppendMany(change.Events);
        }

        // CurrentVersion moves with every append, so the resulting version is taken first.
        var version = (stream.CurrentVersion ?? 0) + decision.Events.Count;
        stream.AppendMany(decision.Events);
        foreach (var message in IntegrationEvents.For(decision.Events))
        {
            await bus.PublishAsync(message);
        }

        http.Response.SetETag(version);
        return Results.Ok(new WriteAccepted(id, version));
    }
}
