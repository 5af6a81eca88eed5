using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Shop.Bench;

/// <summary>An order as a customer polls it: its status and, once confirmed, when (the server's clock, which is this machine's).</summary>
public sealed record OrderSeen(string Status, DateTimeOffset? ConfirmedAt);

/// <summary>The few calls of the shop's public API that the simulated customers make.</summary>
public sealed class ShopApi(HttpClient http)
{
    public const string Gateway = "http://127.0.0.1:3000/api/";
    public const string Ordering = "http://127.0.0.1:3002/";
    public const string Inventory = "http://127.0.0.1:3003/";

    public static HttpClient Client(string baseAddress) => new(new SocketsHttpHandler
    {
        MaxConnectionsPerServer = 1024,
        PooledConnectionLifetime = TimeSpan.FromMinutes(10),
    })
    {
        BaseAddress = new Uri(baseAddress),
        Timeout = TimeSpan.FromSeconds(30),
    };

    public async Task RegisterAsync(string email, string password, string displayName)
    {
        using var response = await http.PostAsJsonAsync("users", new { email, password, displayName });
        if (response.StatusCode != HttpStatusCode.Conflict)
        {
            await EnsureAsync(response);
        }
    }

    public async Task<string> TokenAsync(string email, string password)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = email, ["password"] = password });
        using var response = await http.PostAsync("oauth/token", form);
        return (await ReadAsync(response)).GetProperty("access_token").GetString()!;
    }

    public async Task<Guid> AddProductAsync(string adminToken, string sku, decimal price, int stock)
    {
        using var added = await http.SendAsync(Post("products", adminToken, new { sku, name = $"Benchmark item {sku}", price, currency = "EUR" }));
        var id = (await ReadAsync(added)).GetProperty("id").GetGuid();
        using var received = await http.SendAsync(Post($"products/{id}/stock", adminToken, new { quantity = stock }));
        await EnsureAsync(received);
        return id;
    }

    public async Task<Guid> CreateOrderAsync(string token, Guid productId)
    {
        using var response = await http.SendAsync(Post("orders", token, new { items = new[] { new { productId, quantity = 1 } } }));
        return (await ReadAsync(response)).GetProperty("id").GetGuid();
    }

    public async Task CheckOutAsync(string token, Guid orderId)
    {
        using var response = await http.SendAsync(Post($"orders/{orderId}/checkout", token, new { paymentMethod = "pm_card_visa" }));
        await EnsureAsync(response);
    }

    /// <summary>Reads the order as a client reads its own write: with the ETag its creation answered ("1") as X-Min-Version.</summary>
    public async Task ReadOwnOrderAsync(string token, Guid orderId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"orders/{orderId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Add("X-Min-Version", "\"1\"");
        using var response = await http.SendAsync(request);
        await EnsureAsync(response);
    }

    /// <summary>The order's read model, or null while the projection has not written it yet.</summary>
    public async Task<OrderSeen?> OrderAsync(string token, Guid orderId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"orders/{orderId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        if (response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }

        var order = await ReadAsync(response);
        var confirmedAt = order.TryGetProperty("confirmedAt", out var at) && at.ValueKind == JsonValueKind.String ? at.GetDateTimeOffset() : (DateTimeOffset?)null;
        return new OrderSeen(order.GetProperty("status").GetString()!, confirmedAt);
    }

    private static HttpRequestMessage Post<T>(string path, string token, T body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    private static async Task<JsonElement> ReadAsync(HttpResponseMessage response)
    {
        await EnsureAsync(response);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    private static async Task EnsureAsync(HttpResponseMessage response)
    {
        if (!response.IsSuccessStatusCode)
        {
            throw new HttpRequestException(
                $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri} answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}",
                null,
                response.StatusCode);
        }
    }
}
