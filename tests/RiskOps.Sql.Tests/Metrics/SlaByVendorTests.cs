using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Analysis;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Metrics;

/// <summary>
/// <see cref="Warehouse.GetSlaByVendor"/> — every vendor group's SLA figures in one grouped query — equals the metrics
/// call with that vendor filter (one vendor, and several pooled as the SLA page's "other" row) on random lakes, raw and
/// rollup paths, several filters and as-ofs.
/// </summary>
public sealed class SlaByVendorTests(RandomAnalysisLakes lakes) : IClassFixture<RandomAnalysisLakes>
{
    public static TheoryData<int, int> Lakes => new() { { 1, 1200 }, { 2, 2000 }, { 3, 3000 } };

    private static readonly MetricFilters[] FilterCases =
    [
        MetricFilters.None,
        MetricFilters.None with { Weeks = ["2026-W48"] },
        MetricFilters.None with { CaseTypes = ["ATO"], Regions = ["EU", "APAC"] },
        MetricFilters.None with { From = new DateOnly(2026, 11, 20), To = new DateOnly(2026, 11, 24) },
    ];

    [Theory]
    [MemberData(nameof(Lakes))]
    public void GetSlaByVendor_RandomLake_EqualsThePerVendorMetricsCalls(int seed, int cases)
    {
        var (lake, _) = lakes.Get(seed, cases);
        using var warehouse = Warehouse.Open(lake.Root);
        IReadOnlyList<IReadOnlyList<string>> groups = [["V1"], ["V2"], ["V1", "V2"]];
        var compared = 0L;
        foreach (var rollup in new[] { false, true })
        {
            if (rollup && warehouse.FreshRollup() is null)
            {
                warehouse.BuildRollups(RandomLake.AsOf);
            }

            warehouse.UseRollups = rollup;
            // The generated as-of, and one inside the data: open cases then fall in every ageing bucket, some scored after it.
            foreach (var asOf in new[] { RandomLake.AsOf, RandomLake.AsOf.AddDays(-6).AddHours(-3).AddMinutes(-17) })
            {
                foreach (var filters in FilterCases)
                {
                    var actual = warehouse.GetSlaByVendor(filters, asOf, groups);
                    Assert.Equal(groups.Count, actual.Count);
                    for (var i = 0; i < groups.Count; i++)
                    {
                        var expected = warehouse.GetMetrics(filters with { Vendors = [.. groups[i]] }, asOf).Overall;
                        AssertSla(expected, actual[i], $"seed {seed} rollup {rollup} as-of {asOf:O} {filters} {string.Join("+", groups[i])}");
                        compared += expected.ManualCases;
                    }
                }
            }
        }

        Assert.True(compared > 0);
    }

    [Fact]
    public void GetSlaByVendor_PageVendorFilterAndLowerCaseNames_SameAsTheFilteredCall()
    {
        var (lake, _) = lakes.Get(1, 1200);
        using var warehouse = Warehouse.Open(lake.Root);
        var filters = MetricFilters.None with { Vendors = ["v2"] };

        var actual = Assert.Single(warehouse.GetSlaByVendor(filters, RandomLake.AsOf, [["v2"]]));

        var expected = warehouse.GetMetrics(filters, RandomLake.AsOf).Overall;
        Assert.True(expected.ManualCases > 0);
        AssertSla(expected, actual, "v2");
    }

    [Fact]
    public void GetSlaByVendor_UnknownVendorOrNoGroups_ClearErrorOrEmpty()
    {
        var (lake, _) = lakes.Get(1, 1200);
        using var warehouse = Warehouse.Open(lake.Root);

        var error = Assert.Throws<InvalidFilterException>(() => warehouse.GetSlaByVendor(MetricFilters.None, RandomLake.AsOf, [["V1"], ["Nobody"]]));
        Assert.Contains("vendor 'Nobody'", error.Message, StringComparison.Ordinal);
        Assert.Empty(warehouse.GetSlaByVendor(MetricFilters.None, RandomLake.AsOf, []));
        // A vendor with no manual case in the period: zero counts, null ratios (never 0 or NaN).
        var none = Assert.Single(warehouse.GetSlaByVendor(MetricFilters.None with { Weeks = ["2025-W01"] }, RandomLake.AsOf, [["V1"]]));
        Assert.Equal(0, none.ManualCases);
        Assert.Null(none.SlaCompliance);
        Assert.Null(none.ResolutionHoursP50);
    }

    private static void AssertSla(MetricSet expected, MetricSet actual, string where)
    {
        Assert.True(expected.ManualCases == actual.ManualCases, $"{where}: manual {expected.ManualCases} vs {actual.ManualCases}");
        Assert.Equal(expected.ResolvedCases, actual.ResolvedCases);
        Assert.Equal(expected.OpenCases, actual.OpenCases);
        Assert.True(expected.SlaDenominator == actual.SlaDenominator, $"{where}: denominator {expected.SlaDenominator} vs {actual.SlaDenominator}");
        Assert.Equal(expected.SlaCompliance, actual.SlaCompliance);
        Close(expected.ResolutionHoursP50, actual.ResolutionHoursP50, where + " p50");
        Close(expected.ResolutionHoursP90, actual.ResolutionHoursP90, where + " p90");
        Assert.True((expected.Backlog0To4h, expected.Backlog4To24h, expected.Backlog1To3d, expected.BacklogOver3d)
            == (actual.Backlog0To4h, actual.Backlog4To24h, actual.Backlog1To3d, actual.BacklogOver3d),
            $"{where}: backlog {(expected.Backlog0To4h, expected.Backlog4To24h, expected.Backlog1To3d, expected.BacklogOver3d)} vs {(actual.Backlog0To4h, actual.Backlog4To24h, actual.Backlog1To3d, actual.BacklogOver3d)}");
    }

    private static void Close(double? expected, double? actual, string where)
    {
        Assert.True(expected is null == actual is null, $"{where}: {expected} vs {actual}");
        if (expected is { } e)
        {
            Assert.True(Math.Abs(e - actual!.Value) < 1e-9, $"{where}: {e} vs {actual}");
        }
    }
}
