using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Estimates;

/// <summary><see cref="Warehouse.GetEstimateBacktest"/> on a hand lake: labels count only when ingested by the week's end.</summary>
public sealed class EstimateBacktestTests
{
    private static readonly DateTimeOffset Before = LakeRow.Epoch.AddDays(2);
    private static readonly DateTimeOffset After = LakeRow.Epoch.AddDays(9);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void GetEstimateBacktest_LabelsIngestedAfterTheWeek_NotKnownThen(bool rollup)
    {
        // 2026-W47 (ends 2026-11-23 00:00 UTC), all ATO at confidence 0.95 (bin 9; too few labels for a map, so p = 0.95):
        // a1 block TP and a4 pass TN ingested before the end; a2 block FP and a3 block TP ingested after.
        // Then: e_tp = 1 + 0.95 + 0.95 = 2.9, e_fp = 0.1, e_fn = 0 → precision_est 2.9/3 = 0.96667, recall_est 1;
        // accuracy_est = (1 + 1 + 0.95 + 0.95)/4 = 0.975. Measured then: precision 1/1; now 2/3 (n 3), accuracy 3/4.
        // W48 has a case but ends after the as-of (2026-11-26): left out.
        var data = new LakeData();
        void Case(string id, string decision, string label, DateTimeOffset ingested, int day = 1)
        {
            data.Decisions.Add(new DecisionRow { CaseId = id, AiDecision = decision, Confidence = 0.95, ScoredAt = LakeRow.Epoch.AddDays(day), IngestedAt = LakeRow.Epoch.AddDays(day) });
            data.Labels.Add(new LabelRow { CaseId = id, Label = label, RootCauseType = label is "FP" or "FN" ? "A" : null, LabeledAt = ingested.AddHours(-1), IngestedAt = ingested });
        }

        Case("a1", "block", "TP", Before);
        Case("a2", "block", "FP", After);
        Case("a3", "block", "TP", After);
        Case("a4", "pass", "TN", Before);
        Case("b1", "block", "TP", After, day: 8);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        var asOf = LakeRow.Epoch.AddDays(10);
        if (rollup)
        {
            warehouse.BuildRollups(asOf);
        }

        warehouse.UseRollups = rollup;

        var report = warehouse.GetEstimateBacktest(MetricFilters.None, asOf);

        var week = Assert.Single(report.Weeks);
        Assert.Equal("2026-W47", week.Week);
        Assert.Equal(new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero), week.KnownAt);
        Assert.Equal(4, week.Decisions);
        Assert.Equal(2, week.LabeledThen);
        Assert.Equal(4, week.LabeledNow);
        Assert.Equal(2.9 / 3, week.PrecisionEstThen!.Value, 12);
        Assert.Equal(1.0, week.RecallEstThen!.Value, 12);
        Assert.Equal(0.975, week.AccuracyEstThen!.Value, 12);
        Assert.Equal(1.0, week.PrecisionMeasuredThen);
        Assert.Equal(1, week.PrecisionMeasuredThenN);
        Assert.Equal(2.0 / 3, week.PrecisionMeasuredNow!.Value, 12);
        Assert.Equal(3, week.PrecisionMeasuredNowN);
        Assert.Equal(2.9 / 3 - 2.0 / 3, week.PrecisionEstError!.Value, 12);
        Assert.Equal(0.75, week.AccuracyMeasuredNow!.Value, 12);
        Assert.Equal(Math.Abs(2.9 / 3 - 2.0 / 3), report.PrecisionEstMeanAbsError!.Value, 12);
        Assert.Equal(1.0 / 3, report.PrecisionMeasuredThenMeanAbsError!.Value, 12);
    }

    [Fact]
    public void GetEstimateBacktest_BadFilter_Throws()
    {
        using var lake = TestLake.Create(new LakeData());
        using var warehouse = Warehouse.Open(lake.Root);

        Assert.Throws<InvalidFilterException>(() => warehouse.GetEstimateBacktest(new MetricFilters { Weeks = ["2026-W99"] }, LakeRow.Epoch));
    }
}
