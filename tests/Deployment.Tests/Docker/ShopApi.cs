using System.Net.Http.Json;
using System.Text.Json;
using Shop.Testing;

namespace Shop.Deployment.Tests.Docker;

/// <summary>The shop's public API through a gateway's published port: accounts, a stocked product, orders.</summary>
public sealed class ShopApi(Uri gateway) : IDisposable
{
    public HttpClient Http { get; } = new() { BaseAddress = new Uri(gateway, "api/"), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>A token for the given account through the gateway's OAuth endpoint.</summary>
    public async Task<string> TokenAsync(string email, string password)
    {
        using var answer = await Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = email,
            ["password"] = password,
        }));
        return (await Read(answer)).GetProperty("access_token").GetString()!;
    }

    /// <summary>A new customer's token, registered through the gateway.</summary>
    public async Task<string> CustomerAsync()
    {
        var email = $"{Guid.NewGuid():N}@shop.test";
        using var registered = await Http.PostAsJsonAsync("users", new { email, password = "a long passphrase", displayName = "Test customer" });
        await Read(registered);
        return await TokenAsync(email, "a long passphrase");
    }

    /// <summary>Creates an order of one product for the customer and checks it out; gives its id.</summary>
    public async Task<Guid> CheckedOutOrderAsync(string token, Guid product)
    {
        using var create = Request(HttpMethod.Post, "orders", token, new { items = new[] { new { productId = product, quantity = 1 } } });
        using var created = await Http.SendAsync(create);
        var order = (await Read(created)).GetProperty("id").GetGuid();
        using var checkout = Request(HttpMethod.Post, $"orders/{order}/checkout", token, new { paymentMethod = "pm_card_visa" });
        using var checkedOut = await Http.SendAsync(checkout);
        await Read(checkedOut);
        return order;
    }

    /// <summary>A new customer's order of the product, checked out and seen confirmed within a minute.</summary>
    public async Task<Guid> ConfirmedOrderAsync(Guid product)
    {
        var token = await CustomerAsync();
        var order = await CheckedOutOrderAsync(token, product);
        await ReachesAsync(order, token, "Confirmed", TimeSpan.FromSeconds(60));
        return order;
    }

    /// <summary>Waits until the gateway answers the order with the status.</summary>
    public Task ReachesAsync(Guid order, string token, string status, TimeSpan within) =>
        Eventually.ValueAsync(() => StatusAsync(order, token), s => s == status, within, $"order {order} {status}");

    /// <summary>The order's status as the gateway answers it, or what went wrong reading it.</summary>
    public async Task<string> StatusAsync(Guid order, string token)
    {
        try
        {
            using var read = Request(HttpMethod.Get, $"orders/{order}", token);
            using var answer = await Http.SendAsync(read);
            return answer.IsSuccessStatusCode
                ? (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!
                : $"HTTP {(int)answer.StatusCode}";
        }
        catch (HttpRequestException failure)
        {
            return failure.Message;
        }
    }

    /// <summary>A product with plenty of stock, made by the admin.</summary>
    public async Task<Guid> StockedProductAsync(string token)
    {
        using var create = Request(HttpMethod.Post, "products", token, new { sku = "COMPOSE-1", name = "Compose lamp", price = 19.90m, currency = "EUR" });
        using var created = await Http.SendAsync(create);
        var product = (await Read(created)).GetProperty("id").GetGuid();
        using var stock = Request(HttpMethod.Post, $"products/{product}/stock", token, new { quantity = 1000 });
        using var stocked = await Http.SendAsync(stock);
        await Read(stocked);
        return product;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    private static async Task<JsonElement> Read(HttpResponseMessage answer)
    {
        var text = await answer.Content.ReadAsStringAsync();
        answer.IsSuccessStatusCode.ShouldBeTrue($"{answer.RequestMessage?.Method} {answer.RequestMessage?.RequestUri}: {(int)answer.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    public void Dispose() => Http.Dispose();
}
