using RiskOps.Sql.Model;

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
    bool MeetsTargets);

/// <summary>Turns sweep rows into the <see cref="ThresholdReport"/> of <c>riskops thresholds</c>.</summary>
internal static class SweepAssembler
{
    /// <summary>Groups rows per case type (ordinal order), points by threshold; recommends the lowest t meeting both targets.</summary>
    public static ThresholdReport Assemble(IEnumerable<SweepRow> rows)
    {
        var report = new ThresholdReport();
        foreach (var group in rows.GroupBy(r => r.CaseType).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var points = group.OrderBy(r => r.K).ToList();
            var first = points[0];
            report.ByCaseType.Add(new CaseTypeSweep
            {
                CaseType = group.Key,
                RecommendedThreshold = points.FirstOrDefault(p => p.MeetsTargets)?.Threshold,
                CurrentThreshold = first.CurrentThreshold,
                LabeledCases = first.LabeledCases,
                Decisions = first.Decisions,
                PeriodDays = first.Days,
                MedianHandlingHours = first.MedianHandlingHours,
                Sweep = points.Select(p => new SweepPoint
                {
                    Threshold = p.Threshold,
                    Precision = p.Precision,
                    Recall = p.Recall,
                    Automation = p.Automation,
                    ManualCasesPerDay = p.ManualCasesPerDay,
                    ReviewerHoursPerDay = p.ReviewerHoursPerDay,
                    ManualCases = p.ManualCases,
                }).ToList(),
            });
        }

        return report;
    }
}
