using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using Shop.Testing;

namespace Shop.EndToEnd.Tests;

/// <summary>An auditor follows one checkout through the whole shop by its correlation id, at the gateway.</summary>
[Collection(nameof(TheShop))]
public class CorrelationTests(ShopProcesses shop)
{
    [Fact]
    public async Task one_checkouts_events_in_ordering_inventory_payments_and_notifications_come_back_in_the_order_they_happened()
    {
        var (token, product) = await shop.CustomerWithProductAsync(price: 4m);
        var (order, correlation) = await shop.ConfirmedCheckoutAsync(token, product);
        var auditor = await AuditorAsync();

        var followed = await Eventually.ValueAsync(
            async () => (await shop.SendAsync(HttpMethod.Get, $"admin/correlations/{correlation}", auditor)).Body,
            body => Services(body).Distinct().Count() == 4 && Services(body).Last() == "notifications",
            TimeSpan.FromSeconds(30),
            $"checkout {correlation} in four services, down to the confirmation's mail");

        followed.GetProperty("unavailable").GetArrayLength().ShouldBe(0);
        var events = followed.GetProperty("events").EnumerateArray().Select(e => (Service: e.GetProperty("service").GetString()!, Type: e.GetProperty("event").GetProperty("type").GetString()!)).ToList();
        events[0].ShouldBe(("ordering", "order_checked_out"));
        events.IndexOf(("inventory", "stock_reserved")).ShouldBeLessThan(events.IndexOf(("payments", "payment_requested")));
        events.IndexOf(("payments", "payment_captured")).ShouldBeLessThan(events.IndexOf(("ordering", "order_confirmed")));
        events.FindLastIndex(e => e.Service == "notifications").ShouldBeGreaterThan(events.IndexOf(("ordering", "order_confirmed")));
        var timestamps = followed.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("event").GetProperty("timestamp").GetDateTimeOffset()).ToList();
        timestamps.ShouldBe([.. timestamps.Order()]);
        followed.GetProperty("events").EnumerateArray().Where(e => e.GetProperty("service").GetString() == "ordering")
            .ShouldAllBe(e => e.GetProperty("streamId").GetGuid() == order);
        (await shop.SendAsync(HttpMethod.Get, $"admin/correlations/{correlation}", token)).Status.ShouldBe(403);
    }

    private static IEnumerable<string> Services(JsonElement body) => body.ValueKind == JsonValueKind.Object && body.TryGetProperty("events", out _)
        ? body.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("service").GetString()!)
        : [];

    /// <summary>A new user made auditor by the shop's admin, logged in.</summary>
    private async Task<string> AuditorAsync()
    {
        var email = $"e2e-auditor-{Guid.NewGuid():N}@example.com";
        var (status, created) = await shop.SendAsync(HttpMethod.Post, "users", null, new { email, password = "auditor passphrase", displayName = "Auditor" });
        status.ShouldBe(201);
        var admin = await shop.TokenAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        (await shop.SendAsync(HttpMethod.Post, $"users/{created.GetProperty("id").GetGuid()}/roles", admin, new { role = "auditor" })).Status.ShouldBe(200);
        // Roles come from Identity's read model, which follows the grant a moment later.
        return await Eventually.ValueAsync(
            () => shop.TokenAsync(email, "auditor passphrase"),
            t => Encoding.UTF8.GetString(Base64Url.DecodeFromChars(t.Split('.')[1])).Contains("\"auditor\"", StringComparison.Ordinal),
            TimeSpan.FromSeconds(30),
            "a token with the auditor role");
    }
}
