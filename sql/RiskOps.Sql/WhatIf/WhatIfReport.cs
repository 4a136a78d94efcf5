namespace RiskOps.Sql.WhatIf;

/// <summary>
/// The what-if of <c>riskops thresholds --propose CASE_TYPE=T</c> and the Calibration page's form (docs/analysis.md
/// "What-if"): per case type, the projected figures at the current threshold and at the proposed one, over the last
/// <see cref="Weeks"/> UTC ISO weeks of the scope.
/// </summary>
public sealed class WhatIfReport
{
    /// <summary>The number of weeks of the window (default <see cref="WhatIfCounts.DefaultWeeks"/>).</summary>
    public int Weeks { get; set; }

    /// <summary>The window's ISO weeks, oldest first (null/empty when the scope has no decision).</summary>
    public List<string> WindowWeeks { get; set; } = [];

    /// <summary>The first and last UTC date the per-day figures cover (the window clipped to the scope's data and filters).</summary>
    public DateOnly? From { get; set; }

    public DateOnly? To { get; set; }

    /// <summary>The days from <see cref="From"/> to <see cref="To"/>, inclusive: the divisor of every per-day figure.</summary>
    public long Days { get; set; }

    public List<WhatIfCaseType> ByCaseType { get; set; } = [];
}

/// <summary>One case type of the what-if.</summary>
public sealed class WhatIfCaseType
{
    public string CaseType { get; set; } = "";

    /// <summary>Decisions of the case type in the window (the automation and workload figures' population).</summary>
    public long Decisions { get; set; }

    /// <summary>Labeled cases of the case type in the window (the precision and recall figures' population).</summary>
    public long LabeledCases { get; set; }

    /// <summary>The median of resolved_at − assigned_at over the case type's resolved reviews in the window; null when none.</summary>
    public double? MedianHandlingHours { get; set; }

    /// <summary>The resolved reviews behind <see cref="MedianHandlingHours"/>.</summary>
    public long MedianHandlingHoursN { get; set; }

    /// <summary>The projection at the threshold in force (the window's latest decision's threshold).</summary>
    public WhatIfFigures? Current { get; set; }

    /// <summary>The projection at the proposed threshold; null when none was proposed for this case type.</summary>
    public WhatIfFigures? Proposed { get; set; }
}

/// <summary>
/// The projection at one threshold t: cases with confidence ≥ t keep the agent's decision, the others go to a human
/// taken to be right (the sweep's model, contract §2). Ratios carry their n and 95 % Wilson interval.
/// </summary>
public sealed class WhatIfFigures
{
    /// <summary>The threshold projected (on the 0.01 grid; see <see cref="ThresholdAsGiven"/>).</summary>
    public double Threshold { get; set; }

    /// <summary>The threshold in force as recorded when it is not on the 0.01 grid (then projected at the next grid value up); else null.</summary>
    public double? ThresholdAsGiven { get; set; }

    public double? Precision { get; set; }
    public double? PrecisionCiLow { get; set; }
    public double? PrecisionCiHigh { get; set; }
    /// <summary>TP_auto + FP_auto + blocks_manual.</summary>
    public long PrecisionN { get; set; }

    public double? Recall { get; set; }
    public double? RecallCiLow { get; set; }
    public double? RecallCiHigh { get; set; }
    /// <summary>Labeled true blocks (TP, FN).</summary>
    public long RecallN { get; set; }

    /// <summary>Share of all decisions with confidence ≥ t (the automation rate the threshold would give).</summary>
    public double? AutomationRate { get; set; }
    public double? AutomationRateCiLow { get; set; }
    public double? AutomationRateCiHigh { get; set; }
    public long AutomationRateN { get; set; }

    /// <summary>Decisions below t in the window.</summary>
    public long ManualCases { get; set; }

    /// <summary>Manual cases / days; its interval is the Wilson interval of the manual share × decisions / days.</summary>
    public double? ManualCasesPerDay { get; set; }
    public double? ManualCasesPerDayCiLow { get; set; }
    public double? ManualCasesPerDayCiHigh { get; set; }

    /// <summary>Manual cases per day × the median handling hours (null when no handling time is measured).</summary>
    public double? ReviewerHoursPerDay { get; set; }
    public double? ReviewerHoursPerDayCiLow { get; set; }
    public double? ReviewerHoursPerDayCiHigh { get; set; }

    /// <summary>Pipeline precision &gt; 0.95 and recall &gt; 0.99 (point estimates; exact integer comparison).</summary>
    public bool MeetsTargets { get; set; }
}
