using System.Globalization;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;
using ScottPlot;

namespace RiskOps.Reports.Charts;

/// <summary>
/// The charts shared by the dashboard (SVG) and the PDF pack (drawn on a Skia PDF canvas).
/// Each method builds a ScottPlot <see cref="Plot"/> from warehouse results; <see cref="ChartRender"/> renders it.
/// Every chart copes with empty input and null figures: it draws an empty frame saying "no data" instead of failing.
/// </summary>
public static class QualityCharts
{
    /// <summary>The text an empty chart shows.</summary>
    public const string NoDataText = "no data";

    private static readonly Color _precisionColor = Color.FromHex("#1f77b4");
    private static readonly Color _recallColor = Color.FromHex("#d62728");
    private static readonly Color _automationColor = Color.FromHex("#2ca02c");
    private static readonly Color _targetColor = Color.FromHex("#7f7f7f");
    private static readonly Color _good = Color.FromHex("#2e7d32");
    private static readonly Color _bad = Color.FromHex("#c62828");
    private static readonly Color _neutral = Color.FromHex("#546e7a");
    private static readonly Color _small = Color.FromHex("#b0bec5");

    /// <summary>At most this many categories are drawn as their own bar; the rest are pooled as "other".</summary>
    public const int MaxCategories = 12;

    /// <summary>Category labels longer than this are cut with an ellipsis.</summary>
    public const int MaxLabelLength = 14;

    /// <summary>The x-axis label of weekly charts.</summary>
    public const string WeekAxis = "ISO week (UTC)";

    /// <summary>Reliability diagram: observed accuracy vs mean confidence per bin, with the diagonal.</summary>
    public static Plot Reliability(IReadOnlyList<ReliabilityBin> bins)
    {
        var plot = NewPlot("Reliability", "mean confidence", "observed accuracy");
        plot.Add.Line(0, 0, 1, 1).LineStyle = new LineStyle { Color = _targetColor, Pattern = LinePattern.Dashed, Width = 1 };
        var groups = (bins ?? [])
            .Where(b => b.Count > 0 && b.MeanConfidence is not null && b.ObservedAccuracy is not null)
            .GroupBy(b => b.CaseType ?? "all")
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToList();
        if (groups.Count == 0)
        {
            NoData(plot);
        }

        var palette = new ScottPlot.Palettes.Category10();
        var index = 0;
        foreach (var group in groups)
        {
            var ordered = group.OrderBy(b => b.Bin).ToList();
            var scatter = plot.Add.Scatter(
                ordered.Select(b => b.MeanConfidence!.Value).ToArray(),
                ordered.Select(b => b.ObservedAccuracy!.Value).ToArray(),
                palette.GetColor(index++));
            scatter.MarkerSize = 6;
            scatter.LegendText = groups.Count > 1 ? group.Key : "agent";
        }

        plot.Axes.SetLimits(0, 1, 0, 1.02);
        if (groups.Count > 1)
        {
            plot.ShowLegend(Alignment.UpperLeft);
        }

        return plot;
    }

    /// <summary>Threshold sweep: pipeline precision/recall and automation vs threshold, recommendation marked.</summary>
    public static Plot ThresholdSweep(CaseTypeSweep sweep)
    {
        var plot = NewPlot(sweep is null ? "Threshold sweep" : $"Threshold sweep — {CategoryBounds.Label(sweep.CaseType)}", "auto-decision threshold t", "share of labeled cases");
        var points = sweep?.Sweep.OrderBy(p => p.Threshold).ToList() ?? [];
        if (points.Count == 0)
        {
            NoData(plot);
            plot.Axes.SetLimits(0.5, 1, 0, 1.02);
            return plot;
        }

        var xs = points.Select(p => p.Threshold).ToArray();
        var any = AddSeries(plot, xs, points.Select(p => p.Precision).ToArray(), _precisionColor, "precision", markers: false);
        any |= AddSeries(plot, xs, points.Select(p => p.Recall).ToArray(), _recallColor, "recall", markers: false);
        any |= AddSeries(plot, xs, points.Select(p => p.Automation).ToArray(), _automationColor, "automation", markers: false);
        if (!any)
        {
            NoData(plot);
        }

        TargetLine(plot, KpiCatalogue.Precision, _precisionColor);
        TargetLine(plot, KpiCatalogue.Recall, _recallColor);
        if (sweep!.RecommendedThreshold is { } recommended)
        {
            var line = plot.Add.VerticalLine(recommended, 1.5f, Colors.Black, LinePattern.Dashed);
            line.LegendText = "recommended " + Fmt(recommended, "0.00");
        }

        if (sweep.CurrentThreshold is { } current)
        {
            var line = plot.Add.VerticalLine(current, 1, _neutral, LinePattern.Dotted);
            line.LegendText = "current " + Fmt(current, "0.00");
        }

        plot.Axes.SetLimits(xs[0], xs[^1], 0, 1.08);
        LegendBelow(plot);
        return plot;
    }

