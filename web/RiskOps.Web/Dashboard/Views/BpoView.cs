using RiskOps.Reports.Charts;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>BPO quality: QA decision accuracy per org, vendor, reviewer and week against the 98 % benchmark, and kappa.</summary>
internal static class BpoView
{
    /// <summary>Builds the page.</summary>
    public static PageView Build(PageRequest request)
    {
        var metrics = request.Data.Metrics(request.Filters.Metrics, request.AsOf);
        List<QualityRow> Rows(string dimension) => metrics.Quality.Where(q => q.Dimension == dimension).ToList();
        var vendors = Rows("vendor");
        var reviewers = Rows("reviewer");

        return new PageView(
            "bpo",
            "BPO quality",
            "Decision accuracy = QA audits judged correct / all QA audits (latest per audit); week = ISO week of the audited review's resolution. "
                + "Kappa = Cohen's kappa between the final human decision and the ground truth.",
            [
                new Section("By organisation") { Tables = [Table("by_org", "In-house vs BPO", "org", Rows("org"))] },
                new Section("By vendor")
                {
                    Charts = vendors.Count > 0 ? [Charts.Svg("Decision accuracy per vendor vs 98 %", QualityCharts.DecisionAccuracy(vendors))] : [],
                    Tables = [Table("by_vendor", "Per vendor", "vendor", vendors)],
                },
                new Section("By reviewer")
                {
                    Charts = reviewers.Count > 0 ? [Charts.Svg("Decision accuracy per reviewer vs 98 %", QualityCharts.DecisionAccuracy(reviewers), 720, 360)] : [],
                    Tables = [Table("by_reviewer", "Per reviewer", "reviewer", reviewers)],
                },
                new Section("Trend") { Tables = [Table("by_week", "Per week", "week", Rows("week"))] },
            ]);
    }

    private static TableModel Table(string id, string title, string key, IReadOnlyList<QualityRow> rows) => new(
        id,
        title,
        [key, "org", "vendor", "qa_audits", "correct", "decision_accuracy", "kappa_cases", "kappa"],
        rows.Select(q => (IReadOnlyList<Cell>)
        [
            q.Value ?? Format.None, q.Org ?? Format.None, q.Vendor ?? Format.None, Format.Count(q.QaAudits), Format.Count(q.Correct),
            OverviewView.Judged(q.DecisionAccuracy, Target.DecisionAccuracy), Format.Count(q.KappaCases), Format.Num(q.Kappa),
        ]).ToList());
}
