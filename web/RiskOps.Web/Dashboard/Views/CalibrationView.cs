using System.Globalization;
using RiskOps.Reports.Charts;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>Calibration and thresholds: reliability diagram, ECE/Brier trend, threshold sweep with the recommendation.</summary>
internal static class CalibrationView
{
    /// <summary>Builds the page.</summary>
    public static PageView Build(PageRequest request)
    {
        var period = request.Period;
        var metrics = request.Data.Metrics(request.Filters.Metrics, request.AsOf, MetricsDetail.Overview);
        var trendWeeks = request.Trend();
        var thresholds = request.Data.Thresholds(request.Filters.Metrics);
        var pooled = metrics.Reliability.Where(b => b.Dimension == "overall").OrderBy(b => b.Bin).ToList();
        // Case types are bounded like every category list: the most decided get their bins, sweep charts and rows; the
        // rest are one "other" row (per-case-type calibration) or a note (a sweep of pooled case types would mix thresholds).
        var (caseTypes, caseTypeNote) = request.Bound(metrics.ByCaseType, m => m.CaseType, (f, rest) => f with { CaseTypes = rest }, "case types");
        var sweeps = Categories.Top(thresholds.ByCaseType, s => s.Decisions);
        var shown = sweeps.Shown.Select(s => s.CaseType).ToHashSet(StringComparer.Ordinal);
        var sweepNote = sweeps.Rest.Count == 0 ? null
            : $"The {Format.Count(sweeps.Shown.Count)} case types with the most decisions of {Format.Count(sweeps.Shown.Count + sweeps.Rest.Count)} are swept here; the other "
                + $"{Format.Count(sweeps.Rest.Count)} ({Format.Count(sweeps.Rest.Sum(s => s.LabeledCases))} labeled cases) are not: filter by case type to see one.";

        var reliability = new Section($"Reliability — {period.Short}")
        {
            Note = $"Over {Format.Count(metrics.Overall.LabeledCases)} labeled cases of {period.Short}, correct = TP or TN; bin k = min(floor(10·confidence), 9). "
                + $"ECE {Format.Num(metrics.Overall.Ece)}, Brier {Format.Num(metrics.Overall.Brier)}."
                + (sweeps.Rest.Count == 0 ? "" : $" Per-case-type bins of the {Format.Count(sweeps.Shown.Count)} case types with the most decisions only."),
            Charts = pooled.Count > 0 ? [Charts.Svg("Reliability diagram (all case types)", QualityCharts.Reliability(pooled), 420, 360)] : [],
            Tables =
            [
                new TableModel("reliability", "Reliability bins (all case types, then per case type)", ["case_type", "bin", "range", "cases", "mean_confidence", "observed_accuracy"],
                    metrics.Reliability.Where(b => b.Dimension != "week" && (b.CaseType is null || shown.Contains(b.CaseType)))
                        .OrderBy(b => b.CaseType is not null).ThenBy(b => b.CaseType, StringComparer.Ordinal).ThenBy(b => b.Bin)
                        .Select(b => (IReadOnlyList<Cell>)
                        [
                            b.CaseType is null ? "all" : Categories.Label(b.CaseType), b.Bin.ToString(CultureInfo.InvariantCulture), $"[{Format.Num(b.BinLow, 1)}, {Format.Num(b.BinHigh, 1)})",
                            Format.Count(b.Count), Format.Num(b.MeanConfidence), Format.Num(b.ObservedAccuracy),
                        ]).ToList()),
            ],
        };

        var trend = new Section($"ECE and Brier per week ({trendWeeks.Count} weeks ending {period.Short})")
        {
            Note = caseTypeNote,
            Charts = trendWeeks.Count > 0
                ? [Charts.Trend("ECE per week (lower is better)", trendWeeks, KpiCatalogue.Ece), Charts.Trend("Brier score per week (lower is better)", trendWeeks, KpiCatalogue.Brier)]
                : [],
            Tables =
            [
                new TableModel("calibration_weekly", "Calibration per week", ["week", "labeled", "ece", "brier"],
                    trendWeeks.Where(w => w.Set is not null).Reverse().Select(w => (IReadOnlyList<Cell>)[w.Week, Format.Count(w.Set!.LabeledCases), Format.Num(w.Set.Ece), Format.Num(w.Set.Brier)]).ToList()),
                new TableModel("calibration_by_case_type", $"Calibration per case type — {period.Short}", ["case_type", "labeled", "ece", "brier"],
                    caseTypes.Select(r => (IReadOnlyList<Cell>)[r.Label, Format.Count(r.Set.LabeledCases), Format.Num(r.Set.Ece), Format.Num(r.Set.Brier)]).ToList()),
            ],
        };

        var sweep = new Section($"Threshold sweep — {period.Short}")
        {
            Note = "Pipeline precision/recall if cases below t go to a human who is right; automation = share of labeled cases at or above t. "
                + "Recommended = the lowest t with precision > 95 % and recall > 99 %, stated with the labeled cases behind it: "
                + "a recommendation from fewer than 30 labeled cases is greyed (n < 30) and is not to be acted on. Its interval runs from the lowest t at which both targets are still plausible "
                + "(95 % Wilson upper bounds above them) to the lowest t at which both are shown (lower bounds above them); \"not shown\" = no t up to 0.99 shows them with these labeled cases. "
                + "Reviewer hours = manual cases per day × median handling time."
                + (sweepNote is null ? "" : " " + sweepNote),
            Charts = sweeps.Shown.Where(s => s.Sweep.Count > 0)
                .Select(s => Charts.Svg($"{Categories.Label(s.CaseType)}: recommended {Recommended(s)}", QualityCharts.ThresholdSweep(Labelled(s)))).ToList(),
            Tables =
            [
                new TableModel("recommendations", "Recommended thresholds", ["case_type", "current_threshold", "recommended_threshold", "recommended_interval", "labeled_cases", "median_handling_hours", "automation_at_recommended", "reviewer_hours_per_day_now", "reviewer_hours_per_day_at_recommended"],
                    sweeps.Shown.Select(s => (IReadOnlyList<Cell>)
                    [
                        Categories.Label(s.CaseType), Threshold(s.CurrentThreshold),
                        new Cell(Threshold(s.RecommendedThreshold), Status: s.RecommendedThreshold is null ? null : s.LabeledCases < Kpi.MinimumN ? KpiStatus.SmallSample : KpiStatus.NoTarget)
                        {
                            N = s.LabeledCases,
                        },
                        Interval(s), Format.Count(s.LabeledCases), Format.Num(s.MedianHandlingHours, 2),
                        Format.Pct(At(s, s.RecommendedThreshold)?.Automation), Format.Num(At(s, s.CurrentThreshold)?.ReviewerHoursPerDay, 1), Format.Num(At(s, s.RecommendedThreshold)?.ReviewerHoursPerDay, 1),
                    ]).ToList()),
                new TableModel("sweep", "Full sweep", ["case_type", "threshold", "precision", "recall", "automation", "manual_cases_per_day", "reviewer_hours_per_day"],
                    sweeps.Shown.SelectMany(s => s.Sweep.Select(p => (IReadOnlyList<Cell>)
                    [
                        Categories.Label(s.CaseType), Threshold(p.Threshold), KpiCatalogue.Precision.Show(p.Precision, Format.None), KpiCatalogue.Recall.Show(p.Recall, Format.None),
                        Format.Pct(p.Automation), Format.Num(p.ManualCasesPerDay, 1), Format.Num(p.ReviewerHoursPerDay, 1),
                    ])).ToList()),
            ],
        };

        return new PageView("calibration", "Calibration & thresholds", $"{period.Label}. How well the agent's confidence matches reality, and what each auto-decision threshold would cost and give.", [reliability, trend, sweep, WhatIfSection.Build(request)]);
    }

