using YamlDotNet.RepresentationModel;

namespace Shop.Deployment.Tests;

/// <summary>What <c>kubectl kustomize deploy</c> renders, and paths into it.</summary>
internal static class Manifests
{
    /// <summary>The rendered documents, as a cluster would receive them.</summary>
    public static async Task<IReadOnlyList<YamlMappingNode>> RenderAsync()
    {
        var (code, output) = await Docker.Processes.RunAsync("kubectl", ["kustomize", "deploy"]);
        code.ShouldBe(0, output);
        var yaml = new YamlStream();
        yaml.Load(new StringReader(output));
        return [.. yaml.Documents.Select(d => d.RootNode).OfType<YamlMappingNode>()];
    }

    public static IEnumerable<YamlMappingNode> Of(IEnumerable<YamlMappingNode> documents, string kind) =>
        documents.Where(d => Find(d, "kind")?.ToString() == kind);

    public static YamlNode? Find(YamlNode node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode mapping || !mapping.Children.TryGetValue(new YamlScalarNode(key), out var next))
            {
                return null;
            }

            node = next;
        }

        return node;
    }

    public static YamlMappingNode Node(YamlNode node, params string[] path) =>
        Find(node, path) as YamlMappingNode ?? throw new ShouldAssertException($"no mapping at {string.Join('.', path)}");

    public static string Text(YamlNode node, params string[] path) =>
        Find(node, path)?.ToString() ?? throw new ShouldAssertException($"no value at {string.Join('.', path)}");

    public static IEnumerable<YamlNode> Sequence(YamlNode node, params string[] path) =>
        Find(node, path) as YamlSequenceNode ?? throw new ShouldAssertException($"no list at {string.Join('.', path)}");
}
