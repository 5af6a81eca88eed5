using YamlDotNet.RepresentationModel;
using static Shop.Deployment.Tests.Manifests;

namespace Shop.Deployment.Tests;

/// <summary>
/// What <c>kubectl kustomize deploy</c> renders, read as the cluster would read it: every workload hardened the way
/// Kubernetes expects of a production deployment.
/// </summary>
public class KubernetesManifestTests
{
    private static readonly string[] EventSourced = ["identity", "inventory", "ordering", "payments", "notifications"];
    private static readonly Lazy<Task<IReadOnlyList<YamlMappingNode>>> Rendered = new(RenderAsync);

    [Fact]
    public async Task every_deployment_runs_unprivileged_on_a_read_only_root_with_startup_probe_limits_and_a_disruption_budget()
    {
        var documents = await Rendered.Value;
        var deployments = Of(documents, "Deployment").ToList();
        deployments.Count.ShouldBe(8);
        foreach (var deployment in deployments)
        {
            var name = Text(deployment, "metadata", "name");
            var pod = Node(deployment, "spec", "template", "spec");
            Text(pod, "securityContext", "runAsNonRoot").ShouldBe("true", name);
            foreach (var container in Sequence(pod, "containers"))
            {
                Text(container, "securityContext", "allowPrivilegeEscalation").ShouldBe("false", name);
                Text(container, "securityContext", "readOnlyRootFilesystem").ShouldBe("true", name);
                Sequence(container, "securityContext", "capabilities", "drop").Select(c => c.ToString()).ShouldContain("ALL", name);
                Find(container, "startupProbe").ShouldNotBeNull($"{name} has a startupProbe");
                Find(container, "resources", "limits", "memory").ShouldNotBeNull($"{name} has a memory limit");
                Text(container, "image").ShouldNotEndWith(":latest", name);
                Text(container, "image").ShouldContain(":", Case.Sensitive, $"{name}'s image has a tag");
            }

            Of(documents, "PodDisruptionBudget").ShouldContain(b => Text(b, "metadata", "name") == name, $"{name} has a PodDisruptionBudget");
        }
    }

    [Fact]
    public async Task every_service_scales_out_and_applies_its_schema_in_a_job_of_its_release_not_in_each_pod()
    {
        var documents = await Rendered.Value;
        foreach (var service in EventSourced.Append("gateway"))
        {
            var deployment = Of(documents, "Deployment").Single(d => Text(d, "metadata", "name") == service);
            Find(deployment, "spec", "template", "spec", "initContainers").ShouldBeNull($"{service} applies no schema in its pods");
            var autoscaler = Of(documents, "HorizontalPodAutoscaler").Single(h => Text(h, "metadata", "name") == service);
            Text(autoscaler, "spec", "scaleTargetRef", "name").ShouldBe(service);
            Text(autoscaler, "spec", "minReplicas").ShouldBe("2");
        }

        foreach (var service in EventSourced)
        {
            var job = Of(documents, "Job").Single(j => Text(j, "metadata", "name").StartsWith($"{service}-schema-", StringComparison.Ordinal));
            var pod = Node(job, "spec", "template", "spec");
            Sequence(pod, "initContainers").Select(c => Text(c, "name")).ShouldBe(["database-roles", "schema"]);
            Sequence(Sequence(pod, "initContainers").Single(c => Text(c, "name") == "schema"), "args").Select(a => a.ToString()).ShouldBe(["db-apply"]);
            Sequence(pod, "containers").Select(c => Text(c, "name")).ShouldBe(["database-grants"]);
            Text(job, "metadata", "name").ShouldEndWith(ReleaseTag(documents, service));
        }
    }

    [Fact]
    public async Task the_services_read_shared_signing_keys_and_the_brokers_generated_credentials_from_secrets()
    {
        var documents = await Rendered.Value;
        foreach (var service in EventSourced)
        {
            var pod = Node(Of(documents, "Deployment").Single(d => Text(d, "metadata", "name") == service), "spec", "template", "spec");
            var container = Sequence(pod, "containers").Single();
            var env = Sequence(container, "env").ToDictionary(e => Text(e, "name"));
            Text(env["Audit__KeyDirectory"], "value").ShouldBe("/audit-keys", service);
            Sequence(pod, "volumes").Select(v => Find(v, "secret", "secretName")?.ToString()).ShouldContain("shop-audit-keys", service);
            Text(env["RABBITMQ_PASSWORD"], "valueFrom", "secretKeyRef", "name").ShouldBe("shop-rabbitmq-default-user", service);
            Text(env["ConnectionStrings__RabbitMq"], "value").ShouldContain("$(RABBITMQ_PASSWORD)", Case.Sensitive, service);
            // Left on, the app role's start-up would try to patch the schema and the pod would never start.
            Text(env["Shop__ApplySchemaOnStartup"], "value").ShouldBe("false", service);
        }

        var identity = Node(Of(documents, "Deployment").Single(d => Text(d, "metadata", "name") == "identity"), "spec", "template", "spec");
        Sequence(identity, "volumes").Select(v => Find(v, "secret", "secretName")?.ToString()).ShouldContain("identity-signing-keys");
    }

    [Fact]
    public async Task only_the_gateway_is_reachable_from_outside_the_namespace_and_prometheus_scrapes_every_service()
    {
        var documents = await Rendered.Value;
        var policies = Of(documents, "NetworkPolicy").ToList();
        var everyPod = policies.Single(p => Node(p, "spec", "podSelector").Children.Count == 0);
        Sequence(everyPod, "spec", "ingress").SelectMany(i => Sequence(i, "from"))
            .ShouldAllBe(from => Find(from, "podSelector") != null || Text(from, "namespaceSelector", "matchLabels", "kubernetes.io/metadata.name") == "monitoring");
        var gateway = policies.Single(p => Find(p, "spec", "podSelector", "matchLabels", "app")?.ToString() == "gateway");
        Find(Sequence(gateway, "spec", "ingress").Single(), "from").ShouldBeNull("the gateway takes traffic from anywhere");

        var monitor = Of(documents, "ServiceMonitor").Single();
        Text(Sequence(monitor, "spec", "endpoints").Single(), "path").ShouldBe("/metrics");
        var selected = Text(monitor, "spec", "selector", "matchLabels", "app.kubernetes.io/part-of");
        foreach (var service in EventSourced.Append("gateway"))
        {
            var svc = Of(documents, "Service").Single(s => Text(s, "metadata", "name") == service);
            Text(svc, "metadata", "labels", "app.kubernetes.io/part-of").ShouldBe(selected, service);
            Sequence(svc, "spec", "ports").Select(p => Text(p, "name")).ShouldContain("http", service);
        }
    }

    private static string ReleaseTag(IReadOnlyList<YamlMappingNode> documents, string service)
    {
        var image = Text(Sequence(Node(Of(documents, "Deployment").Single(d => Text(d, "metadata", "name") == service), "spec", "template", "spec"), "containers").Single(), "image");
        return image[(image.LastIndexOf(':') + 1)..];
    }
}
