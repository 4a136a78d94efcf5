using System.Text.RegularExpressions;
using RiskOps.Production.Tests.Support;
using RiskOps.Web.Jobs;
using YamlDotNet.RepresentationModel;

namespace RiskOps.Production.Tests;

/// <summary>docker-compose.yml, .env.example and the Dockerfile, read as data and checked against the code's configuration.</summary>
public sealed partial class DeploymentFilesTests
{
    private static readonly string Root = RepoPaths.Root();

    [Fact]
    public void Compose_Services_PostgresWebWorkerAndMailCatcher()
    {
        var services = Services();

        Assert.Equal(["mailcatcher", "postgres", "web", "worker"], services.Keys.Order(StringComparer.Ordinal));
        Assert.Contains("mailpit", Scalar(services["mailcatcher"], "image"), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_Postgres_HasNamedVolumeAndHealthcheck()
    {
        var postgres = Services()["postgres"];

        var volume = Assert.Single(Sequence(postgres, "volumes"));
        Assert.StartsWith("pgdata:", volume, StringComparison.Ordinal);
        Assert.Contains("pgdata", TopLevelVolumes());
        Assert.Contains("pg_isready", string.Join(' ', Sequence((YamlMappingNode)postgres.Children[new YamlScalarNode("healthcheck")], "test")), StringComparison.Ordinal);
    }

    [Fact]
    public void Compose_Worker_IsScalableAndRunsTheWorkerCommand()
    {
        var worker = Services()["worker"];

        Assert.False(worker.Children.ContainsKey(new YamlScalarNode("container_name")), "a container_name prevents --scale");
        Assert.False(worker.Children.ContainsKey(new YamlScalarNode("ports")), "a fixed host port prevents --scale");
        Assert.Equal(["worker", "--lake", "/data/lake"], Sequence(worker, "command"));
        Assert.Equal("service_healthy", Scalar((YamlMappingNode)((YamlMappingNode)worker.Children[new YamlScalarNode("depends_on")]).Children[new YamlScalarNode("postgres")], "condition"));
    }

    [Fact]
    public void Compose_WebAndWorker_ShareTheLakeOnANamedVolume()
    {
        var services = Services();
        var volumes = TopLevelVolumes();

        foreach (var name in new[] { "web", "worker" })
        {
            Assert.Contains("lake:/data/lake", Sequence(services[name], "volumes"));
            Assert.Contains("/data/lake", Sequence(services[name], "command"));
        }

        Assert.Contains("lake", volumes);
    }

    [Fact]
    public void EnvExample_ListsEveryComposeVariableAndHoldsNoSecret()
    {
        var compose = File.ReadAllText(Path.Combine(Root, "docker-compose.yml"));
        var example = File.ReadAllLines(Path.Combine(Root, ".env.example"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);

        var used = ComposeVariable().Matches(compose).Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.NotEmpty(used);
        Assert.All(used, v => Assert.True(example.ContainsKey(v), $".env.example lacks {v}"));
        Assert.All(example.Where(p => SecretName().IsMatch(p.Key)), p => Assert.True(p.Value.Length == 0, $"{p.Key} must not carry a value in .env.example"));
    }

    [Fact]
    public void Compose_WebAndWorker_PassTheQuarantineKeyFromEnv()
    {
        var services = Services();
        var example = File.ReadAllLines(Path.Combine(Root, ".env.example"));

        foreach (var name in new[] { "web", "worker" })
        {
            var environment = Environment(services[name]);
            Assert.True(environment.TryGetValue("Lake__QuarantineKey", out var value), $"{name} does not pass Lake__QuarantineKey");
            Assert.Equal("${LAKE_QUARANTINE_KEY:-}", value);
        }

        Assert.Contains("LAKE_QUARANTINE_KEY=", example);
        Assert.Contains("Lake:QuarantineKey", ConfigurationCatalog.Keys(ConfigurationCatalog.ProjectAssemblies()));
    }

    [Fact]
    public void Dockerfile_MultiStage_PublishesTheCliAndRunsRiskopsDll()
    {
        var text = File.ReadAllText(Path.Combine(Root, "Dockerfile"));

        Assert.Contains("FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build", text, StringComparison.Ordinal);
        Assert.Contains("FROM mcr.microsoft.com/dotnet/aspnet:10.0", text, StringComparison.Ordinal);
        Assert.Contains("dotnet publish cli/RiskOps.Cli/RiskOps.Cli.csproj", text, StringComparison.Ordinal);
        Assert.Contains("ENTRYPOINT [\"dotnet\", \"riskops.dll\"]", text, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ConnectionStrings__Hangfire", "ConnectionStrings:Hangfire")]
    [InlineData("ASPNETCORE_URLS", "URLS")]
    [InlineData("Sources__Postgres__PageSize", "Sources:Postgres:PageSize")]
    public void FromEnvironmentVariable_HostAndNestedNames_MapToConfigurationKeys(string variable, string key)
    {
        Assert.Equal(key, ConfigurationCatalog.FromEnvironmentVariable(variable));
    }

    [Fact]
    public void Keys_ProjectAssemblies_IncludeJobsSourceAndLakeOptions()
    {
        var keys = ConfigurationCatalog.Keys(ConfigurationCatalog.ProjectAssemblies());

        Assert.Contains("Jobs:WorkerCount", keys);
        Assert.Contains("Jobs:Queues", keys);
        Assert.Contains("Sources:Postgres:ConnectionString", keys);
        Assert.Contains("Lake:HashKey", keys);
        Assert.False(ConfigurationCatalog.IsKnown(keys, "Jobs:WorkerCont"));
    }

    internal static Dictionary<string, YamlMappingNode> Services()
    {
        var services = (YamlMappingNode)Document().Children[new YamlScalarNode("services")];
        return services.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => (YamlMappingNode)p.Value, StringComparer.Ordinal);
    }

    private static List<string> TopLevelVolumes() =>
        ((YamlMappingNode)Document().Children[new YamlScalarNode("volumes")]).Children.Keys.Select(k => ((YamlScalarNode)k).Value!).ToList();

    private static YamlMappingNode Document()
    {
        using var reader = new StreamReader(Path.Combine(Root, "docker-compose.yml"));
        var stream = new YamlStream();
        stream.Load(reader);
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static string Scalar(YamlMappingNode node, string key) => ((YamlScalarNode)node.Children[new YamlScalarNode(key)]).Value!;

    private static List<string> Sequence(YamlMappingNode node, string key) =>
        ((YamlSequenceNode)node.Children[new YamlScalarNode(key)]).Children.Select(c => ((YamlScalarNode)c).Value!).ToList();

    internal static Dictionary<string, string> Environment(YamlMappingNode service)
    {
        var node = service.Children[new YamlScalarNode("environment")];
        return node switch
        {
            YamlMappingNode map => map.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => ((YamlScalarNode)p.Value).Value ?? string.Empty, StringComparer.Ordinal),
            YamlSequenceNode list => list.Children.Select(c => ((YamlScalarNode)c).Value!.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal),
            _ => throw new InvalidOperationException("environment must be a mapping or a list"),
        };
    }

    [GeneratedRegex(@"\$\{([A-Z0-9_]+)(?::?[-?][^}]*)?\}")]
    private static partial Regex ComposeVariable();

    [GeneratedRegex("PASSWORD|SECRET|HASH_KEY|QUARANTINE_KEY|TOKEN")]
    private static partial Regex SecretName();
}
