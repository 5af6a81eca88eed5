using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Shop.Faults.Checking;

namespace Shop.Faults.Workload;

/// <summary>One customer's (or the admin's) view of the shop through the gateway; every order request it makes is recorded.</summary>
public sealed class ShopClient(HttpClient http, RequestLog log, Guid customerId, string token)
{
    /// <summary>The access token, for requests to a service's own port (its admin endpoints).</summary>
    public string Token => token;

    public static async Task<ShopClient> LogInAsync(HttpClient http, RequestLog log, string email, string password, CancellationToken ct)
    {
        using var answer = await http.PostAsJsonAsync("api/auth/token", new { email, password }, ct);
        answer.EnsureSuccessStatusCode();
        var token = (await answer.Content.ReadFromJsonAsync<JsonElement>(ct)).GetProperty("accessToken").GetString()!;
        // The customer's id is the token's subject; the account read model may not show it yet.
        var payload = token.Split('.')[1].Replace('-', '+').Replace('_', '/');
        using var claims = JsonDocument.Parse(Convert.FromBase64String(payload.PadRight(payload.Length + ((4 - (payload.Length % 4)) % 4), '=')));
        var id = Guid.Parse(claims.RootElement.GetProperty("sub").GetString()!);
        return new ShopClient(http, log, id, token);
    }

    /// <summary>An admin request outside the recorded history (catalog set-up); it must succeed.</summary>
    public async Task<JsonElement> AdminAsync(string path, object body, CancellationToken ct)
    {
        using var answer = await http.SendAsync(Request(path, body), ct);
        answer.EnsureSuccessStatusCode();
        var text = await answer.Content.ReadAsStringAsync(ct);
        if (text.Length == 0)
        {
            return default;
        }

        using var document = JsonDocument.Parse(text);
        return document.RootElement.Clone();
    }

    public Task<Guid?> CreateOrderAsync(Guid product, int quantity, string? key = null) =>
        RecordAsync("create", null, "api/orders", new { items = new[] { new { productId = product, quantity } } }, key);

    public Task<Guid?> CheckOutAsync(Guid order, string card) => RecordAsync("checkout", order, $"api/orders/{order}/checkout", new { paymentMethod = card });

    /// <summary>The status of the last answer about the order (null: no answer, or no request).</summary>
    public int? LastStatusAbout(Guid order) => log.LastAbout(order)?.Status;

    public Task<Guid?> CancelAsync(Guid order) => RecordAsync("cancel", order, $"api/orders/{order}/cancel", new { });

    private async Task<Guid?> RecordAsync(string kind, Guid? order, string path, object body, string? key = null)
    {
        var request = Request(path, body);
        if (key is not null)
        {
            request.Headers.Add("Idempotency-Key", key);
        }

        var bodyHash = key is null ? null : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body))))[..16];
        var invoked = DateTimeOffset.UtcNow;
        try
        {
            using var answer = await http.SendAsync(request);
            var status = (int)answer.StatusCode;
            var outcome = status switch { < 300 => Outcome.Ok, < 500 => Outcome.Fail, _ => Outcome.Info };
            if (kind == "create" && outcome == Outcome.Ok)
            {
                order = (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            }

            log.Add(new RecordedRequest(kind, customerId, order, outcome, status, invoked, DateTimeOffset.UtcNow, key, bodyHash));
            return outcome == Outcome.Ok ? order : null;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException)
        {
            // A timeout or a broken connection says nothing about whether the shop did it.
            log.Add(new RecordedRequest(kind, customerId, order, Outcome.Info, null, invoked, DateTimeOffset.UtcNow, key, bodyHash));
            return null;
        }
    }

    private HttpRequestMessage Request(string path, object body) => Request(HttpMethod.Post, path, body);

    /// <summary>A request as this client, outside the recorded history.</summary>
    public HttpRequestMessage Request(HttpMethod method, string path, object? body)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }
}
