using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests;

/// <summary>
/// Property tests: the SQL (Warehouse.GetMetrics) against the independent C# reference model on random lakes of several
/// seeds and sizes, unfiltered and under every kind of filter (including filters that leave empty slices).
/// </summary>
public sealed class ReferenceModelComparisonTests
{
    public static TheoryData<int, int> Lakes => new() { { 1, 40 }, { 2, 200 }, { 3, 500 }, { 7, 3 } };

    [Theory]
    [MemberData(nameof(Lakes))]
    public void GetMetrics_RandomLake_MatchesReferenceModel(int seed, int cases)
    {
        var data = RandomLake.Generate(seed, cases);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        var reference = new ReferenceModel(data);

        MetricFilters[] filters =
        [
            MetricFilters.None,
            new() { CaseTypes = ["ATO", "RESET_2FA"] },
            new() { Weeks = ["2026-W48"] },
            new() { From = new DateOnly(2026, 11, 20), To = new DateOnly(2026, 11, 27) },
            new() { ModelVersions = ["m2"], Regions = ["EU", "APAC"] },
            new() { Vendors = ["V1"] },
            new() { Vendors = ["NO_SUCH_VENDOR"] },
            new() { CaseTypes = ["WITHDRAWAL_ANOMALY"], Weeks = ["2026-W47"] },
        ];
        foreach (var filter in filters)
        {
            // A second as-of (in the middle of the data) on the unfiltered run ages open cases differently.
            var asOfs = filter == MetricFilters.None ? new[] { RandomLake.AsOf, LakeRow.Epoch.AddDays(10).AddHours(3) } : [RandomLake.AsOf];
            foreach (var asOf in asOfs)
            {
                var actual = warehouse.GetMetrics(filter, asOf);
                var (overall, byType) = reference.Compute(filter, asOf);
                var context = $"seed {seed}, filter {filter}, as-of {asOf:O}";
                MetricAssert.Equal(overall, actual.Overall, $"{context}, overall");
                Assert.Equal(byType.Select(t => t.CaseType), actual.ByCaseType.Select(t => t.CaseType));
                foreach (var (expected, got) in byType.Zip(actual.ByCaseType))
                {
                    MetricAssert.Equal(expected, got, $"{context}, {expected.CaseType}");
                }
            }
        }
    }

    [Fact]
    public void GetMetrics_RandomLake_CountsOrphansAndQuarantine()
    {
        var data = RandomLake.Generate(5, 120);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);

        var quality = warehouse.GetMetrics(MetricFilters.None, RandomLake.AsOf).DataQuality;

        Assert.Equal(3, quality.OrphanLabels);
        Assert.Equal(3, quality.OrphanReviews);
        Assert.Equal(6, quality.OrphanQaAudits);
        Assert.Equal(2, quality.QuarantinedRecords);
    }
}
