using System.Net;
using System.Text.Json.Serialization;
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
public sealed class IdentityTokens(IHttpClientFactory clients, ILogger<IdentityTokens> log)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>The password grant; refused when the password is wrong, the account deactivated or log-ins throttled, or when Identity cannot be reached.</summary>
    public Task<TokenAnswer> LogInAsync(HttpContext http, string email, string password) =>
        RequestAsync(http, "http://identity/oauth/token", new() { ["grant_type"] = "password", ["username"] = email, ["password"] = password });

    /// <summary>The refresh_token grant: the refresh token is single-use, so the answer carries its successor.</summary>
    public Task<TokenAnswer> RenewAsync(HttpContext http, string refreshToken) =>
        RequestAsync(http, "http://identity/oauth/token", new() { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken });

    public Task RevokeAsync(HttpContext http, string refreshToken) =>
        RequestAsync(http, "http://identity/oauth/revoke", new() { ["token"] = refreshToken, ["token_type_hint"] = "refresh_token" });

    private async Task<TokenAnswer> RequestAsync(HttpContext http, string url, Dictionary<string, string> form)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
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
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException && !http.RequestAborted.IsCancellationRequested)
        {
            log.LogWarning(e, "Identity's token endpoint {Url} did not answer", url);
            return new TokenAnswer(null, SignInRefusal.Unreachable);
        }
    }
}
