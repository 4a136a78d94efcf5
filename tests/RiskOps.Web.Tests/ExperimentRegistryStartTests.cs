using Microsoft.Extensions.Options;

namespace RiskOps.Web.Tests;

/// <summary>The web host validates the experiment registry on start: a broken one stops it with every problem named.</summary>
public sealed class ExperimentRegistryStartTests : IDisposable
{
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-web-registry-" + Guid.NewGuid().ToString("N"));

    public ExperimentRegistryStartTests() => Directory.CreateDirectory(_lake);

    public void Dispose() => Directory.Delete(_lake, recursive: true);

    [Fact]
    public void Start_BrokenRegistry_FailsNamingTheEntry()
    {
        using var factory = WebAppFixture.CreateFactory(_lake, new Dictionary<string, string?>
        {
            ["Experiments:Registry:0:Name"] = "ato-threshold-2026-12",
            ["Experiments:Registry:0:CaseTypes:0"] = "ATO",
            ["Experiments:Registry:0:Split:treatment"] = "1",
            ["Experiments:Registry:0:Start"] = "2026-12-01T00:00:00Z",
            ["Experiments:Registry:0:Owner"] = "risk lead",
        });

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("Experiments:Registry:0 (ato-threshold-2026-12): Split needs 'control'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_ValidRegistry_Serves()
    {
        using var factory = WebAppFixture.CreateFactory(_lake, new Dictionary<string, string?>
        {
            ["Experiments:Registry:0:Name"] = "ato-threshold-2026-12",
            ["Experiments:Registry:0:CaseTypes:0"] = "ATO",
            ["Experiments:Registry:0:Split:control"] = "0.5",
            ["Experiments:Registry:0:Split:treatment"] = "0.5",
            ["Experiments:Registry:0:Start"] = "2026-12-01T00:00:00Z",
            ["Experiments:Registry:0:Owner"] = "risk lead",
        });

        var response = await factory.CreateClient().GetAsync(new Uri("/health", UriKind.Relative));

        Assert.True(response.IsSuccessStatusCode);
    }
}
