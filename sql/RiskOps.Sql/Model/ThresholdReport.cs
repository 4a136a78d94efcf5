namespace RiskOps.Sql.Model;

/// <summary>One point of the threshold sweep (contract §2).</summary>
public sealed class SweepPoint
{
    public double Threshold { get; set; }
    public double? Precision { get; set; }
    /// <summary>95 % Wilson interval of <see cref="Precision"/> over its denominator <see cref="PrecisionN"/>.</summary>
    public double? PrecisionCiLow { get; set; }
    public double? PrecisionCiHigh { get; set; }
    /// <summary>TP_auto + FP_auto + blocks_manual: the labeled cases the pipeline would block.</summary>
    public long PrecisionN { get; set; }
    public double? Recall { get; set; }
    public double? RecallCiLow { get; set; }
    public double? RecallCiHigh { get; set; }
    /// <summary>The labeled true blocks (labels TP, FN).</summary>
    public long RecallN { get; set; }
    public double? Automation { get; set; }
    public double? ManualCasesPerDay { get; set; }
    public double? ReviewerHoursPerDay { get; set; }
    /// <summary>Decisions of the case type below this threshold in the period (the numerator of <see cref="ManualCasesPerDay"/>).</summary>
    public long ManualCases { get; set; }
}

/// <summary>The sweep of one case type.</summary>
public sealed class CaseTypeSweep
{
    public string CaseType { get; set; } = "";
    public double? RecommendedThreshold { get; set; }
    /// <summary>The labeled cases behind the recommendation (contract v2: every figure with its n); below 30 it has no status.</summary>
    public long RecommendedThresholdN { get; set; }
    /// <summary>
    /// The lowest t whose 95 % Wilson upper bounds of pipeline precision and recall are above the targets: below it the
    /// targets are implausible (docs/analysis.md). Null when no t of the sweep qualifies.
    /// </summary>
    public double? RecommendedThresholdCiLow { get; set; }
    /// <summary>
    /// The lowest t whose 95 % Wilson lower bounds of pipeline precision and recall are above the targets: from it on the
    /// targets are shown. Null when the labeled cases cannot show it at any t of the sweep.
    /// </summary>
    public double? RecommendedThresholdCiHigh { get; set; }
    /// <summary>The threshold in force now (latest decision's threshold), for comparison.</summary>
    public double? CurrentThreshold { get; set; }
    public long LabeledCases { get; set; }
    /// <summary>Decisions of the case type in scope, labeled or not (the capacity figures' population).</summary>
    public long Decisions { get; set; }
    /// <summary>Days of the period the per-day figures divide by (see docs/analysis.md).</summary>
    public long PeriodDays { get; set; }
    public double? MedianHandlingHours { get; set; }
    public List<SweepPoint> Sweep { get; set; } = [];
}

/// <summary>The answer of <c>riskops thresholds</c>.</summary>
public sealed class ThresholdReport
{
    public List<CaseTypeSweep> ByCaseType { get; set; } = [];

    /// <summary>The what-if of <c>--propose</c> (null without it).</summary>
    public WhatIf.WhatIfReport? WhatIf { get; set; }
}
