using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Serialization;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Net.Http.Headers;
using Shop.Gateway.Routing;

namespace Shop.Gateway.Console.Session;

/// <summary>An access token with the refresh token that renews it, as Identity's token endpoint answers.</summary>
public sealed record TokenPair(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn,
    [property: JsonPropertyName("refresh_token")] string RefreshToken);

/// <summary>Identity's answer to a token request: the tokens, or why there are none.</summary>
public sealed record TokenAnswer(TokenPair? Tokens, SignInRefusal? Refusal);

/// <summary>Identity's OAuth endpoints, as the console uses them: a log-in, a renewal, a log-out.</summary>
public sealed class IdentityTokens(IHttpClientFactory clients, IMemoryCache renewals, ILogger<IdentityTokens> log)
{
    /// <summary>How long a renewal's answer serves the other requests that came with the same refresh token.</summary>
    private static readonly TimeSpan RenewalShared = TimeSpan.FromSeconds(30);
    private readonly Lock _renewing = new();

    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>The password grant; refused when the password is wrong, the account deactivated or log-ins throttled, or when Identity cannot be reached.</summary>
    public Task<TokenAnswer> LogInAsync(HttpContext http, string email, string password) =>
        RequestAsync(http, "http://identity/oauth/token", new() { ["grant_type"] = "password", ["username"] = email, ["password"] = password }, http.RequestAborted);

    /// <summary>
    /// The refresh_token grant. A refresh token is single-use, and Identity ends the whole log-in when one is shown
    /// twice; a console page and its refreshing pieces ask at the same moment, so they share one renewal.
    /// </summary>
    public Task<TokenAnswer> RenewAsync(HttpContext http, string refreshToken)
    {
        Lazy<Task<TokenAnswer>> renewal;
        // The cache's own get-or-create may run its factory once per racing caller: the lock makes it once.
        lock (_renewing)
        {
            renewal = renewals.GetOrCreate(("renewal", Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(refreshToken)))), entry =>
            {
                entry.AbsoluteExpirationRelativeToNow = RenewalShared;
                // Not the first asker's own cancellation: the others wait on the same answer.
                return new Lazy<Task<TokenAnswer>>(() => RequestAsync(
                    http, "http://identity/oauth/token", new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, CancellationToken.None));
            })!;
        }

        return renewal.Value;
    }

    public Task RevokeAsync(HttpContext http, string refreshToken) =>
        RequestAsync(http, "http://identity/oauth/revoke", new() { ["token"] = refreshToken, ["token_type_hint"] = "refresh_token" }, http.RequestAborted);

    private async Task<TokenAnswer> RequestAsync(HttpContext http, string url, Dictionary<string, string> form, CancellationToken aborted)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(Timeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new FormUrlEncodedContent(form) };
            // Identity throttles log-ins per client address: the browser's, not the gateway's.
            request.Headers.TryAddWithoutValidation("X-Forwarded-For", http.Connection.RemoteIpAddress?.ToString());
            request.Headers.TryAddWithoutValidation(HeaderNames.Accept, "application/json");
            using var response = await clients.CreateClient(DownstreamReads.Client).SendAsync(request, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return response.Content.Headers.ContentLength == 0
                    ? new TokenAnswer(null, null)
                    : new TokenAnswer(await response.Content.ReadFromJsonAsync<TokenPair>(timeout.Token), null);
            }

            return new TokenAnswer(null, response.StatusCode == HttpStatusCode.TooManyRequests ? SignInRefusal.Throttled : SignInRefusal.Refused);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException && !aborted.IsCancellationRequested)
        {
            log.LogWarning(e, "Identity's token endpoint {Url} did not answer", url);
            return new TokenAnswer(null, SignInRefusal.Unreachable);
        }
    }
}
