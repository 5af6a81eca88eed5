using JasperFx;
using Marten;
using Shop.Identity.Credentials;
using Shop.Identity.Users;
using Shop.ServiceDefaults.EventSourcing;

namespace Shop.Identity.Tokens;

/// <summary>What an e-mail and password presented at log-in lead to.</summary>
public abstract record LogInOutcome
{
    public sealed record Accepted(User User) : LogInOutcome;

    /// <summary>Wrong e-mail or password, or a deactivated account: the answer does not say which.</summary>
    public sealed record Refused : LogInOutcome;

    public sealed record Throttled(TimeSpan RetryAfter) : LogInOutcome;
}

/// <summary>
/// Checks an e-mail and password within the log-in throttle. A throttled caller gets no password
/// check at all; a refusal costs the same hashing whether or not the account exists.
/// </summary>
public sealed class LogIn(IDocumentStore store, PasswordHasher hasher, LoginThrottle throttle, TimeProvider clock)
{
    private const int RecordAttempts = 5;

    public async Task<LogInOutcome> CheckAsync(string email, string password, string address, CancellationToken ct)
    {
        var (accountId, addressId) = (LoginFailures.ForAccount(email), LoginFailures.ForAddress(address));
        await using var session = store.LightweightSession();
        var (account, client) = await FailuresAsync(session, accountId, addressId, ct);
        if (LoginThrottle.WaitBefore([account, client], clock.GetUtcNow()) is { } wait)
        {
            return new LogInOutcome.Throttled(wait);
        }

        var userId = await session.FindAsync(Registration.EmailClaim, email, ct);
        var user = userId is null ? null : await session.Events.AggregateStreamAsync<User>(userId.Value, token: ct);
        var check = user is null ? hasher.VerifyDecoy(password) : hasher.Verify(user.PasswordHash, password);
        if (user is null || !check.Valid || !user.Active)
        {
            await RecordFailureAsync(session, account, client, accountId, addressId, ct);
            return new LogInOutcome.Refused();
        }

        if (account is not null)
        {
            session.Delete(account);
        }

        if (check.NeedsRehash)
        {
            session.Events.Append(user.Id, new PasswordRehashed(user.Id, hasher.Hash(password)));
        }

        await session.SaveChangesAsync(ct);
        return new LogInOutcome.Accepted(user);
    }

    /// <summary>Counts the failure against the account and the address; concurrent failures are all counted (optimistic concurrency, retried).</summary>
    /// <remarks>The first try uses the session that already read the counts; a retry reads them again in a fresh one.</remarks>
    private async Task RecordFailureAsync(
        IDocumentSession first, LoginFailures? account, LoginFailures? client, string accountId, string addressId, CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var retry = attempt > 1 ? store.LightweightSession() : null;
            var session = retry ?? first;
            if (retry is not null)
            {
                (account, client) = await FailuresAsync(retry, accountId, addressId, ct);
            }

            var now = clock.GetUtcNow();
            Save(session, account, throttle.AccountFailed(account, accountId, now));
            Save(session, client, throttle.AddressFailed(client, addressId, now));
            try
            {
                await session.SaveChangesAsync(ct);
                return;
            }
            catch (Exception e) when (e is ConcurrencyException or DocumentAlreadyExistsException && attempt < RecordAttempts)
            {
                // Another failure was counted meanwhile: count this one on top of it.
            }
        }
    }

    private static void Save(IDocumentSession session, LoginFailures? before, LoginFailures after)
    {
        if (before is null)
        {
            session.Insert(after);
        }
        else
        {
            session.Update(after);
        }
    }

    private static async Task<(LoginFailures? Account, LoginFailures? Address)> FailuresAsync(
        IQuerySession session, string accountId, string addressId, CancellationToken ct)
    {
        var found = await session.LoadManyAsync<LoginFailures>(ct, accountId, addressId);
        return (found.FirstOrDefault(f => f.Id == accountId), found.FirstOrDefault(f => f.Id == addressId));
    }
}
