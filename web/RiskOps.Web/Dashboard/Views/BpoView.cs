using RiskOps.Reports.Charts;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>
/// BPO quality: QA decision accuracy per org, vendor and reviewer against the 98 % target, and kappa. Reviewers are a
/// sorted table with sparkbars (worst first), not a bar per reviewer: with dozens of reviewers a chart is unreadable.
/// </summary>
internal static class BpoView
{
    /// <summary>Builds the page.</summary>
    public static PageView Build(PageRequest request)
    {
        var period = request.Period;
        var metrics = request.Data.Metrics(request.Filters.Metrics, request.AsOf);
        List<QualityRow> Rows(string dimension) => metrics.Quality.Where(q => q.Dimension == dimension).ToList();
        var vendors = Bound(Rows("vendor"), Categories.MaxShown);
        var reviewers = Bound(Rows("reviewer"), Categories.MaxReviewers)
            .OrderBy(q => q.Value == Categories.OtherLabel ? 1 : 0)
            .ThenBy(q => q.QaAudits < Kpi.MinimumN ? 1 : 0)
            .ThenBy(q => q.DecisionAccuracy ?? 2)
            .ThenByDescending(q => q.QaAudits)
            .ThenBy(q => q.Value, StringComparer.Ordinal)
            .ToList();
        var small = reviewers.Count(r => r.QaAudits < Kpi.MinimumN && r.Value != Categories.OtherLabel);
        var reviewerCount = Rows("reviewer").Count;
        var weeks = request.Data.Metrics(request.Period.Trend, request.AsOf).Quality.Where(q => q.Dimension == "week")
            .OrderByDescending(q => q.Value, StringComparer.Ordinal).ToList();

        return new PageView(
            "bpo",
            "BPO quality",
            $"{period.Label}: cases scored in the period. Decision accuracy = QA audits judged correct / all QA audits (latest per audit). "
                + "Kappa = Cohen's kappa between the final human decision and the ground truth. A figure with n < 30 audits is greyed and has no status.",
            [
                new Section($"By organisation — {period.Short}") { Tables = [Table("by_org", "In-house vs BPO", "org", Rows("org"))] },
                new Section($"By vendor — {period.Short}")
                {
                    Charts = vendors.Count > 0 ? [Charts.Svg($"Decision accuracy per vendor vs target {KpiCatalogue.DecisionAccuracy.Target!.Text}", QualityCharts.DecisionAccuracy(vendors), 620, 340)] : [],
                    Tables = [Table("by_vendor", "Per vendor", "vendor", vendors)],
                },
                new Section($"By reviewer — {period.Short}")
                {
                    Note = $"{Format.Count(reviewerCount)} reviewers, sorted worst first; {Format.Count(small)} with fewer than 30 audits are listed last, greyed."
                        + (reviewerCount > Categories.MaxReviewers ? $" The {Categories.MaxReviewers} with the most QA audits are listed; the other {Format.Count(reviewerCount - Categories.MaxReviewers)} in one row \"{Categories.OtherLabel}\"." : ""),
                    Tables = [Table("by_reviewer", "Per reviewer", "reviewer", reviewers, bars: true)],
                },
                new Section($"Per week ({period.Trend.Weeks.Count} weeks ending {period.Short})") { Tables = [Table("by_week", "Per week (week of the audited review's resolution)", "week", weeks)] },
                OverturnView.BpoSection(request),
                .. OnboardingView.BpoSections(request),
            ]);
    }

    /// <summary>
    /// The rows with the most QA audits (labels cut), then one "other" row summing the rest's audits (its accuracy =
    /// correct / audits, the page's definition; no kappa, which does not add up).
    /// </summary>
    private static List<QualityRow> Bound(IReadOnlyList<QualityRow> rows, int max)
    {
        var bounded = Categories.Top(rows, q => q.QaAudits, max);
        var shown = bounded.Shown.Select(q => new QualityRow
        {
            Dimension = q.Dimension, Value = q.Value is null ? null : Categories.Label(q.Value), Org = q.Org, Vendor = q.Vendor is null ? null : Categories.Label(q.Vendor),
            QaAudits = q.QaAudits, Correct = q.Correct, DecisionAccuracy = q.DecisionAccuracy, KappaCases = q.KappaCases, Kappa = q.Kappa,
        }).ToList();
        if (bounded.Rest.Count > 0)
        {
            var audits = bounded.Rest.Sum(q => q.QaAudits);
            var correct = bounded.Rest.Sum(q => q.Correct);
            shown.Add(new QualityRow
            {
                Dimension = bounded.Rest[0].Dimension, Value = Categories.OtherLabel, QaAudits = audits, Correct = correct,
                DecisionAccuracy = audits == 0 ? null : (double)correct / audits,
            });
        }

        return shown;
    }

    /// <summary>A quality table; the org and vendor columns are left out where they repeat the row's key.</summary>
    private static TableModel Table(string id, string title, string key, IReadOnlyList<QualityRow> rows, bool bars = false)
    {
        var table = FullTable(id, title, key, rows, bars);
        var drop = key switch
        {
            "org" => new[] { 1, 2 },
            "vendor" => [2],
            _ => [],
        };
        return drop.Length == 0 ? table : table with
        {
            Columns = table.Columns.Where((_, i) => !drop.Contains(i)).ToList(),
            Rows = table.Rows.Select(r => (IReadOnlyList<Cell>)r.Where((_, i) => !drop.Contains(i)).ToList()).ToList(),
        };
    }

    private static TableModel FullTable(string id, string title, string key, IReadOnlyList<QualityRow> rows, bool bars) => new(
        id,
        title,
        [key, "org", "vendor", "qa_audits", "correct", "decision_accuracy", "kappa_cases", "kappa"],
        rows.Select(q =>
        {
            var set = new MetricSet { DecisionAccuracy = q.DecisionAccuracy, QaAudits = q.QaAudits, QaCorrect = q.Correct };
            var accuracy = Cell.Of(KpiCatalogue.DecisionAccuracy, set);
            return (IReadOnlyList<Cell>)
            [
                q.Value ?? Format.None, q.Org ?? Format.None, q.Vendor ?? Format.None, Format.Count(q.QaAudits), Format.Count(q.Correct),
                bars && accuracy.Status is not (KpiStatus.SmallSample or KpiStatus.NoData) ? accuracy with { Bar = q.DecisionAccuracy } : accuracy, Format.Count(q.KappaCases), Format.Num(q.Kappa),
            ];
        }).ToList());
}
