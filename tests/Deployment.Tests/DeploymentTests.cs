using System.Diagnostics;

namespace Shop.Deployment.Tests;

/// <summary>The deployment files, checked offline with the standard tools.</summary>
public class DeploymentTests
{
    private static readonly string Root = FindRoot();

    [Fact]
    public async Task the_kubernetes_manifests_render_and_every_deployment_has_probes_and_resources()
    {
        var (code, output) = await RunAsync("kubectl", "kustomize deploy");

        code.ShouldBe(0, output);
        var documents = output.Split("\n---\n");
        var deployments = documents.Where(d => d.StartsWith("apiVersion: apps/v1\nkind: Deployment", StringComparison.Ordinal)).ToList();
        deployments.Count.ShouldBe(6);
        foreach (var deployment in deployments)
        {
            foreach (var part in new[] { "livenessProbe:", "path: /health/live", "readinessProbe:", "requests:", "limits:", "name: shop-config" })
            {
                deployment.ShouldContain(part, Case.Sensitive, deployment[..Math.Min(200, deployment.Length)]);
            }
        }
    }

    [Fact]
    public async Task postgres_and_rabbitmq_come_from_their_operators_not_home_made_statefulsets()
    {
        var (_, output) = await RunAsync("kubectl", "kustomize deploy");

        output.ShouldContain("kind: Cluster\nmetadata:\n  name: shop-db");
        output.ShouldContain("kind: RabbitmqCluster");
        output.ShouldNotContain("kind: StatefulSet");
        output.ShouldContain("kind: HorizontalPodAutoscaler");
    }

    [Fact]
    public async Task the_compose_file_is_valid()
    {
        Assert.SkipUnless(File.Exists("/usr/bin/docker-compose"), "Debian's docker-compose is not installed here (apt-get install docker-compose).");

        var (code, output) = await RunAsync("docker-compose", "config -q");

        code.ShouldBe(0, output);
    }

    [Fact]
    public async Task the_alert_rules_are_valid_and_fire_on_a_stalled_projection_dead_letters_lag_and_an_outbox_backlog()
    {
        var (checkCode, checkOutput) = await RunAsync("promtool", "check rules deploy/prometheus/alerts.yml");
        var (testCode, testOutput) = await RunAsync("promtool", "test rules deploy/prometheus/alerts.test.yml");

        checkCode.ShouldBe(0, checkOutput);
        checkOutput.ShouldContain("SUCCESS: 4 rules found");
        testCode.ShouldBe(0, testOutput);
    }

    private static async Task<(int Code, string Output)> RunAsync(string tool, string arguments)
    {
        var start = new ProcessStartInfo(tool, arguments) { WorkingDirectory = Root, RedirectStandardOutput = true, RedirectStandardError = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, (await output).Replace("\r\n", "\n", StringComparison.Ordinal) + await error);
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
