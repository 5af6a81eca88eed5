using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
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
    public const string AdminEmail = "admin@shop.local";
    public const string AdminPassword = "admin passphrase 1";
    public static readonly string Root = FindRoot();
    private readonly StringBuilder _output = new();
    private Process _shop = null!;

    public ShopProcesses() => Http = new HttpClient(Contract) { BaseAddress = new Uri(Gateway), Timeout = TimeSpan.FromSeconds(30) };

    /// <summary>Every answer <see cref="Http"/> receives is checked against the published API documents.</summary>
    public ApiContract Contract { get; } = new(new Uri(Gateway));

    public HttpClient Http { get; }

    public async ValueTask InitializeAsync()
    {
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
        start.Environment["SHOP_TRACE_VIEWER"] = "off";
        start.Environment["SHOP_DEMO_ADMIN_PASSWORD"] = AdminPassword;
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
    }

    public async Task<string> TokenAsync(string email, string password)
    {
        using var response = await Http.PostAsJsonAsync("auth/token", new { email, password });
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("accessToken").GetString()!;
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

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(directory.FullName, "Shop.sln")))
        {
            directory = directory.Parent ?? throw new InvalidOperationException("Shop.sln not found.");
        }

        return directory.FullName;
    }
}
