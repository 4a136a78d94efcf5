using System.Text.Json;

namespace RiskOps.Cli.Tests;

/// <summary><c>riskops worklist</c> through the real executable over a demo lake: the JSON shape and bad input.</summary>
public sealed class WorklistCommandTests : IDisposable
{
    private const string AsOf = "2026-11-23T00:00:00Z";
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-cli-worklist-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_lake))
        {
            Directory.Delete(_lake, recursive: true);
        }
    }

    private async Task DemoAsync()
    {
        var demo = await CliRunner.RunAsync("demo", "--lake", _lake, "--cases", "1500", "--seed", "3", "--as-of", AsOf);
        Assert.True(demo.ExitCode == 0, demo.StdErr);
    }

    [Fact]
    public async Task Worklist_Json_SnakeCaseShapeAndConsistentCounts()
    {
        await DemoAsync();

        var json = await CliRunner.RunJsonAsync("worklist", "--lake", _lake, "--as-of", AsOf, "--json", "--page-size", "2");

        Assert.True(json.GetProperty("lake_version").GetInt64() > 0);
        Assert.Equal(DateTimeOffset.Parse(AsOf, System.Globalization.CultureInfo.InvariantCulture), json.GetProperty("as_of").GetDateTimeOffset());
        var summary = json.GetProperty("summary");
        var total = summary.GetProperty("open_total").GetInt64();
        Assert.True(total > 2, $"the demo lake should hold more than a page of open cases, has {total}");
        Assert.Equal(total, new[] { "breached", "under_1h", "under_2h", "other" }.Sum(k => summary.GetProperty(k).GetInt64()));
        foreach (var (array, key) in new[] { ("by_case_type", "case_type"), ("by_vendor", "vendor"), ("by_reviewer", "reviewer") })
        {
            var rows = json.GetProperty(array).EnumerateArray().ToList();
            Assert.All(rows, r => Assert.Equal(JsonValueKind.String, r.GetProperty(key).ValueKind));
            Assert.Equal(total, rows.Sum(r => r.GetProperty("open_total").GetInt64()));
        }

        Assert.True(json.GetProperty("key_users_without_escalation").GetInt64() >= 0);
        var cases = json.GetProperty("cases").EnumerateArray().ToList();
        Assert.Equal(2, cases.Count);
        var scored = cases.Select(c => c.GetProperty("scored_at").GetDateTimeOffset()).ToList();
        Assert.Equal(scored.Order(), scored);
        var first = cases[0];
        Assert.Equal(4 - first.GetProperty("age_hours").GetDouble(), first.GetProperty("time_left_hours").GetDouble(), 9);
        foreach (var field in new[] { "case_id", "case_type", "priority", "key_user", "bucket", "vendor", "reviewer" })
        {
            Assert.True(first.TryGetProperty(field, out _), field);
        }

        var second = await CliRunner.RunJsonAsync("worklist", "--lake", _lake, "--as-of", AsOf, "--json", "--page-size", "2", "--page", "2");
        var ids = cases.Select(c => c.GetProperty("case_id").GetString()).ToHashSet();
        var next = second.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("case_id").GetString()).ToList();
        Assert.NotEmpty(next);
        Assert.DoesNotContain(next, ids.Contains);
        Assert.True(second.GetProperty("cases")[0].GetProperty("scored_at").GetDateTimeOffset() >= scored[^1]);
    }

    [Theory]
    [InlineData("--case-type", "NOPE")]
    [InlineData("--from", "2026-13-01")]
    [InlineData("--as-of", "yesterday")]
    [InlineData("--as-of", "2026-11-23T00:00:00")]
    [InlineData("--page", "0")]
    public async Task Worklist_BadFilterOrAsOf_OneLineErrorAndExitCode2(params string[] args)
    {
        await DemoAsync();

        var result = await CliRunner.RunAsync(["worklist", "--lake", _lake, "--json", .. args]);

        Assert.Equal(2, result.ExitCode);
        var lines = result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Single(lines);
        Assert.StartsWith("error:", lines[0], StringComparison.Ordinal);
        Assert.Equal(string.Empty, result.StdOut.Trim());
    }
}
