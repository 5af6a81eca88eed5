using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace Shop.ServiceDefaults.Security;

/// <summary>
/// Identity's published signing keys, fetched again every <see cref="JwtSettings.KeysRefreshInterval"/>,
/// so a key Identity stops publishing at the end of its grace period stops verifying here within
/// that time (IdentityModel's own manager refreshes at most every five minutes). A token naming a
/// key not seen yet has the keys fetched before it is checked (at most every two seconds). One fetch
/// runs at a time: requests that need it (none known yet, or a key not seen yet) wait for it, the
/// others are answered with the keys known. While Identity cannot be reached the keys fetched last
/// stay in use (none at all before the first fetch: every token is refused).
/// </summary>
public sealed class PublishedSigningKeys(JwtSettings jwt, IHttpClientFactory http, TimeProvider clock, ILogger<PublishedSigningKeys> logger)
    : IConfigurationManager<OpenIdConnectConfiguration>
{
    public const string HttpClientName = "identity-keys";

    /// <summary>Fetches no more often than this, however many unknown keys are presented.</summary>
    private static readonly TimeSpan MinimumBetweenFetches = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _fetching = new(1, 1);
    private OpenIdConnectConfiguration? _current;
    private DateTimeOffset _fetchedAt = DateTimeOffset.MinValue;
    private DateTimeOffset _attemptedAt = DateTimeOffset.MinValue;
    private volatile bool _refreshRequested;
    private volatile int _fetches;

    /// <summary>
    /// The keys known; fetched first when due. While a fetch is under way, a service that has keys answers
    /// with them, one that has none yet (its first requests) waits for that fetch rather than refuse the token.
    /// </summary>
    public Task<OpenIdConnectConfiguration> GetConfigurationAsync(CancellationToken cancel) =>
        GetAsync(waitForFetch: _current is null, cancel);

    public void RequestRefresh() => _refreshRequested = true;

    /// <summary>
    /// Before a bearer token is checked: when it names a key not fetched yet (Identity has just
    /// rotated), the keys are fetched first, or the fetch under way is waited for, so the token's
    /// first request already verifies.
    /// </summary>
    public async Task PrepareForAsync(string? authorization, CancellationToken cancel)
    {
        var kid = KeyIdOf(authorization);
        if (kid is null || _current?.SigningKeys.Any(k => k.KeyId == kid) == true)
        {
            return;
        }

        RequestRefresh();
        await GetAsync(waitForFetch: true, cancel);
    }

    private async Task<OpenIdConnectConfiguration> GetAsync(bool waitForFetch, CancellationToken cancel)
    {
        var current = _current;
        if (!waitForFetch && current is not null && !Due())
        {
            return current;
        }

        var fetchesBefore = _fetches;
        if (waitForFetch)
        {
            await _fetching.WaitAsync(cancel);
        }
        else if (!await _fetching.WaitAsync(TimeSpan.Zero, cancel))
        {
            // Someone else is fetching: answer with what is known rather than queue behind a slow Identity.
            return current ?? NoKeys();
        }

        try
        {
            // A fetch that ended while this request waited answers it too: waiters never fetch one after another.
            return Due() && _fetches == fetchesBefore ? await FetchAsync() : _current ?? NoKeys();
        }
        finally
        {
            _fetching.Release();
        }
    }

    private static string? KeyIdOf(string? authorization)
    {
        const string Bearer = "Bearer ";
        if (authorization?.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase) != true)
        {
            return null;
        }

        try
        {
            return new JsonWebToken(authorization[Bearer.Length..].Trim()).Kid;
        }
        catch (ArgumentException)
        {
            return null;
        }
    }

    private bool Due()
    {
        var now = clock.GetUtcNow();
        return now - _attemptedAt >= MinimumBetweenFetches && (_refreshRequested || now - _fetchedAt >= jwt.KeysRefreshInterval);
    }

    /// <summary>
    /// Not cancelled with the request that started it: others wait for it, and one client hanging up
    /// must not leave them without keys. The HTTP client's timeout bounds it.
    /// </summary>
    private async Task<OpenIdConnectConfiguration> FetchAsync()
    {
        _attemptedAt = clock.GetUtcNow();
        try
        {
            var retriever = new HttpDocumentRetriever(http.CreateClient(HttpClientName)) { RequireHttps = jwt.RequireHttpsMetadata };
            var fetched = await OpenIdConnectConfigurationRetriever.GetAsync(jwt.MetadataAddress, retriever, CancellationToken.None);
            _current = fetched;
            _fetchedAt = _attemptedAt;
            _refreshRequested = false;
            return fetched;
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not fetch Identity's signing keys from {Address}; the keys fetched last ({FetchedAt}) stay in use", jwt.MetadataAddress, _fetchedAt);
            return _current ?? NoKeys();
        }
        finally
        {
            _fetches++;
        }
    }

    /// <summary>Before any keys were fetched, no token verifies: a 401, never an error.</summary>
    private static OpenIdConnectConfiguration NoKeys() => new();
}
