using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Shop.Testing;
using YamlDotNet.RepresentationModel;
using static Shop.Deployment.Tests.Manifests;

namespace Shop.Deployment.Tests.Docker;

/// <summary>
/// The Kubernetes manifests booted as a kubelet would run them, in Docker: what <c>kubectl kustomize deploy</c>
/// renders, each container started from its image with exactly its env (Secret and ConfigMap references resolved,
/// the Secrets that are not committed given test values), its volumes, its user and its security context
/// (read-only root, no privilege escalation, no capabilities), on one network where each Service's name
/// answers. PostgreSQL and RabbitMQ, which operators provide in a cluster, are the stand-in images under the
/// operators' Service names. Every schema Job runs to completion, then every shop Deployment must answer ready.
/// </summary>
public sealed partial class KubernetesInDocker : IAsyncLifetime
{
    private static readonly string[] Shop = ["identity", "inventory", "ordering", "payments", "notifications", "gateway"];
    private readonly string _name = $"shop-k8s-test-{Environment.ProcessId}";
    private readonly string _files = Directory.CreateTempSubdirectory("shop-k8s-").FullName;
    private readonly List<string> _containers = [];
    private IReadOnlyList<YamlMappingNode> _documents = [];
    private Dictionary<string, Dictionary<string, string>> _secrets = [];

    /// <summary>Each Job's containers, in order, with how they ended.</summary>
    public List<(string Job, string Container, int Code, string Output)> Jobs { get; } = [];

    /// <summary>Each shop Deployment's container.</summary>
    public Dictionary<string, string> Pods { get; } = [];

    /// <summary>The gateway's container port, published on 127.0.0.1 as a LoadBalancer would publish it.</summary>
    public Uri Gateway { get; } = new($"http://127.0.0.1:{ComposeProject.FreePort()}/");

    public async ValueTask InitializeAsync()
    {
        if (!ComposeShop.Enabled)
        {
            return;
        }

        _documents = await RenderAsync();
        _secrets = Of(_documents, "Secret").ToDictionary(s => Text(s, "metadata", "name"), s => Strings(Node(s, "stringData")));
        // Made in a cluster by the RabbitMQ operator and by the operator from key files (deploy/k8s/secrets.yaml).
        _secrets["shop-rabbitmq-default-user"] = new() { ["username"] = "shop-k8s", ["password"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(12)) };
        _secrets["shop-audit-keys"] = new() { ["20260101T000000Z_audit.pem"] = P256Key() };
        _secrets["identity-signing-keys"] = new() { ["20260101T000000Z_signing.pem"] = P256Key() };
        await Processes.StandInsAsync();
        await BuildImagesAsync();
        await DockerAsync("network", "create", _name);
        await StartInfrastructureAsync();
        foreach (var job in Of(_documents, "Job"))
        {
            var pod = Node(job, "spec", "template", "spec");
            foreach (var container in Sequence(pod, "initContainers").Concat(Sequence(pod, "containers")))
            {
                var (code, output) = await Processes.RunAsync("docker", ["run", "--rm", .. RunArguments(pod, container)]);
                Jobs.Add((Text(job, "metadata", "name"), Text(container, "name"), code, output));
            }
        }

        foreach (var deployment in Of(_documents, "Deployment").Where(d => Shop.Contains(Text(d, "metadata", "name"))))
        {
            var name = Text(deployment, "metadata", "name");
            var pod = Node(deployment, "spec", "template", "spec");
            var container = Sequence(pod, "containers").Single();
            string[] published = name == "gateway" ? ["-p", $"127.0.0.1:{Gateway.Port}:{Text(Sequence(container, "ports").First(), "containerPort")}"] : [];
            // A Deployment's pods are restarted when they exit, as the kubelet does (restartPolicy Always).
            Pods[name] = await StartAsync(["--restart", "always", "--network-alias", name, .. published, .. RunArguments(pod, container)]);
        }
    }

    /// <summary>Waits until every shop Deployment's container is ready; fails with their logs if one is not.</summary>
    public async Task WaitUntilReadyAsync(TimeSpan within)
    {
        try
        {
            await Eventually.ValueAsync(async () =>
            {
                var waiting = new List<string>();
                foreach (var service in Pods.Keys)
                {
                    if (!await ReadyAsync(service))
                    {
                        waiting.Add(service);
                    }
                }

                return string.Join(", ", waiting);
            }, waiting => waiting.Length == 0, within, "every Deployment's container ready");
        }
        catch (TimeoutException timeout)
        {
            var logs = await Task.WhenAll(Pods.Select(async p => $"--- {p.Key}\n{await LogAsync(p.Value)}"));
            throw new TimeoutException($"{timeout.Message}\n{string.Join('\n', logs)}", timeout);
        }
    }

