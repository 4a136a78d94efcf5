using RiskOps.Reports.Charts;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;
using ScottPlot;
using SkiaSharp;
using UglyToad.PdfPig;

namespace RiskOps.Reports.Tests.Charts;

public sealed class QualityChartsTests
{
    public static TheoryData<string> ChartNames => new()
    {
        "reliability", "sweep", "trend", "confusion", "sparkline", "backlog", "accuracy", "cluster", "weekly",
    };

    [Theory]
    [MemberData(nameof(ChartNames))]
    public void ToSvg_EmptyInput_DrawsFrameSayingNoData(string name)
    {
        var svg = ChartRender.ToSvg(Build(name, empty: true), 400, 300);

        Assert.StartsWith("<svg", svg.TrimStart());
        Assert.Contains(QualityCharts.NoDataText, svg);
    }

    [Theory]
    [MemberData(nameof(ChartNames))]
    public void ToSvg_WithData_HasNoNoDataNoteAndIsDeterministic(string name)
    {
        var first = ChartRender.ToSvg(Build(name, empty: false), 400, 300);
        var second = ChartRender.ToSvg(Build(name, empty: false), 400, 300);

        Assert.DoesNotContain(QualityCharts.NoDataText, first);
        Assert.Equal(first, second);
    }

    [Fact]
    public void ConfusionMatrix_Counts_AreTextInSvg()
    {
        var svg = ChartRender.ToSvg(QualityCharts.ConfusionMatrix(Slice()), 300, 300);

        Assert.Contains("1234", svg);
        Assert.Contains("56", svg);
        Assert.Contains("7890", svg);
    }

    [Fact]
    public void Sparkline_NullsInMiddle_DrawsTwoSegments()
    {
        var plot = QualityCharts.Sparkline([0.9, 0.95, null, 0.97, 0.96]);

        Assert.Equal(2, plot.GetPlottables<ScottPlot.Plottables.Scatter>().Count());
    }

    [Fact]
    public void Draw_OnPdfPage_KeepsSurroundingTextAndChartTextSelectable()
    {
        using var stream = new MemoryStream();
        using (var document = SKDocument.CreatePdf(stream))
        {
            var canvas = document.BeginPage(595, 842);
            using var font = new SKFont(ReportFonts.Regular, 12);
            using var paint = new SKPaint { Color = SKColors.Black };
            canvas.DrawText("before the chart", 40, 40, font, paint);
            ChartRender.Draw(QualityCharts.ConfusionMatrix(Slice()), canvas, new SKRect(40, 60, 340, 360));
            canvas.DrawText("after the chart", 40, 400, font, paint);
            document.EndPage();
            document.Close();
        }

        using var pdf = PdfDocument.Open(stream.ToArray());
        var text = string.Join(" ", pdf.GetPage(1).GetWords().Select(w => w.Text));
        Assert.Contains("before", text);
        Assert.Contains("after", text);
        Assert.Contains("1234", text);
        // The warm-up render must not leave a second copy of the chart on the page.
        Assert.Single(pdf.GetPage(1).GetWords(), w => w.Text == "1234");
    }

