using RiskOps.Sql.Model;

namespace RiskOps.Sql.Tests.Support;

/// <summary>Compares two <see cref="MetricSet"/>s figure by figure (doubles to 1e-9), naming the figure that differs.</summary>
public static class MetricAssert
{
    public static void Equal(MetricSet expected, MetricSet actual, string context)
    {
        Count(expected.Decisions, actual.Decisions, "decisions");
        Count(expected.LabeledCases, actual.LabeledCases, "labeled_cases");
        Count(expected.Tp, actual.Tp, "tp");
        Count(expected.Fp, actual.Fp, "fp");
        Count(expected.Tn, actual.Tn, "tn");
        Count(expected.Fn, actual.Fn, "fn");
        Ratio(expected.LabelCompleteness, actual.LabelCompleteness, "label_completeness");
        Ratio(expected.Precision, actual.Precision, "precision");
        Ratio(expected.PrecisionCiLow, actual.PrecisionCiLow, "precision_ci_low");
        Ratio(expected.PrecisionCiHigh, actual.PrecisionCiHigh, "precision_ci_high");
        Ratio(expected.Recall, actual.Recall, "recall");
        Ratio(expected.RecallCiLow, actual.RecallCiLow, "recall_ci_low");
        Ratio(expected.RecallCiHigh, actual.RecallCiHigh, "recall_ci_high");
        Ratio(expected.F1, actual.F1, "f1");
        Ratio(expected.Accuracy, actual.Accuracy, "accuracy");
        Ratio(expected.AutomationRate, actual.AutomationRate, "automation_rate");
        Ratio(expected.RecallAuto, actual.RecallAuto, "recall_auto");
        Count(expected.ManualCases, actual.ManualCases, "manual_cases");
        Count(expected.ResolvedCases, actual.ResolvedCases, "resolved_cases");
        Count(expected.OpenCases, actual.OpenCases, "open_cases");
        Ratio(expected.SlaCompliance, actual.SlaCompliance, "sla_compliance");
        Ratio(expected.ResolutionHoursP50, actual.ResolutionHoursP50, "resolution_hours_p50");
        Ratio(expected.ResolutionHoursP90, actual.ResolutionHoursP90, "resolution_hours_p90");
        Count(expected.Backlog0To4h, actual.Backlog0To4h, "backlog_0_4h");
        Count(expected.Backlog4To24h, actual.Backlog4To24h, "backlog_4_24h");
        Count(expected.Backlog1To3d, actual.Backlog1To3d, "backlog_1_3d");
        Count(expected.BacklogOver3d, actual.BacklogOver3d, "backlog_over_3d");
        Count(expected.QaAudits, actual.QaAudits, "qa_audits");
        Ratio(expected.DecisionAccuracy, actual.DecisionAccuracy, "decision_accuracy");
        Ratio(expected.Kappa, actual.Kappa, "kappa");
        Count(expected.KeyUserCases, actual.KeyUserCases, "key_user_cases");
        Ratio(expected.KeyUserEscalationCompliance, actual.KeyUserEscalationCompliance, "key_user_escalation_compliance");
        Count(expected.SopScenarios, actual.SopScenarios, "sop_scenarios");
        Ratio(expected.SopCoverage, actual.SopCoverage, "sop_coverage");
        Ratio(expected.Ece, actual.Ece, "ece");
        Ratio(expected.Brier, actual.Brier, "brier");
        Count(expected.PrecisionN, actual.PrecisionN, "precision_n");
        Count(expected.RecallN, actual.RecallN, "recall_n");
        Count(expected.F1N, actual.F1N, "f1_n");
        Count(expected.AccuracyN, actual.AccuracyN, "accuracy_n");
        Count(expected.EceN, actual.EceN, "ece_n");
        Count(expected.BrierN, actual.BrierN, "brier_n");
        Count(expected.RecallAutoN, actual.RecallAutoN, "recall_auto_n");
        Count(expected.AutomationRateN, actual.AutomationRateN, "automation_rate_n");
        Count(expected.SlaComplianceN, actual.SlaComplianceN, "sla_compliance_n");
        Count(expected.DecisionAccuracyN, actual.DecisionAccuracyN, "decision_accuracy_n");
        Count(expected.KeyUserEscalationComplianceN, actual.KeyUserEscalationComplianceN, "key_user_escalation_compliance_n");
        Count(expected.KappaN, actual.KappaN, "kappa_n");
        Ratio(expected.TpEst, actual.TpEst, "tp_est");
        Ratio(expected.FpEst, actual.FpEst, "fp_est");
        Ratio(expected.TnEst, actual.TnEst, "tn_est");
        Ratio(expected.FnEst, actual.FnEst, "fn_est");
        Ratio(expected.PrecisionEst, actual.PrecisionEst, "precision_est");
        Ratio(expected.RecallEst, actual.RecallEst, "recall_est");
        Ratio(expected.AccuracyEst, actual.AccuracyEst, "accuracy_est");

        void Count(long e, long a, string name)
        {
            if (e != a)
            {
                Assert.Fail($"{context}: {name} expected {e}, got {a}");
            }
        }

        void Ratio(double? e, double? a, string name)
        {
            if (e is null != a is null || (e is { } x && a is { } y && Math.Abs(x - y) > 1e-9))
            {
                Assert.Fail($"{context}: {name} expected {e?.ToString("R") ?? "null"}, got {a?.ToString("R") ?? "null"}");
            }
        }
    }
}
