using JasperFx;
using Marten;
using Shop.Identity.Users;

namespace Shop.Identity.Tokens;

/// <summary>What presenting a refresh token got: a successor, or the reason it was refused.</summary>
public sealed record Refreshed(User? User, string? Successor, string? Refusal);

/// <summary>Starts, rotates and revokes refresh-token families in Identity's database.</summary>
public sealed class RefreshTokenStore(IDocumentStore store, IdentitySettings settings, TimeProvider clock)
{
    /// <summary>A new family for a fresh log-in; the user's expired tokens are cleared on the way.</summary>
    public async Task<string> StartAsync(Guid userId, CancellationToken ct)
    {
        var (value, now) = (RefreshToken.NewValue(), clock.GetUtcNow());
        await using var session = store.LightweightSession();
        session.DeleteWhere<RefreshToken>(t => t.UserId == userId && t.ExpiresAt < now);
        session.Insert(RefreshToken.For(value, Guid.NewGuid(), userId, now, settings.RefreshTokenLifetime));
        await session.SaveChangesAsync(ct);
        return value;
    }

    /// <summary>
    /// Spends the token and issues its successor in the same family. A token presented a second time
    /// (or twice at once) means a copy is in other hands: the whole family is revoked.
    /// </summary>
    public async Task<Refreshed> RotateAsync(string presented, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var session = store.LightweightSession();
        var token = await session.LoadAsync<RefreshToken>(RefreshToken.HashOf(presented), ct);
        switch (RefreshRules.Decide(token, now))
        {
            case RefreshOutcome.Refuse:
                return new Refreshed(null, null, "The refresh token is unknown, expired or revoked. Log in again.");
            case RefreshOutcome.RevokeFamily:
                await RevokeFamilyAsync(token!.FamilyId, ct);
                return new Refreshed(null, null, "The refresh token was already used, so every token of that log-in is revoked. Log in again.");
        }

        var user = await session.Events.AggregateStreamAsync<User>(token!.UserId, token: ct);
        if (user is not { Active: true })
        {
            await RevokeFamilyAsync(token.FamilyId, ct);
            return new Refreshed(null, null, "The account is deactivated.");
        }

        var successor = RefreshToken.NewValue();
        token.UsedAt = now;
        session.Update(token);
        session.Insert(RefreshToken.For(successor, token.FamilyId, token.UserId, now, settings.RefreshTokenLifetime));
        try
        {
            await session.SaveChangesAsync(ct);
            return new Refreshed(user, successor, null);
        }
        catch (ConcurrencyException)
        {
            await RevokeFamilyAsync(token.FamilyId, ct);
            return new Refreshed(null, null, "The refresh token was used twice at once, so every token of that log-in is revoked. Log in again.");
        }
    }

    /// <summary>Revokes the family of a presented token (RFC 7009: an unknown token is no error).</summary>
    public async Task RevokeAsync(string presented, CancellationToken ct)
    {
        await using var session = store.QuerySession();
        if (await session.LoadAsync<RefreshToken>(RefreshToken.HashOf(presented), ct) is { } token)
        {
            await RevokeFamilyAsync(token.FamilyId, ct);
        }
    }

    private async Task RevokeFamilyAsync(Guid familyId, CancellationToken ct)
    {
        await using var session = store.LightweightSession();
        session.DeleteWhere<RefreshToken>(t => t.FamilyId == familyId);
        await session.SaveChangesAsync(ct);
    }
}
