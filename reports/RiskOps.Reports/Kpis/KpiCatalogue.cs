namespace RiskOps.Reports.Kpis;

/// <summary>
/// The one list of KPIs (contract §2): definitions, targets, amber margins, formats and the n behind each figure. The
/// dashboard's cards, tooltips and glossary, the pack's summary, tables and appendix, and the charts' target lines all
/// read it. Amber margins are this project's choice (the contract names only the targets): within 2 points for
/// precision and decision accuracy, 1 point for recall, 5 for SLA and key-user escalation, 10 for SOP coverage.
/// Automation has no target (the contract names none): it is shown without a colour.
/// </summary>
public static class KpiCatalogue
{
    /// <summary>Precision &gt; 95 %; n = TP + FP.</summary>
    public static Kpi Precision { get; } = new(
        "precision", "Precision",
        "Of the cases the agent blocked and that are labeled, the share that truly needed a block: TP / (TP + FP).",
        new KpiTarget(0.95, Strict: true, 0.02), KpiFormat.Percent, "labeled blocks (TP + FP)",
        m => m.Precision, m => (m.Tp, m.Tp + m.Fp));

    /// <summary>Recall &gt; 99 %; n = TP + FN.</summary>
    public static Kpi Recall { get; } = new(
        "recall", "Recall",
        "Of the labeled cases that truly needed a block, the share the agent blocked: TP / (TP + FN).",
        new KpiTarget(0.99, Strict: true, 0.01), KpiFormat.Percent, "labeled true blocks (TP + FN)",
        m => m.Recall, m => (m.Tp, m.Tp + m.Fn));

    /// <summary>
    /// Recall on auto-decided cases (weighted audit sample); n = the audit-sample labels of its denominator (TP or FN),
    /// unweighted. A weighted ratio is not successes / n, so its week-over-week change is never z-tested (never called a
    /// significant rise or fall), but the n rule applies: below 30 labels it has no status.
    /// </summary>
    public static Kpi RecallAuto { get; } = new(
        "recall_auto", "Recall on auto-decided (audit sample)",
        "Recall over audit_sample labels of auto-decided cases, each weighted by its sample_weight (1 / sampling probability).",
        new KpiTarget(0.99, Strict: true, 0.01), KpiFormat.Percent, "audit-sample labels (TP + FN)",
        m => m.RecallAuto, m => (0, m.RecallAutoN), Proportion: false);

    /// <summary>F1 (no target); n = labeled cases.</summary>
    public static Kpi F1 { get; } = new(
        "f1", "F1", "Harmonic mean of precision and recall: 2·TP / (2·TP + FP + FN).",
        null, KpiFormat.Percent, "labeled cases", m => m.F1, m => (0, m.LabeledCases), Proportion: false);

    /// <summary>Accuracy (no target); n = labeled cases.</summary>
    public static Kpi Accuracy { get; } = new(
        "accuracy", "Accuracy", "Share of labeled cases the agent decided right: (TP + TN) / labeled cases.",
        null, KpiFormat.Percent, "labeled cases", m => m.Accuracy, m => (m.Tp + m.Tn, m.LabeledCases));

    /// <summary>Automation rate (no target); n = decisions.</summary>
    public static Kpi Automation { get; } = new(
        "automation_rate", "Automation rate", "Share of decisions the agent made on its own (routing auto) / all decisions.",
        null, KpiFormat.Percent, "decisions", m => m.AutomationRate, m => (m.AutoDecisions, m.Decisions));

    /// <summary>SLA compliance ≥ 95 %; n = its denominator.</summary>
    public static Kpi Sla { get; } = new(
        "sla_compliance", "SLA compliance (4 h)",
        "Manual cases resolved within 4 h of scoring / (resolved cases + open cases older than 4 h at the as-of instant).",
        new KpiTarget(0.95, Strict: false, 0.05), KpiFormat.Percent, "resolved + overdue open cases",
        m => m.SlaCompliance, m => (m.SlaMet, m.SlaDenominator));

    /// <summary>QA decision accuracy ≥ 98 %; n = QA audits.</summary>
    public static Kpi DecisionAccuracy { get; } = new(
        "decision_accuracy", "Decision accuracy (QA)",
        "QA audits of human reviews judged correct / all QA audits (latest per audit); week = the audited review's resolution week.",
        new KpiTarget(0.98, Strict: false, 0.02), KpiFormat.Percent, "QA audits",
        m => m.DecisionAccuracy, m => (m.QaCorrect, m.QaAudits));

    /// <summary>Key-user escalation 100 % (every key-user case); n = key-user manual cases.</summary>
    public static Kpi KeyUserEscalation { get; } = new(
        "key_user_escalation_compliance", "Key-user escalation",
        "Manual cases with priority ≥ 75 that were escalated or reviewed by a senior or lead / all such cases (open ones included).",
        new KpiTarget(1.0, Strict: false, 0.05), KpiFormat.Percent, "key-user manual cases",
        m => m.KeyUserEscalationCompliance, m => (m.KeyUserEscalated, m.KeyUserCases));

