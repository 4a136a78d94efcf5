using RiskOps.Sql.Analysis;
using RiskOps.Sql.Statistics;

namespace RiskOps.Sql.Tests.Analysis;

/// <summary>The recommended threshold's n and interval (lowest t the targets are plausible at, lowest t they are shown at).</summary>
public sealed class RecommendedIntervalTests
{
    [Fact]
    public void Assemble_HandComputed_IntervalAndN()
    {
        // 0.50: 90/100 precision, 100/100 recall → upper precision bound 0.9447 < 0.95: no.
        // 0.51: 19/20 blocks right (0.95, not > 0.95) but upper bound 0.9911 > 0.95, recall 20/20 (upper 1) → ci_low.
        // 0.52: 40/40 and 40/40: point estimate meets → recommended; lower bounds 0.9124 → not shown.
        // 0.53: 500/500 and 500/500: lower bounds 0.99237 > 0.99 → ci_high.
        var rows = new[]
        {
            Row(50, hits: 90, fp: 10, trueBlocks: 90, labeled: 150),
            Row(51, hits: 19, fp: 1, trueBlocks: 19, labeled: 150),
            Row(52, hits: 40, fp: 0, trueBlocks: 40, labeled: 150),
            Row(53, hits: 500, fp: 0, trueBlocks: 500, labeled: 150),
        };
        Assert.True(Wilson.Upper(90, 100) < 0.95);
        Assert.True(Wilson.Upper(19, 20) > 0.95);
        Assert.True(Wilson.Lower(40, 40) < 0.99);
        Assert.True(Wilson.Lower(500, 500) > 0.99);

        var sweep = Assert.Single(SweepAssembler.Assemble(rows).ByCaseType);
        Assert.Equal(0.52, sweep.RecommendedThreshold);
        Assert.Equal(150, sweep.RecommendedThresholdN);
        Assert.Equal(0.51, sweep.RecommendedThresholdCiLow);
        Assert.Equal(0.53, sweep.RecommendedThresholdCiHigh);
        Assert.Equal(Wilson.Lower(19, 20), sweep.Sweep[1].PrecisionCiLow);
        Assert.Equal(20, sweep.Sweep[1].PrecisionN);
        Assert.Equal(19, sweep.Sweep[1].RecallN);
    }

    [Fact]
    public void Assemble_SmallSample_NoUpperBound()
    {
        // 10 of 10 right at every t: recommended 0.50 from 10 cases, but the lower bound (0.7225) never reaches the targets.
        var rows = Enumerable.Range(50, 50).Select(k => Row(k, hits: 10, fp: 0, trueBlocks: 10, labeled: 10)).ToArray();
        var sweep = Assert.Single(SweepAssembler.Assemble(rows).ByCaseType);
        Assert.Equal(0.5, sweep.RecommendedThreshold);
        Assert.Equal(10, sweep.RecommendedThresholdN);
        Assert.Equal(0.5, sweep.RecommendedThresholdCiLow);
        Assert.Null(sweep.RecommendedThresholdCiHigh);
    }

    private static SweepRow Row(int k, long hits, long fp, long trueBlocks, long labeled) => new(
        "ATO", k, k / 100.0, labeled, labeled, 0, 7, 0.9, 0.5,
        hits + fp == 0 ? null : (double)hits / (hits + fp), trueBlocks == 0 ? null : (double)hits / trueBlocks, 1, 0, 0,
        MeetsTargets: trueBlocks > 0 && 20 * hits > 19 * (hits + fp) && 100 * hits > 99 * trueBlocks,
        TpAuto: hits, FpAuto: fp, BlocksManual: 0, TrueBlocks: trueBlocks);
}
