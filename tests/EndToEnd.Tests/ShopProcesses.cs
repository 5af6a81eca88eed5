using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Shop.EndToEnd.Tests.Telemetry;
using Shop.Testing;

[assembly: AssemblyFixture(typeof(Shop.EndToEnd.Tests.ShopProcesses))]

namespace Shop.EndToEnd.Tests;

/// <summary>One shop, used by one test at a time: a test may pause a service.</summary>
[CollectionDefinition]
public sealed class TheShop;

/// <summary>
/// The whole shop started the way <c>./shop start</c> starts it (the same script, the same six
/// processes, the same demo data) against real PostgreSQL and RabbitMQ; tests talk to the gateway only.
/// </summary>
public sealed class ShopProcesses : IAsyncLifetime
{
    public const string Gateway = "http://127.0.0.1:3000/api/";
    public const string TraceViewer = "http://127.0.0.1:18888/";
    public const string AdminEmail = "admin@shop.local";
    public const string AdminPassword = "admin passphrase 1";
    public static readonly string Root = Repository.Root;

    /// <summary>Each service's name (lowercase, as in its telemetry) and port, from the run script's table.</summary>
    public static readonly IReadOnlyDictionary<string, int> Services = ReadServices();
    private readonly StringBuilder _output = new();
    private Process _shop = null!;