    /// <summary>Whether the container answers its readinessProbe's path on its port, from inside its own network namespace.</summary>
    private async Task<bool> ReadyAsync(string service)
    {
        var container = Sequence(Node(Of(_documents, "Deployment").Single(d => Text(d, "metadata", "name") == service), "spec", "template", "spec"), "containers").Single();
        var url = $"http://localhost:{Text(container, "readinessProbe", "httpGet", "port")}{Text(container, "readinessProbe", "httpGet", "path")}";
        var (code, _) = await Processes.RunAsync("docker", ["exec", Pods[service], "curl", "-fs", "-m", "3", url]);
        return code == 0;
    }

    /// <summary>
    /// A service's command line run as <c>kubectl exec</c> would run it: the Deployment's image, env, volumes and
    /// security context, with extra variables.
    /// </summary>
    public async Task<string> ExecAsync(string service, IReadOnlyDictionary<string, string> env, params string[] command)
    {
        var pod = Node(Of(_documents, "Deployment").Single(d => Text(d, "metadata", "name") == service), "spec", "template", "spec");
        var extra = env.SelectMany(e => new[] { "-e", $"{e.Key}={e.Value}" });
        return await DockerAsync(["run", "--rm", .. extra, .. RunArguments(pod, Sequence(pod, "containers").Single()), .. command]);
    }

    /// <summary>The last lines a container wrote, for a failure's message.</summary>
    private static async Task<string> LogAsync(string container)
    {
        var (_, output) = await Processes.RunAsync("docker", ["logs", "--tail", "40", container]);
        return output;
    }

    public async ValueTask DisposeAsync()
    {
        if (!ComposeShop.Enabled)
        {
            return;
        }

        foreach (var container in _containers)
        {
            await Processes.RunAsync("docker", ["rm", "-f", "-v", container]);
        }

        await Processes.RunAsync("docker", ["network", "rm", _name]);
        Directory.Delete(_files, recursive: true);
    }

    /// <summary>The shop's images under the names and tags the manifests give, from the repository's Dockerfile.</summary>
    private async Task BuildImagesAsync()
    {
        foreach (var image in Of(_documents, "Deployment").Select(d => Text(Sequence(Node(d, "spec", "template", "spec"), "containers").Single(), "image")).Where(i => i.StartsWith("shop/", StringComparison.Ordinal)))
        {
            var service = image["shop/".Length..image.IndexOf(':', StringComparison.Ordinal)];
            await DockerAsync("build", "--quiet", "-f", "deploy/docker/Dockerfile", "--build-arg", $"SERVICE={CultureInfo.InvariantCulture.TextInfo.ToTitleCase(service)}", "-t", image, ".");
        }
    }

    /// <summary>What the CloudNativePG and RabbitMQ operators would provide, under their Services' names.</summary>
    private async Task StartInfrastructureAsync()
    {
        var superuser = _secrets["shop-db-superuser-env"];
        var postgres = await StartAsync(["--network", _name, "--network-alias", superuser["PGHOST"], "-e", $"POSTGRES_USER={superuser["PGUSER"]}",
            "-e", $"POSTGRES_PASSWORD={superuser["PGPASSWORD"]}", "-e", $"POSTGRES_DB={superuser["PGDATABASE"]}", "postgres:15"]);
        var broker = _secrets["shop-rabbitmq-default-user"];
        var rabbitmq = await StartAsync(["--network", _name, "--network-alias", "shop-rabbitmq",
            "-e", $"RABBITMQ_DEFAULT_USER={broker["username"]}", "-e", $"RABBITMQ_DEFAULT_PASS={broker["password"]}", "rabbitmq:3.13-management"]);
        await Eventually.ValueAsync(async () => (await Processes.RunAsync("docker", ["exec", postgres, "pg_isready", "-h", "127.0.0.1", "-q"])).Code,
            code => code == 0, TimeSpan.FromMinutes(1), "the database ready");
        await Eventually.ValueAsync(async () => (await Processes.RunAsync("docker", ["exec", rabbitmq, "rabbitmq-diagnostics", "-q", "ping"])).Code,
            code => code == 0, TimeSpan.FromMinutes(2), "the broker ready");
    }

