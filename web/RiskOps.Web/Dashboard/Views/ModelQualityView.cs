using RiskOps.Reports.Charts;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>Model quality: confusion matrix per case type, precision/recall trend with Wilson intervals, per model version.</summary>
internal static class ModelQualityView
{
    private static readonly string[] ConfusionColumns =
        ["tp", "fp", "tn", "fn", "precision [95 % CI]", "recall [95 % CI]", "f1", "accuracy", "recall_auto_decided"];

    /// <summary>Builds the page.</summary>
    public static PageView Build(PageRequest request)
    {
        var metrics = request.Data.Metrics(request.Filters.Metrics, request.AsOf, MetricsDetail.Overview);
        return new PageView(
            "model",
            "Model quality",
            "Labeled cases only (a case with a decision and a latest label); positive class = block. Intervals are 95 % Wilson score intervals.",
            [
                new Section("Precision and recall per week")
                {
                    Charts = metrics.ByWeek.Count > 0 ? [Charts.Svg("Precision and recall per week (95 % Wilson)", QualityCharts.PrecisionRecallTrend(metrics.ByWeek))] : [],
                    Tables = [Table("weekly", "Per week", "week", metrics.ByWeek, m => m.Week)],
                },
                new Section("Confusion matrix per case type")
                {
                    Charts = metrics.ByCaseType.Select(m => Charts.Svg($"{m.CaseType}", QualityCharts.ConfusionMatrix(m), 300, 260)).ToList(),
                    Tables = [Table("by_case_type", "Per case type", "case_type", [.. metrics.ByCaseType, metrics.Overall], m => m.CaseType ?? "all")],
                },
                new Section("Per model version")
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
            new Cell(Format.PctCi(m.Precision, m.PrecisionCiLow, m.PrecisionCiHigh), Rag: Target.Precision.Judge(m.Precision)),
            new Cell(Format.PctCi(m.Recall, m.RecallCiLow, m.RecallCiHigh), Rag: Target.Recall.Judge(m.Recall)),
            Format.Num(m.F1), Format.Pct(m.Accuracy), Format.Pct(m.RecallAuto),
        ]).ToList());
}
