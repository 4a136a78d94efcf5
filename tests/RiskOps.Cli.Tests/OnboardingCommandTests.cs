using System.Text.Json;
using System.Text.Json.Nodes;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using RiskOps.Sql.Onboarding;

namespace RiskOps.Cli.Tests;

/// <summary>One demo lake shared by the <c>riskops onboarding</c> tests (generated once through the real executable).</summary>
public sealed class OnboardingDemoLake : IAsyncLifetime
{
    public string Lake { get; } = Path.Combine(Path.GetTempPath(), "riskops-cli-onboarding-" + Guid.NewGuid().ToString("N"));

    public async Task InitializeAsync()
    {
        var demo = await CliRunner.RunAsync("demo", "--lake", Lake, "--cases", "1500", "--seed", "3", "--as-of", "2026-11-23T00:00:00Z");
        Assert.True(demo.ExitCode == 0, demo.StdErr);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Lake, recursive: true);
        return Task.CompletedTask;
    }
}

/// <summary>
/// <c>riskops onboarding</c> through the real executable: its <c>--json</c> body is <see cref="Warehouse.GetOnboarding"/>
/// for the same filters and read model (rollup after the fold, the views with <c>--raw</c>), the text names every vendor
/// and the calibration count, and bad input is one line and exit 2.
/// </summary>
public sealed class OnboardingCommandTests(OnboardingDemoLake demo) : IClassFixture<OnboardingDemoLake>
{
    private const double Target = 0.98;
    private const int MinAudits = 30;

    public static TheoryData<string[], bool> FilterSets => new()
    {
        { [], false },
        { ["--raw"], true },
        { ["--vendor", "keystone", "--week", "2026-W46"], false },
        { ["--case-type", "ato", "--from", "2026-10-01", "--to", "2026-11-15", "--raw"], true },
    };

    private static MetricFilters FiltersOf(string[] args)
    {
        var filters = new MetricFilters();
        for (var i = 0; i < args.Length; i++)
        {
            filters = args[i] switch
            {
                "--vendor" => filters with { Vendors = [.. filters.Vendors, args[++i]] },
                "--week" => filters with { Weeks = [.. filters.Weeks, args[++i]] },
                "--case-type" => filters with { CaseTypes = [.. filters.CaseTypes, args[++i]] },
                "--from" => filters with { From = DateOnly.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture) },
                "--to" => filters with { To = DateOnly.Parse(args[++i], System.Globalization.CultureInfo.InvariantCulture) },
                _ => filters,
            };
        }

