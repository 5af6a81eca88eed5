using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Shop.Gateway.Routing;

/// <summary>
/// A read the gateway makes of a service on the caller's behalf (their token passed on) for an answer it puts
/// together from several services: one that fails or is late is null, and named by the caller, never a 500.
/// </summary>
public static class DownstreamReads
{
    public const string Client = "downstream";
    private static readonly TimeSpan PartTimeout = TimeSpan.FromSeconds(3);

    public static async Task<JsonElement?> ReadAsync(HttpContext http, IHttpClientFactory clients, string url, ILogger log)
    {
        var aborted = http.RequestAborted;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(PartTimeout);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, http.Request.Headers[HeaderNames.Authorization].ToString());
            using var response = await clients.CreateClient(Client).SendAsync(request, timeout.Token);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException && !aborted.IsCancellationRequested)
        {
            log.LogWarning(e, "Downstream read {Url} unavailable", url);
            return null;
        }
    }
}
