using System.Text.Json;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Metrics;

/// <summary>Given rows → exact population estimates (contract §2, v2) and sample sizes, on the raw and the rollup paths.</summary>
public sealed class EstimateTests
{
    /// <summary>
    /// Calibration map: ATO bin 9 (0.95): 30 labeled, 27 correct (20 TP, 7 TN, 3 FP) → p = 0.9. KYC_AUDIT bin 9: 10 labeled
    /// TP → fewer than 30, so bin 9 over all case types: 37 of 40 → p = 0.925. Bin 5 (0.55): 5 labeled ATO TN → fewer
    /// than 30 in the type and over all types → the case's own confidence.
    /// Unlabeled: 10 ATO blocks at 0.95 → TP + 9, FP + 1; 4 KYC passes at 0.95 → TN + 3.7, FN + 0.3; 2 ATO blocks at 0.55
    /// → TP + 1.1, FP + 0.9.
    /// </summary>
    private static LakeData Given()
    {
        var data = new LakeData();
        var n = 0;
        void Add(string caseType, string decision, double confidence, string? label)
        {
            var id = $"c{++n:D3}";
            data.Decisions.Add(new DecisionRow
            {
                CaseId = id, CaseType = caseType, AiDecision = decision, Confidence = confidence, Threshold = 0.5, Routing = "auto",
                ScoredAt = LakeRow.Epoch.AddHours(n), SourceLine = n,
            });
            if (label is not null)
            {
                data.Labels.Add(new LabelRow
                {
                    CaseId = id, Label = label, RootCauseType = label is "FP" or "FN" ? "A" : null, LabeledAt = LakeRow.Epoch.AddDays(3), SourceLine = n,
                });
            }
        }

        for (var i = 0; i < 20; i++) { Add("ATO", "block", 0.95, "TP"); }
        for (var i = 0; i < 7; i++) { Add("ATO", "pass", 0.95, "TN"); }
        for (var i = 0; i < 3; i++) { Add("ATO", "block", 0.95, "FP"); }
        for (var i = 0; i < 10; i++) { Add("KYC_AUDIT", "block", 0.95, "TP"); }
        for (var i = 0; i < 5; i++) { Add("ATO", "pass", 0.55, "TN"); }
        for (var i = 0; i < 10; i++) { Add("ATO", "block", 0.95, null); }
        for (var i = 0; i < 4; i++) { Add("KYC_AUDIT", "pass", 0.95, null); }
        for (var i = 0; i < 2; i++) { Add("ATO", "block", 0.55, null); }
        return data;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GetMetrics_GivenRows_EstimatesFromTheMapWithBothFallbacks(bool rollup)
    {
        using var lake = TestLake.Create(Given());
        using var warehouse = Warehouse.Open(lake.Root);
        if (rollup)
        {
            warehouse.BuildRollups(LakeRow.Epoch.AddDays(10));
        }

        var report = warehouse.GetMetrics(MetricFilters.None, LakeRow.Epoch.AddDays(10));
        Assert.Equal(rollup, warehouse.LastMetricsFromDailyRollup);

        var all = report.Overall;
        Assert.Equal(61, all.Decisions);
        Assert.Equal(40.1, all.TpEst, 9);
        Assert.Equal(4.9, all.FpEst, 9);
        Assert.Equal(15.7, all.TnEst, 9);
        Assert.Equal(0.3, all.FnEst, 9);
        Assert.Equal(40.1 / 45, all.PrecisionEst!.Value, 9);
        Assert.Equal(40.1 / 40.4, all.RecallEst!.Value, 9);
        Assert.Equal(55.8 / 61, all.AccuracyEst!.Value, 9);
        // The labeled figures beside them, with their n.
        Assert.Equal(30 / 33.0, all.Precision!.Value, 12);
        Assert.Equal(33, all.PrecisionN);
        Assert.Equal(30, all.RecallN);
        Assert.Equal(45, all.AccuracyN);
        Assert.Equal(61, all.AutomationRateN);

        var kyc = report.ByCaseType.Single(s => s.CaseType == "KYC_AUDIT");
        Assert.Equal(1.0, kyc.PrecisionEst!.Value, 12);
        Assert.Equal(10 / 10.3, kyc.RecallEst!.Value, 9);
        Assert.Equal(13.7 / 14, kyc.AccuracyEst!.Value, 9);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GetMetrics_Filtered_MapStillFromEveryLabel(bool rollup)
    {
        using var lake = TestLake.Create(Given());
        using var warehouse = Warehouse.Open(lake.Root);
        if (rollup)
        {
            warehouse.BuildRollups(LakeRow.Epoch.AddDays(10));
        }

        // Only KYC_AUDIT selected: its bin 9 still falls back to the map over all case types (0.925), not to confidence.
        var kyc = warehouse.GetMetrics(MetricFilters.None with { CaseTypes = ["KYC_AUDIT"] }, LakeRow.Epoch.AddDays(10)).Overall;

        Assert.Equal(3.7, kyc.TnEst, 9);
        Assert.Equal(0.3, kyc.FnEst, 9);
        Assert.Equal(10 / 10.3, kyc.RecallEst!.Value, 9);
    }

    [Fact]
    public void GetMetrics_Json_CarriesEveryRatiosNAndTheEstimates()
    {
        using var lake = TestLake.Create(Given());
        using var warehouse = Warehouse.Open(lake.Root);

        using var json = JsonDocument.Parse(WarehouseJson.Serialize(warehouse.GetMetrics(MetricFilters.None, LakeRow.Epoch.AddDays(10))));

        string[] keys =
        [
            "precision_n", "recall_n", "f1_n", "accuracy_n", "ece_n", "brier_n", "recall_auto_n", "automation_rate_n",
            "sla_compliance_n", "decision_accuracy_n", "key_user_escalation_compliance_n", "precision_est", "recall_est", "accuracy_est",
        ];
        foreach (var slice in new[] { json.RootElement.GetProperty("overall") }
            .Concat(json.RootElement.GetProperty("by_case_type").EnumerateArray())
            .Concat(json.RootElement.GetProperty("by_week").EnumerateArray()))
        {
            foreach (var key in keys)
            {
                Assert.True(slice.TryGetProperty(key, out _), key);
            }
        }

        Assert.Equal(33, json.RootElement.GetProperty("overall").GetProperty("precision_n").GetInt64());
    }
}
