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
/// Asks Identity (<c>GET /users/{id}/status</c>, with the caller's own token) and remembers the answer
/// for <see cref="JwtSettings.AccountStatusCacheTime"/>: a deactivated account's tokens stop working
/// everywhere within that time. When Identity cannot answer, the last known answer holds, and with none
/// the token's own lifetime (15 minutes) is the bound: every service staying up matters more here.
/// </summary>
public sealed class IdentityAccountStatus(HttpClient http, JwtSettings jwt, IMemoryCache cache, ILogger<IdentityAccountStatus> log) : IAccountStatus
{
    private sealed record Answer(bool Active);

    public async Task<bool> IsActiveAsync(Guid userId, string accessToken, CancellationToken ct)
    {
        var key = $"account-status:{userId}";
        if (cache.TryGetValue(key, out bool active))
        {
            return active;
        }

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
                _ => true,
            };
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            log.LogWarning(e, "Identity did not say whether account {UserId} is active; the token's lifetime bounds it", userId);
            return true;
        }

        cache.Set(key, active, jwt.AccountStatusCacheTime);
        return active;
    }
}