    /// <summary>"0.96 – 0.99", "0.96 – not shown", "—" (no t makes the targets plausible).</summary>
    private static string Interval(CaseTypeSweep s) => s.RecommendedThresholdCiLow is { } low
        ? $"{Threshold(low)} – {(s.RecommendedThresholdCiHigh is { } high ? Threshold(high) : "not shown")}"
        : Format.None;

    private static string Threshold(double? t) => Format.Num(t, 2);

    /// <summary>The sweep with its case type's label cut, for the chart's title.</summary>
    private static CaseTypeSweep Labelled(CaseTypeSweep s) => s.CaseType.Length <= Categories.MaxLabelLength ? s : new CaseTypeSweep
    {
        CaseType = Categories.Label(s.CaseType), RecommendedThreshold = s.RecommendedThreshold, RecommendedThresholdN = s.RecommendedThresholdN,
        RecommendedThresholdCiLow = s.RecommendedThresholdCiLow, RecommendedThresholdCiHigh = s.RecommendedThresholdCiHigh, CurrentThreshold = s.CurrentThreshold,
        LabeledCases = s.LabeledCases, Decisions = s.Decisions, PeriodDays = s.PeriodDays, MedianHandlingHours = s.MedianHandlingHours, Sweep = s.Sweep,
    };

    /// <summary>The recommendation with the labeled cases behind it: "0.87 (from 412 labeled cases)", "none meets the targets".</summary>
    private static string Recommended(CaseTypeSweep s) => s.RecommendedThreshold is null
        ? $"none meets the targets ({Format.Count(s.LabeledCases)} labeled cases)"
        : $"{Threshold(s.RecommendedThreshold)} (from {Format.Count(s.LabeledCases)} labeled cases{(s.LabeledCases < Kpi.MinimumN ? ", n < 30" : "")})";

    /// <summary>The sweep point at a threshold (matched at two decimals, the sweep's grid).</summary>
    private static SweepPoint? At(CaseTypeSweep sweep, double? threshold) =>
        threshold is { } t ? sweep.Sweep.FirstOrDefault(p => Math.Round(p.Threshold, 2) == Math.Round(t, 2)) : null;
}
