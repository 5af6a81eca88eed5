using Marten;
using Marten.Services;
using Microsoft.Extensions.Caching.Memory;
using Shop.ServiceDefaults.Security;

namespace Shop.Ordering.Customers;

/// <summary>
/// Whether a token's account may still order, from Ordering's own <see cref="CustomerAccount"/>
/// copy instead of a call to Identity per request: orders keep flowing while Identity is down. An
/// account not heard of yet (its registration still on its way) counts as active; the token, just
/// verified, proves it was issued to a real account, and its lifetime bounds the rest. An answer is
/// kept for <see cref="JwtSettings.AccountStatusCacheTime"/>, as every service keeps Identity's, so a
/// customer's polls and writes do not read the same row each time; a change this process commits
/// drops it at once (<see cref="AccountChanges"/>), another replica's copy ages out within that time.
/// </summary>
public sealed class LocalAccountStatus(IDocumentStore store, IMemoryCache cache, JwtSettings jwt) : IAccountStatus
{
    public async Task<bool> IsActiveAsync(Guid userId, string accessToken, CancellationToken ct)
    {
        if (cache.TryGetValue(KeyFor(userId), out bool active))
        {
            return active;
        }

        await using var session = store.QuerySession();
        active = await session.LoadAsync<CustomerAccount>(userId, ct) is not { Active: false };
        cache.Set(KeyFor(userId), active, jwt.AccountStatusCacheTime);
        return active;
    }

    internal static string KeyFor(Guid userId) => $"ordering:account-active:{userId}";
}

/// <summary>Drops the kept answer of every account a commit changed, once it is committed.</summary>
public sealed class AccountChanges(IMemoryCache cache) : DocumentSessionListenerBase
{
    public override Task AfterCommitAsync(IDocumentSession session, IChangeSet commit, CancellationToken token)
    {
        foreach (var account in commit.Inserted.Concat(commit.Updated).OfType<CustomerAccount>())
        {
            cache.Remove(LocalAccountStatus.KeyFor(account.Id));
        }

        return Task.CompletedTask;
    }
}
