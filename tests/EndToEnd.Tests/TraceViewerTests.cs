using Microsoft.Playwright;

namespace Shop.EndToEnd.Tests;

/// <summary>The trace viewer <c>./shop start</c> runs, in a real browser (the system's Chromium).</summary>
[Collection(nameof(TheShop))]
public class TraceViewerTests(ShopProcesses shop)
{
    private static readonly string[] EveryService = ["gateway", "ordering", "inventory", "payments", "notifications"];

    /// <summary>The README shows this picture; the test takes it anew each run.</summary>
    private static readonly string Screenshot = Path.Combine(ShopProcesses.Root, "docs", "images", "trace-viewer.png");

    [Fact]
    public async Task an_operator_finds_a_checkouts_trace_with_every_service_in_it()
    {
        var (token, product) = await shop.CustomerWithProductAsync(price: 12m);
        var (_, traceId) = await shop.ConfirmedCheckoutAsync(token, product);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Args = ["--no-sandbox"] });
        var page = await browser.NewPageAsync(new() { ViewportSize = new() { Width = 1600, Height = 1000 } });
        var deadline = DateTime.UtcNow.AddSeconds(60);
        var missing = EveryService;
        while (missing.Length > 0)
        {
            // The viewer lists a trace's spans once they have arrived; each look loads the page afresh.
            await page.GotoAsync($"{ShopProcesses.TraceViewer}traces/detail/{traceId}");
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var text = await page.InnerTextAsync("body");
            text.ShouldNotContain("An unhandled error has occurred");
            missing = [.. EveryService.Where(service => !text.Contains(service, StringComparison.Ordinal))];
            if (missing.Length > 0 && DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"the viewer's page for trace {traceId} does not name {string.Join(", ", missing)} after 60 s");
            }

            if (missing.Length > 0)
            {
                await Task.Delay(500);
            }
        }

        (await page.InnerTextAsync("body")).ShouldContain("order.confirmed");
        var picture = await page.ScreenshotAsync(new() { Path = Screenshot });
        picture.Length.ShouldBeGreaterThan(10_000, "a picture of the trace, not an empty page");
    }
}
