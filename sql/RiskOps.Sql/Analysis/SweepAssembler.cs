using RiskOps.Sql.Model;
using RiskOps.Sql.Statistics;

namespace RiskOps.Sql.Analysis;

/// <summary>A row of <c>threshold_sweep.sql</c>: one case type at one threshold t = k/100.</summary>
internal sealed record SweepRow(
    string CaseType,
    int K,
    double Threshold,
    long LabeledCases,
    long Decisions,
    long ManualCases,
    long Days,
    double? CurrentThreshold,
    double? MedianHandlingHours,
    double? Precision,
    double? Recall,
    double? Automation,
    double? ManualCasesPerDay,
    double? ReviewerHoursPerDay,
    bool MeetsTargets,
    long TpAuto = 0,
    long FpAuto = 0,
    long BlocksManual = 0,
    long TrueBlocks = 0);

/// <summary>Turns sweep rows into the <see cref="ThresholdReport"/> of <c>riskops thresholds</c>.</summary>
internal static class SweepAssembler
{
    /// <summary>Precision target of the recommendation (pipeline precision &gt; 0.95).</summary>
    public const double PrecisionTarget = 0.95;

    /// <summary>Recall target of the recommendation (pipeline recall &gt; 0.99).</summary>
    public const double RecallTarget = 0.99;

    /// <summary>
    /// Groups rows per case type (ordinal order), points by threshold; recommends the lowest t meeting both targets and
    /// states the interval of that recommendation (see <see cref="CaseTypeSweep.RecommendedThresholdCiLow"/>).
    /// </summary>
    public static ThresholdReport Assemble(IEnumerable<SweepRow> rows)
    {
        var report = new ThresholdReport();
        foreach (var group in rows.GroupBy(r => r.CaseType).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var points = group.OrderBy(r => r.K).ToList();
            var first = points[0];
            var sweep = new CaseTypeSweep
            {
                CaseType = group.Key,
                RecommendedThreshold = points.FirstOrDefault(p => p.MeetsTargets)?.Threshold,
                RecommendedThresholdN = first.LabeledCases,
                CurrentThreshold = first.CurrentThreshold,
                LabeledCases = first.LabeledCases,
                Decisions = first.Decisions,
                PeriodDays = first.Days,
                MedianHandlingHours = first.MedianHandlingHours,
                Sweep = points.Select(p =>
                {
                    var hits = p.TpAuto + p.BlocksManual;
                    var precision = Wilson.Interval(hits, hits + p.FpAuto);
                    var recall = Wilson.Interval(hits, p.TrueBlocks);
                    return new SweepPoint
                    {
                        Threshold = p.Threshold,
                        Precision = p.Precision,
                        PrecisionCiLow = precision?.Low,
                        PrecisionCiHigh = precision?.High,
                        PrecisionN = hits + p.FpAuto,
                        Recall = p.Recall,
                        RecallCiLow = recall?.Low,
                        RecallCiHigh = recall?.High,
                        RecallN = p.TrueBlocks,
                        Automation = p.Automation,
                        ManualCasesPerDay = p.ManualCasesPerDay,
                        ReviewerHoursPerDay = p.ReviewerHoursPerDay,
                        ManualCases = p.ManualCases,
                    };
                }).ToList(),
            };
            (sweep.RecommendedThresholdCiLow, sweep.RecommendedThresholdCiHigh) = Interval(sweep.Sweep);
            report.ByCaseType.Add(sweep);
        }

        return report;
    }

    /// <summary>
    /// The interval of the recommendation from the points' 95 % Wilson intervals: low = the lowest t at which both
    /// targets are still plausible (the upper bounds of precision and recall above their targets), high = the lowest t
    /// at which both are shown (the lower bounds above them); null where no t of the sweep qualifies.
    /// </summary>
    public static (double? Low, double? High) Interval(IReadOnlyList<SweepPoint> sweep)
    {
        double? low = null, high = null;
        foreach (var p in sweep.OrderBy(p => p.Threshold))
        {
            low ??= p.PrecisionCiHigh > PrecisionTarget && p.RecallCiHigh > RecallTarget ? p.Threshold : null;
            high ??= p.PrecisionCiLow > PrecisionTarget && p.RecallCiLow > RecallTarget ? p.Threshold : null;
        }

        return (low, high);
    }
}
