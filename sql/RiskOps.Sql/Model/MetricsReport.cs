using System.Text.Json.Serialization;

namespace RiskOps.Sql.Model;

/// <summary>
/// One slice's figures (overall, one case type, one week...). Ratios with a zero denominator are null.
/// Serialised with snake_case names (contract §3).
/// </summary>
public sealed class MetricSet
{
    public string? CaseType { get; set; }
    public string? Week { get; set; }
    /// <summary>Set on the rows of <see cref="MetricsReport.ByModelVersion"/>.</summary>
    public string? ModelVersion { get; set; }
    /// <summary>Set on the rows of <see cref="MetricsReport.ByRegion"/> (null there = cases without a region).</summary>
    public string? Region { get; set; }
    public long Decisions { get; set; }
    /// <summary>Decisions with routing <c>auto</c> (numerator of the automation rate).</summary>
    public long AutoDecisions { get; set; }
    public long LabeledCases { get; set; }
    public double? LabelCompleteness { get; set; }
    public long Tp { get; set; }
    public long Fp { get; set; }
    public long Tn { get; set; }
    public long Fn { get; set; }
    public double? Precision { get; set; }
    public double? PrecisionCiLow { get; set; }
    public double? PrecisionCiHigh { get; set; }
    public double? Recall { get; set; }
    public double? RecallCiLow { get; set; }
    public double? RecallCiHigh { get; set; }
    public double? F1 { get; set; }
    public double? Accuracy { get; set; }
    public double? AutomationRate { get; set; }
    /// <summary>Recall on auto-decided cases from weighted audit_sample labels.</summary>
    public double? RecallAuto { get; set; }
    public long ManualCases { get; set; }
    public long ResolvedCases { get; set; }
    public long OpenCases { get; set; }
    /// <summary>Resolved cases with resolution time &lt;= 4 h (numerator of SLA compliance).</summary>
    public long SlaMet { get; set; }
    /// <summary>Resolved cases plus open cases older than 4 h at the as-of time (denominator of SLA compliance).</summary>
    public long SlaDenominator { get; set; }
    public double? SlaCompliance { get; set; }
    public double? ResolutionHoursP50 { get; set; }
    public double? ResolutionHoursP90 { get; set; }
    [JsonPropertyName("backlog_0_4h")]
    public long Backlog0To4h { get; set; }
    [JsonPropertyName("backlog_4_24h")]
    public long Backlog4To24h { get; set; }
    [JsonPropertyName("backlog_1_3d")]
    public long Backlog1To3d { get; set; }
    [JsonPropertyName("backlog_over_3d")]
    public long BacklogOver3d { get; set; }
    public long QaAudits { get; set; }
    /// <summary>QA audits with verdict <c>correct</c>.</summary>
    public long QaCorrect { get; set; }
    public double? DecisionAccuracy { get; set; }
    /// <summary>Resolved, labeled cases the kappa is computed over.</summary>
    public long KappaCases { get; set; }
    public double? Kappa { get; set; }
    public long KeyUserCases { get; set; }
    /// <summary>Key-user manual cases with an escalation or a senior/lead review.</summary>
    public long KeyUserEscalated { get; set; }
    public double? KeyUserEscalationCompliance { get; set; }
    public long SopScenarios { get; set; }
    public double? SopCoverage { get; set; }
    public double? Ece { get; set; }
    public double? Brier { get; set; }

    // The n of every ratio (contract §2, v2 — sample size and significance): its denominator; a ratio with n < 30 has no
    // status (Statistics.Significance.HasStatus). Derived from the counts above, so no path can report one without the other.

    /// <summary>n of precision: TP + FP.</summary>
    [JsonPropertyName("precision_n")]
    public long PrecisionN => Tp + Fp;

    /// <summary>n of recall: TP + FN.</summary>
    [JsonPropertyName("recall_n")]
    public long RecallN => Tp + Fn;

    /// <summary>n of F1: the labeled cases.</summary>
    [JsonPropertyName("f1_n")]
    public long F1N => LabeledCases;

    /// <summary>n of accuracy: the labeled cases.</summary>
    [JsonPropertyName("accuracy_n")]
    public long AccuracyN => LabeledCases;

    /// <summary>n of ECE: the labeled cases.</summary>
    [JsonPropertyName("ece_n")]
    public long EceN => LabeledCases;

    /// <summary>n of the Brier score: the labeled cases.</summary>
    [JsonPropertyName("brier_n")]
    public long BrierN => LabeledCases;

    /// <summary>n of recall on auto-decided cases: the audit-sample labels of its denominator (auto cases labeled TP or FN), unweighted.</summary>
    [JsonPropertyName("recall_auto_n")]
    public long RecallAutoN { get; set; }

    /// <summary>n of the automation rate: the decisions.</summary>
    [JsonPropertyName("automation_rate_n")]
    public long AutomationRateN => Decisions;

    /// <summary>n of SLA compliance: its denominator (resolved cases plus open cases older than 4 h).</summary>
    [JsonPropertyName("sla_compliance_n")]
    public long SlaComplianceN => SlaDenominator;

    /// <summary>n of decision accuracy: the QA audits.</summary>
    [JsonPropertyName("decision_accuracy_n")]
    public long DecisionAccuracyN => QaAudits;

    /// <summary>n of key-user escalation compliance: the key-user manual cases.</summary>
    [JsonPropertyName("key_user_escalation_compliance_n")]
    public long KeyUserEscalationComplianceN => KeyUserCases;

