using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
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
/// everywhere within that time. When Identity cannot answer, the last answer holds (an account never
/// asked about counts as active, so the token's own lifetime is the bound), and Identity is not
/// asked again for a few seconds, so an outage does not make every request wait for a timeout.
/// </summary>
public sealed class IdentityAccountStatus(HttpClient http, JwtSettings jwt, IMemoryCache cache, TimeProvider clock, ILogger<IdentityAccountStatus> log) : IAccountStatus
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
        var key = $"account-status:{userId}";
        var now = clock.GetUtcNow();
        var known = cache.Get<Known>(key);
        if (known is not null && now - known.At < jwt.AccountStatusCacheTime)
        {
            return known.Active;
        }

        var fallback = known?.Active ?? true;
        if (cache.TryGetValue(IdentityUnreachable, out DateTimeOffset askAgainAt) && now < askAgainAt)
        {
            return fallback;
        }

        bool active;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"{jwt.Authority.TrimEnd('/')}/users/{userId}/status");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var response = await http.SendAsync(request, ct);
            active = response.StatusCode switch
            {
                // Identity refuses the very token it issued only when the account is deactivated.
                HttpStatusCode.Unauthorized => false,
                HttpStatusCode.OK => (await response.Content.ReadFromJsonAsync<Answer>(ct))?.Active != false,
                HttpStatusCode.TooManyRequests or >= HttpStatusCode.InternalServerError => throw new HttpRequestException($"Identity answered {(int)response.StatusCode}"),
                _ => true,
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Identity did not say whether account {UserId} is active; the last answer ({Active}) holds", userId, fallback);
            cache.Set(IdentityUnreachable, now + RetryAfterFailure, RetryAfterFailure);
            return fallback;
        }

        cache.Set(key, new Known(active, now), KeptFor);
        return active;
    }
}