    private static Plot Build(string name, bool empty) => name switch
    {
        "reliability" => QualityCharts.Reliability(empty ? [] :
        [
            new ReliabilityBin { Bin = 7, BinLow = 0.7, BinHigh = 0.8, Count = 10, MeanConfidence = 0.75, ObservedAccuracy = 0.7 },
            new ReliabilityBin { Bin = 9, BinLow = 0.9, BinHigh = 1.0, Count = 90, MeanConfidence = 0.95, ObservedAccuracy = 0.97 },
        ]),
        "sweep" => QualityCharts.ThresholdSweep(new CaseTypeSweep
        {
            CaseType = "ATO",
            RecommendedThreshold = empty ? null : 0.9,
            Sweep = empty ? [] : Enumerable.Range(50, 50).Select(k => new SweepPoint
            {
                Threshold = k / 100.0, Precision = 0.9 + k / 1000.0, Recall = 0.95 + k / 2500.0, Automation = 1 - k / 100.0,
            }).ToList(),
        }),
        "trend" => QualityCharts.PrecisionRecallTrend(empty ? [] :
        [
            new MetricSet { Week = "2026-W45", Precision = 0.96, PrecisionCiLow = 0.94, PrecisionCiHigh = 0.97, Recall = 0.99 },
            new MetricSet { Week = "2026-W46", Precision = null, Recall = 0.98, RecallCiLow = 0.97, RecallCiHigh = 0.99 },
        ]),
        "confusion" => QualityCharts.ConfusionMatrix(empty ? new MetricSet() : Slice()),
        "sparkline" => QualityCharts.Sparkline(empty ? [null, null] : [0.5, null, 0.7]),
        "backlog" => QualityCharts.BacklogAgeing(empty ? new MetricSet() : new MetricSet { Backlog0To4h = 3, BacklogOver3d = 2 }),
        "accuracy" => QualityCharts.DecisionAccuracy(empty ? [new QualityRow { Value = "Acme" }] :
        [
            new QualityRow { Dimension = "vendor", Value = "Acme", QaAudits = 200, Correct = 197, DecisionAccuracy = 0.985 },
            new QualityRow { Dimension = "vendor", Value = "Globex", QaAudits = 40, Correct = 38, DecisionAccuracy = 0.95 },
        ]),
        "cluster" => QualityCharts.ClusterTrend(new Cluster
        {
            CaseType = "ATO", Label = "FP", Signals = ["new_device", "vpn_ip"],
            Weekly = empty ? [] : [new WeeklyCount { Week = "2026-W45", Count = 4 }, new WeeklyCount { Week = "2026-W46", Count = 9 }],
        }),
        "weekly" => QualityCharts.WeeklyTrend("SLA per week", ["2026-W45", "2026-W46"], empty ? [null, null] : [0.91, 0.96], RiskOps.Reports.Kpis.KpiCatalogue.Sla),
        _ => throw new ArgumentOutOfRangeException(nameof(name)),
    };

    [Fact]
    public void PrecisionRecallTrend_Whiskers_SitAtTheirPointsX()
    {
        var plot = QualityCharts.PrecisionRecallTrend(
        [
            new MetricSet { Week = "2026-W45", Precision = 0.96, PrecisionCiLow = 0.94, PrecisionCiHigh = 0.97, Recall = 0.99, RecallCiLow = 0.98, RecallCiHigh = 0.995 },
            new MetricSet { Week = "2026-W46", Precision = 0.93, PrecisionCiLow = 0.90, PrecisionCiHigh = 0.95, Recall = 0.97, RecallCiLow = 0.95, RecallCiHigh = 0.98 },
        ]);
        var pointXs = plot.GetPlottables<ScottPlot.Plottables.Scatter>()
            .SelectMany(s => Enumerable.Range(0, s.Data.GetScatterPoints().Count).Select(i => s.Data.GetScatterPoints()[i].X)).ToList();
        var whiskers = plot.GetPlottables<ScottPlot.Plottables.LinePlot>().Where(l => l.Start.X == l.End.X).ToList();

        Assert.Equal(4, whiskers.Count);
        Assert.All(whiskers, w => Assert.Contains(pointXs, x => Math.Abs(x - w.Start.X) < 1e-9));
    }

    [Fact]
    public void DecisionAccuracy_ManyReviewers_DrawsAtMostTwelveBarsWithOther()
    {
        var rows = Enumerable.Range(0, 58).Select(i => new QualityRow
        {
            Dimension = "reviewer", Value = $"northbridge.reviewer{i:D2}", QaAudits = 100 + i, Correct = 95 + i, DecisionAccuracy = (95.0 + i) / (100 + i),
        }).ToList();

        var plot = QualityCharts.DecisionAccuracy(rows);
        var bars = plot.GetPlottables<ScottPlot.Plottables.BarPlot>().Single().Bars;

        Assert.Equal(QualityCharts.MaxCategories, bars.Count);
        var bounded = QualityCharts.Bound(rows);
        Assert.Equal("other (47)", bounded[^1].Value);
        Assert.Equal(rows.OrderByDescending(r => r.QaAudits).Skip(11).Sum(r => r.QaAudits), bounded[^1].QaAudits);
        Assert.Equal("northbridge.r…", QualityCharts.Truncate("northbridge.reviewer01"));
    }

