using System.Text.Json;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Analysis;

/// <summary>Given rows → exact FP/FN pattern clusters (contract §2), computed by hand in the comments.</summary>
public sealed class ClusterTests
{
    private static readonly DateTimeOffset W47 = new(2026, 11, 16, 8, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset W48 = new(2026, 11, 23, 8, 0, 0, TimeSpan.Zero);

    private sealed class Builder
    {
        public LakeData Data { get; } = new();

        public void Case(string id, string? label, string[]? signals, string? type = null, string? code = null,
            DateTimeOffset? at = null, string caseType = "ATO")
        {
            var line = Data.Decisions.Count + 1;
            Data.Decisions.Add(new DecisionRow { CaseId = id, CaseType = caseType, Signals = signals, ScoredAt = at ?? W47, SourceLine = line });
            if (label is not null)
            {
                Data.Labels.Add(new LabelRow
                {
                    CaseId = id,
                    Label = label,
                    RootCauseType = type ?? (label is "FP" or "FN" ? "A" : null),
                    RootCauseCode = code,
                    LabeledAt = W48.AddDays(3),
                    SourceLine = line,
                });
            }
        }

        public void Many(string prefix, int count, string label, string[] signals, string caseType = "ATO")
        {
            for (var i = 0; i < count; i++)
            {
                Case($"{prefix}{i}", label, signals, caseType: caseType);
            }
        }
    }

    /// <summary>
    /// ATO, 55 labeled cases, 20 FP (rate 20/55):
    /// v1..v6 FP [vpn_ip, new_device] (listed unsorted, one with a duplicate signal) — {vpn_ip} cases 6, support 6,
    ///   excess 6 − 6·20/55 = 3.818…; {new_device, vpn_ip} the same excess but larger, and a superset of {vpn_ip};
    /// m0..m4 FP [mule_pattern] and s0..s4 FP [sybil_cluster] — excess 5 − 5·20/55 = 3.18… each, a tie broken alphabetically;
    /// n0..n19 TN [new_device] — {new_device}: cases 26, support 6, excess 6 − 26·20/55 = −3.45…;
    /// g0..g3 FP [geo_jump] — support 4 &lt; 5: dropped; e0..e14 TN with no signals (null list).
    /// An unlabeled case with [vpn_ip] counts nowhere.
    /// </summary>
    private static LakeData Given()
    {
        var b = new Builder();
        b.Case("v1", "FP", ["vpn_ip", "new_device"], "B", "ATO.b2", W47);
        b.Case("v2", "FP", ["new_device", "vpn_ip", "vpn_ip"], "B", "ATO.b2", W47.AddHours(1));
        b.Case("v3", "FP", ["vpn_ip", "new_device"], "B", "ATO.b1", W47.AddHours(2));
        b.Case("v4", "FP", ["vpn_ip", "new_device"], "A", "ATO.a1", W47.AddHours(3));
        b.Case("v5", "FP", ["vpn_ip", "new_device"], "A", "ATO.a1", W48);
        b.Case("v6", "FP", ["vpn_ip", "new_device"], "C", "ATO.a1", W48);
        b.Case("m0", "FP", ["mule_pattern"], "A", "ATO.m2");
        b.Case("m1", "FP", ["mule_pattern"], "A", "ATO.m1");
        b.Case("m2", "FP", ["mule_pattern"], "C", "ATO.c1");
        b.Case("m3", "FP", ["mule_pattern"], "C", "ATO.c1");
        b.Case("m4", "FP", ["mule_pattern"], "B", "ATO.b9");
        b.Many("s", 5, "FP", ["sybil_cluster"]);
        b.Many("n", 20, "TN", ["new_device"]);
        b.Many("g", 4, "FP", ["geo_jump"]);
        for (var i = 0; i < 15; i++)
        {
            b.Case($"e{i}", "TN", null);
        }

        b.Case("unlabeled", null, ["vpn_ip"]);
        return b.Data;
    }

    [Fact]
    public void GetClusters_GivenRows_RanksSkipsSupersetsAndDropsLowSupport()
    {
        using var lake = TestLake.Create(Given());
        using var warehouse = Warehouse.Open(lake.Root);

        var clusters = warehouse.GetClusters(MetricFilters.None).Clusters;

        Assert.Equal(
            ["vpn_ip", "mule_pattern", "sybil_cluster", "new_device"],
            clusters.Select(c => string.Join("+", c.Signals)));
        Assert.All(clusters, c => Assert.Equal(("ATO", "FP"), (c.CaseType, c.Label)));
        Assert.Equal([1, 2, 3, 4], clusters.Select(c => c.Rank));

        var vpn = clusters[0];
        Assert.Equal(6, vpn.Support);
        Assert.Equal(6, vpn.Cases);
        Assert.Equal(6 - 6 * (20 / 55.0), vpn.ExcessErrors, 12);
        Assert.Equal(1 / (20 / 55.0), vpn.Lift!.Value, 12);

        var newDevice = clusters[3];
        Assert.Equal(6, newDevice.Support);
        Assert.Equal(26, newDevice.Cases);
        Assert.Equal(6 - 26 * (20 / 55.0), newDevice.ExcessErrors, 12);
        Assert.Equal(6 / 26.0 / (20 / 55.0), newDevice.Lift!.Value, 12);
    }

    [Fact]
    public void GetClusters_GivenRows_PicksMajorityRootCauseExamplesAndWeeks()
    {
        using var lake = TestLake.Create(Given());
        using var warehouse = Warehouse.Open(lake.Root);

        var clusters = warehouse.GetClusters(MetricFilters.None).Clusters;

        // vpn_ip: types B×3, A×2, C×1 → B; codes among the B cases: ATO.b2×2, ATO.b1×1 → ATO.b2 (ATO.a1 has more
        // cases, 3, but none of them has type B).
        var vpn = clusters[0];
        Assert.Equal("B", vpn.RootCauseType);
        Assert.Equal("ATO.b2", vpn.RootCauseCode);
        Assert.Equal("threshold_rules", vpn.Route);
        // Most recent scored_at first; v5 and v6 tie on scored_at and go by case_id.
        Assert.Equal(["v5", "v6", "v4", "v3", "v2"], vpn.ExampleCaseIds);
        Assert.Equal([("2026-W47", 4L), ("2026-W48", 2L)], vpn.Weekly.Select(w => (w.Week, w.Count)));

        // mule_pattern: A×2, C×2, B×1 → the tie A/C goes to A; codes among A: ATO.m1, ATO.m2 tie → ATO.m1.
        var mule = clusters[1];
        Assert.Equal("A", mule.RootCauseType);
        Assert.Equal("ATO.m1", mule.RootCauseCode);
        Assert.Equal("retrain", mule.Route);
        Assert.Equal(["m0", "m1", "m2", "m3", "m4"], mule.ExampleCaseIds);
        Assert.Equal([("2026-W47", 5L)], mule.Weekly.Select(w => (w.Week, w.Count)));

        // sybil_cluster: no codes at all → type A (the test default), code null.
        Assert.Equal("A", clusters[2].RootCauseType);
        Assert.Null(clusters[2].RootCauseCode);
    }

    [Fact]
    public void GetClusters_SupersetRankedAboveItsSubset_KeepsBoth()
    {
        // 70 labeled, 6 FP (rate 6/70): {a, b} 6 of 6 → excess 5.49; {a} 6 of 16 → 4.63; {b} 6 of 36 → 2.91. The subsets
        // come after their superset and are still shown: only a set that CONTAINS a shown set is skipped.
        var b = new Builder();
        b.Many("ab", 6, "FP", ["a", "b"]);
        b.Many("a", 10, "TN", ["a"]);
        b.Many("b", 30, "TN", ["b"]);
        b.Many("z", 24, "TN", ["z"]);
        using var lake = TestLake.Create(b.Data);
        using var warehouse = Warehouse.Open(lake.Root);

        var clusters = warehouse.GetClusters(MetricFilters.None).Clusters;

        Assert.Equal(["a+b", "a", "b"], clusters.Select(c => string.Join("+", c.Signals)));
    }

    [Fact]
    public void GetClusters_ManyPatterns_ShowsTenPerCaseTypeAndLabel()
    {
        var b = new Builder();
        for (var s = 0; s < 12; s++)
        {
            // sig00 has the most errors, sig11 the fewest; all at least 5.
            b.Many($"p{s:D2}-", 5 + (12 - s), "FN", [$"sig{s:D2}"]);
        }

        b.Many("t", 50, "TP", ["other"]);
        b.Many("k", 6, "FN", ["x"], "KYC_AUDIT");
        b.Many("kt", 6, "TN", ["y"], "KYC_AUDIT");
        using var lake = TestLake.Create(b.Data);
        using var warehouse = Warehouse.Open(lake.Root);

        var clusters = warehouse.GetClusters(MetricFilters.None).Clusters;

        var ato = clusters.Where(c => c.CaseType == "ATO").ToList();
        Assert.Equal(10, ato.Count);
        Assert.All(ato, c => Assert.Equal("FN", c.Label));
        Assert.Equal(Enumerable.Range(0, 10).Select(s => $"sig{s:D2}"), ato.Select(c => c.Signals.Single()));
        Assert.Equal(Enumerable.Range(1, 10), ato.Select(c => c.Rank));
        var kyc = Assert.Single(clusters, c => c.CaseType == "KYC_AUDIT");
        Assert.Equal(["x"], kyc.Signals);
        Assert.Equal("ATO", clusters[0].CaseType);
    }

    [Fact]
    public void GetClusters_EmptyLakeAndNoErrors_GiveEmptyArrays()
    {
        using (var empty = new TestLake())
        using (var warehouse = Warehouse.Open(empty.Root))
        {
            var report = warehouse.GetClusters(MetricFilters.None);
            Assert.Empty(report.Clusters);
            using var json = JsonDocument.Parse(WarehouseJson.Serialize(report));
            Assert.Equal(0, json.RootElement.GetProperty("clusters").GetArrayLength());
        }

        var b = new Builder();
        b.Many("t", 20, "TN", ["vpn_ip"]);
        using var lake = TestLake.Create(b.Data);
        using var warehouse2 = Warehouse.Open(lake.Root);
        Assert.Empty(warehouse2.GetClusters(MetricFilters.None).Clusters);
        Assert.Empty(warehouse2.GetClusters(MetricFilters.None with { CaseTypes = ["KYC_AUDIT"] }).Clusters);
    }

    [Fact]
    public void GetClusters_Json_HasContractShape()
    {
        using var lake = TestLake.Create(Given());
        using var warehouse = Warehouse.Open(lake.Root);

        using var json = JsonDocument.Parse(WarehouseJson.Serialize(warehouse.GetClusters(MetricFilters.None)));

        var first = json.RootElement.GetProperty("clusters")[0];
        foreach (var key in new[] { "case_type", "label", "signals", "support", "cases", "excess_errors", "lift", "root_cause_type", "root_cause_code", "route", "example_case_ids", "weekly" })
        {
            Assert.True(first.TryGetProperty(key, out _), key);
        }

        Assert.Equal("vpn_ip", first.GetProperty("signals")[0].GetString());
        Assert.Equal("2026-W47", first.GetProperty("weekly")[0].GetProperty("week").GetString());
    }
}
