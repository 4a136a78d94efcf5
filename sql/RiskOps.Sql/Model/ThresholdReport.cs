namespace RiskOps.Sql.Model;

/// <summary>One point of the threshold sweep (contract §2).</summary>
public sealed class SweepPoint
{
    public double Threshold { get; set; }
    public double? Precision { get; set; }
    public double? Recall { get; set; }
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
}