        return filters;
    }

    [Theory]
    [MemberData(nameof(FilterSets))]
    public async Task Onboarding_Json_EqualsWarehouseGetOnboarding(string[] filterArgs, bool raw)
    {
        var json = await CliRunner.RunJsonAsync(["onboarding", "--lake", demo.Lake, "--json", .. filterArgs]);

        OnboardingReport expected;
        using (var warehouse = Warehouse.Open(demo.Lake))
        {
            warehouse.UseRollups = !raw;
            expected = warehouse.GetOnboarding(FiltersOf(filterArgs), Target, MinAudits);
        }

        Assert.True(json.GetProperty("lake_version").GetInt64() > 0);
        Assert.Equal(raw ? JsonValueKind.Null : JsonValueKind.Number, json.GetProperty("rollup_version").ValueKind);
        Assert.NotEmpty(expected.ByWeeks);
        Assert.Equal(!raw, expected.FromRollup);
        // Both bucketings place the same in-scope reviews and audits, so per vendor they add up alike.
        foreach (var vendor in expected.ByWeeks.Select(r => r.Vendor).Distinct())
        {
            Assert.Equal(expected.ByWeeks.Where(r => r.Vendor == vendor).Sum(r => r.Reviews), expected.ByReviews.Where(r => r.Vendor == vendor).Sum(r => r.Reviews));
            Assert.Equal(expected.ByWeeks.Where(r => r.Vendor == vendor).Sum(r => r.QaAudits), expected.ByReviews.Where(r => r.Vendor == vendor).Sum(r => r.QaAudits));
        }

        var body = JsonNode.Parse(json.GetRawText())!.AsObject();
        foreach (var key in new[] { "lake_version", "rollup_version", "data_through" })
        {
            Assert.True(body.Remove(key), key);
        }

        var want = JsonNode.Parse(WarehouseJson.Serialize(expected))!;
        Assert.True(JsonNode.DeepEquals(want, body), $"riskops onboarding --json differs from Warehouse.GetOnboarding:\n{body.ToJsonString()}\n---\n{want.ToJsonString()}");
    }

    [Fact]
    public async Task Onboarding_Text_OneTablePerVendorAndTheCalibrationCount()
    {
        var result = await CliRunner.RunAsync("onboarding", "--lake", demo.Lake);

        Assert.True(result.ExitCode == 0, result.StdErr);
        using var warehouse = Warehouse.Open(demo.Lake);
        var expected = warehouse.GetOnboarding(MetricFilters.None, Target, MinAudits);
        var lines = result.StdOut.Split('\n');
        foreach (var vendor in expected.ByWeeks.Select(r => r.Vendor ?? "in-house").Distinct())
        {
            Assert.Contains(vendor, lines);
        }

        var first = expected.ByWeeks.First(r => r.Bucket == "1");
        Assert.Contains(lines, l => l.StartsWith("week 1 ", StringComparison.Ordinal) && l.Split(' ', StringSplitOptions.RemoveEmptyEntries)[3] == first.Reviews.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains($"for calibration (>= {MinAudits} audits, 95% interval wholly below 98.0%): {expected.Calibration.Count}", result.StdOut, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Onboarding_PeriodWithoutReviews_SaysSoExit0()
    {
        var result = await CliRunner.RunAsync("onboarding", "--lake", demo.Lake, "--week", "2020-W01");

        Assert.True(result.ExitCode == 0, result.StdErr);
        Assert.Equal("no review of a case in scope", result.StdOut.Trim());
    }

    [Theory]
    [InlineData("no record of the lake has vendor 'nobody-bpo' (vendors in the lake: ", "--vendor", "nobody-bpo")]
    [InlineData("no record of the lake has case type 'NOPE'", "--case-type", "NOPE")]
    [InlineData("no record of the lake has region 'mars'", "--region", "mars")]
    [InlineData("--from '2026-13-01' is not a date", "--from", "2026-13-01")]
    [InlineData("--week '2026-W60' does not exist", "--week", "2026-W60")]
    [InlineData("is after", "--from", "2026-11-10", "--to", "2026-11-01")]
    // Tenure does not depend on the clock, so onboarding has no --as-of: asking for one is an error, not ignored.
    [InlineData("'--as-of'", "--as-of", "2026-11-23T00:00:00Z")]
    [InlineData("'--as-of'", "--as-of", "yesterday")]
    public async Task Onboarding_BadInput_OneLineErrorExit2(string message, params string[] args)
    {
        var result = await CliRunner.RunAsync(["onboarding", "--lake", demo.Lake, "--json", .. args]);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.StartsWith("error:", line, StringComparison.Ordinal);
        Assert.Contains(message, line, StringComparison.Ordinal);
        Assert.Equal("", result.StdOut.Trim());
    }

    [Fact]
    public async Task Onboarding_MissingLake_OneLineErrorExit2()
    {
        var missing = Path.Combine(Path.GetTempPath(), "riskops-cli-onboarding-missing-" + Guid.NewGuid().ToString("N"));

        var result = await CliRunner.RunAsync("onboarding", "--lake", missing);

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.StdErr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        Assert.Contains(missing, line, StringComparison.Ordinal);
        Assert.False(Directory.Exists(missing), "a read command must not create the lake");
    }
}
