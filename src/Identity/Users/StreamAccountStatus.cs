using Marten;
using Shop.ServiceDefaults.Security;

namespace Shop.Identity.Users;

/// <summary>Identity answers from the account's own stream: a deactivation stops its tokens here at once.</summary>
public sealed class StreamAccountStatus(IDocumentStore store) : IAccountStatus
{
    public async Task<bool> IsActiveAsync(Guid userId, string accessToken, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        var user = await session.Events.AggregateStreamAsync<User>(userId, token: ct);
        return user?.Active != false;
    }
}