    /// <summary>n of kappa: the resolved, labeled cases it compares.</summary>
    [JsonPropertyName("kappa_n")]
    public long KappaN => KappaCases;

    // Population estimates (contract §2, v2): model-based, over every decided case of the slice; they carry
    // label_completeness instead of an n.

    /// <summary>Expected TP over the slice's decided cases: labeled TP plus p of each unlabeled block.</summary>
    public double TpEst { get; set; }

    /// <summary>Expected FP: labeled FP plus 1 − p of each unlabeled block.</summary>
    public double FpEst { get; set; }

    /// <summary>Expected TN: labeled TN plus p of each unlabeled pass.</summary>
    public double TnEst { get; set; }

    /// <summary>Expected FN: labeled FN plus 1 − p of each unlabeled pass.</summary>
    public double FnEst { get; set; }

    /// <summary>Estimated precision over all decided cases: TP_est / (TP_est + FP_est).</summary>
    public double? PrecisionEst { get; set; }

    /// <summary>Estimated recall over all decided cases: TP_est / (TP_est + FN_est).</summary>
    public double? RecallEst { get; set; }

    /// <summary>Estimated accuracy over all decided cases: (TP_est + TN_est) / decisions.</summary>
    public double? AccuracyEst { get; set; }

    /// <summary>Week-over-week change (this ISO week minus the one before), set on <see cref="MetricsReport.ByWeek"/> rows only.</summary>
    public double? PrecisionWow { get; set; }
    /// <summary>Week-over-week change of recall.</summary>
    public double? RecallWow { get; set; }
    /// <summary>Week-over-week change of F1.</summary>
    public double? F1Wow { get; set; }
    /// <summary>Week-over-week change of accuracy.</summary>
    public double? AccuracyWow { get; set; }
    /// <summary>Week-over-week change of the automation rate.</summary>
    public double? AutomationRateWow { get; set; }
    /// <summary>Week-over-week change of SLA compliance.</summary>
    public double? SlaComplianceWow { get; set; }
    /// <summary>Week-over-week change of decision accuracy.</summary>
    public double? DecisionAccuracyWow { get; set; }
    /// <summary>Week-over-week change of ECE.</summary>
    public double? EceWow { get; set; }
}

/// <summary>Decision accuracy (QA) and kappa for one org / vendor / reviewer / week.</summary>
public sealed class QualityRow
{
    /// <summary><c>org</c>, <c>vendor</c>, <c>reviewer</c> or <c>week</c>.</summary>
    public string Dimension { get; set; } = "";
    public string? Value { get; set; }
    public string? Org { get; set; }
    public string? Vendor { get; set; }
    public long QaAudits { get; set; }
    public long Correct { get; set; }
    public double? DecisionAccuracy { get; set; }
    public long KappaCases { get; set; }
    public double? Kappa { get; set; }
}

/// <summary>One bin of the reliability table. <see cref="CaseType"/> null means all case types pooled.</summary>
public sealed class ReliabilityBin
{
    /// <summary><c>overall</c>, <c>case_type</c> or <c>week</c>.</summary>
    public string Dimension { get; set; } = "overall";
    public string? CaseType { get; set; }
    /// <summary>Set for the per-week tables.</summary>
    public string? Week { get; set; }
    public int Bin { get; set; }
    public double BinLow { get; set; }
    public double BinHigh { get; set; }
    public long Count { get; set; }
    public double? MeanConfidence { get; set; }
    public double? ObservedAccuracy { get; set; }
}

/// <summary>SOP coverage per case type.</summary>
public sealed class SopCoverageRow
{
    public string CaseType { get; set; } = "";
    public long Scenarios { get; set; }
    public long Covered { get; set; }
    public double? Coverage { get; set; }
}

/// <summary>A type-C root-cause code of a case type that no covered scenario handles.</summary>
public sealed class SopGap
{
    public string CaseType { get; set; } = "";
    public string RootCauseCode { get; set; } = "";
    public long Cases { get; set; }
}

/// <summary>Data-quality figures: orphans and quarantine.</summary>
public sealed class DataQuality
{
    public long OrphanLabels { get; set; }
    public long OrphanReviews { get; set; }
    public long OrphanQaAudits { get; set; }
    public long QuarantinedRecords { get; set; }
}

/// <summary>The answer of <c>riskops metrics</c>.</summary>
public sealed class MetricsReport
{
    public DateTimeOffset AsOf { get; set; }
    public MetricSet Overall { get; set; } = new();
    [JsonPropertyName("by_case_type")]
    public List<MetricSet> ByCaseType { get; set; } = [];
    /// <summary>Overall figures per ISO week of scored_at (trend), ascending.</summary>
    public List<MetricSet> ByWeek { get; set; } = [];
    /// <summary>Per model version (overall figures for each).</summary>
    public List<MetricSet> ByModelVersion { get; set; } = [];
    /// <summary>Per region (overall figures for each; region null = cases without a region).</summary>
    public List<MetricSet> ByRegion { get; set; } = [];
    /// <summary>Decision accuracy and kappa by org, vendor, reviewer and week.</summary>
    public List<QualityRow> Quality { get; set; } = [];
    public List<ReliabilityBin> Reliability { get; set; } = [];
    public List<SopCoverageRow> SopCoverage { get; set; } = [];
    public List<SopGap> SopGaps { get; set; } = [];
    public DataQuality DataQuality { get; set; } = new();
}
