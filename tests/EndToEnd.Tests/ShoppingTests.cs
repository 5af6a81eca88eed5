using System.Text.Json;

namespace Shop.EndToEnd.Tests;

/// <summary>A customer's and an admin's whole journey, through the gateway only.</summary>
[Collection(nameof(TheShop))]
public class ShoppingTests(ShopProcesses shop)
{
    [Fact]
    public async Task register_log_in_browse_order_pay_and_read_everything_back()
    {
        var (token, product) = await shop.CustomerWithProductAsync(price: 19.99m);

        var order = await shop.CheckOutAsync(token, product, "pm_card_visa");
        var settled = await shop.SettledAsync(token, order);

        settled.GetProperty("status").GetString().ShouldBe("Confirmed");
        settled.GetProperty("total").GetDecimal().ShouldBe(39.98m);
        var history = await shop.ReadAsync($"orders/{order}/history", token);
        history.GetProperty("items").EnumerateArray().Select(e => e.GetProperty("type").GetString()).ShouldContain("order_confirmed");
        var payments = await ShopProcesses.EventuallyAsync(() => shop.ReadAsync($"payments?orderId={order}", token), p => p.GetProperty("total").GetInt32() == 1, "the payment in its read model");
        payments.GetProperty("items")[0].GetProperty("status").GetString().ShouldBe("Captured");
        var notifications = await ShopProcesses.EventuallyAsync(() => shop.ReadAsync("notifications", token), n => n.GetProperty("total").GetInt32() >= 2, "two notifications");
        notifications.GetProperty("items").EnumerateArray().Select(n => n.GetProperty("template").GetString()).ShouldContain("order-confirmed");
        var dashboard = await shop.ReadAsync("dashboard", token);
        dashboard.GetProperty("unavailable").GetArrayLength().ShouldBe(0);
        dashboard.GetProperty("orders").GetProperty("items")[0].GetProperty("orderId").GetGuid().ShouldBe(order);
    }

    [Theory]
    [InlineData("pm_card_declined", "card_declined")]
    [InlineData("pm_card_insufficient_funds", "insufficient_funds")]
    [InlineData("pm_card_slow", "timeout")]
    public async Task a_card_that_does_not_pay_ends_cancelled_with_its_reason(string card, string reason)
    {
        var (token, product) = await shop.CustomerWithProductAsync(price: 5m);

        var order = await shop.CheckOutAsync(token, product, card);
        var settled = await shop.SettledAsync(token, order);

        settled.GetProperty("status").GetString().ShouldBe("Cancelled");
        settled.GetProperty("cancellationReason").GetString().ShouldBe(reason);
    }

    [Fact]
    public async Task an_admin_ships_a_confirmed_order()
    {
        var (token, product) = await shop.CustomerWithProductAsync(price: 3m);
        var order = await shop.CheckOutAsync(token, product, "pm_card_visa");
        await shop.SettledAsync(token, order);
        var admin = await shop.TokenAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);

        var (status, _) = await shop.SendAsync(HttpMethod.Post, $"orders/{order}/ship", admin);

        status.ShouldBe(200);
        (await ShopProcesses.EventuallyAsync(() => shop.ReadAsync($"orders/{order}", token), o => o.GetProperty("status").GetString() == "Shipped", "shipped"))
            .GetProperty("shippedAt").ValueKind.ShouldBe(JsonValueKind.String);
    }

    [Fact]
    public async Task wrong_inputs_get_problem_details_never_a_500()
    {
        var (token, product) = await shop.CustomerWithProductAsync(price: 1m);

        (await shop.SendAsync(HttpMethod.Post, "orders", token, new { items = new[] { new { productId = product, quantity = 0 } } })).Status.ShouldBe(400);
        (await shop.SendAsync(HttpMethod.Post, "orders", token, new { items = new[] { new { productId = Guid.NewGuid(), quantity = 1 } } })).Status.ShouldBe(400);
        (await shop.SendAsync(HttpMethod.Get, $"orders/{Guid.NewGuid()}", token)).Status.ShouldBe(404);
        (await shop.SendAsync(HttpMethod.Post, "products", token, new { sku = "X", name = "X", price = 1, currency = "EUR" })).Status.ShouldBe(403);
        (await shop.SendAsync(HttpMethod.Get, "orders", null)).Status.ShouldBe(401);
        (await shop.SendAsync(HttpMethod.Post, "users", null, new { email = "nope", password = "short" })).Status.ShouldBe(400);
    }
}