    /// <summary>SOP coverage ≥ 80 %; a census of the catalogue, so no n rule.</summary>
    public static Kpi SopCoverage { get; } = new(
        "sop_coverage", "SOP coverage",
        "Scenarios of the SOP catalogue with a covering SOP page / all scenarios (latest per scenario). A census, not a sample.",
        new KpiTarget(0.80, Strict: false, 0.10), KpiFormat.Percent, "scenarios",
        m => m.SopCoverage, m => (m.SopCoverage is { } c ? (long)Math.Round(c * m.SopScenarios) : 0, m.SopScenarios), Census: true);

    /// <summary>Expected calibration error (lower is better); n = labeled cases.</summary>
    public static Kpi Ece { get; } = new(
        "ece", "ECE (lower is better)",
        "Expected calibration error over 10 confidence bins: Σ (n_bin / N) · |observed accuracy − mean confidence|.",
        null, KpiFormat.Score, "labeled cases", m => m.Ece, m => (0, m.LabeledCases), LowerIsBetter: true, Proportion: false);

    /// <summary>Brier score (lower is better); n = labeled cases.</summary>
    public static Kpi Brier { get; } = new(
        "brier", "Brier score (lower is better)", "Mean of (confidence − correct)² over labeled cases (correct = TP or TN).",
        null, KpiFormat.Score, "labeled cases", m => m.Brier, m => (0, m.LabeledCases), LowerIsBetter: true, Proportion: false);

    /// <summary>
    /// AI-overturn rate (no target; n = resolved manual cases). Its figures come from the overturn report
    /// (<c>Warehouse.GetOverturn</c>), not from a metric set, so it is not in <see cref="All"/> (alerts and the
    /// per-slice tables read metric sets): use <see cref="Kpi.Show"/> and <see cref="Kpi.Status(double?, long?)"/>.
    /// </summary>
    public static Kpi OverturnRate { get; } = new(
        "overturn_rate", "AI-overturn rate",
        "Share of resolved manual cases whose final human decision (the latest review, pass or block) differs from the agent's decision.",
        null, KpiFormat.Percent, "resolved manual cases", _ => null, _ => null);

    /// <summary>Human right when overturned (no target; n = overturned cases with a label).</summary>
    public static Kpi HumanRightWhenOverturned { get; } = new(
        "human_right_rate", "Human right when overturned",
        "Of the overturned cases with a label, the share where the human's decision is the ground truth (block = label TP or FN); the rest the agent had right.",
        null, KpiFormat.Percent, "labeled overturned cases", _ => null, _ => null);

    /// <summary>The headline KPIs of the overview and the pack summary, in display order.</summary>
    public static IReadOnlyList<Kpi> Headline { get; } =
        [Precision, Recall, RecallAuto, Automation, Sla, DecisionAccuracy, KeyUserEscalation, SopCoverage, Ece, Brier];

    /// <summary>Every KPI (glossary order).</summary>
    public static IReadOnlyList<Kpi> All { get; } =
        [Precision, Recall, RecallAuto, F1, Accuracy, Automation, Sla, DecisionAccuracy, KeyUserEscalation, SopCoverage, Ece, Brier];

    /// <summary>The KPIs with a target (the appendix's targets table).</summary>
    public static IEnumerable<Kpi> WithTargets => All.Where(k => k.Target is not null);

    /// <summary>Further terms of the glossary that are not KPIs with a value of their own.</summary>
    public static IReadOnlyList<(string Term, string Definition)> Terms { get; } =
    [
        ("n", "The denominator behind a ratio. Below 30 a ratio is shown greyed with \"n < 30\": too few cases to call it on or off target."),
        ("Significant change", "A week-over-week change is called a rise or fall only when both weeks have n ≥ 30 and a two-sided two-proportion z-test (pooled variance) gives p < 0.05."),
        ("95 % interval", "Wilson score interval for precision and recall: the range the true value lies in with 95 % confidence."),
        ("As of", "The instant open cases are aged to (SLA, backlog). It hides no record: figures include every batch published so far."),
        ("Label completeness", "Labeled cases / cases scored in the period; a recent week's figures move as labels arrive."),
        ("Kappa", "Cohen's kappa between the final human decision (pass / block) and the ground truth: 1 = perfect agreement, 0 = chance."),
        ("Recommended threshold", "The lowest auto-decision threshold t (0.50–0.99) at which the pipeline (agent above t, humans below) keeps precision > 95 % and recall > 99 % on the labeled cases."),
        ("Cluster", "A set of 1–3 risk signals over-represented among a case type's false positives (in its labeled blocks) or false negatives (in its labeled passes): at least 5 errors and a 99.9 % Wilson lower bound above the error rate; clusters are found greedily and never share a case."),
        ("Route", "What fixes a cluster's root cause: A feature-weight bias → retrain, B threshold miscalibration → decision rules, C SOP gap → SOP update."),
        ("AI-overturn rate", OverturnRate.Definition + " Per case type, week (of scored_at), org, vendor and reviewer (of the final review); n = resolved manual cases."),
        ("Human right when overturned", HumanRightWhenOverturned.Definition + " n = labeled overturned cases; a high share means the overturns catch the agent's errors, a low one that reviewers overrule a right agent."),
        ("Week", "UTC ISO week of scored_at (Monday–Sunday, e.g. 2026-W47)."),
    ];
}
