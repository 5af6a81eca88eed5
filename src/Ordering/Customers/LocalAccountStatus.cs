using Marten;
using Shop.ServiceDefaults.Security;

namespace Shop.Ordering.Customers;

/// <summary>
/// Whether a token's account may still order, from Ordering's own <see cref="CustomerAccount"/>
/// copy instead of a call to Identity per request: orders keep flowing while Identity is down. An
/// account not heard of yet (its registration still on its way) counts as active; the token, just
/// verified, proves it was issued to a real account, and its lifetime bounds the rest.
/// </summary>
public sealed class LocalAccountStatus(IDocumentStore store) : IAccountStatus
{
    public async Task<bool> IsActiveAsync(Guid userId, string accessToken, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        return await session.LoadAsync<CustomerAccount>(userId, ct) is not { Active: false };
    }
}
