using System.CommandLine;
using System.Globalization;
using System.Text;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Onboarding;

namespace RiskOps.Cli.Commands;

/// <summary>
/// <c>riskops onboarding --lake DIR [FILTERS] [--json]</c>: decision accuracy and overturn-correctness per reviewer tenure
/// bucket, per vendor, and the reviewers listed for calibration (docs/metrics.md "BPO onboarding curves"). The rule's
/// target and n come from the KPI catalogue, as on the BPO quality page.
/// </summary>
internal static class OnboardingCommand
{
    public static Command Create() => WarehouseQueryCommand.Create(
        "onboarding",
        "BPO onboarding curves: decision accuracy (QA, 95 % CI) and overturn-correctness by weeks since a reviewer's first review and by review number, per vendor; reviewers listed for calibration",
        (warehouse, filters) => warehouse.GetOnboarding(filters, KpiCatalogue.DecisionAccuracy.Target!.Goal, Kpi.MinimumN),
        Render);

    internal static string Render(OnboardingReport report)
    {
        if (report.ByWeeks.Count == 0)
        {
            return "no review of a case in scope\n";
        }

        var text = new StringBuilder();
        foreach (var group in report.ByWeeks.Concat(report.ByReviews).GroupBy(r => (r.Org, r.Vendor)))
        {
            text.Append(CultureInfo.InvariantCulture, $"{group.Key.Vendor ?? (group.Key.Org == "INHOUSE" ? "in-house" : group.Key.Org)}\n");
            var rows = new List<string[]> { new[] { "tenure", "reviewers", "reviews", "qa_audits", "decision_accuracy [95% CI]", "overturned_labeled", "human_right" } };
            foreach (var r in group)
            {
                rows.Add(
                [
                    r.Dimension == "weeks" ? $"week {r.Bucket}" : $"reviews {r.Bucket}",
                    Count(r.Reviewers), Count(r.Reviews), Count(r.QaAudits),
                    Small(Ci(r.DecisionAccuracy, r.DecisionAccuracyLow, r.DecisionAccuracyHigh), r.DecisionAccuracyN),
                    Count(r.OverturnedLabeled), Small(Pct(r.HumanRightRate), r.HumanRightRateN),
                ]);
            }

            text.Append(TextTable.Format(rows)).Append('\n');
        }

        var listed = report.Calibration;
        text.Append(CultureInfo.InvariantCulture,
            $"for calibration (>= {report.MinAudits} audits, 95% interval wholly below {Pct(report.Target)}): {listed.Count}\n");
        if (listed.Count > 0)
        {
            var rows = new List<string[]> { new[] { "reviewer", "org", "vendor", "qa_audits", "decision_accuracy [95% CI]", "reviews_total", "weeks_active" } };
            rows.AddRange(listed.Select(r => new[]
            {
                r.ReviewerId, r.Org ?? "-", r.Vendor ?? "-", Count(r.QaAudits), Ci(r.DecisionAccuracy, r.DecisionAccuracyLow, r.DecisionAccuracyHigh),
                Count(r.ReviewsTotal), Count(r.WeeksActive),
            }));
            text.Append(TextTable.Format(rows));
        }

        return text.ToString();
    }

    private static string Count(long n) => n.ToString(CultureInfo.InvariantCulture);

    private static string Small(string value, long n) => value == "-" || n >= Kpi.MinimumN ? value : $"{value} (n < 30)";

    private static string Pct(double? v) => v is { } x ? (x * 100).ToString("0.0", CultureInfo.InvariantCulture) + "%" : "-";

    private static string Ci(double? v, double? low, double? high) =>
        v is null ? "-" : low is { } l && high is { } h ? $"{Pct(v)} [{Pct(l)}-{Pct(h)}]" : Pct(v);
}
