using System.Net.Http.Json;
using System.Text.Json;
using Shop.Testing;

namespace Shop.Deployment.Tests.Docker;

/// <summary>docker-compose.yml for real: the images built, the shop started, used through the gateway and operated.</summary>
[Collection(DockerCollection.Name)]
public sealed class ComposeTests(ComposeShop shop) : IClassFixture<ComposeShop>
{
    public const string Skipped = "Set SHOP_DOCKER_TESTS=1 with a Docker daemon running (./shop test does when one can start).";

    [Fact]
    public async Task an_order_placed_through_the_published_gateway_port_is_confirmed()
    {
        Assert.SkipUnless(ComposeShop.Enabled, Skipped);

        await shop.Api.ConfirmedOrderAsync(shop.ProductId);
    }

    [Fact]
    public async Task an_order_whose_checkout_is_under_way_when_orderings_container_is_killed_is_confirmed_once_it_is_back()
    {
        Assert.SkipUnless(ComposeShop.Enabled, Skipped);
        var token = await shop.Api.CustomerAsync();

        // With Payments stopped the checkout cannot finish: Ordering dies with the order's saga under way.
        await shop.Project.RunAsync("stop", "payments");
        var order = await shop.Api.CheckedOutOrderAsync(token, shop.ProductId);
        await shop.Api.ReachesAsync(order, token, "Submitted", TimeSpan.FromSeconds(30));
        await shop.Project.RunAsync("kill", "ordering");
        await shop.Project.RunAsync("start", "ordering", "payments");

        await shop.Api.ReachesAsync(order, token, "Confirmed", TimeSpan.FromSeconds(120));
        await shop.WaitUntilHealthyAsync(TimeSpan.FromMinutes(2));
    }

    [Fact]
    public async Task a_second_inventory_container_starts_healthy_and_orders_are_still_confirmed()
    {
        Assert.SkipUnless(ComposeShop.Enabled, Skipped);

        await shop.Project.RunAsync("up", "-d", "--no-recreate", "--no-deps", "--scale", "inventory=2", "inventory");
        (await shop.Project.ContainersAsync("inventory")).Count.ShouldBe(2);
        await shop.WaitUntilHealthyAsync(TimeSpan.FromMinutes(2));

        await shop.Api.ConfirmedOrderAsync(shop.ProductId);
    }

    [Fact]
    public async Task the_operators_commands_of_the_runbook_run_in_the_services_containers()
    {
        Assert.SkipUnless(ComposeShop.Enabled, Skipped);

        var verified = await shop.Project.RunAsync("run", "--rm", "--no-deps", "ordering", "audit", "verify");
        var rebuilt = await shop.Project.RunAsync("run", "--rm", "--no-deps", "ordering", "rebuild", "OrderDetails");
        var letters = await shop.Project.RunAsync("run", "--rm", "--no-deps", "notifications", "dead-letters", "list");
        var replayed = await shop.Project.RunAsync("run", "--rm", "--no-deps", "notifications", "dead-letters", "replay", "--all");
        var rotated = await shop.Project.RunAsync("run", "--rm", "--no-deps", "identity", "rotate-key");

        verified.ShouldContain("\"valid\":true");
        rebuilt.ShouldContain("of OrderDetails: done");
        letters.ShouldContain("notifications: 0 dead letter(s), grouped by failure", Case.Sensitive, letters[^Math.Min(letters.Length, 2000)..]);
        replayed.ShouldContain("0 dead letter(s) replay");
        rotated.ShouldContain("New signing key");
    }

    [Fact]
    public async Task prometheus_scrapes_every_services_metrics_and_loads_the_alert_rules()
    {
        Assert.SkipUnless(ComposeShop.Enabled, Skipped);
        using var prometheus = new HttpClient { BaseAddress = shop.Project.Prometheus, Timeout = TimeSpan.FromSeconds(10) };

        await Eventually.ValueAsync(async () =>
        {
            try
            {
                var targets = (await prometheus.GetFromJsonAsync<JsonElement>("api/v1/targets")).GetProperty("data").GetProperty("activeTargets").EnumerateArray()
                    .Where(t => t.GetProperty("health").GetString() == "up").Select(t => t.GetProperty("labels").GetProperty("job").GetString()).ToHashSet();
                return string.Join(", ", Scraped.Where(job => !targets.Contains(job)));
            }
            catch (HttpRequestException failure)
            {
                return failure.Message;
            }
        }, notUp => notUp.Length == 0, TimeSpan.FromMinutes(2), "every service's /metrics scraped");
        var rules = (await prometheus.GetFromJsonAsync<JsonElement>("api/v1/rules")).GetProperty("data").GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray()).Select(r => r.GetProperty("name").GetString());

        rules.ShouldBe(["ShopProjectionStalled", "ShopProjectionLagHigh", "ShopDeadLetters", "ShopOutboxBacklog", "ShopWritesFoldLongStreams"], ignoreOrder: true);
    }

    private static readonly string[] Scraped = ["gateway", "identity", "ordering", "inventory", "payments", "notifications"];
}