    public ShopProcesses() => Http = new HttpClient(Contract) { BaseAddress = new Uri(Gateway), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Every answer <see cref="Http"/> receives is checked against the published API documents.</summary>
    public ApiContract Contract { get; } = new(new Uri(Gateway));

    public HttpClient Http { get; }

    /// <summary>Where the services export their traces, metrics and logs, as to a collector in front of the trace viewer.</summary>
    public OtlpReceiver Telemetry { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Telemetry = await OtlpReceiver.StartAsync(new Uri("http://127.0.0.1:4318/"));
        var start = new ProcessStartInfo("bash", "scripts/run.sh start")
        {
            WorkingDirectory = Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var configuration = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;
        start.Environment["SHOP_CONFIGURATION"] = configuration;
        start.Environment["SHOP_SKIP_BUILD"] = "1";
        start.Environment["SHOP_KEEP_INFRA"] = "1";
        start.Environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = Telemetry.Endpoint.ToString();
        start.Environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf";
        // Spans reach the receiver within half a second instead of the default five.
        start.Environment["OTEL_BSP_SCHEDULE_DELAY"] = "500";
        start.Environment["SHOP_DEMO_ADMIN_PASSWORD"] = AdminPassword;
        // Lets the tests make a handler fail on purpose (PUT /admin/testing/handler-faults/…) to dead-letter a message.
        start.Environment["Shop__Testing__HandlerFaults"] = "true";
        start.Environment["Ordering__PaymentTimeoutSeconds"] = "15";
        start.Environment["Payments__SlowCardDelaySeconds"] = "25";
        // Every test logs in from 127.0.0.1: the gateway's guard against password guessing would stop them.
        start.Environment["RateLimits__TokenPerMinute"] = "1000";
        // Deactivation reaches every service within this time; short here so the test of it is quick.
        start.Environment["Jwt__AccountStatusCacheSeconds"] = "5";
        // Likewise the end of a retired key's grace period.
        start.Environment["Jwt__KeysRefreshSeconds"] = "5";
        _shop = Process.Start(start)!;
        var ready = new TaskCompletionSource();
        _shop.OutputDataReceived += (_, e) => Record(e.Data, ready);
        _shop.ErrorDataReceived += (_, e) => Record(e.Data, ready);
        _shop.BeginOutputReadLine();
        _shop.BeginErrorReadLine();
        var finished = await Task.WhenAny(ready.Task, _shop.WaitForExitAsync(), Task.Delay(TimeSpan.FromMinutes(4)));
        if (finished != ready.Task)
        {
            throw new InvalidOperationException($"The shop did not start:\n{_output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var stop = Process.Start(new ProcessStartInfo("bash", "scripts/run.sh stop") { WorkingDirectory = Root, Environment = { ["SHOP_KEEP_INFRA"] = "1" } })!;
        await stop.WaitForExitAsync();
        await _shop.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);
        Http.Dispose();
        await Telemetry.DisposeAsync();
    }

    public async Task<string> TokenAsync(string email, string password)
    {
        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = email, ["password"] = password });
        using var response = await Http.PostAsync("oauth/token", form);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
    }

    public HttpRequestMessage Request(HttpMethod method, string url, string? token, object? body = null)
    {
        var request = new HttpRequestMessage(method, url);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return request;
    }

    public async Task<(int Status, JsonElement Body)> SendAsync(HttpMethod method, string url, string? token, object? body = null)
    {
        using var response = await Http.SendAsync(Request(method, url, token, body));
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>An admin adds a product with stock; returns its SKU once the catalog shows it.</summary>
    public async Task<string> ProductInStockAsync(string name, decimal price)
    {
        var admin = await TokenAsync(AdminEmail, AdminPassword);
        var sku = $"E2E-{Guid.NewGuid():N}";
        var (status, created) = await SendAsync(HttpMethod.Post, "products", admin, new { sku, name, price, currency = "EUR" });
        status.ShouldBe(201);
        var id = created.GetProperty("id").GetGuid();
        (await SendAsync(HttpMethod.Post, $"products/{id}/stock", admin, new { quantity = 10 })).Status.ShouldBe(200);
        await Eventually.ValueAsync(async () => (await SendAsync(HttpMethod.Get, $"products/{id}", null)).Body, p => p.ValueKind == JsonValueKind.Object && p.TryGetProperty("available", out var available) && available.GetInt32() == 10, TimeSpan.FromSeconds(60), "the product in the catalog");
        return sku;
    }

    /// <summary>A new customer's token, and a new product with 10 in stock once the catalog shows it.</summary>
    public async Task<(string Token, Guid Product)> CustomerWithProductAsync(decimal price)
    {
        var email = $"e2e-{Guid.NewGuid():N}@example.com";
        (await SendAsync(HttpMethod.Post, "users", null, new { email, password = "end to end passphrase", displayName = "E2E" })).Status.ShouldBe(201);
        var token = await TokenAsync(email, "end to end passphrase");
        var admin = await TokenAsync(ShopProcesses.AdminEmail, ShopProcesses.AdminPassword);
        var (status, created) = await SendAsync(HttpMethod.Post, "products", admin, new { sku = $"E2E-{Guid.NewGuid():N}", name = "End-to-end lamp", price, currency = "EUR" });
        status.ShouldBe(201);
        var product = created.GetProperty("id").GetGuid();
        (await SendAsync(HttpMethod.Post, $"products/{product}/stock", admin, new { quantity = 10 })).Status.ShouldBe(200);
        await EventuallyAsync(() => ReadAsync($"products/{product}", null), p => p.ValueKind == JsonValueKind.Object && p.GetProperty("available").GetInt32() == 10, "the product in the catalog");
        return (token, product);
    }

    /// <summary>An order of two of the product, checked out with the card; its id.</summary>
    public async Task<Guid> CheckOutAsync(string token, Guid product, string card)
    {
        var (status, order) = await SendAsync(HttpMethod.Post, "orders", token, new { items = new[] { new { productId = product, quantity = 2 } } });
        status.ShouldBe(201);
        var id = order.GetProperty("id").GetGuid();
        (await SendAsync(HttpMethod.Post, $"orders/{id}/checkout", token, new { paymentMethod = card })).Status.ShouldBe(202);
        return id;
    }

    /// <summary>A visa checkout of one unit, confirmed; the order's id and the checkout's trace id (its <c>X-Correlation-ID</c>).</summary>
    public async Task<(Guid OrderId, string TraceId)> ConfirmedCheckoutAsync(string token, Guid product)
    {
        var (status, order) = await SendAsync(HttpMethod.Post, "orders", token, new { items = new[] { new { productId = product, quantity = 1 } } });
        status.ShouldBe(201);
        var orderId = order.GetProperty("id").GetGuid();
        using var checkout = await Http.SendAsync(Request(HttpMethod.Post, $"orders/{orderId}/checkout", token, new { paymentMethod = "pm_card_visa" }));
        checkout.StatusCode.ShouldBe(System.Net.HttpStatusCode.Accepted);
        var traceId = checkout.Headers.GetValues("X-Correlation-ID").Single();
        (await SettledAsync(token, orderId)).GetProperty("status").GetString().ShouldBe("Confirmed");
        return (orderId, traceId);
    }

    /// <summary>The order once it is Confirmed or Cancelled.</summary>
    public Task<JsonElement> SettledAsync(string token, Guid order) => EventuallyAsync(
        () => ReadAsync($"orders/{order}", token),
        o => o.ValueKind == JsonValueKind.Object && o.GetProperty("status").GetString() is "Confirmed" or "Cancelled",
        $"order {order} settled");

    /// <summary>The body of a 200 answer, else nothing.</summary>
    public async Task<JsonElement> ReadAsync(string url, string? token)
    {
        var (status, body) = await SendAsync(HttpMethod.Get, url, token);
        return status == 200 ? body : default;
    }

    /// <summary>Reads until the value is there, for up to 90 s.</summary>
    public static async Task<JsonElement> EventuallyAsync(Func<Task<JsonElement>> read, Func<JsonElement, bool> done, string what)
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

    private const string WelcomeMessage = "user.registered.V1";

    /// <summary>A client of one service's own port (its admin endpoints are not behind the gateway), with a token.</summary>
    public static HttpClient ServiceClient(string service, string token)
    {
        var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Services[service]}/") };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Registers a customer while Notifications fails on their registration (the test switch); returns the dead letter's id and the e-mail.</summary>
    public async Task<(Guid Letter, string Email)> DeadLetteredWelcomeAsync(HttpClient notifications)
    {
        var email = $"e2e-dead-letter-{Guid.NewGuid():N}@example.com";
        (await notifications.PutAsync($"admin/testing/handler-faults/{WelcomeMessage}?containing={Uri.EscapeDataString(email)}", null)).EnsureSuccessStatusCode();
        try
        {
            (await SendAsync(HttpMethod.Post, "users", null, new { email, password = "end to end passphrase", displayName = "Dead Letter" })).Status.ShouldBe(201);
            var letter = await Eventually.ValueAsync(
                async () =>
                {
                    var page = await notifications.GetFromJsonAsync<JsonElement>($"admin/dead-letters/messages?messageType={WelcomeMessage}&pageSize=100");
                    foreach (var item in page.GetProperty("items").EnumerateArray())
                    {
                        var id = item.GetProperty("id").GetGuid();
                        var detail = await notifications.GetFromJsonAsync<JsonElement>($"admin/dead-letters/{id}");
                        if (detail.GetProperty("body").ToString().Contains(email, StringComparison.Ordinal))
                        {
                            return id;
                        }
                    }

                    return Guid.Empty;
                },
                id => id != Guid.Empty,
                TimeSpan.FromSeconds(30),
                "the welcome among Notifications' dead letters");
            return (letter, email);
        }
        finally
        {
            (await notifications.DeleteAsync($"admin/testing/handler-faults/{WelcomeMessage}")).EnsureSuccessStatusCode();
        }
    }

    /// <summary>Runs <c>scripts/run.sh</c> with the given arguments; returns its exit code.</summary>
    public static async Task<int> ScriptAsync(string arguments)
    {
        using var script = Process.Start(new ProcessStartInfo("bash", $"scripts/run.sh {arguments}") { WorkingDirectory = Root })!;
        await script.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(3)).Token);
        return script.ExitCode;
    }

