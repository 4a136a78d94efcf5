using RiskOps.Production.Tests.Support;
using YamlDotNet.RepresentationModel;

namespace RiskOps.Production.Tests;

/// <summary>docker-compose.yml is safe by default (issue 12 item 13): read as YAML, since no engine runs here.</summary>
public sealed class DeploymentSafetyTests
{
    private static readonly string Root = RepoPaths.Root();

    private static YamlNode? Child(YamlMappingNode node, string key) =>
        node.Children.TryGetValue(new YamlScalarNode(key), out var value) ? value : null;

    private static List<string> Strings(YamlNode? node) =>
        node is YamlSequenceNode list ? list.Children.Select(c => ((YamlScalarNode)c).Value!).ToList() : [];

    [Fact]
    public void Compose_MailCatcherUi_PublishedOnLoopbackOnly()
    {
        var ports = Strings(Child(DeploymentFilesTests.Services()["mailcatcher"], "ports"));

        Assert.All(ports, p => Assert.StartsWith("127.0.0.1:", p, StringComparison.Ordinal));
    }

    [Fact]
    public void Compose_WebPort_LoopbackUnlessWebBindSaysOtherwise()
    {
        var port = Assert.Single(Strings(Child(DeploymentFilesTests.Services()["web"], "ports")));

        Assert.StartsWith("${WEB_BIND:-127.0.0.1}:", port, StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_Web_PassesApiKeysAllowedHostsProxyAndKeyRingOnAVolume()
    {
        var web = DeploymentFilesTests.Services()["web"];
        var environment = DeploymentFilesTests.Environment(web);

        Assert.Equal("${INGEST_API_KEYS:-}", environment["Ingest__ApiKeys"]);
        Assert.Contains("AllowedHosts", environment.Keys);
        Assert.Contains("Proxy__KnownNetworks", environment.Keys);
        Assert.Equal("/data/keys", environment["DataProtection__KeysFolder"]);
        Assert.Contains("keys:/data/keys", Strings(Child(web, "volumes")));
        var volumes = (YamlMappingNode)((YamlMappingNode)new YamlStreamReader(Root).Document).Children[new YamlScalarNode("volumes")];
        Assert.Contains(new YamlScalarNode("keys"), volumes.Children.Keys);
    }

    [Fact]
    public void Compose_ThirdPartyImages_PinnedToAVersion()
    {
        foreach (var (name, service) in DeploymentFilesTests.Services())
        {
            var image = ((YamlScalarNode)Child(service, "image")!).Value!;
            if (image.StartsWith("riskops:", StringComparison.Ordinal))
            {
                continue;
            }

            var tag = image.Contains(':', StringComparison.Ordinal) ? image[(image.LastIndexOf(':') + 1)..] : "";
            Assert.True(tag.Length > 0 && tag != "latest" && tag.Any(char.IsDigit), $"{name}: image {image} is not pinned to a version");
        }
    }

    [Fact]
    public void Compose_EveryService_HasCpuAndMemoryLimits()
    {
        foreach (var (name, service) in DeploymentFilesTests.Services())
        {
            var limits = Child(service, "deploy") is YamlMappingNode deploy && Child(deploy, "resources") is YamlMappingNode resources
                ? Child(resources, "limits") as YamlMappingNode
                : null;
            Assert.True(limits is not null, $"{name} has no deploy.resources.limits");
            Assert.NotNull(Child(limits!, "cpus"));
            Assert.NotNull(Child(limits!, "memory"));
        }
    }

    [Fact]
    public void GitIgnore_IgnoresTheDotEnvSecretsFile()
    {
        var lines = File.ReadAllLines(Path.Combine(Root, ".gitignore")).Select(l => l.Trim());

        Assert.Contains(".env", lines);
    }

    private sealed class YamlStreamReader
    {
        public YamlStreamReader(string root)
        {
            using var reader = new StreamReader(Path.Combine(root, "docker-compose.yml"));
            var stream = new YamlStream();
            stream.Load(reader);
            Document = stream.Documents[0].RootNode;
        }

        public YamlNode Document { get; }
    }
}
