using RiskOps.Sql.Model;
using ScottPlot;

namespace RiskOps.Reports.Charts;

/// <summary>
/// The charts shared by the dashboard (SVG) and the PDF pack (drawn on a Skia PDF canvas).
/// Each method builds a ScottPlot <see cref="Plot"/> from warehouse results; <see cref="ChartRender"/> renders it.
/// </summary>
public static class QualityCharts
{
    /// <summary>Reliability diagram: observed accuracy vs mean confidence per bin, with the diagonal.</summary>
    public static Plot Reliability(IReadOnlyList<ReliabilityBin> bins) => throw new NotImplementedException();

    /// <summary>Threshold sweep: pipeline precision/recall and automation vs threshold, recommendation marked.</summary>
    public static Plot ThresholdSweep(CaseTypeSweep sweep) => throw new NotImplementedException();

    /// <summary>Precision and recall per week with Wilson intervals.</summary>
    public static Plot PrecisionRecallTrend(IReadOnlyList<MetricSet> byWeek) => throw new NotImplementedException();

    /// <summary>Confusion matrix heatmap (2×2) of one slice.</summary>
    public static Plot ConfusionMatrix(MetricSet slice) => throw new NotImplementedException();

    /// <summary>A small line of one figure over weeks (nulls are gaps).</summary>
    public static Plot Sparkline(IReadOnlyList<double?> values) => throw new NotImplementedException();

    /// <summary>Open backlog ageing buckets (0–4 h, 4–24 h, 1–3 d, &gt; 3 d).</summary>
    public static Plot BacklogAgeing(MetricSet slice) => throw new NotImplementedException();

    /// <summary>QA decision accuracy per vendor or reviewer against the 98 % benchmark.</summary>
    public static Plot DecisionAccuracy(IReadOnlyList<QualityRow> rows) => throw new NotImplementedException();

    /// <summary>Weekly error counts of one cluster.</summary>
    public static Plot ClusterTrend(Cluster cluster) => throw new NotImplementedException();
}

/// <summary>Renders plots as SVG text (dashboard) or onto a Skia canvas (PDF).</summary>
public static class ChartRender
{
    /// <summary>SVG markup of the plot at the given pixel size.</summary>
    public static string ToSvg(Plot plot, int width, int height) => throw new NotImplementedException();

    /// <summary>Draws the plot onto a Skia canvas (e.g. a PDF page) in the given rectangle.</summary>
    public static void Draw(Plot plot, SkiaSharp.SKCanvas canvas, SkiaSharp.SKRect rect) => throw new NotImplementedException();
}
