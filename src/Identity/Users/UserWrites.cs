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
    public static Task<IResult> DecideAsync(this IDocumentSession session, Guid id, HttpContext http, IMessageBus bus, Func<User, Decision> rule) =>
        StreamWrites.DecideAsync(session, id, http, rule, async write =>
        {
            var after = write.Before.After(write.Events);
            if (write.Before.IsActiveAdmin != after.IsActiveAdmin)
            {
                var roster = await session.Events.FetchForWriting<AdminRoster>(AdminRoster.StreamId, http.RequestAborted);
                var change = (roster.Aggregate ?? AdminRoster.Empty).Reconcile(write.Before, after);
                if (change.Error is { } rosterError)
                {
                    return Problems.From(rosterError);
                }

                roster.AppendMany(change.Events);
            }

            foreach (var message in IntegrationEvents.For(write.Events))
            {
                await bus.PublishAsync(message);
            }

            return null;
        });
}
