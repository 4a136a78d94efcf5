using System.Text.Json;
using RiskOps.Etl.Demo;

namespace RiskOps.Cli.Tests;

/// <summary>`riskops demo` then the analysis commands, through the real executable: the planted patterns are found.</summary>
public sealed class DemoAnalysisTests : IAsyncLifetime
{
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-cli-demo-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var demo = await CliRunner.RunAsync("demo", "--lake", _lake, "--cases", "4000", "--seed", "7", "--as-of", "2026-11-23T00:00:00Z");
        Assert.True(demo.ExitCode == 0, demo.StdErr);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_lake, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Clusters_DemoLake_EveryPlantedPatternRanksFirstWithItsRoute()
    {
        var json = await CliRunner.RunJsonAsync("clusters", "--lake", _lake, "--json");
        var clusters = json.GetProperty("clusters").EnumerateArray().ToList();

        foreach (var planted in DemoScenario.PlantedPatterns)
        {
            var top = clusters.First(c => c.GetProperty("case_type").GetString() == planted.CaseType
                                          && c.GetProperty("label").GetString() == planted.Label);
            Assert.Equal(planted.Signals.Order(StringComparer.Ordinal), top.GetProperty("signals").EnumerateArray().Select(s => s.GetString()));
            Assert.Equal(planted.RootCauseType, top.GetProperty("root_cause_type").GetString());
            Assert.Equal(planted.RootCauseCode, top.GetProperty("root_cause_code").GetString());
            Assert.Equal(planted.Route, top.GetProperty("route").GetString());
            Assert.True(top.GetProperty("support").GetInt64() >= 5);
            Assert.InRange(top.GetProperty("example_case_ids").GetArrayLength(), 1, 5);
        }

        // The v2 rule (significant at 99.9 %, disjoint, narrowed) finds the planted patterns and nothing else in the demo.
        Assert.Equal(DemoScenario.PlantedPatterns.Count, clusters.Count);
    }

    [Fact]
    public async Task Thresholds_DemoLake_FiftyPointsPerCaseTypeWithExactThresholds()
    {
        var json = await CliRunner.RunJsonAsync("thresholds", "--lake", _lake, "--json");
        var byCaseType = json.GetProperty("by_case_type").EnumerateArray().ToList();

        Assert.Equal(DemoScenario.CaseTypes.Select(c => c.Name).Order(StringComparer.Ordinal),
            byCaseType.Select(c => c.GetProperty("case_type").GetString()).Order(StringComparer.Ordinal));
        foreach (var sweep in byCaseType)
        {
            var points = sweep.GetProperty("sweep").EnumerateArray().ToList();
            Assert.Equal(Enumerable.Range(50, 50).Select(k => k / 100.0), points.Select(p => p.GetProperty("threshold").GetDouble()));
            Assert.All(points, p => Assert.NotEqual(JsonValueKind.Undefined, p.GetProperty("reviewer_hours_per_day").ValueKind));
        }
    }

    [Fact]
    public async Task Sql_PrintViews_RunInTheIndependentDuckDbWithTheSameCaseCount()
    {
        var views = await CliRunner.RunAsync("sql", "--lake", _lake, "--print-views");
        Assert.Equal(0, views.ExitCode);
        var ours = await CliRunner.RunJsonAsync("sql", "--lake", _lake, "--json", "select count(*) as n from decisions");

        var independent = await CliRunner.IndependentDuckDbAsync(views.StdOut + "\nselect count(*)::int as n from decisions;");

        var n = ours.ValueKind == JsonValueKind.Array ? ours[0].GetProperty("n") : ours.GetProperty("rows")[0][0];
        Assert.Equal(n.ToString(), independent[0].GetProperty("n").ToString());
    }
}
