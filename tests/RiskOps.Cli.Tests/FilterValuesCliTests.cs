using System.Text.Json;

namespace RiskOps.Cli.Tests;

/// <summary>
/// FILTERS from the data through the real executable: a value in no record of the lake is one line and exit 2 on every
/// analysis command; a known value in another case answers like the lake's spelling.
/// </summary>
public sealed class FilterValuesCliTests : IAsyncLifetime
{
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-cli-filters-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var demo = await CliRunner.RunAsync("demo", "--lake", _lake, "--cases", "600", "--seed", "5", "--as-of", "2026-11-23T00:00:00Z");
        Assert.True(demo.ExitCode == 0, demo.StdErr);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_lake, recursive: true);
        return Task.CompletedTask;
    }

    [Theory]
    [InlineData("metrics", "--region", "atlantis", "no record of the lake has region 'atlantis' (regions in the lake: ")]
    [InlineData("metrics", "--vendor", "nobody-bpo", "no record of the lake has vendor 'nobody-bpo' (vendors in the lake: ")]
    [InlineData("thresholds", "--model-version", "3.2", "no record of the lake has model version '3.2' (model versions in the lake: ")]
    [InlineData("clusters", "--case-type", "FRAUD", "no record of the lake has case type 'FRAUD' (case types in the lake: ")]
    [InlineData("clusters", "--region", "mars", "no record of the lake has region 'mars'")]
    public async Task Command_ValueInNoRecordOfTheLake_OneLineExit2(string command, string flag, string value, string message)
    {
        var result = await CliRunner.RunAsync(command, "--lake", _lake, flag, value, "--json");

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut.Trim());
    }

    [Fact]
    public async Task Metrics_KnownRegionInLowerCase_SameFiguresAsTheLakesSpelling()
    {
        var exact = await CliRunner.RunJsonAsync("metrics", "--lake", _lake, "--region", "EU", "--as-of", "2026-11-23T00:00:00Z", "--json");
        var lower = await CliRunner.RunJsonAsync("metrics", "--lake", _lake, "--region", "eu", "--case-type", "ato", "--as-of", "2026-11-23T00:00:00Z", "--json");
        var exactAto = await CliRunner.RunJsonAsync("metrics", "--lake", _lake, "--region", "EU", "--case-type", "ATO", "--as-of", "2026-11-23T00:00:00Z", "--json");

        Assert.True(exact.GetProperty("overall").GetProperty("decisions").GetInt64() > 0);
        foreach (var figure in new[] { "decisions", "tp", "fp", "tn", "fn", "precision", "recall", "automation_rate", "sla_compliance" })
        {
            Assert.Equal(exactAto.GetProperty("overall").GetProperty(figure).GetRawText(), lower.GetProperty("overall").GetProperty(figure).GetRawText());
        }
    }

    [Fact]
    public async Task Metrics_KnownRegionNoDataInPeriod_EmptyFiguresWithNZeroExit0()
    {
        var result = await CliRunner.RunAsync("metrics", "--lake", _lake, "--region", "EU", "--week", "2020-W01", "--as-of", "2026-11-23T00:00:00Z", "--json");

        Assert.True(result.ExitCode == 0, result.StdErr);
        var overall = JsonDocument.Parse(result.StdOut).RootElement.GetProperty("overall");
        Assert.Equal(0, overall.GetProperty("decisions").GetInt64());
        Assert.Equal(JsonValueKind.Null, overall.GetProperty("precision").ValueKind);
        Assert.Equal(0, overall.GetProperty("precision_n").GetInt64());
    }
}
