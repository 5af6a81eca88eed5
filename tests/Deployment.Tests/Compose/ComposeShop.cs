using System.Net.Http.Json;
using System.Text.Json;
using Shop.Testing;

namespace Shop.Deployment.Tests.Compose;

/// <summary>
/// The shop as docker-compose.yml starts it: the stand-in base images built, every image built from the
/// repository's Dockerfile, every service healthy and every one-shot job done, an admin made with the
/// identity container's own command line and a product stocked through the gateway.
/// Runs only with SHOP_DOCKER_TESTS=1 (./shop test sets it when a Docker daemon runs).
/// </summary>
public sealed class ComposeShop : IAsyncLifetime
{
    public const string AdminEmail = "admin@compose.test";
    public const string AdminPassword = "compose admin passphrase";

    /// <summary>The services with a health check, and the one-shot jobs that must finish first.</summary>
    public static readonly string[] Services = ["postgres", "rabbitmq", "identity", "inventory", "payments", "ordering", "notifications", "gateway"];
    public static readonly string[] Jobs =
        ["database-roles", "identity-schema", "inventory-schema", "payments-schema", "ordering-schema", "notifications-schema", "database-grants"];

    public static bool Enabled => Environment.GetEnvironmentVariable("SHOP_DOCKER_TESTS") == "1";

    public ComposeProject Project { get; } = ComposeProject.Create();

    public HttpClient Http { get; private set; } = null!;

    public Guid ProductId { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!Enabled)
        {
            return;
        }

        Http = new HttpClient { BaseAddress = new Uri(Project.Gateway, "api/"), Timeout = TimeSpan.FromSeconds(30) };
        var (code, output) = await Processes.RunAsync("bash", ["tests/Deployment.Tests/StandIns/build.sh"]);
        code.ShouldBe(0, output);
        try
        {
            await Project.RunAsync("up", "-d", "--build");
            await WaitUntilHealthyAsync(TimeSpan.FromMinutes(5));
            await Project.RunAsync("run", "--rm", "--no-deps", "-e", $"SHOP_USER_PASSWORD={AdminPassword}",
                "identity", "add-user", "--email", AdminEmail, "--role", "admin", "--display-name", "Compose admin");
            ProductId = await StockedProductAsync();
        }
        catch (Exception failure)
        {
            throw new InvalidOperationException($"{failure.Message}\n--- containers ---\n{await Project.LogsAsync()}", failure);
        }
    }

    /// <summary>Waits until every service answers its health check and every job has exited 0.</summary>
    public async Task WaitUntilHealthyAsync(TimeSpan within)
    {
        await Eventually.ValueAsync(async () =>
        {
            var states = new List<string>();
            foreach (var name in Services.Concat(Jobs))
            {
                var containers = await Project.ContainersAsync(name);
                var expected = Jobs.Contains(name) ? "exited 0" : "healthy";
                states.AddRange(containers.Count == 0 ? [$"{name}: none"] : await Task.WhenAll(containers.Select(async c => $"{name}: {await ComposeProject.StateAsync(c)}")));
                states.RemoveAll(s => s == $"{name}: {expected}");
            }

            return string.Join(", ", states);
        }, notReady => notReady.Length == 0, within, "every compose service healthy and every job done");
    }

    /// <summary>A token for the given account through the gateway's OAuth endpoint.</summary>
    public async Task<string> TokenAsync(string email, string password)
    {
        using var answer = await Http.PostAsync("oauth/token", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["grant_type"] = "password",
            ["username"] = email,
            ["password"] = password,
        }));
        return (await Read(answer)).GetProperty("access_token").GetString()!;
    }

    /// <summary>A new customer's token, registered through the gateway.</summary>
    public async Task<string> CustomerAsync()
    {
        var email = $"{Guid.NewGuid():N}@compose.test";
        using var registered = await Http.PostAsJsonAsync("users", new { email, password = "a long passphrase", displayName = "Compose customer" });
        await Read(registered);
        return await TokenAsync(email, "a long passphrase");
    }

    /// <summary>Creates an order of one product for the customer and checks it out; gives its id.</summary>
    public async Task<Guid> CheckedOutOrderAsync(string token)
    {
        using var create = Request(HttpMethod.Post, "orders", token, new { items = new[] { new { productId = ProductId, quantity = 1 } } });
        using var created = await Http.SendAsync(create);
        var order = (await Read(created)).GetProperty("id").GetGuid();
        using var checkout = Request(HttpMethod.Post, $"orders/{order}/checkout", token, new { paymentMethod = "pm_card_visa" });
        using var checkedOut = await Http.SendAsync(checkout);
        await Read(checkedOut);
        return order;
    }

    /// <summary>Waits until the gateway answers the order with the status.</summary>
    public Task ReachesAsync(Guid order, string token, string status, TimeSpan within) =>
        Eventually.ValueAsync(() => StatusAsync(order, token), s => s == status, within, $"order {order} {status}");

    /// <summary>The order's status as the gateway answers it, or what went wrong reading it.</summary>
    public async Task<string> StatusAsync(Guid order, string token)
    {
        try
        {
            using var read = Request(HttpMethod.Get, $"orders/{order}", token);
            using var answer = await Http.SendAsync(read);
            return answer.IsSuccessStatusCode
                ? (await answer.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString()!
                : $"HTTP {(int)answer.StatusCode}";
        }
        catch (HttpRequestException failure)
        {
            return failure.Message;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Enabled)
        {
            Http.Dispose();
            await Project.DisposeAsync();
        }
    }

    private async Task<Guid> StockedProductAsync()
    {
        var token = await TokenAsync(AdminEmail, AdminPassword);
        using var create = Request(HttpMethod.Post, "products", token, new { sku = "COMPOSE-1", name = "Compose lamp", price = 19.90m, currency = "EUR" });
        using var created = await Http.SendAsync(create);
        var product = (await Read(created)).GetProperty("id").GetGuid();
        using var stock = Request(HttpMethod.Post, $"products/{product}/stock", token, new { quantity = 1000 });
        using var stocked = await Http.SendAsync(stock);
        await Read(stocked);
        return product;
    }

    private static HttpRequestMessage Request(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Authorization = new("Bearer", token);
        return request;
    }

    private static async Task<JsonElement> Read(HttpResponseMessage answer)
    {
        var text = await answer.Content.ReadAsStringAsync();
        answer.IsSuccessStatusCode.ShouldBeTrue($"{answer.RequestMessage?.Method} {answer.RequestMessage?.RequestUri}: {(int)answer.StatusCode} {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }
}