    /// <summary>
    /// Precision and recall per week with their 95 % Wilson intervals: each whisker is drawn at its own point's x (the
    /// two series sit a little left and right of the week's tick so their whiskers do not overlap), weeks labelled,
    /// target lines labelled, the legend under the plot.
    /// </summary>
    public static Plot PrecisionRecallTrend(IReadOnlyList<MetricSet> byWeek) => PrecisionRecallTrend(byWeek, shortTargets: false);

    /// <summary>
    /// <see cref="PrecisionRecallTrend(IReadOnlyList{MetricSet})"/>; with <paramref name="shortTargets"/> the target lines are
    /// named "target &gt; 95 %" in their series' colour, so the legend of a small chart (the pack's case types) is one row.
    /// </summary>
    public static Plot PrecisionRecallTrend(IReadOnlyList<MetricSet> byWeek, bool shortTargets)
    {
        var plot = NewPlot("Precision and recall by week", WeekAxis, "share (95 % interval)");
        var weeks = (byWeek ?? []).ToList();
        if (weeks.Count == 0 || weeks.All(w => w.Precision is null && w.Recall is null))
        {
            NoData(plot);
            plot.Axes.SetLimits(0, 1, 0, 1.02);
            return plot;
        }

        var xs = Enumerable.Range(0, weeks.Count).Select(i => (double)i).ToArray();
        const double offset = 0.1;
        var left = xs.Select(x => x - offset).ToArray();
        var right = xs.Select(x => x + offset).ToArray();
        AddSeries(plot, left, weeks.Select(w => w.Precision).ToArray(), _precisionColor, "precision", markers: true);
        AddInterval(plot, left, weeks.Select(w => (w.Precision, w.PrecisionCiLow, w.PrecisionCiHigh)).ToArray(), _precisionColor);
        AddSeries(plot, right, weeks.Select(w => w.Recall).ToArray(), _recallColor, "recall", markers: true);
        AddInterval(plot, right, weeks.Select(w => (w.Recall, w.RecallCiLow, w.RecallCiHigh)).ToArray(), _recallColor);
        TargetLine(plot, KpiCatalogue.Precision, _precisionColor, shortTargets);
        TargetLine(plot, KpiCatalogue.Recall, _recallColor, shortTargets);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs, weeks.Select(w => ShortWeek(w.Week)).ToArray());
        var lows = weeks.SelectMany(w => new[] { w.PrecisionCiLow ?? w.Precision, w.RecallCiLow ?? w.Recall })
            .Where(v => v is not null).Select(v => v!.Value).DefaultIfEmpty(0).Min();
        plot.Axes.SetLimits(-0.5, weeks.Count - 0.5, Math.Max(0, Math.Min(0.9, Math.Floor(lows * 20) / 20 - 0.05)), 1.03);
        LegendBelow(plot);
        return plot;
    }

    /// <summary>
    /// One figure per week with labelled axes and week labels (ECE, Brier, SLA compliance…): a line with markers, the
    /// KPI's target as a labelled line when it has one, and weeks without a value left as gaps.
    /// </summary>
    /// <param name="title">The chart title.</param>
    /// <param name="weeks">Week labels (YYYY-Www), oldest first.</param>
    /// <param name="values">One value per week (null = no figure).</param>
    /// <param name="kpi">The KPI (axis format and target line).</param>
    public static Plot WeeklyTrend(string title, IReadOnlyList<string?> weeks, IReadOnlyList<double?> values, Kpi kpi)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        var percent = kpi.Format == KpiFormat.Percent;
        var plot = NewPlot(title, WeekAxis, percent ? kpi.Name.Split(" (")[0] + " (%)" : kpi.Name.Split(" (")[0]);
        var labels = (weeks ?? []).ToList();
        var ys = (values ?? []).Select(v => percent && v is { } x ? x * 100 : v).ToArray();
        var xs = Enumerable.Range(0, ys.Length).Select(i => (double)i).ToArray();
        if (!AddSeries(plot, xs, ys, _precisionColor, null, markers: true))
        {
            NoData(plot);
        }

        var present = ys.Where(v => v is not null).Select(v => v!.Value).ToList();
        var high = present.DefaultIfEmpty(percent ? 100 : 0.1).Max();
        var low = present.DefaultIfEmpty(0).Min();
        if (kpi.Target is { } target && percent)
        {
            var line = plot.Add.HorizontalLine(target.Goal * 100, 1.2f, Colors.Black.WithAlpha(0.6), LinePattern.Dashed);
            line.LegendText = "target " + target.Text;
            LegendBelow(plot);
            low = Math.Min(low, target.Goal * 100);
            high = Math.Max(high, target.Goal * 100);
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(xs, labels.Select(ShortWeek).ToArray());
        var span = Math.Max(high - low, percent ? 2 : 0.01);
        plot.Axes.SetLimits(-0.5, Math.Max(0.5, ys.Length - 0.5), percent ? Math.Max(0, low - span * 0.25) : 0, percent ? Math.Min(101, high + span * 0.25) : high + span * 0.3);
        return plot;
    }

    /// <summary>
    /// Confusion matrix heatmap (2×2) of one slice, titled with its case type (cut) unless <paramref name="named"/> is false
    /// (a narrow chart under a heading that names it).
    /// </summary>
    public static Plot ConfusionMatrix(MetricSet slice, bool named = true)
    {
        var plot = NewPlot(named && slice?.CaseType is { } type ? $"Confusion — {CategoryBounds.Label(type)}" : "Confusion matrix", "AI decision", "truth");
        var tp = slice?.Tp ?? 0;
        var fp = slice?.Fp ?? 0;
        var tn = slice?.Tn ?? 0;
        var fn = slice?.Fn ?? 0;
        var total = tp + fp + tn + fn;

        // Drawn as rectangles and text, not a bitmap heatmap, so the PDF keeps the counts as selectable text.
        var cells = new (double X, double Y, string Name, long Count, bool Correct)[]
        {
            (0, 1, "TP", tp, true), (1, 1, "FN", fn, false),
            (0, 0, "FP", fp, false), (1, 0, "TN", tn, true),
        };
        foreach (var cell in cells)
        {
            var share = total == 0 ? 0 : (double)cell.Count / total;
            var baseColor = cell.Correct ? _good : _bad;
            var rect = plot.Add.Rectangle(cell.X, cell.X + 1, cell.Y, cell.Y + 1);
            rect.FillStyle.Color = baseColor.WithAlpha(0.12 + 0.6 * share);
            rect.LineStyle.Color = Colors.White;
            rect.LineStyle.Width = 2;
            var text = plot.Add.Text($"{cell.Name}\n{cell.Count.ToString(CultureInfo.InvariantCulture)}", cell.X + 0.5, cell.Y + 0.5);
            text.Alignment = Alignment.MiddleCenter;
            text.LabelStyle.FontSize = 14;
            text.LabelStyle.Bold = true;
        }

        if (total == 0)
        {
            NoData(plot);
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([0.5, 1.5], ["block", "pass"]);
        plot.Axes.Left.TickGenerator = new ScottPlot.TickGenerators.NumericManual([0.5, 1.5], ["pass", "block"]);
        plot.Grid.IsVisible = false;
        plot.Axes.SetLimits(0, 2, 0, 2);
        return plot;
    }

    /// <summary>A small line of one figure over weeks (nulls are gaps).</summary>
    public static Plot Sparkline(IReadOnlyList<double?> values)
    {
        var plot = new Plot();
        Style(plot);
        var ys = (values ?? []).ToArray();
        var xs = Enumerable.Range(0, ys.Length).Select(i => (double)i).ToArray();
        if (!AddSeries(plot, xs, ys, _precisionColor, null, markers: ys.Length == 1))
        {
            NoData(plot);
        }

        plot.Axes.Frame(false);
        plot.HideGrid();
        foreach (var axis in plot.Axes.GetAxes())
        {
            axis.IsVisible = false;
        }

        plot.Layout.Frameless();
        return plot;
    }

    /// <summary>Open backlog ageing buckets (0–4 h, 4–24 h, 1–3 d, &gt; 3 d).</summary>
    public static Plot BacklogAgeing(MetricSet slice)
    {
        var plot = NewPlot("Open backlog ageing", "age of open cases at the as-of", "open cases");
        var counts = new[]
        {
            slice?.Backlog0To4h ?? 0, slice?.Backlog4To24h ?? 0, slice?.Backlog1To3d ?? 0, slice?.BacklogOver3d ?? 0,
        };
        string[] labels = ["0–4 h", "4–24 h", "1–3 d", "> 3 d"];
        var bars = new List<Bar>();
        for (var i = 0; i < counts.Length; i++)
        {
            bars.Add(new Bar
            {
                Position = i,
                Value = counts[i],
                FillColor = i == 0 ? _good : i == 1 ? Color.FromHex("#f9a825") : _bad,
                Label = counts[i].ToString(CultureInfo.InvariantCulture),
            });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual([0, 1, 2, 3], labels);
        if (counts.All(c => c == 0))
        {
            NoData(plot);
            plot.Axes.SetLimits(-0.5, 3.5, 0, 1);
        }
        else
        {
            plot.Axes.SetLimits(-0.5, 3.5, 0, counts.Max() * 1.15);
        }

        return plot;
    }

    /// <summary>
    /// QA decision accuracy per vendor (or org) against the target, in percent: at most <see cref="MaxCategories"/> bars
    /// (the most audited; the rest pooled as "other"), labels cut to <see cref="MaxLabelLength"/> characters, each bar's
    /// value and n written on it, bars with n &lt; 30 grey (no status), and a labelled target line. The y-axis ends at
    /// 100 % (an accuracy cannot pass it): a value label that would not fit above its bar sits inside the bar's top, and
    /// the axis gets a little headroom only when the target itself is 100 % and its line would lie on the frame.
    /// </summary>
    public static Plot DecisionAccuracy(IReadOnlyList<QualityRow> rows)
    {
        var kpi = KpiCatalogue.DecisionAccuracy;
        var shown = Bound((rows ?? []).Where(r => r.DecisionAccuracy is not null && r.QaAudits > 0).ToList());
        var dimension = shown.Select(r => r.Dimension).Distinct(StringComparer.Ordinal).ToList() is [{ } one] && one.Length > 0 ? one : "vendor / org";
        var plot = NewPlot("QA decision accuracy", dimension, "QA audits judged correct (%)");
        var goal = kpi.Target!.Goal * 100;
        var top = goal >= 99.95 ? 100 + AccuracyHeadroom : 100;
        LegendBelow(plot);
        if (shown.Count == 0)
        {
            plot.Add.HorizontalLine(goal, 1.5f, Colors.Black, LinePattern.Dashed).LegendText = "target " + kpi.Target.Text;
            NoData(plot);
            plot.Axes.SetLimits(-0.5, 0.5, 0, top);
            return plot;
        }

        var low = Math.Max(0, Math.Min(90, Math.Floor(shown.Min(r => r.DecisionAccuracy!.Value) * 20) * 5 - 5));
        var bars = shown.Select((r, i) => new Bar
        {
            Position = i,
            Value = r.DecisionAccuracy!.Value * 100,
            ValueBase = low,
            FillColor = kpi.Status(r.DecisionAccuracy, r.QaAudits) switch
            {
                KpiStatus.Green => _good,
                KpiStatus.Amber => Color.FromHex("#f9a825"),
                KpiStatus.Red => _bad,
                _ => _small,
            },
        }).ToList();
        plot.Add.Bars(bars);
        // Over the bars, so each bar reads against the target.
        plot.Add.HorizontalLine(goal, 1.5f, Colors.Black, LinePattern.Dashed).LegendText = "target " + kpi.Target.Text;
        var room = LabelRoom * (top - low);
        for (var i = 0; i < shown.Count; i++)
        {
            var value = bars[i].Value;
            // Above the bar when the two-line label stays below the target line and the frame; else inside the bar at its
            // foot (a tall bar: far from the target line near the top), white on a red or green bar, dark on amber and grey.
            var inside = value + room > Math.Min(goal, top);
            var label = plot.Add.Text(kpi.Show(shown[i].DecisionAccuracy) + "\nn=" + shown[i].QaAudits.ToString(CultureInfo.InvariantCulture), i, inside ? low : value);
            label.LabelStyle.FontSize = 9;
            label.LabelStyle.Alignment = Alignment.LowerCenter;
            label.LabelStyle.ForeColor = inside && (bars[i].FillColor == _good || bars[i].FillColor == _bad) ? Colors.White : Colors.Black;
            label.LabelStyle.Bold = inside;
            label.OffsetY = -3;
        }

        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            shown.Select((_, i) => (double)i).ToArray(),
            shown.Select(r => Truncate(r.Value ?? r.Vendor ?? r.Org ?? "—")).ToArray());
        plot.Axes.SetLimits(-0.5, shown.Count - 0.5, low, top);
        return plot;
    }

    /// <summary>Percentage points above 100 % the accuracy axis gets when the target is 100 % (its line would lie on the frame).</summary>
    public const double AccuracyHeadroom = 2;

    /// <summary>The share of the accuracy axis a two-line value label needs above its bar; a bar closer to the frame has it inside.</summary>
    private const double LabelRoom = 0.2;

    /// <summary>The rows with the most QA audits (at most <see cref="MaxCategories"/> − 1) and one pooled "other" row for the rest.</summary>
    internal static List<QualityRow> Bound(List<QualityRow> rows)
    {
        if (rows.Count <= MaxCategories)
        {
            return rows;
        }

        var keep = rows.OrderByDescending(r => r.QaAudits).ThenBy(r => r.Value, StringComparer.Ordinal).Take(MaxCategories - 1).ToList();
        var rest = rows.Except(keep).ToList();
        var audits = rest.Sum(r => r.QaAudits);
        var correct = rest.Sum(r => r.Correct);
        keep.Add(new QualityRow
        {
            Dimension = rows[0].Dimension,
            Value = $"other ({rest.Count})",
            QaAudits = audits,
            Correct = correct,
            DecisionAccuracy = audits == 0 ? null : (double)correct / audits,
        });
        return keep;
    }

    /// <summary>A category label cut to <see cref="MaxLabelLength"/> characters with an ellipsis.</summary>
    public static string Truncate(string label) =>
        label.Length <= MaxLabelLength ? label : label[..(MaxLabelLength - 1)] + "…";

    /// <summary>Weekly error counts of one cluster.</summary>
    public static Plot ClusterTrend(Cluster cluster) => ClusterTrend(cluster, null);

    /// <summary>
    /// Weekly error counts of one cluster: <paramref name="weeks"/> when given (the pack's trailing weeks, zeros included,
    /// so a pattern found in one week still shows whether it caught errors before), else the cluster's own weekly counts.
    /// </summary>
    public static Plot ClusterTrend(Cluster cluster, IReadOnlyList<WeeklyCount>? weeks)
    {
        var title = cluster is null ? "Cluster trend" : $"{cluster.Label} {string.Join(" + ", cluster.Signals)}";
        var plot = NewPlot(title, weeks is null ? null : "ISO week (UTC)", cluster?.Label is { } label ? label + " cases" : "cases");
        var weekly = (weeks ?? cluster?.Weekly)?.OrderBy(w => w.Week, StringComparer.Ordinal).ToList() ?? [];
        if (weekly.Count == 0)
        {
            NoData(plot);
            plot.Axes.SetLimits(-0.5, 0.5, 0, 1);
            return plot;
        }

        var bars = weekly.Select((w, i) => new Bar
        {
            Position = i,
            Value = w.Count,
            FillColor = cluster!.Label == "FN" ? _recallColor : _precisionColor,
            Label = w.Count.ToString(CultureInfo.InvariantCulture),
        }).ToList();
        plot.Add.Bars(bars);
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            weekly.Select((_, i) => (double)i).ToArray(), weekly.Select(w => ShortWeek(w.Week)).ToArray());
        plot.Axes.SetLimits(-0.5, weekly.Count - 0.5, 0, Math.Max(1, weekly.Max(w => w.Count)) * 1.28);
        return plot;
    }

    private static Plot NewPlot(string title, string? xLabel, string? yLabel)
    {
        var plot = new Plot();
        Style(plot);
        plot.Title(title, 13);
        if (xLabel is not null)
        {
            plot.XLabel(xLabel, 11);
        }

        if (yLabel is not null)
        {
            plot.YLabel(yLabel, 11);
        }

        return plot;
    }

    private static void Style(Plot plot)
    {
        ReportFonts.EnsureRegistered();
        plot.Font.Set(ReportFonts.Family);
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Grid.MajorLineColor = Color.FromHex("#e0e0e0");
    }

    private static void NoData(Plot plot)
    {
        var note = plot.Add.Annotation(NoDataText, Alignment.MiddleCenter);
        note.LabelStyle.FontSize = 14;
        note.LabelStyle.ForeColor = _neutral;
        note.LabelStyle.BackgroundColor = Colors.White;
        note.LabelStyle.BorderColor = Colors.Transparent;
        note.LabelStyle.ShadowColor = Colors.Transparent;
    }

    /// <summary>Adds one line per run of non-null values (a null is a gap); returns whether anything was drawn.</summary>
    private static bool AddSeries(Plot plot, double[] xs, double?[] ys, Color color, string? legend, bool markers)
    {
        var drawn = false;
        var start = 0;
        while (start < ys.Length)
        {
            while (start < ys.Length && ys[start] is null)
            {
                start++;
            }

            var end = start;
            while (end < ys.Length && ys[end] is not null)
            {
                end++;
            }

            if (end > start)
            {
                var scatter = plot.Add.Scatter(xs[start..end], ys[start..end].Select(v => v!.Value).ToArray(), color);
                scatter.LineWidth = 2;
                scatter.MarkerSize = markers || end - start == 1 ? 5 : 0;
                if (!drawn && legend is not null)
                {
                    scatter.LegendText = legend;
                }

                drawn = true;
            }

            start = end;
        }

        return drawn;
    }

    /// <summary>Whiskers at exactly the x of their points, with short caps.</summary>
    private static void AddInterval(Plot plot, double[] xs, (double? Value, double? Low, double? High)[] points, Color color)
    {
        const double cap = 0.05;
        for (var i = 0; i < points.Length; i++)
        {
            if (points[i] is { Low: { } low, High: { } high })
            {
                var style = new LineStyle { Color = color.WithAlpha(0.7), Width = 1.5f };
                plot.Add.Line(xs[i], low, xs[i], high).LineStyle = style;
                plot.Add.Line(xs[i] - cap, low, xs[i] + cap, low).LineStyle = style;
                plot.Add.Line(xs[i] - cap, high, xs[i] + cap, high).LineStyle = style;
            }
        }
    }

    /// <summary>A KPI's target as a dotted line with its label ("precision > 95 %") at the right end.</summary>
    private static void TargetLine(Plot plot, Kpi kpi, Color color, bool shortLabel = false)
    {
        if (kpi.Target is not { } target)
        {
            return;
        }

        // Named in the legend under the plot: a label inside the data area would cover the points near the target.
        var line = plot.Add.HorizontalLine(target.Goal, 1.2f, color.WithAlpha(0.8), LinePattern.Dotted);
        line.LegendText = shortLabel ? $"target {target.Text}" : $"{kpi.Name.ToLowerInvariant()} target {target.Text}";
    }

    /// <summary>The legend under the plot, in rows: it never covers a bar or a point.</summary>
    private static void LegendBelow(Plot plot)
    {
        // The edge panel has a legend of its own (plot.Legend is the hidden in-plot one). Without tight wrapping a
        // horizontal legend narrower than its items stacks one item per line, squeezes the data area to a strip and
        // cuts off the last items.
        var panel = plot.ShowLegend(Edge.Bottom);
        panel.Legend.Orientation = Orientation.Horizontal;
        panel.Legend.TightHorizontalWrapping = true;
        panel.Legend.FontSize = 10;
    }

    /// <summary>"2026-W46" → "W46": the year only crowds the axis (the title or page gives the period).</summary>
    private static string ShortWeek(string? week) =>
        week is { Length: > 3 } && week[^3] == 'W' ? week[^3..] : week ?? "";

    private static string Fmt(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);
}