    /// <summary>Runs a service's executable with a command line, as an operator would on this machine.</summary>
    public static async Task<(int Code, string Output)> RunServiceCommandAsync(string service, string arguments)
    {
        var output = Path.Combine(Root, "src", service, "bin", new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name, "net10.0");
        var start = new ProcessStartInfo("dotnet", $"Shop.{service}.dll {arguments}")
        {
            WorkingDirectory = output,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment = { ["ASPNETCORE_ENVIRONMENT"] = "Development", ["Logging__LogLevel__Default"] = "Warning" },
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync(new CancellationTokenSource(TimeSpan.FromMinutes(2)).Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    private void Record(string? line, TaskCompletionSource ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (line.StartsWith("Shop is running", StringComparison.Ordinal))
        {
            ready.TrySetResult();
        }
    }

    private static Dictionary<string, int> ReadServices()
    {
        var table = File.ReadLines(Path.Combine(Root, "scripts", "run.sh")).First(l => l.StartsWith("services=(", StringComparison.Ordinal));
        return table["services=(".Length..table.IndexOf(')', StringComparison.Ordinal)]
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Select(entry => entry.Split(':'))
            .ToDictionary(pair => pair[0].ToLowerInvariant(), pair => int.Parse(pair[1], System.Globalization.CultureInfo.InvariantCulture));
    }
}
