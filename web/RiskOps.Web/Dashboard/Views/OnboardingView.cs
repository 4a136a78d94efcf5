using RiskOps.Reports.Kpis;
using RiskOps.Sql.Onboarding;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>
/// The onboarding curves of BPO quality (docs/metrics.md, "BPO onboarding curves"): per vendor (and in-house), one table
/// of tenure buckets — weeks since the reviewer's first review, then review number — with reviews, decision accuracy and
/// its 95 % interval (coloured against the 98 % target, greyed with n &lt; 30) and overturn-correctness with its n; then the
/// reviewers listed for calibration.
/// </summary>
internal static class OnboardingView
{
    private const string Definition =
        "Tenure of a review = weeks since its reviewer's first review (week 1 = the first 7 days) and its number in the reviewer's reviews "
        + "by assigned_at, over all their reviews in the lake whatever the filters. A QA audit counts in the bucket of the review it audits; "
        + "overturn-correctness = of the resolved cases whose final review (in the bucket) overturned the agent and that have a label, "
        + "the share where the human was right. Figures with n < 30 are greyed and have no status.";

    /// <summary>The sections: one per vendor (vendors by reviews, in-house last), then the calibration list.</summary>
    public static IReadOnlyList<Section> BpoSections(PageRequest request)
    {
        var report = request.Data.Onboarding(request.Filters.Metrics);
        var groups = report.ByWeeks.Concat(report.ByReviews)
            .GroupBy(r => (r.Org, r.Vendor))
            .OrderBy(g => g.Key.Vendor is null ? 1 : 0)
            .ThenByDescending(g => g.Where(r => r.Dimension == "weeks").Sum(r => r.Reviews))
            .ThenBy(g => g.Key.Vendor, StringComparer.Ordinal)
            .Take(Categories.MaxShown)
            .ToList();
        var sections = new List<Section>();
        var first = true;
        foreach (var group in groups)
        {
            var name = group.Key.Vendor is { } vendor ? Categories.Label(vendor) : group.Key.Org == "INHOUSE" ? "In-house" : Categories.Label(group.Key.Org ?? Format.None);
            var id = Id(group.Key.Vendor ?? group.Key.Org ?? "none");
            sections.Add(new Section($"Onboarding curve — {name} — {request.Period.Short}")
            {
                Note = first ? Definition : null,
                Tables =
                [
                    Table($"onboarding_weeks_{id}", $"{name}: by weeks since the reviewer's first review", "tenure_weeks", group.Where(r => r.Dimension == "weeks").ToList(), b => $"week {b}"),
                    Table($"onboarding_reviews_{id}", $"{name}: by review number", "tenure_reviews", group.Where(r => r.Dimension == "reviews").ToList(), b => $"reviews {b}"),
                ],
            });
            first = false;
        }

        if (groups.Count == 0)
        {
            sections.Add(new Section($"Onboarding curves — {request.Period.Short}")
            {
                Note = Definition,
                Tables = [Table("onboarding_weeks", "By weeks since the reviewer's first review", "tenure_weeks", [], b => b)],
            });
        }

        var listed = report.Calibration;
        sections.Add(new Section($"For calibration — {request.Period.Short}")
        {
            Note = $"Reviewers with at least {report.MinAudits} QA audits in the period whose decision accuracy's 95 % Wilson interval lies wholly below the "
                + $"{Format.Pct(report.Target)} target (upper bound < {Format.Pct(report.Target)}); lowest upper bound first. "
                + $"{Format.Count(listed.Count)} of {Format.Count(report.Reviewers.Count(r => r.QaAudits >= report.MinAudits))} reviewers with enough audits.",
            Tables = [CalibrationTable(listed.Take(Categories.MaxReviewers).ToList())],
        });
        return sections;
    }

    private static string Id(string key) =>
        new(key.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '_').ToArray());

    private static TableModel Table(string id, string title, string key, IReadOnlyList<OnboardingRow> rows, Func<string, string> label) => new(
        id,
        title,
        [key, "reviewers", "reviews", "qa_audits", "decision_accuracy_ci", "overturned_labeled", "overturn_correctness"],
        rows.OrderBy(r => r.BucketOrder).Select(r => (IReadOnlyList<Cell>)
        [
            label(r.Bucket), Format.Count(r.Reviewers), Format.Count(r.Reviews), Format.Count(r.QaAudits),
            Accuracy(r.DecisionAccuracy, r.DecisionAccuracyLow, r.DecisionAccuracyHigh, r.DecisionAccuracyN),
            Format.Count(r.OverturnedLabeled),
            new Cell(KpiCatalogue.HumanRightWhenOverturned.Show(r.HumanRightRate, Format.None), Status: KpiCatalogue.HumanRightWhenOverturned.Status(r.HumanRightRate, r.HumanRightRateN)) { N = r.HumanRightRateN },
        ]).ToList())
    {
        Empty = "No review of a case in scope.",
    };

    private static TableModel CalibrationTable(IReadOnlyList<OnboardingReviewer> rows) => new(
        "onboarding_calibration",
        "Listed for calibration",
        ["reviewer", "org", "vendor", "qa_audits", "correct", "decision_accuracy_ci", "reviews_total", "weeks_active"],
        rows.Select(r => (IReadOnlyList<Cell>)
        [
            Categories.Label(r.ReviewerId), r.Org is { } org ? Categories.Label(org) : Format.None, r.Vendor is { } vendor ? Categories.Label(vendor) : Format.None,
            Format.Count(r.QaAudits), Format.Count(r.QaCorrect),
            Accuracy(r.DecisionAccuracy, r.DecisionAccuracyLow, r.DecisionAccuracyHigh, r.DecisionAccuracyN),
            Format.Count(r.ReviewsTotal), Format.Count(r.WeeksActive),
        ]).ToList())
    {
        Empty = "No reviewer with enough audits has an accuracy interval wholly below the target.",
    };

    private static Cell Accuracy(double? value, double? low, double? high, long n) =>
        new(Format.PctCi(value, low, high), Status: KpiCatalogue.DecisionAccuracy.Status(value, n)) { N = n };
}
