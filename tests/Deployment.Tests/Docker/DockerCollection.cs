namespace Shop.Deployment.Tests.Docker;

/// <summary>The tests that run the shop in Docker, one after the other: two shops at once would starve the machine.</summary>
[CollectionDefinition(Name)]
public sealed class DockerCollection
{
    public const string Name = "docker";
}
