using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Analysis;

/// <summary>
/// Issue 14's acceptance for the v2 cluster rule: in lakes whose labels do not depend on signals (RandomLake: no planted
/// pattern), at most one cluster in all case types and labels together, on each of five seeds — the 99.9 % bound still
/// lets a rare chance set through, the rule it replaced listed several per case type.
/// </summary>
public sealed class ClusterSignificanceTests
{
    [Theory]
    [InlineData(101)]
    [InlineData(102)]
    [InlineData(103)]
    [InlineData(104)]
    [InlineData(105)]
    public void GetClusters_LakeWithoutPlantedPatterns_AtMostOneCluster(int seed)
    {
        var data = RandomLake.Generate(seed, 4000);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);

        var clusters = warehouse.GetClusters(MetricFilters.None).Clusters;

        Assert.True(clusters.Count <= 1, $"seed {seed}: {string.Join("; ", clusters.Select(c => $"{c.CaseType} {c.Label} {string.Join("+", c.Signals)} {c.Support}/{c.Cases}"))}");
        // The same lake under the old rule's population (every labeled case) has errors in every signal set: the check
        // is not vacuous.
        var reference = new AnalysisReference(new ReferenceModel(data));
        Assert.Equal(clusters.Count, reference.Clusters(MetricFilters.None).Clusters.Count);
        Assert.True(data.Labels.Count(l => l.Label is "FP" or "FN") > 300);
    }
}
