using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Logging;

namespace Shop.ServiceDefaults.Security;

/// <summary>Whether the account behind a valid access token may still act: deactivation stops its tokens early.</summary>
public interface IAccountStatus
{
    /// <summary>False only when the account is known to be deactivated.</summary>
    Task<bool> IsActiveAsync(Guid userId, string accessToken, CancellationToken ct);
}

/// <summary>
/// Asks Identity (<c>GET /users/{id}/status</c>, with the caller's own token) and trusts the answer
/// for <see cref="JwtSettings.AccountStatusCacheTime"/>: a deactivated account's tokens stop working
/// everywhere within that time. An answer past half that age is renewed in the background while it is
/// still used, so a busy account's requests do not wait for Identity; only a request finding no answer
/// young enough waits, and then for the one question in flight for that account. (Each request that found
/// the answer stale used to ask Identity itself: under load, every request of every busy account in that
/// moment asked at once, Identity answered late, and more asked meanwhile, until the services' calls to
/// Identity timed out.) When Identity cannot answer, the last answer holds (an account never asked about
/// counts as active, so the token's own lifetime is the bound), and Identity is not asked again for a
/// few seconds, so an outage does not make every request wait for a timeout.
/// </summary>
public sealed class IdentityAccountStatus(
    HttpClient http, JwtSettings jwt, IMemoryCache cache, AccountStatusQuestions questions, TimeProvider clock, ILogger<IdentityAccountStatus> log) : IAccountStatus
{
    private const string IdentityUnreachable = "account-status:identity-unreachable";

    /// <summary>How long a failure to reach Identity stops services asking it.</summary>
    public static readonly TimeSpan RetryAfterFailure = TimeSpan.FromSeconds(5);

    /// <summary>How long a last answer is kept to fall back on: longer than any token lives.</summary>
    private static readonly TimeSpan KeptFor = TimeSpan.FromHours(1);

    private sealed record Answer(bool Active);

    private sealed record Known(bool Active, DateTimeOffset At);

    public async Task<bool> IsActiveAsync(Guid userId, string accessToken, CancellationToken ct)
    {
        Task<bool> Ask() => questions.AskOnceAsync(userId, () => AskAsync(userId, accessToken));

        var known = cache.Get<Known>(Key(userId));
        var age = clock.GetUtcNow() - known?.At;
        if (known is null || age >= jwt.AccountStatusCacheTime)
        {
            return await Ask().WaitAsync(ct);
        }

        if (age >= jwt.AccountStatusCacheTime / 2)
        {
            _ = Ask();
        }

        return known.Active;
    }

    private static string Key(Guid userId) => $"account-status:{userId}";

    /// <summary>Asks Identity and keeps the answer; when Identity cannot answer, the last answer is the answer.</summary>
    private async Task<bool> AskAsync(Guid userId, string accessToken)
    {
        var now = clock.GetUtcNow();
        var fallback = cache.Get<Known>(Key(userId))?.Active ?? true;
        if (cache.TryGetValue(IdentityUnreachable, out DateTimeOffset askAgainAt) && now < askAgainAt)
        {
            return fallback;
        }

        bool active;
        try
        {
            // Not the caller's cancellation: other requests may be waiting for this answer. The client's timeout bounds it.
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{jwt.Authority.TrimEnd('/')}/users/{userId}/status");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var response = await http.SendAsync(request, CancellationToken.None);
            active = response.StatusCode switch
            {
                // Identity refuses the very token it issued only when the account is deactivated.
                HttpStatusCode.Unauthorized => false,
                HttpStatusCode.OK => (await response.Content.ReadFromJsonAsync<Answer>(CancellationToken.None))?.Active != false,
                HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError => throw new HttpRequestException($"Identity answered {(int)response.StatusCode}"),
                _ => true,
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            log.LogWarning(e, "Identity did not say whether account {UserId} is active; the last answer ({Active}) holds", userId, fallback);
            cache.Set(IdentityUnreachable, now + RetryAfterFailure, RetryAfterFailure);
            return fallback;
        }

        cache.Set(Key(userId), new Known(active, now), KeptFor);
        return active;
    }
}

/// <summary>The questions to Identity in flight, one per account, shared by every request of this process.</summary>
public sealed class AccountStatusQuestions
{
    private readonly ConcurrentDictionary<Guid, Lazy<Task<bool>>> _inFlight = new();

    /// <summary>The answer of the question about <paramref name="userId"/> already in flight, or of <paramref name="ask"/>, asked now.</summary>
    public Task<bool> AskOnceAsync(Guid userId, Func<Task<bool>> ask)
    {
        Lazy<Task<bool>>? question = null;
        question = new Lazy<Task<bool>>(async () =>
        {
            try
            {
                return await ask();
            }
            finally
            {
                _inFlight.TryRemove(new KeyValuePair<Guid, Lazy<Task<bool>>>(userId, question!));
            }
        });
        return _inFlight.GetOrAdd(userId, question).Value;
    }
}
