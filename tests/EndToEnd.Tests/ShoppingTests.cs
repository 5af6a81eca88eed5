using System.Text.Json;

namespace Shop.EndToEnd.Tests;

/// <summary>A customer's and an admin's whole journey, through the gateway only.</summary>
[Collection(nameof(TheShop))]
public class ShoppingTests(ShopProcesses shop)
{
    [Fact]
    public async Task register_log_in_browse_order_pay_and_read_everything_back()
    {
        var (token, product) = await CustomerWithProductAsync(price: 19.99m);

        var order = await CheckOutAsync(token, product, "pm_card_visa");
        var settled = await SettledAsync(token, order);

        settled.GetProperty("status").GetString().ShouldBe("Confirmed");
        settled.GetProperty("total").GetDecimal().ShouldBe(39.98m);
        var history = await ReadAsync($"orders/{order}/history", token);
        history.EnumerateArray().Select(e => e.GetProperty("type").GetString()).ShouldContain("order_confirmed");
        var payments = await EventuallyAsync(() => ReadAsync($"payments?orderId={order}", token), p => p.GetProperty("total").GetInt32() == 1, "the payment in its read model");
        payments.GetProperty("items")[0].GetProperty("status").GetString().ShouldBe("Captured");
        var notifications = await EventuallyAsync(() => ReadAsync("notifications", token), n => n.GetProperty("total").GetInt32() >= 2, "two notifications");
        notifications.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("template").GetString()).ShouldContain("order-confirmed");
        var dashboard = await ReadAsync("dashboard", token);
        dashboard.GetProperty("unavailable").GetArrayLength().ShouldBe(0);
        dashboard.GetProperty("orders")[0].GetProperty("orderId").GetGuid().ShouldBe(order);
    }

    [Theory]
    [InlineData("pm_card_declined", "card_declined")]
    [InlineData("pm_card_insufficient_funds", "insufficient_funds")]
    [InlineData("pm_card_slow", "timeout")]
    public async Task a_card_that_does_not_pay_ends_cancelled_with_its_reason(string card, string reason)
    {
        var (token, product) = await CustomerWithProductAsync(price: 5m);

        var order = await CheckOutAsync(token, product, card);
        var settled = await SettledAsync(token, order);

        settled.GetProperty("status").GetString().ShouldBe("Cancelled");
        settled.GetProperty("cancellationReason").GetString().ShouldBe(reason);
    }

    [Fact]
    public async Task an_admin_ships_a_confirmed_order()
    {
        var (token, product) = await CustomerWithProductAsync(price: 3m);
        var order = await CheckOutAsync(token, product, "pm_card_visa");
        await SettledAsync(token, order);
        var admin = await shop.TokenAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);

        var (status, _) = await shop.SendAsync(HttpMethod.Post, $"orders/{order}/ship", admin);

        status.ShouldBe(200);
        (await EventuallyAsync(() => ReadAsync($"orders/{order}", token), o => o.GetProperty("status").GetString() == "Shipped", "shipped"))
            .GetProperty("shippedAt").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Fact]
    public async Task wrong_inputs_get_problem_details_never_a_500()
    {
        var (token, product) = await CustomerWithProductAsync(price: 1m);

        (await shop.SendAsync(HttpMethod.Post, "orders", token, new { items = new[] { new { productId = product, quantity = 0 } } })).Status.ShouldBe(400);
        (await shop.SendAsync(HttpMethod.Post, "orders", token, new { items = new[] { new { productId = Guid.NewGuid(), quantity = 1 } } })).Status.ShouldBe(400);
        (await shop.SendAsync(HttpMethod.Get, $"orders/{Guid.NewGuid()}", token)).Status.ShouldBe(404);
        (await shop.SendAsync(HttpMethod.Post, "products", token, new { sku = "X", name = "X", price = 1, currency = "EUR" })).Status.ShouldBe(403);
        (await shop.SendAsync(HttpMethod.Get, "orders", null)).Status.ShouldBe(401);
        (await shop.SendAsync(HttpMethod.Post, "users", null, new { email = "nope", password = "short" })).Status.ShouldBe(400);
    }

    private async Task<(string Token, Guid Product)> CustomerWithProductAsync(decimal price)
    {
        var email = $"e2e-{Guid.NewGuid():N}@example.com";
        (await shop.SendAsync(HttpMethod.Post, "users", null, new { email, password = "end to end passphrase", displayName = "E2E" })).Status.ShouldBe(201);
        var token = await shop.TokenAsync(email, "end to end passphrase");
        var admin = await shop.TokenAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        var (status, created) = await shop.SendAsync(HttpMethod.Post, "products", admin, new { sku = $"E2E-{Guid.NewGuid():N}", name = "End-to-end lamp", price, currency = "EUR" });
        status.ShouldBe(201);
        var product = created.GetProperty("id").GetGuid();
        (await shop.SendAsync(HttpMethod.Post, $"products/{product}/stock", admin, new { quantity = 10 })).Status.ShouldBe(200);
        await EventuallyAsync(() => ReadAsync($"products/{product}", null), p => p.ValueKind == JsonValueKind.Object && p.GetProperty("available").GetInt32() == 10, "the product in the catalog");
        return (token, product);
    }

    private async Task<Guid> CheckOutAsync(string token, Guid product, string card)
    {
        var (status, order) = await shop.SendAsync(HttpMethod.Post, "orders", token, new { items = new[] { new { productId = product, quantity = 2 } } });
        status.ShouldBe(201);
        var id = order.GetProperty("id").GetGuid();
        (await shop.SendAsync(HttpMethod.Post, $"orders/{id}/checkout", token, new { paymentMethod = card })).Status.ShouldBe(202);
        return id;
    }

    private Task<JsonElement> SettledAsync(string token, Guid order) => EventuallyAsync(
        () => ReadAsync($"orders/{order}", token),
        o => o.ValueKind == JsonValueKind.Object && o.GetProperty("status").GetString() is "Confirmed" or "Cancelled",
        $"order {order} settled");

    private async Task<JsonElement> ReadAsync(string url, string? token)
    {
        var (status, body) = await shop.SendAsync(HttpMethod.Get, url, token);
        return status == 200 ? body : default;
    }

    private static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> done, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (true)
        {
            var value = await read();
            if (value.ValueKind != JsonValueKind.Undefined && done(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"{what} did not happen within 90 s; last seen: {value}");
            }

            await Task.Delay(250);
        }
    }
}
