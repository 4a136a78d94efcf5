using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RiskOps.Production.Tests.Support;
using RiskOps.Web.Jobs;

namespace RiskOps.Production.Tests;

/// <summary>
/// Every environment variable docker-compose.yml gives the web and worker services is a configuration key the code
/// reads. Builds the real hosts in-process, so it shares the serialised collection with the other Hangfire users.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class ConfigurationKeysTests
{
    [Fact]
    public async Task Compose_EnvironmentKeys_AreConfigurationKeysTheCodeBinds()
    {
        var known = await KnownConfigurationKeysAsync();
        var services = DeploymentFilesTests.Services();
        var checkedKeys = 0;
        foreach (var name in new[] { "web", "worker" })
        {
            foreach (var variable in DeploymentFilesTests.Environment(services[name]).Keys)
            {
                var key = ConfigurationCatalog.FromEnvironmentVariable(variable);
                Assert.True(ConfigurationCatalog.IsKnown(known, key), $"{name}: {variable} sets '{key}', which the code never reads. Known: {string.Join(", ", known.Order(StringComparer.OrdinalIgnoreCase))}");
                checkedKeys++;
            }
        }

        Assert.True(checkedKeys > 20, "the web and worker services should be configured through the environment");
        Assert.Equal("Host=postgres;Port=5432;Database=riskops;Username=riskops;Password=${POSTGRES_PASSWORD}", DeploymentFilesTests.Environment(services["worker"])["ConnectionStrings__Hangfire"]);
    }

    /// <summary>
    /// The keys the code reads: options classes found by reflection (<c>SectionName</c> constants), plus the keys the
    /// composed web app and worker host are observed to read when every options type they configure is resolved.
    /// </summary>
    private static async Task<IReadOnlySet<string>> KnownConfigurationKeysAsync()
    {
        var assemblies = ConfigurationCatalog.ProjectAssemblies();
        var known = new HashSet<string>(ConfigurationCatalog.Keys(assemblies), StringComparer.OrdinalIgnoreCase);
        HangfireGlobals.EnsureInitialized();
        var lake = Path.Combine(Path.GetTempPath(), $"riskops-prod-keys-{Guid.NewGuid():N}");
        Directory.CreateDirectory(lake);
        try
        {
            using (var worker = WorkerHost.Build(lake, []))
            {
                known.UnionWith(ConfigurationRecorder.KeysRead(worker.Services, worker.Services.GetRequiredService<IConfiguration>(), assemblies));
            }

            await using var web = RiskOps.Web.WebHostEntry.Build(["--lake", lake]);
            known.UnionWith(ConfigurationRecorder.KeysRead(web.Services, web.Configuration, assemblies));
        }
        finally
        {
            HangfireGlobals.ResetLogProvider();
            Directory.Delete(lake, recursive: true);
        }

        return known;
    }
}