    [Fact]
    public void WeeklyTrend_TargetOutsideTheData_IsStillInView()
    {
        var plot = QualityCharts.WeeklyTrend("SLA", ["2026-W45", "2026-W46"], [0.85, 0.88], RiskOps.Reports.Kpis.KpiCatalogue.Sla);
        var limits = plot.Axes.GetLimits();

        Assert.True(limits.Top > 95 && limits.Bottom < 85, $"y from {limits.Bottom} to {limits.Top}");
        Assert.Contains(plot.GetPlottables<ScottPlot.Plottables.HorizontalLine>(), l => l.LegendText == "target ≥ 95 %");
    }

    [Theory]
    [InlineData(365, 307)] // two sweeps per row in the pack
    [InlineData(560, 300)] // the dashboard's grid
    public void ThresholdSweep_PackSize_LegendFitsBelowTheDataAreaWithEveryItem(int width, int height)
    {
        var plot = QualityCharts.ThresholdSweep(new CaseTypeSweep
        {
            CaseType = "WITHDRAWAL_ANOMALY",
            RecommendedThreshold = 0.97,
            CurrentThreshold = 0.9,
            Sweep = Enumerable.Range(50, 50).Select(k => new SweepPoint { Threshold = k / 100.0, Precision = 0.6 + k / 300.0, Recall = 0.99, Automation = 1 - k / 100.0 }).ToList(),
        });

        plot.RenderInMemory(width, height);
        var data = plot.RenderManager.LastRender.DataRect;
        var panel = plot.Axes.GetPanels().OfType<ScottPlot.Panels.LegendPanel>().Single();
        var legend = panel.Legend.LastRenderSize;

        // The legend is an edge panel under the x axis: it never overlaps the data area, its rows all fit in the
        // figure (none cut off), and the data area keeps at least 40 % of the height.
        Assert.Equal(7, plot.GetPlottables().Count(p => p.LegendItems.Any(i => !string.IsNullOrEmpty(i.LabelText))));
        Assert.True(data.Bottom + legend.Height <= height, $"legend {legend.Height} px under a data area ending at {data.Bottom} of {height}");
        Assert.True(legend.Width <= width, $"legend {legend.Width} px wide in a {width} px figure");
        Assert.True(data.Height >= 0.4 * height, $"data area {data.Height} of {height} px");
    }

    private static MetricSet Slice() => new() { CaseType = "ATO", Tp = 1234, Fp = 56, Tn = 7890, Fn = 12 };

    [Theory]
    [InlineData(1.0, 0.863)]
    [InlineData(0.99, 0.97)]
    [InlineData(0.5, 0.2)]
    public void DecisionAccuracy_AxisEndsAt100Percent_TargetLineLabelled(double best, double worst)
    {
        var plot = QualityCharts.DecisionAccuracy(
        [
            new QualityRow { Dimension = "vendor", Value = "AtlasCX", QaAudits = 24, Correct = 24, DecisionAccuracy = best },
            new QualityRow { Dimension = "vendor", Value = "Keystone", QaAudits = 220, Correct = 190, DecisionAccuracy = worst },
        ]);
        var svg = ChartRender.ToSvg(plot, 620, 340);

        Assert.Equal(100, plot.Axes.GetLimits().Top, 6);
        Assert.True(plot.Axes.GetLimits().Bottom <= worst * 100);
        // The target 98 % sits below the frame, so no headroom; its line is named in the legend.
        var target = Assert.Single(plot.GetPlottables<ScottPlot.Plottables.HorizontalLine>());
        Assert.Equal(98, target.Y, 6);
        Assert.Contains("target ≥ 98 %", svg);
        // The y-axis tick labels are the only plain-number texts of the SVG (bar labels read "86.3 %", "n=220"): they end at 100.
        var ticks = System.Text.RegularExpressions.Regex.Matches(svg, @"<text[^>]*>\s*(\d+)\s*</text>")
            .Select(m => int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.NotEmpty(ticks);
        Assert.Equal(100, ticks.Max());
        Assert.True(ticks.Min() >= plot.Axes.GetLimits().Bottom - 1e-9, $"ticks {string.Join(", ", ticks)}");
        // Each bar is labelled with its value and its n, and the x axis names the dimension.
        Assert.Contains(KpiCatalogue.DecisionAccuracy.Show(worst), svg);
        Assert.Contains("n=220", svg);
        Assert.Contains("vendor", svg);
    }
}