/// <summary>Renders plots as SVG text (dashboard) or onto a Skia canvas (PDF).</summary>
public static partial class ChartRender
{
    /// <summary>Virtual pixels per PDF point when drawing onto a page.</summary>
    private const float PdfScale = 1.45f;

    /// <summary>SVG markup of the plot at the given pixel size.</summary>
    public static string ToSvg(Plot plot, int width, int height)
    {
        ArgumentNullException.ThrowIfNull(plot);
        ReportFonts.EnsureRegistered();
        return Normalize(plot.GetSvgXml(width, height));
    }

    /// <summary>
    /// Makes the markup deterministic and safe to inline: Skia numbers clip paths from a process-wide counter, so the
    /// ids are renumbered in order of appearance and prefixed with a hash of the content (two different charts on one
    /// page never share an id; the same chart twice gets identical definitions). The XML declaration is dropped so
    /// the markup can sit inside HTML.
    /// </summary>
    private static string Normalize(string svg)
    {
        var start = svg.IndexOf("<svg", StringComparison.Ordinal);
        if (start > 0)
        {
            svg = svg[start..];
        }

        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var numbered = ClipIdPattern().Replace(svg, m =>
        {
            if (!ids.TryGetValue(m.Value, out var index))
            {
                index = ids.Count;
                ids[m.Value] = index;
            }

            return "cl_" + index.ToString(CultureInfo.InvariantCulture);
        });
        var hash = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(numbered)))[..8];
        return ClipIdPattern().Replace(numbered, m => "c" + hash + "_" + m.Value[3..]);
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"\bcl_[0-9A-Fa-f]+\b")]
    private static partial System.Text.RegularExpressions.Regex ClipIdPattern();

    /// <summary>Draws the plot onto a Skia canvas (e.g. a PDF page) in the given rectangle.</summary>
    public static void Draw(Plot plot, SkiaSharp.SKCanvas canvas, SkiaSharp.SKRect rect)
    {
        ArgumentNullException.ThrowIfNull(plot);
        ArgumentNullException.ThrowIfNull(canvas);
        ReportFonts.EnsureRegistered();
        // Charts are laid out in pixels with ~12 px text; on a page measured in points that is too large next to 8 pt
        // body text, so the plot is laid out on a larger virtual canvas and scaled down into the rectangle.
        var width = Math.Max(1, (int)Math.Round(rect.Width * PdfScale));
        var height = Math.Max(1, (int)Math.Round(rect.Height * PdfScale));

        // ScottPlot's first render lays out twice and a recording canvas (PDF) would keep both passes: settle the
        // layout off-screen first so the page gets one clean drawing.
        plot.RenderInMemory(width, height);
        canvas.Save();
        try
        {
            canvas.Translate(rect.Left, rect.Top);
            canvas.Scale(1 / PdfScale);
            canvas.ClipRect(new SkiaSharp.SKRect(0, 0, width, height));
            plot.Render(canvas, width, height);
        }
        finally
        {
            canvas.Restore();
        }
    }
}
