using System.Text.Json;

namespace Shop.EndToEnd.Tests;

/// <summary>The operator's projection rebuild, from the command line, against the running shop's data.</summary>
[Collection(nameof(TheShop))]
public class RebuildTests(ShopProcesses shop)
{
    [Fact]
    public async Task rebuilding_order_details_from_the_command_line_leaves_every_order_as_it_was()
    {
        var email = $"rebuild-{Guid.NewGuid():N}@example.com";
        (await shop.SendAsync(HttpMethod.Post, "users", null, new { email, password = "rebuild passphrase", displayName = "R" })).Status.ShouldBe(201);
        var token = await shop.TokenAsync(email, "rebuild passphrase");
        var (_, created) = await shop.SendAsync(HttpMethod.Post, "orders", token, new { items = Array.Empty<object>() });
        var order = created.GetProperty("id").GetGuid();
        var before = await ReadUntilAsync(order, token);

        // The command line rebuilds with a daemon of its own, so the service must not run meanwhile.
        (await ShopProcesses.ScriptAsync("pause Ordering")).ShouldBe(0);
        (int Code, string Output) rebuild;
        try
        {
            rebuild = await ShopProcesses.RunServiceCommandAsync("Ordering", "projections rebuild -p OrderDetails");
        }
        finally
        {
            (await ShopProcesses.ScriptAsync("resume Ordering")).ShouldBe(0);
        }

        rebuild.Code.ShouldBe(0, rebuild.Output);
        (await ReadUntilAsync(order, token)).ShouldBe(before);
    }

    private async Task<string> ReadUntilAsync(Guid order, string token)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            var (status, body) = await shop.SendAsync(HttpMethod.Get, $"orders/{order}", token);
            if (status == 200)
            {
                return JsonSerializer.Serialize(body);
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"order {order} never readable (last status {status})");
            }

            await Task.Delay(250);
        }
    }
}
