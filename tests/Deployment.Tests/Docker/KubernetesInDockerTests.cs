namespace Shop.Deployment.Tests.Docker;

/// <summary>Every workload of the Kubernetes manifests started from its own configuration (see <see cref="KubernetesInDocker"/>).</summary>
[Collection(DockerCollection.Name)]
public sealed class KubernetesInDockerTests(KubernetesInDocker cluster) : IClassFixture<KubernetesInDocker>
{
    [Fact]
    public void every_schema_job_runs_to_completion_with_the_settings_the_manifests_give_it()
    {
        Assert.SkipUnless(ComposeShop.Enabled, ComposeTests.Skipped);

        cluster.Jobs.Select(j => j.Container).Distinct().ShouldBe(["database-roles", "schema", "database-grants"], ignoreOrder: true);
        cluster.Jobs.Count.ShouldBe(15);
        foreach (var (job, container, code, output) in cluster.Jobs)
        {
            code.ShouldBe(0, $"{job}/{container}:\n{output[^Math.Min(output.Length, 3000)..]}");
        }
    }

    [Fact]
    public async Task every_service_answers_ready_with_the_settings_the_manifests_give_it_on_a_read_only_root_as_a_non_root_user()
    {
        Assert.SkipUnless(ComposeShop.Enabled, ComposeTests.Skipped);
        cluster.Pods.Keys.ShouldBe(["gateway", "identity", "inventory", "notifications", "ordering", "payments"], ignoreOrder: true);

        await cluster.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
    }

    [Fact]
    public async Task an_order_placed_through_the_gateway_deployment_is_confirmed_with_an_admin_made_by_the_identity_image()
    {
        Assert.SkipUnless(ComposeShop.Enabled, ComposeTests.Skipped);
        await cluster.WaitUntilReadyAsync(TimeSpan.FromMinutes(3));
        await cluster.ExecAsync("identity", new Dictionary<string, string> { ["SHOP_USER_PASSWORD"] = ComposeShop.AdminPassword },
            "add-user", "--email", ComposeShop.AdminEmail, "--role", "admin", "--display-name", "Cluster admin");
        using var api = new ShopApi(cluster.Gateway);
        var product = await api.StockedProductAsync(await api.TokenAsync(ComposeShop.AdminEmail, ComposeShop.AdminPassword));

        await api.ConfirmedOrderAsync(product);
    }
}
