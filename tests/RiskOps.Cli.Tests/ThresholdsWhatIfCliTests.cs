using System.Text.Json;

namespace RiskOps.Cli.Tests;

/// <summary><c>riskops thresholds</c>: the recommendation's n and interval, and the what-if of <c>--propose CASE_TYPE=T</c>.</summary>
public sealed class ThresholdsWhatIfCliTests : IAsyncLifetime
{
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-cli-whatif-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var demo = await CliRunner.RunAsync("demo", "--lake", _lake, "--cases", "3000", "--seed", "5", "--as-of", "2026-11-23T00:00:00Z");
        Assert.True(demo.ExitCode == 0, demo.StdErr);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_lake, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Thresholds_Propose_ProjectsBesideCurrentAndMatchesSweep()
    {
        // A window longer than the lake covers every decision, so the projection at T must equal the sweep's point at T.
        var json = await CliRunner.RunJsonAsync("thresholds", "--lake", _lake, "--json", "--propose", "ato=0.95", "--propose", "KYC_AUDIT=0.9", "--weeks", "26");
        var sweeps = json.GetProperty("by_case_type").EnumerateArray().ToDictionary(c => c.GetProperty("case_type").GetString()!);
        foreach (var sweep in sweeps.Values)
        {
            Assert.Equal(sweep.GetProperty("labeled_cases").GetInt64(), sweep.GetProperty("recommended_threshold_n").GetInt64());
            if (sweep.GetProperty("recommended_threshold").ValueKind == JsonValueKind.Number)
            {
                var t = sweep.GetProperty("recommended_threshold").GetDouble();
                Assert.True(sweep.GetProperty("recommended_threshold_ci_low").GetDouble() <= t);
                if (sweep.GetProperty("recommended_threshold_ci_high").ValueKind == JsonValueKind.Number)
                {
                    Assert.True(sweep.GetProperty("recommended_threshold_ci_high").GetDouble() >= t);
                }
            }
        }

        var whatIf = json.GetProperty("what_if");
        Assert.Equal(26, whatIf.GetProperty("weeks").GetInt32());
        Assert.True(whatIf.GetProperty("days").GetInt64() > 7);
        var entries = whatIf.GetProperty("by_case_type").EnumerateArray().ToDictionary(c => c.GetProperty("case_type").GetString()!);
        foreach (var (type, t) in new[] { ("ATO", 0.95), ("KYC_AUDIT", 0.9) })
        {
            var proposed = entries[type].GetProperty("proposed");
            var current = entries[type].GetProperty("current");
            Assert.Equal(t, proposed.GetProperty("threshold").GetDouble());
            Assert.Equal(sweeps[type].GetProperty("current_threshold").GetDouble(), current.GetProperty("threshold").GetDouble());
            var point = sweeps[type].GetProperty("sweep").EnumerateArray().Single(p => Math.Abs(p.GetProperty("threshold").GetDouble() - t) < 1e-9);
            Assert.Equal(point.GetProperty("precision").GetDouble(), proposed.GetProperty("precision").GetDouble(), 12);
            Assert.Equal(point.GetProperty("recall").GetDouble(), proposed.GetProperty("recall").GetDouble(), 12);
            Assert.Equal(point.GetProperty("manual_cases").GetInt64(), proposed.GetProperty("manual_cases").GetInt64());
            Assert.Equal(point.GetProperty("precision_n").GetInt64(), proposed.GetProperty("precision_n").GetInt64());
            foreach (var figure in new[] { "precision", "recall", "automation_rate", "manual_cases_per_day" })
            {
                var value = proposed.GetProperty(figure).GetDouble();
                Assert.InRange(value, proposed.GetProperty(figure + "_ci_low").GetDouble() - 1e-12, proposed.GetProperty(figure + "_ci_high").GetDouble() + 1e-12);
            }

            // A higher threshold sends more cases to people.
            Assert.True(proposed.GetProperty("manual_cases").GetInt64() >= current.GetProperty("manual_cases").GetInt64() || t < current.GetProperty("threshold").GetDouble());
        }

        Assert.Equal(JsonValueKind.Null, entries["RESET_2FA"].GetProperty("proposed").ValueKind);

        var text = await CliRunner.RunAsync("thresholds", "--lake", _lake, "--propose", "ATO=0.95");
        Assert.Equal(0, text.ExitCode);
        Assert.Contains("What-if over the last 4 weeks", text.StdOut, StringComparison.Ordinal);
        Assert.Contains("proposed  0.95", text.StdOut, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--propose", "ATO=1.5", "outside [0, 1]")]
    [InlineData("--propose", "ATO", "is not CASE_TYPE=T")]
    [InlineData("--propose", "ATO=0.925", "more than two decimals")]
    [InlineData("--propose", "ATO=x", "is not a number")]
    [InlineData("--propose", "NOT_A_TYPE=0.9", "no record of the lake has case type 'NOT_A_TYPE'")]
    [InlineData("--weeks", "0", "--weeks 0 is outside 1..26")]
    public async Task Thresholds_BadProposal_OneLineExit2(string option, string value, string message)
    {
        var args = new List<string> { "thresholds", "--lake", _lake, option, value };
        if (option == "--weeks")
        {
            args.AddRange(["--propose", "ATO=0.9"]);
        }

        var result = await CliRunner.RunAsync([.. args]);
        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut);
    }

    [Fact]
    public async Task Thresholds_SameCaseTypeTwice_Exit2()
    {
        var result = await CliRunner.RunAsync("thresholds", "--lake", _lake, "--propose", "ATO=0.9", "--propose", "ato=0.8");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("more than once", result.StdErr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Drift_Json_EntriesPerWeekCaseTypeModelVersion()
    {
        var json = await CliRunner.RunJsonAsync("drift", "--lake", _lake, "--json", "--week", "2026-W46");
        Assert.Equal(0.2, json.GetProperty("flag_above").GetDouble());
        Assert.Equal(0.0001, json.GetProperty("epsilon").GetDouble());
        var entries = json.GetProperty("entries").EnumerateArray().ToList();
        Assert.NotEmpty(entries);
        Assert.All(entries, e =>
        {
            Assert.Equal("2026-W46", e.GetProperty("week").GetString());
            Assert.Equal("2026-W45", e.GetProperty("previous_week").GetString());
            Assert.Equal(10, e.GetProperty("confidence_shares").GetArrayLength());
            Assert.Equal(JsonValueKind.Number, e.GetProperty("confidence_psi").ValueKind);
        });
        var raw = await CliRunner.RunJsonAsync("drift", "--lake", _lake, "--json", "--week", "2026-W46", "--raw");
        Assert.Equal(
            entries.Select(e => e.GetProperty("confidence_psi").GetDouble()),
            raw.GetProperty("entries").EnumerateArray().Select(e => e.GetProperty("confidence_psi").GetDouble()));

        var bad = await CliRunner.RunAsync("drift", "--lake", _lake, "--model-version", "nope");
        Assert.Equal(2, bad.ExitCode);
        Assert.Contains("model version 'nope'", bad.StdErr, StringComparison.Ordinal);
    }
}
