using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Net.Http.Headers;

namespace Shop.Gateway.Routing;

/// <summary>A service's answer to one of the console's reads: the value, or why there is none.</summary>
public sealed record Answer<T>(T? Value, string? Problem)
{
    public bool Ok => Problem is null;
}

/// <summary>What a service said to an action asked of it: success, or the reason it gave.</summary>
public sealed record ActionOutcome(bool Succeeded, int Status, JsonElement? Body, string? Location, string Message);

/// <summary>
/// The services' admin endpoints as the gateway's operators' views and the console ask them: with the caller's own
/// token, so every rule a service applies to a caller applies here as well. A service that is down, late or refuses
/// is an answer with a reason, never an error.
/// </summary>
public sealed class AdminApi(IHttpClientFactory clients, IHttpContextAccessor context, ILogger<AdminApi> log)
{
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(5);

    /// <summary>An audit verification of a large log takes a while; the operator waits for it on purpose.</summary>
    private static readonly TimeSpan ActionTimeout = TimeSpan.FromMinutes(2);

    public static bool IsService(string? service) => service is not null && EveryService.Names.Contains(service);

    public async Task<Answer<T>> ReadAsync<T>(string service, string path)
    {
        using var request = Request(HttpMethod.Get, service, path);
        var (status, body, _) = await SendAsync(request, ReadTimeout);
        try
        {
            return status switch
            {
                >= 200 and < 300 when body is { } json => new Answer<T>(json.Deserialize<T>(JsonSerializerOptions.Web), null),
                0 => new Answer<T>(default, $"{service} did not answer"),
                _ => new Answer<T>(default, ProblemOf(service, status, body)),
            };
        }
        catch (JsonException e)
        {
            log.LogWarning(e, "{Service} answered {Path} with a document of another shape", service, path);
            return new Answer<T>(default, $"{service} answered in a shape this gateway does not read");
        }
    }

    /// <summary>The same read of every service, in parallel.</summary>
    public async Task<IReadOnlyDictionary<string, Answer<T>>> ReadEveryAsync<T>(string path)
    {
        var answers = await Task.WhenAll(EveryService.Names.Select(s => ReadAsync<T>(s, path)));
        return EveryService.Names.Zip(answers).ToDictionary(p => p.First, p => p.Second);
    }

    public async Task<ActionOutcome> PostAsync(string service, string path, object? body = null)
    {
        using var request = Request(HttpMethod.Post, service, path);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, options: JsonSerializerOptions.Web);
        }

        var (status, answer, location) = await SendAsync(request, ActionTimeout);
        return status switch
        {
            >= 200 and < 300 => new ActionOutcome(true, status, answer, location, "done"),
            0 => new ActionOutcome(false, status, null, null, $"{service} did not answer"),
            _ => new ActionOutcome(false, status, answer, null, ProblemOf(service, status, answer)),
        };
    }

    private HttpRequestMessage Request(HttpMethod method, string service, string path)
    {
        var request = new HttpRequestMessage(method, $"http://{service}{path}");
        request.Headers.TryAddWithoutValidation(HeaderNames.Authorization, context.HttpContext?.Request.Headers.Authorization.ToString());
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return request;
    }

    private async Task<(int Status, JsonElement? Body, string? Location)> SendAsync(HttpRequestMessage request, TimeSpan limit)
    {
        var aborted = context.HttpContext?.RequestAborted ?? CancellationToken.None;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(limit);
        try
        {
            using var response = await clients.CreateClient(DownstreamReads.Client).SendAsync(request, timeout.Token);
            var text = await response.Content.ReadAsStringAsync(timeout.Token);
            var body = text.Length > 0 && response.Content.Headers.ContentType?.MediaType?.Contains("json", StringComparison.Ordinal) == true
                ? JsonDocument.Parse(text).RootElement.Clone()
                : (JsonElement?)null;
            return ((int)response.StatusCode, body, response.Headers.Location?.ToString());
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException && !aborted.IsCancellationRequested)
        {
            log.LogWarning(e, "The admin request {Method} {Url} got no answer", request.Method, request.RequestUri);
            return (0, null, null);
        }
    }

    private static string ProblemOf(string service, int status, JsonElement? body) =>
        body is { ValueKind: JsonValueKind.Object } problem && problem.TryGetProperty("detail", out var detail) && detail.ValueKind == JsonValueKind.String
            ? $"{service}: {detail.GetString()}"
            : $"{service} answered {status}";
}
