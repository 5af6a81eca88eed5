
namespace Shop.Deployment.Tests;

/// <summary>The deployment files, checked offline with the standard tools.</summary>
public class DeploymentTests
{
    internal static readonly string Root = FindRoot();

    [Fact]
    public async Task the_kubernetes_manifests_render_and_every_deployment_has_probes_and_resources()
    {
        var (code, output) = await RunAsync("kubectl", "kustomize deploy");

        code.ShouldBe(0, output);
        var documents = output.Split("\n---\n");
        var deployments = Deployments(documents).Where(d => Services.Contains(d.Name)).Select(d => d.Text).ToList();
        deployments.Count.ShouldBe(Services.Length);
        foreach (var deployment in deployments)
        {
            foreach (var part in new[] { "livenessProbe:", "path: /health/live", "readinessProbe:", "requests:", "limits:", "name: shop-config" })
            {
                deployment.ShouldContain(part, Case.Sensitive, deployment[..Math.Min(200, deployment.Length)]);
            }
        }
    }

    [Fact]
    public async Task every_service_exports_its_telemetry_to_the_collector_which_hands_only_the_shops_to_a_viewer_that_traces_nothing_itself()
    {
        var (code, output) = await RunAsync("kubectl", "kustomize deploy");

        code.ShouldBe(0, output);
        var documents = output.Split("\n---\n");
        documents.ShouldContain(d => d.Contains("kind: ConfigMap", StringComparison.Ordinal) && d.Contains("name: shop-config", StringComparison.Ordinal)
            && d.Contains("OTEL_EXPORTER_OTLP_ENDPOINT: http://otel-collector:4317", StringComparison.Ordinal));
        documents.ShouldContain(d => d.Contains("kind: Service\n", StringComparison.Ordinal) && d.Contains("name: otel-collector\n", StringComparison.Ordinal) && d.Contains("port: 4317", StringComparison.Ordinal));
        var collector = documents.Single(d => d.Contains("name: otel-collector-config", StringComparison.Ordinal) && d.Contains("kind: ConfigMap", StringComparison.Ordinal));
        collector.ShouldContain("exporters: [otlp/trace-viewer]");
        collector.ShouldContain("endpoint: trace-viewer:18889");
        collector.ShouldContain("resource.attributes[\"service.namespace\"] != \"shop\"");
        var (_, viewer) = Deployments(documents).Single(d => d.Name == "trace-viewer");
        viewer.ShouldNotContain("OTEL_");
        Deployments(documents).Single(d => d.Name == "otel-collector").Text.ShouldNotContain("OTEL_");
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
    public async Task the_scrape_configuration_and_the_alert_rules_are_valid_and_the_rules_fire_on_a_stalled_projection_dead_letters_lag_an_outbox_backlog_and_writes_folding_long_streams()
    {
        var (checkCode, checkOutput) = await RunAsync("promtool", "check rules deploy/prometheus/alerts.yml");
        var (testCode, testOutput) = await RunAsync("promtool", "test rules deploy/prometheus/alerts.test.yml");
        var (configCode, configOutput) = await RunAsync("promtool", "check config deploy/prometheus/prometheus.yml");

        checkCode.ShouldBe(0, checkOutput);
        checkOutput.ShouldContain("SUCCESS: 5 rules found");
        configCode.ShouldBe(0, configOutput);
        configOutput.ShouldContain("deploy/prometheus/prometheus.yml is valid prometheus config file syntax");
        testCode.ShouldBe(0, testOutput);
    }

    private static readonly string[] Services = ["identity", "inventory", "ordering", "payments", "notifications", "gateway"];

    private static IEnumerable<(string Name, string Text)> Deployments(IEnumerable<string> documents) => documents
        .Where(d => d.StartsWith("apiVersion: apps/v1\nkind: Deployment", StringComparison.Ordinal))
        .Select(d => (d.Split('\n').First(l => l.StartsWith("  name: ", StringComparison.Ordinal))["  name: ".Length..], d));

    private static async Task<(int Code, string Output)> RunAsync(string tool, string arguments)
    {
        var (code, output) = await Docker.Processes.RunAsync(tool, arguments.Split(' '));
        return (code, output.Replace("\r\n", "\n", StringComparison.Ordinal));
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