    /// <summary>docker run's arguments for one container of a pod: network, user, security context, volumes, env, image, command.</summary>
    private List<string> RunArguments(YamlMappingNode pod, YamlNode container)
    {
        List<string> arguments = ["--network", _name, "--user", $"{Text(pod, "securityContext", "runAsUser")}:{Text(pod, "securityContext", "runAsGroup")}"];
        if (Find(container, "securityContext", "readOnlyRootFilesystem")?.ToString() == "true")
        {
            arguments.Add("--read-only");
        }

        if (Find(container, "securityContext", "allowPrivilegeEscalation")?.ToString() == "false")
        {
            arguments.AddRange(["--security-opt", "no-new-privileges"]);
        }

        foreach (var capability in Find(container, "securityContext", "capabilities", "drop") as YamlSequenceNode ?? [])
        {
            arguments.AddRange(["--cap-drop", capability.ToString()]);
        }

        foreach (var mount in Find(container, "volumeMounts") as YamlSequenceNode ?? [])
        {
            arguments.AddRange(Mount(pod, Text(mount, "name"), Text(mount, "mountPath"), Find(mount, "readOnly")?.ToString() == "true"));
        }

        foreach (var (name, value) in EnvOf(container))
        {
            arguments.AddRange(["-e", $"{name}={value}"]);
        }

        if (Find(container, "command") is YamlSequenceNode command)
        {
            arguments.AddRange(["--entrypoint", command.Children[0].ToString()]);
        }

        arguments.Add(Text(container, "image"));
        arguments.AddRange((Find(container, "command") as YamlSequenceNode)?.Children.Skip(1).Select(c => c.ToString()) ?? []);
        arguments.AddRange((Find(container, "args") as YamlSequenceNode)?.Children.Select(a => a.ToString()) ?? []);
        return arguments;
    }

    /// <summary>A pod volume as Docker mounts it: an emptyDir as a tmpfs, a Secret's or ConfigMap's keys as files.</summary>
    private string[] Mount(YamlMappingNode pod, string volume, string path, bool readOnly)
    {
        var source = Sequence(pod, "volumes").Single(v => Text(v, "name") == volume);
        if (Find(source, "emptyDir") is not null)
        {
            return ["--tmpfs", $"{path}:uid={Text(pod, "securityContext", "runAsUser")}"];
        }

        var files = Find(source, "secret", "secretName") is { } secret
            ? _secrets[secret.ToString()]
            : Strings(Node(Of(_documents, "ConfigMap").Single(c => Text(c, "metadata", "name") == Text(source, "configMap", "name")), "data"));
        var directory = Path.Combine(_files, volume);
        if (!Directory.Exists(directory))
        {
            Directory.CreateDirectory(directory);
            foreach (var (name, content) in files)
            {
                File.WriteAllText(Path.Combine(directory, name), content);
            }
        }

        return ["-v", $"{directory}:{path}{(readOnly ? ":ro" : "")}"];
    }

    /// <summary>The container's env as the kubelet makes it: envFrom first, then env in order with $(NAME) expanded.</summary>
    private Dictionary<string, string> EnvOf(YamlNode container)
    {
        var env = new Dictionary<string, string>();
        foreach (var source in Find(container, "envFrom") as YamlSequenceNode ?? [])
        {
            var values = Find(source, "configMapRef", "name") is { } map
                ? Strings(Node(Of(_documents, "ConfigMap").Single(c => Text(c, "metadata", "name") == map.ToString()), "data"))
                : _secrets[Text(source, "secretRef", "name")];
            foreach (var (name, value) in values)
            {
                env[name] = value;
            }
        }

        foreach (var variable in Find(container, "env") as YamlSequenceNode ?? [])
        {
            var name = Text(variable, "name");
            env[name] = Find(variable, "value") is { } value
                ? Reference().Replace(value.ToString(), m => env.TryGetValue(m.Groups[1].Value, out var known) ? known : m.Value)
                : Find(variable, "valueFrom", "secretKeyRef") is { } secret
                    ? _secrets[Text(secret, "name")][Text(secret, "key")]
                    : Strings(Node(Of(_documents, "ConfigMap").Single(c => Text(c, "metadata", "name") == Text(variable, "valueFrom", "configMapKeyRef", "name")), "data"))[Text(variable, "valueFrom", "configMapKeyRef", "key")];
        }

        return env;
    }

    private async Task<string> StartAsync(string[] arguments)
    {
        var container = (await DockerAsync(["run", "-d", .. arguments])).Trim();
        _containers.Add(container);
        return container;
    }

    private static async Task<string> DockerAsync(params string[] arguments)
    {
        var (code, output) = await Processes.RunAsync("docker", arguments);
        code.ShouldBe(0, $"docker {string.Join(' ', arguments)}\n{output}");
        return output;
    }

    private static Dictionary<string, string> Strings(YamlMappingNode mapping) =>
        mapping.Children.ToDictionary(c => c.Key.ToString(), c => c.Value.ToString());

    private static string P256Key()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        return key.ExportPkcs8PrivateKeyPem();
    }

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
