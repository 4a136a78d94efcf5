using System.Text.Json;

namespace RiskOps.Cli.Tests;

/// <summary>
/// <c>riskops experiments</c> guard rails through the real executable: the registry from the environment (broken → one
/// line, exit 2), the demo experiments registered by default with their SRM check, unregistered experiments, and the
/// cases a <c>continue</c> would need.
/// </summary>
public sealed class ExperimentGuardRailsCliTests : IDisposable
{
    private const string AsOf = "2026-11-23T00:00:00Z";
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "riskops-cli-guardrails-" + Guid.NewGuid().ToString("N"));

    public ExperimentGuardRailsCliTests() => Directory.CreateDirectory(_dir);

    private string Lake => Path.Combine(_dir, "lake");

    public void Dispose()
    {
        if (Directory.Exists(_dir))
        {
            Directory.Delete(_dir, recursive: true);
        }
    }

    [Fact]
    public async Task Experiments_BrokenRegistry_OneLineExit2()
    {
        await DemoAsync();
        var environment = new Dictionary<string, string>
        {
            ["Experiments__Registry__0__Name"] = "ato-threshold-2026-12",
            ["Experiments__Registry__0__CaseTypes__0"] = "ATO",
            ["Experiments__Registry__0__Split__control"] = "0.5",
            ["Experiments__Registry__0__Split__treatment"] = "0.7",
            ["Experiments__Registry__0__Start"] = "2026-12-01",
        };

        var result = await CliRunner.RunAsync(environment, "experiments", "--lake", Lake, "--as-of", AsOf);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.StdOut);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("invalid experiment registry", line, StringComparison.Ordinal);
        Assert.Contains("Registry:0 (ato-threshold-2026-12): Split shares sum to 1.2, not 1", line, StringComparison.Ordinal);
        Assert.Contains("Start '2026-12-01' is not an ISO-8601 instant with an offset", line, StringComparison.Ordinal);
        Assert.Contains("Owner is required", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Experiments_DefaultDemo_RegisteredWithSrmAndVerdicts()
    {
        await DemoAsync();

        var json = await CliRunner.RunJsonAsync("experiments", "--lake", Lake, "--as-of", AsOf, "--json");

        var entries = json.GetProperty("experiments").EnumerateArray().Where(e => e.GetProperty("case_type").ValueKind == JsonValueKind.Null).ToList();
        var verdicts = entries.ToDictionary(e => e.GetProperty("experiment").GetString()!, e => e.GetProperty("verdicts").GetProperty("treatment").GetString());
        Assert.True(verdicts["reset2fa-threshold-2026-11"] == "rollback", json.GetRawText());
        Assert.True(verdicts["poa-model-2026-11"] == "ship", json.GetRawText());
        foreach (var entry in entries)
        {
            var rails = entry.GetProperty("guard_rails");
            Assert.True(rails.GetProperty("registered").GetBoolean());
            Assert.Equal("first_decision", rails.GetProperty("start_source").GetString());
            Assert.True(rails.GetProperty("days_running").GetDouble() >= 7);
            var srm = rails.GetProperty("srm");
            Assert.True(srm.GetProperty("computed").GetBoolean());
            Assert.Equal(1, srm.GetProperty("degrees_of_freedom").GetInt32());
            Assert.False(srm.GetProperty("flagged").GetBoolean(), srm.GetRawText());
            Assert.Equal(2, rails.GetProperty("planned_split").GetArrayLength());
            Assert.Equal(0, entry.GetProperty("cases_needed").GetArrayLength());
            // Existing fields stay, each comparison gains needed_per_arm.
            Assert.All(entry.GetProperty("comparisons").EnumerateArray(), c =>
            {
                Assert.True(c.TryGetProperty("ci_low", out _));
                Assert.True(c.TryGetProperty("needed_per_arm", out _));
            });
        }
    }

    [Fact]
    public async Task Experiments_DemoRegistryOffAndOneShortExperimentRegistered_UnregisteredAndUnder7Days()
    {
        await DemoAsync();
        var environment = new Dictionary<string, string>
        {
            ["Experiments__IncludeDemo"] = "false",
            ["Experiments__Registry__0__Name"] = "poa-model-2026-11",
            ["Experiments__Registry__0__CaseTypes__0"] = "POA_REVIEW",
            ["Experiments__Registry__0__Split__control"] = "0.5",
            ["Experiments__Registry__0__Split__treatment"] = "0.5",
            ["Experiments__Registry__0__Start"] = "2026-11-20T00:00:00+08:00",
            ["Experiments__Registry__0__Owner"] = "model owner",
        };

        var result = await CliRunner.RunAsync(environment, "experiments", "--lake", Lake, "--as-of", AsOf, "--json");

        Assert.True(result.ExitCode == 0, result.StdErr);
        var entries = JsonDocument.Parse(result.StdOut).RootElement.GetProperty("experiments").EnumerateArray()
            .Where(e => e.GetProperty("case_type").ValueKind == JsonValueKind.Null)
            .ToDictionary(e => e.GetProperty("experiment").GetString()!, e => e.GetProperty("guard_rails"));
        var reset = entries["reset2fa-threshold-2026-11"];
        Assert.False(reset.GetProperty("registered").GetBoolean());
        Assert.False(reset.GetProperty("srm").GetProperty("computed").GetBoolean());
        Assert.Contains("not registered", reset.GetProperty("srm").GetProperty("note").GetString(), StringComparison.Ordinal);
        var poa = entries["poa-model-2026-11"];
        Assert.True(poa.GetProperty("registered").GetBoolean());
        Assert.Equal("registry", poa.GetProperty("start_source").GetString());
        Assert.Equal(3.3, poa.GetProperty("days_running").GetDouble());
        Assert.Contains(poa.GetProperty("warnings").EnumerateArray(), w => w.GetString()!.StartsWith("running 3.3 days (< 7)", StringComparison.Ordinal));
        // The demo's arms are about 38/62, far from 50/50 on ~1,400 decisions.
        Assert.True(poa.GetProperty("srm").GetProperty("flagged").GetBoolean());

        var text = await CliRunner.RunAsync(environment, "experiments", "--lake", Lake, "--as-of", AsOf);
        Assert.Contains("registry: unregistered", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("warning: sample-ratio mismatch", text.StdOut, StringComparison.Ordinal);
    }

    private async Task DemoAsync()
    {
        var demo = await CliRunner.RunAsync("demo", "--lake", Lake, "--seed", "42", "--as-of", AsOf);
        Assert.True(demo.ExitCode == 0, demo.StdErr);
    }
}
