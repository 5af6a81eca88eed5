using Shop.Testing;

namespace Shop.Deployment.Tests.Docker;

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

    public ShopApi Api { get; private set; } = null!;

    public Guid ProductId { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (!Enabled)
        {
            return;
        }

        Api = new ShopApi(Project.Gateway);
        await Processes.StandInsAsync();
        try
        {
            await Project.RunAsync("up", "-d", "--build");
            await WaitUntilHealthyAsync(TimeSpan.FromMinutes(5));
            await Project.RunAsync("run", "--rm", "--no-deps", "-e", $"SHOP_USER_PASSWORD={AdminPassword}",
                "identity", "add-user", "--email", AdminEmail, "--role", "admin", "--display-name", "Compose admin");
            ProductId = await Api.StockedProductAsync(await Api.TokenAsync(AdminEmail, AdminPassword));
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

    public async ValueTask DisposeAsync()
    {
        if (Enabled)
        {
            Api.Dispose();
            await Project.DisposeAsync();
        }
    }
}
