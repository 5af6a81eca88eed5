using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Shop.Testing;
using static Microsoft.Playwright.Assertions;

namespace Shop.EndToEnd.Tests;

/// <summary>The operators' and auditors' console at the gateway's /console, in a real browser (the system's Chromium).</summary>
[Collection(nameof(TheShop))]
public sealed partial class ConsoleTests(ShopProcesses shop) : IAsyncLifetime
{
    private const string Console = "http://127.0.0.1:3000/console";
    private static readonly string[] EveryService = ["identity", "inventory", "ordering", "payments", "notifications"];
    private static readonly string Pictures = Path.Combine(ShopProcesses.Root, "docs", "images");

    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public async ValueTask InitializeAsync()
    {
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new() { ExecutablePath = "/usr/bin/chromium", Args = ["--no-sandbox"] });
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
    }

    [Fact]
    public async Task an_admin_sees_every_services_lag_backlog_dead_letters_and_audit_on_the_first_page_all_served_by_the_shop()
    {
        var page = await SignedInAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        var elsewhere = new List<string>();
        page.Request += (_, request) =>
        {
            if (!request.Url.StartsWith("http://127.0.0.1:3000/", StringComparison.Ordinal))
            {
                elsewhere.Add(request.Url);
            }
        };

        await page.GotoAsync($"{Console}/audit");
        await page.GetByRole(AriaRole.Button, new() { Name = "Verify every service now" }).ClickAsync();
        await Expect(page.GetByTestId("notice")).ToContainTextAsync("Verified identity, inventory, ordering, payments, notifications.");

        await page.GotoAsync(Console);
        foreach (var service in EveryService)
        {
            var row = page.Locator($"[data-testid=overview] tr[data-service={service}]");
            await Expect(row.GetByTestId("lag")).ToHaveTextAsync(Number());
            await Expect(row.GetByTestId("outbox")).ToHaveTextAsync(Number());
            await Expect(row.GetByTestId("dead-letters")).ToHaveTextAsync(Number());
            // The verification just asked for, whatever it found: the shop's database may hold older checkpoints signed elsewhere.
            await Expect(row.GetByTestId("audit")).ToHaveTextAsync(new Regex(@"^\s*(intact|\d+ problems)\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC, [\d,]+ events\s*$"));
        }

        await Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("admin");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Pictures, "console-overview.png"), FullPage = true });
        elsewhere.ShouldBeEmpty("the console loads nothing from anywhere but the shop");
    }

    [Fact]
    public async Task an_auditor_sees_everything_is_offered_no_action_and_every_action_answers_403()
    {
        var (email, password) = await AuditorAsync();
        var page = await SignedInAsync(email, password);
        await Expect(page.GetByTestId("signed-in-as")).ToContainTextAsync("auditor, read only");

        foreach (var path in new[] { "", "/dead-letters", "/projections", "/audit" })
        {
            await page.GotoAsync(Console + path);
            await Expect(page.Locator("main h1")).ToBeVisibleAsync();
            (await page.Locator("form[action^='/console/actions']").CountAsync()).ShouldBe(0, $"no action offered on {Console}{path}");
        }

        await page.GotoAsync($"{Console}/projections");
        await Expect(page.Locator("[data-testid=shards]").First).ToBeVisibleAsync();
        // The sign-out form carries the page's antiforgery token: each request is one the auditor's browser could send.
        var token = await page.Locator("input[name=__RequestVerificationToken]").First.InputValueAsync();
        string[] actions =
        [
            "/actions/dead-letters/notifications/replay", "/actions/dead-letters/notifications/discard",
            "/actions/dead-letters/notifications/archive", "/actions/dead-letters/notifications/import",
            "/actions/projections/ordering/OrderDetails/rebuild", "/actions/audit/ordering/verify", "/actions/audit/verify",
        ];
        foreach (var action in actions)
        {
            var form = page.Context.APIRequest.CreateFormData();
            form.Set("__RequestVerificationToken", token);
            form.Set("failureGroup", "any");
            var answer = await page.Context.APIRequest.PostAsync(Console + action, new() { Form = form, MaxRedirects = 0 });
            answer.Status.ShouldBe((int)HttpStatusCode.Forbidden, action);
        }
    }

    [Fact]
    public async Task a_customer_may_not_sign_in_and_a_page_asked_for_without_a_session_leads_to_the_sign_in_and_back()
    {
        var email = $"console-customer-{Guid.NewGuid():N}@example.com";
        (await shop.SendAsync(HttpMethod.Post, "users", null, new { email, password = "customer passphrase", displayName = "C" })).Status.ShouldBe(201);
        var page = await _browser.NewPageAsync();
        await page.GotoAsync($"{Console}/projections");
        await Expect(page).ToHaveURLAsync(new Regex("/console/sign-in\\?returnUrl=%2Fconsole%2Fprojections$"));
        await SignInAsync(page, email, "customer passphrase");
        await Expect(page.GetByTestId("sign-in-refused")).ToContainTextAsync("neither an admin nor an auditor");

        await SignInAsync(page, ShopProcesses.AdminEmail, "not the password");
        await Expect(page.GetByTestId("sign-in-refused")).ToContainTextAsync("wrong");

        await SignInAsync(page, ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        await Expect(page).ToHaveURLAsync($"{Console}/projections");
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await page.GotoAsync(Console);
        await Expect(page).ToHaveURLAsync(new Regex("/console/sign-in"));
    }

    [Fact]
    public async Task an_admin_finds_a_dead_letter_reads_it_and_replays_it()
    {
        var admin = await shop.TokenAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        using var notifications = ShopProcesses.ServiceClient("notifications", admin);
        var (letter, email) = await shop.DeadLetteredWelcomeAsync(notifications);
        var page = await SignedInAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);

        await page.GotoAsync($"{Console}/dead-letters");
        var groups = page.Locator("section[data-service=notifications] [data-testid=dead-letter-group]");
        await Expect(groups.First).ToBeVisibleAsync();
        await groups.First.GetByRole(AriaRole.Link).ClickAsync();
        await Expect(page.Locator($"a[href='/console/dead-letters/notifications/{letter}']")).ToBeVisibleAsync();

        await page.GotoAsync($"{Console}/dead-letters/notifications/{letter}");
        await Expect(page.GetByTestId("dead-letter-detail")).ToContainTextAsync("user.registered.V1");
        await Expect(page.GetByTestId("exception")).ToContainTextAsync("HandlerFailedOnPurposeException");
        await Expect(page.GetByTestId("body")).ToContainTextAsync(email);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Pictures, "console-dead-letter.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Replay" }).ClickAsync();
        await Expect(page.GetByTestId("notice")).ToHaveTextAsync("Replayed 1 dead letter in notifications.");
        await Eventually.ValueAsync(
            async () => (await notifications.GetAsync($"admin/dead-letters/{letter}")).StatusCode,
            status => status == HttpStatusCode.NotFound,
            TimeSpan.FromSeconds(30),
            "the replayed welcome leaving Notifications' dead letters");
    }

    [Fact]
    public async Task an_admin_starts_a_rebuild_and_its_page_follows_it_to_done()
    {
        var page = await SignedInAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        await page.GotoAsync($"{Console}/projections");
        var row = page.Locator("section[data-service=ordering] [data-testid=shard][data-projection=OrderDetails]");
        await row.GetByRole(AriaRole.Button, new() { Name = "Rebuild" }).ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex("/console/projections/ordering/rebuilds/[0-9a-f-]{36}$"));
        var address = page.Url;
        await Expect(page.GetByTestId("notice")).ToHaveTextAsync("Rebuilding OrderDetails in ordering.");
        // The page is not reloaded: a rebuild still under way is asked for again in place until it is done.
        await Expect(page.Locator("[data-testid=rebuild][data-state=done]")).ToBeVisibleAsync(new() { Timeout = 120_000 });
        page.Url.ShouldBe(address);
        await Expect(page.GetByTestId("rebuild-events")).ToHaveTextAsync(new Regex(@"^([\d,]+) of \1 \(100 %\)$"));
        await page.ScreenshotAsync(new() { Path = Path.Combine(Pictures, "console-rebuild.png"), FullPage = true });
    }

    [Fact]
    public async Task an_admin_time_travels_an_order_and_follows_its_checkout_through_every_service()
    {
        var (token, product) = await shop.CustomerWithProductAsync(price: 7m);
        var (order, traceId) = await shop.ConfirmedCheckoutAsync(token, product);
        var page = await SignedInAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);

        await page.GotoAsync($"{Console}/streams");
        await page.Locator("select[name=kind]").SelectOptionAsync("orders");
        await page.Locator("input[name=id]").FillAsync(order.ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Open" }).ClickAsync();
        await Expect(page).ToHaveURLAsync($"{Console}/streams/orders/{order}");
        await Expect(page.GetByTestId("state")).ToContainTextAsync("\"Confirmed\"");

        await page.Locator("[data-testid=history-entry][data-version='1'] a").First.ClickAsync();
        await Expect(page.GetByTestId("state-version")).ToHaveTextAsync("At version 1");
        await Expect(page.GetByTestId("state")).Not.ToContainTextAsync("Confirmed");
        await Expect(page.Locator("[data-testid=history-entry][data-version='1']")).ToHaveClassAsync("chosen");
        await page.ScreenshotAsync(new() { Path = Path.Combine(Pictures, "console-order-history.png"), FullPage = true });

        await page.GotoAsync($"{Console}/correlations");
        await page.Locator("input[name=id]").FillAsync(traceId);
        await page.GetByRole(AriaRole.Button, new() { Name = "Follow" }).ClickAsync();
        foreach (var service in new[] { "ordering", "inventory", "payments", "notifications" })
        {
            await Expect(page.Locator($"[data-testid=correlated-event][data-service={service}]").First).ToBeVisibleAsync();
        }

        await page.ScreenshotAsync(new() { Path = Path.Combine(Pictures, "console-correlation.png"), FullPage = true });
        await page.Locator($"[data-testid=correlated-event][data-service=ordering] a[href^='/console/streams/orders/{order}']").First.ClickAsync();
        await Expect(page.GetByTestId("history")).ToBeVisibleAsync();
    }

    private async Task<IPage> SignedInAsync(string email, string password)
    {
        var page = await _browser.NewPageAsync(new() { ViewportSize = new() { Width = 1400, Height = 900 } });
        await page.GotoAsync($"{Console}/sign-in");
        await SignInAsync(page, email, password);
        await Expect(page).ToHaveURLAsync(Console);
        return page;
    }

    private static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.Locator("input[name=email]").FillAsync(email);
        await page.Locator("input[name=password]").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForLoadStateAsync(LoadState.DOMContentLoaded);
    }

    /// <summary>A new account that an admin has made an auditor.</summary>
    private async Task<(string Email, string Password)> AuditorAsync()
    {
        var (email, password) = ($"console-auditor-{Guid.NewGuid():N}@example.com", "auditor passphrase");
        var (status, user) = await shop.SendAsync(HttpMethod.Post, "users", null, new { email, password, displayName = "Auditor" });
        status.ShouldBe(201);
        var admin = await shop.TokenAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        (await shop.SendAsync(HttpMethod.Post, $"users/{user.GetProperty("id").GetGuid()}/roles", admin, new { role = "auditor" })).Status.ShouldBe(200);
        return (email, password);
    }

    [GeneratedRegex(@"^\s*[\d,]+")]
    private static partial Regex Number();
}
