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
        var (caseTypes, caseTypeNote) = request.Bound(metrics.ByCaseType, m => m.CaseType, (f, rest) => f with { CaseTypes = rest }, "case types");
        var (versions, versionNote) = request.Bound(metrics.ByModelVersion, m => m.ModelVersion, (f, rest) => f with { ModelVersions = rest }, "model versions");
        return new PageView(
            "model",
            "Model quality",
            $"{period.Label}. Labeled cases only (a case with a decision and a latest label); positive class = block. "
                + "Intervals are 95 % Wilson score intervals; a figure with n < 30 is greyed and has no status.",
            [
                new Section($"Precision and recall per week ({trend.Count} weeks ending {period.Short})")
                {
                    Charts = weeks.Count > 0 ? [Charts.Svg("Precision and recall per week (95 % Wilson)", QualityCharts.PrecisionRecallTrend(weeks), 640, 340)] : [],
                    Tables = [Table("weekly", "Per week", "week", trend.Where(w => w.Set is not null).Select(w => (w.Week, w.Set!)).Reverse().ToList())],
                },
                new Section($"Confusion matrix per case type — {period.Short}")
                {
                    Note = caseTypeNote,
                    Charts = caseTypes.Select(r => Charts.Svg(r.Label, QualityCharts.ConfusionMatrix(r.Set), 300, 260)).ToList(),
                    Tables = [Table("by_case_type", "Per case type", "case_type", [.. caseTypes, ("all", metrics.Overall)])],
                },
                new Section($"Estimated vs measured — {period.Short}")
                {
                    Note = "Measured: over labelled cases (n = the figure's labelled denominator). Estimated: over every decision, a labelled case counting its label and an "
                        + "unlabelled one its calibration-map share p (block: p to TP, 1 − p to FP; pass: p to TN, 1 − p to FN). Trust the estimate less when label completeness is low "
                        + "and the unlabelled cases differ from the labelled ones within a confidence bin (docs/metrics.md).",
                    Bullets = [.. RiskOps.Reports.Pdf.EstimatedVsMeasured.Lines(metrics.Overall), "All case types: " + RiskOps.Reports.Pdf.EstimatedVsMeasured.Completeness(metrics.Overall) + "."],
                    Tables = [EstimateTable([.. caseTypes, ("all", metrics.Overall)])],
                },
                OverturnView.ModelSection(request),
                Backtest(request),
                new Section($"Per model version — {period.Short}")
                {
                    Note = versionNote,
                    Tables = [Table("by_model_version", "Per model version", "model_version", versions)],
                },
                DriftSection.Build(request),
            ]);
    }

    private static TableModel Table(string id, string title, string keyColumn, IReadOnlyList<(string Key, MetricSet Set)> rows) => new(
        id,
        title,
        [keyColumn, .. ConfusionColumns],
        rows.Select(r => (r.Key, m: r.Set)).Select(r => (IReadOnlyList<Cell>)
        [
            r.Key, Format.Count(r.m.Tp), Format.Count(r.m.Fp), Format.Count(r.m.Tn), Format.Count(r.m.Fn),
            Cell.Of(KpiCatalogue.Precision, r.m), Interval(r.m.PrecisionCiLow, r.m.PrecisionCiHigh),
            Cell.Of(KpiCatalogue.Recall, r.m), Interval(r.m.RecallCiLow, r.m.RecallCiHigh),
            Format.Num(r.m.F1), Format.Pct(r.m.Accuracy), Cell.Of(KpiCatalogue.RecallAuto, r.m),
        ]).ToList());

    /// <summary>The estimate backtest over the trend's weeks: each week's estimate as computable at its end vs the labelled figure now.</summary>
    private static Section Backtest(PageRequest request)
    {
        var report = request.Data.EstimateBacktest(request.Period.Trend, request.AsOf);
        var notes = new List<string>
        {
            $"Mean |error| against the figure measured now — precision: estimate {Format.Num(report.PrecisionEstMeanAbsError)}, labelled cases known then {Format.Num(report.PrecisionMeasuredThenMeanAbsError)}; "
                + $"recall: estimate {Format.Num(report.RecallEstMeanAbsError)}, labelled cases known then {Format.Num(report.RecallMeasuredThenMeanAbsError)}.",
        };
        if (report.Weeks.Count > 0 && report.Weeks.All(w => w.LabeledThen == 0))
        {
            notes.Add("No label had been ingested by any of these weeks' ends (a lake loaded in one go, such as the demo, has no label history): the estimates then rest on the agent's own confidence alone, which is what the gap shows.");
        }

        return new Section("Estimate backtest — what the estimate said at each week's end")
        {
            Note = "Per complete week of the trend: the estimate as it could be computed at the week's end (Monday 00:00 UTC), from the labels ingested by then (by ingested_at) and "
                + "a calibration map of those labels; beside the labelled figure known then and the labelled figure measured now, once the labels are in. Only weeks that ended by the as-of.",
            Bullets = notes,
            Tables =
            [
                new TableModel("backtest", "Estimate then vs measured now", ["week", "decisions", "labeled_then", "labeled_now", "precision_est_then", "precision_measured_then", "precision_measured_now", "recall_est_then", "recall_measured_then", "recall_measured_now"],
                    report.Weeks.Reverse().Select(w => (IReadOnlyList<Cell>)
                    [
                        w.Week, Format.Count(w.Decisions), $"{Format.Count(w.LabeledThen)} ({Format.Pct(w.LabelCompletenessThen)})", $"{Format.Count(w.LabeledNow)} ({Format.Pct(w.LabelCompletenessNow)})",
                        Format.Pct(w.PrecisionEstThen), new Cell(Format.Pct(w.PrecisionMeasuredThen)) { N = w.PrecisionMeasuredThenN }, new Cell(Format.Pct(w.PrecisionMeasuredNow)) { N = w.PrecisionMeasuredNowN },
                        Format.Pct(w.RecallEstThen), new Cell(Format.Pct(w.RecallMeasuredThen)) { N = w.RecallMeasuredThenN }, new Cell(Format.Pct(w.RecallMeasuredNow)) { N = w.RecallMeasuredNowN },
                    ]).ToList())
                {
                    Empty = "No complete week in the trend.",
                },
            ],
        };
    }

    private static TableModel EstimateTable(IReadOnlyList<(string Key, MetricSet Set)> rows) => new(
        "estimates",
        "Measured on labelled cases vs estimated for all decisions",
        ["case_type", "decisions", "labeled", "label_completeness", "precision", "precision_est", "recall", "recall_est", "accuracy", "accuracy_est"],
        rows.Select(((string Key, MetricSet Set) r) =>
        {
            var m = r.Set;
            return (IReadOnlyList<Cell>)
        [
            r.Key, Format.Count(m.Decisions), Format.Count(m.LabeledCases), Format.Pct(m.LabelCompleteness),
            Cell.Of(KpiCatalogue.Precision, m), Format.Pct(m.PrecisionEst), Cell.Of(KpiCatalogue.Recall, m), Format.Pct(m.RecallEst),
            new Cell(Format.Pct(m.Accuracy)) { N = m.AccuracyN }, Format.Pct(m.AccuracyEst),
        ];
        }).ToList());

    private static string Interval(double? low, double? high) =>
        low is { } l && high is { } h ? $"{Format.Pct(l).Replace(" %", "", StringComparison.Ordinal)}–{Format.Pct(h)}" : Format.None;
}
