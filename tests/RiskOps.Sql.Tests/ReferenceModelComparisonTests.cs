using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests;

/// <summary>
/// Property tests: the SQL (Warehouse.GetMetrics) against the independent C# reference model on random lakes of several
/// seeds and sizes, unfiltered and under every kind of filter (including filters that leave empty slices).
/// </summary>
public sealed class ReferenceModelComparisonTests
{
    /// <summary>Seed, cases, and whether the figures come from a fresh daily rollup instead of the raw views.</summary>
    public static TheoryData<int, int, bool> Lakes => new()
    {
        { 1, 40, false }, { 2, 200, false }, { 3, 500, false }, { 7, 3, false },
        { 1, 40, true }, { 3, 500, true }, { 7, 3, true }, { 11, 300, true },
    };

    [Theory]
    [MemberData(nameof(Lakes))]
    public void GetMetrics_RandomLake_MatchesReferenceModel(int seed, int cases, bool rollup)
    {
        var data = RandomLake.Generate(seed, cases);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        if (rollup)
        {
            // Built as of the end of the data; metrics at any other as-of still age open cases exactly.
            warehouse.BuildRollups(RandomLake.AsOf);
        }

        var reference = new ReferenceModel(data);

        MetricFilters[] filters =
        [
            MetricFilters.None,
            new() { CaseTypes = ["ATO", "RESET_2FA"] },
            new() { Weeks = ["2026-W48"] },
            new() { From = new DateOnly(2026, 11, 20), To = new DateOnly(2026, 11, 27) },
            new() { ModelVersions = ["m2"], Regions = ["EU", "APAC"] },
            new() { Vendors = ["V1"] },
            new() { Vendors = ["V1"], Weeks = ["2020-W01"] }, // a known vendor without data in the period
            new() { CaseTypes = ["WITHDRAWAL_ANOMALY"], Weeks = ["2026-W47"] },
        ];
        foreach (var filter in filters)
        {
            // A second as-of (in the middle of the data) on the unfiltered run ages open cases differently.
            // More as-ofs put the 4 h / 24 h / 72 h age limits on different days and times of day.
            var asOfs = filter == MetricFilters.None
                ? new[] { RandomLake.AsOf, LakeRow.Epoch.AddDays(10).AddHours(3), LakeRow.Epoch.AddDays(6).AddHours(1).AddMinutes(59), LakeRow.Epoch.AddDays(15).AddHours(23) }
                : [RandomLake.AsOf];
            // A tiny lake may hold none of a filter's values: that is an error now (a value in no record of the lake),
            // checked as such; the comparison runs for the filters the lake can answer.
            var values = warehouse.GetFilterValues();
            if (filter.Regions.Concat(filter.Vendors).Concat(filter.ModelVersions)
                .Any(v => !values.Regions.Concat(values.Vendors).Concat(values.ModelVersions).Contains(v, StringComparer.OrdinalIgnoreCase)))
            {
                Assert.Throws<InvalidFilterException>(() => warehouse.GetMetrics(filter, RandomLake.AsOf));
                continue;
            }

            foreach (var asOf in asOfs)
            {
                var actual = warehouse.GetMetrics(filter, asOf);
                Assert.Equal(rollup, warehouse.LastMetricsFromDailyRollup);
                var (overall, byType) = reference.Compute(filter, asOf);
                var context = $"seed {seed}, rollup {rollup}, filter {filter}, as-of {asOf:O}";
                MetricAssert.Equal(overall, actual.Overall, $"{context}, overall");
                Assert.Equal(byType.Select(t => t.CaseType), actual.ByCaseType.Select(t => t.CaseType));
                foreach (var (expected, got) in byType.Zip(actual.ByCaseType))
                {
                    MetricAssert.Equal(expected, got, $"{context}, {expected.CaseType}");
                }
            }
        }
    }

    /// <summary>
    /// Every ratio's n and the population estimates on the other slice arrays too (by_week, by_model_version,
    /// by_region), raw and rollup, with and without filters (the calibration map ignores them).
    /// </summary>
    [Theory]
    [InlineData(3, 500, false)]
    [InlineData(3, 500, true)]
    [InlineData(11, 300, false)]
    [InlineData(11, 300, true)]
    public void GetMetrics_RandomLake_SampleSizesAndEstimatesOnEverySlice(int seed, int cases, bool rollup)
    {
        var data = RandomLake.Generate(seed, cases);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        if (rollup)
        {
            warehouse.BuildRollups(RandomLake.AsOf);
        }

        var reference = new ReferenceModel(data);
        MetricFilters[] filters = [MetricFilters.None, new() { CaseTypes = ["ATO"] }, new() { Vendors = ["V2"] }, new() { Weeks = ["2026-W48"], Regions = ["EU"] }];
        foreach (var filter in filters)
        {
            var actual = warehouse.GetMetrics(filter, RandomLake.AsOf);
            Assert.Equal(rollup, warehouse.LastMetricsFromDailyRollup);
            foreach (var (dimension, rows) in new[] { ("week", actual.ByWeek), ("model_version", actual.ByModelVersion), ("region", actual.ByRegion) })
            {
                var expected = reference.ComputeSlices(filter, RandomLake.AsOf, dimension);
                var slices = rows.Select(r => dimension switch { "week" => r.Week, "model_version" => r.ModelVersion, _ => r.Region }).ToList();
                Assert.Equal(expected.Select(e => e.Slice), slices);
                foreach (var ((slice, e), a) in expected.Zip(rows))
                {
                    var context = $"seed {seed}, rollup {rollup}, filter {filter}, {dimension} {slice ?? "null"}";
                    e.SopScenarios = a.SopScenarios;
                    e.SopCoverage = a.SopCoverage;
                    MetricAssert.Equal(e, a, context);
                }
            }
        }
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GetMetrics_RandomLake_CountsOrphansAndQuarantine(bool rollup)
    {
        var data = RandomLake.Generate(5, 120);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        if (rollup)
        {
            warehouse.BuildRollups(RandomLake.AsOf);
        }

        var quality = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf).DataQuality;

        Assert.Equal(3, quality.OrphanLabels);
        Assert.Equal(3, quality.OrphanReviews);
        Assert.Equal(6, quality.OrphanQaAudits);
        Assert.Equal(2, quality.QuarantinedRecords);
        Assert.Equal(rollup, warehouse.LastMetricsFromDailyRollup);
    }
}
