using RiskOps.Reports.Charts;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>Model quality: precision/recall trend with Wilson intervals over 8 weeks, confusion matrix per case type and per model version for the week.</summary>
internal static class ModelQualityView
{
    private static readonly string[] ConfusionColumns =
        ["tp", "fp", "tn", "fn", "precision", "precision_ci", "recall", "recall_ci", "f1", "accuracy", "recall_auto_decided"];

    /// <summary>Builds the page.</summary>
    public static PageView Build(PageRequest request)
    {
        var period = request.Period;
        var metrics = request.Data.Metrics(request.Filters.Metrics, request.AsOf, MetricsDetail.Overview);
        var trend = request.Trend();
        var weeks = trend.Select(w => w.Set ?? new MetricSet { Week = w.Week }).ToList();
        return new PageView(
            "model",
            "Model quality",
            $"{period.Label}. Labeled cases only (a case with a decision and a latest label); positive class = block. "
                + "Intervals are 95 % Wilson score intervals; a figure with n < 30 is greyed and has no status.",
            [
                new Section($"Precision and recall per week ({trend.Count} weeks ending {period.Short})")
                {
                    Charts = weeks.Count > 0 ? [Charts.Svg("Precision and recall per week (95 % Wilson)", QualityCharts.PrecisionRecallTrend(weeks), 640, 340)] : [],
                    Tables = [Table("weekly", "Per week", "week", trend.Where(w => w.Set is not null).Select(w => w.Set!).Reverse().ToList(), m => m.Week)],
                },
                new Section($"Confusion matrix per case type — {period.Short}")
                {
                    Charts = metrics.ByCaseType.Select(m => Charts.Svg($"{m.CaseType}", QualityCharts.ConfusionMatrix(m), 300, 260)).ToList(),
                    Tables = [Table("by_case_type", "Per case type", "case_type", [.. metrics.ByCaseType, metrics.Overall], m => m.CaseType ?? "all")],
                },
                new Section($"Estimated vs measured — {period.Short}")
                {
                    Note = "Measured: over labelled cases (n = the figure's labelled denominator). Estimated: over every decision, a labelled case counting its label and an "
                        + "unlabelled one its calibration-map share p (block: p to TP, 1 − p to FP; pass: p to TN, 1 − p to FN). Trust the estimate less when label completeness is low "
                        + "and the unlabelled cases differ from the labelled ones within a confidence bin (docs/metrics.md).",
                    Bullets = [.. RiskOps.Reports.Pdf.EstimatedVsMeasured.Lines(metrics.Overall), "All case types: " + RiskOps.Reports.Pdf.EstimatedVsMeasured.Completeness(metrics.Overall) + "."],
                    Tables = [EstimateTable([.. metrics.ByCaseType, metrics.Overall])],
                },
                new Section($"Per model version — {period.Short}")
                {
                    Tables = [Table("by_model_version", "Per model version", "model_version", metrics.ByModelVersion, m => m.ModelVersion)],
                },
            ]);
    }

    private static TableModel Table(string id, string title, string keyColumn, IReadOnlyList<MetricSet> rows, Func<MetricSet, string?> key) => new(
        id,
        title,
        [keyColumn, .. ConfusionColumns],
        rows.Select(m => (IReadOnlyList<Cell>)
        [
            key(m) ?? Format.None, Format.Count(m.Tp), Format.Count(m.Fp), Format.Count(m.Tn), Format.Count(m.Fn),
            Cell.Of(KpiCatalogue.Precision, m), Interval(m.PrecisionCiLow, m.PrecisionCiHigh),
            Cell.Of(KpiCatalogue.Recall, m), Interval(m.RecallCiLow, m.RecallCiHigh),
            Format.Num(m.F1), Format.Pct(m.Accuracy), KpiCatalogue.RecallAuto.Show(m.RecallAuto, Format.None),
        ]).ToList());

    private static TableModel EstimateTable(IReadOnlyList<MetricSet> rows) => new(
        "estimates",
        "Measured on labelled cases vs estimated for all decisions",
        ["case_type", "decisions", "labeled", "label_completeness", "precision", "precision_est", "recall", "recall_est", "accuracy", "accuracy_est"],
        rows.Select(m => (IReadOnlyList<Cell>)
        [
            m.CaseType ?? "all", Format.Count(m.Decisions), Format.Count(m.LabeledCases), Format.Pct(m.LabelCompleteness),
            Cell.Of(KpiCatalogue.Precision, m), Format.Pct(m.PrecisionEst), Cell.Of(KpiCatalogue.Recall, m), Format.Pct(m.RecallEst),
            new Cell(Format.Pct(m.Accuracy)) { N = m.AccuracyN }, Format.Pct(m.AccuracyEst),
        ]).ToList());

    private static string Interval(double? low, double? high) =>
        low is { } l && high is { } h ? $"{Format.Pct(l).Replace(" %", "", StringComparison.Ordinal)}–{Format.Pct(h)}" : Format.None;
}
