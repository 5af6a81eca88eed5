namespace Shop.Bench;

public sealed record FirstOrderResult(double CreateMilliseconds, double CheckoutToConfirmedMilliseconds, double NextCheckoutToConfirmedMilliseconds);

/// <summary>
/// The first order the freshly started services see (right after the cold starts, before any other
/// order): what a customer waits for after a start, a restart or a rolling deploy. The order after it
/// is measured the same way, for comparison. <paramref name="round"/> keeps each round's customer and
/// product apart.
/// </summary>
public sealed class FirstOrder(string round)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan GiveUpAfter = TimeSpan.FromSeconds(60);

    public async Task<FirstOrderResult> RunAsync()
    {
        using var http = ShopApi.Client(ShopApi.Gateway);
        var api = new ShopApi(http);
        var admin = await api.TokenAsync("admin@shop.local", "admin passphrase 1");
        var product = await api.AddProductAsync(admin, $"FIRST-ORDER-{round.ToUpperInvariant()}", 10, 1_000);
        const string password = "first order passphrase";
        await api.RegisterAsync($"first-{round}@bench.local", password, "First customer");
        var token = await api.TokenAsync($"first-{round}@bench.local", password);

        var created = TimeProvider.System.GetTimestamp();
        var first = await api.CreateOrderAsync(token, product);
        var create = TimeProvider.System.GetElapsedTime(created).TotalMilliseconds;
        var firstConfirmed = await CheckOutAsync(api, token, first);
        var next = await CheckOutAsync(api, token, await api.CreateOrderAsync(token, product));
        Console.WriteLine($"  first order: created in {create:F0} ms, checkout → Confirmed {firstConfirmed:F0} ms (the next one {next:F0} ms)");
        return new FirstOrderResult(create, firstConfirmed, next);
    }

    /// <summary>Checkout to the confirmation time the order's own event records (this machine's clock on both ends).</summary>
    private static async Task<double> CheckOutAsync(ShopApi api, string token, Guid order)
    {
        var sent = DateTimeOffset.UtcNow;
        await api.CheckOutAsync(token, order);
        while (DateTimeOffset.UtcNow - sent < GiveUpAfter)
        {
            await Task.Delay(PollInterval);
            if (await api.OrderAsync(token, order) is { Status: "Confirmed", ConfirmedAt: { } confirmedAt })
            {
                return (confirmedAt - sent).TotalMilliseconds;
            }
        }

        throw new TimeoutException($"order {order} was not confirmed within {GiveUpAfter.TotalSeconds} s");
    }
}
