using System.Globalization;
using System.Text;
using RiskOps.Reports.Charts;
using RiskOps.Sql.Model;
using static RiskOps.Reports.Pdf.ReportFormat;

namespace RiskOps.Reports.Pdf;

/// <summary>
/// The weekly calibration pack, declared as sections of <see cref="PdfBlock"/>s over <see cref="PackData"/>.
/// It only arranges and compares figures the warehouse computed; it computes none itself.
/// </summary>
public static class CalibrationPack
{
    /// <summary>Section titles, in order (tests and the email summary refer to them).</summary>
    public static IReadOnlyList<string> SectionTitles { get; } =
    [
        "1. Summary",
        "2. Model quality per case type",
        "3. Calibration and thresholds",
        "4. Misclassification batch",
        "5. SLA, BPO quality, key users and SOP coverage",
        "6. Appendix",
    ];

    /// <summary>What a section says when the period has no case in scope.</summary>
    public const string EmptyPeriodText = "No data for this period: no case in scope was scored in this week.";

    /// <summary>Renders the pack to PDF bytes.</summary>
    public static byte[] Render(PackData data) => PdfRenderer.RenderToBytes(Build(data));

    /// <summary>The document: header, footer and the six sections.</summary>
    public static PdfDocumentSpec Build(PackData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var blocks = new List<PdfBlock>();
        Summary(data, blocks);
        ModelQuality(data, blocks);
        Calibration(data, blocks);
        Batch(data, blocks);
        Operations(data, blocks);
        Appendix(data, blocks);
        return new PdfDocumentSpec(Title(data), HeaderLines(data), FooterText(data), blocks, data.GeneratedAt);
    }

    /// <summary>The pack's title, e.g. "Weekly calibration pack — 2026-W46".</summary>
    public static string Title(PackData data) => $"Weekly calibration pack — {data.Request.Period.Week}";

    /// <summary>The header lines: period, scope, data cut-off and label completeness (contract §4).</summary>
    public static IReadOnlyList<string> HeaderLines(PackData data)
    {
        var period = data.Request.Period;
        var overall = data.Current.Overall;
        return
        [
            $"Period: {period.Week} ({Day(period.Start)} – {Day(period.End)}, UTC)   ·   Scope: {ScopeText(data.Request.Scope)}",
            $"Data cut-off (as-of): {Instant(data.Request.AsOf)}   ·   Label completeness: {Percent(overall.LabelCompleteness)} " +
            $"({Count(overall.LabeledCases)} of {Count(overall.Decisions)} cases labeled so far)",
        ];
    }

    /// <summary>The scope in words: "all case types, all vendors" or the lists.</summary>
    public static string ScopeText(MetricFilters scope)
    {
        ArgumentNullException.ThrowIfNull(scope);
        var parts = new List<string>
        {
            scope.CaseTypes.Count == 0 ? "all case types" : "case types " + string.Join(", ", scope.CaseTypes),
            scope.Vendors.Count == 0 ? "all vendors" : "vendors " + string.Join(", ", scope.Vendors),
        };
        if (scope.Regions.Count > 0)
        {
            parts.Add("regions " + string.Join(", ", scope.Regions));
        }

        if (scope.ModelVersions.Count > 0)
        {
            parts.Add("model versions " + string.Join(", ", scope.ModelVersions));
        }

        if (scope.From is not null || scope.To is not null)
        {
            parts.Add($"scored {(scope.From is { } f ? Day(f) : "…")} to {(scope.To is { } t ? Day(t) : "…")}");
        }

        return string.Join("; ", parts);
    }

    /// <summary>One KPI line of the summary.</summary>
    /// <param name="Name">KPI name.</param>
    /// <param name="Current">This week.</param>
    /// <param name="Previous">Last week.</param>
    /// <param name="Target">Target, or null when the KPI has none.</param>
    /// <param name="IsRatio">Printed as a percentage (else as a 3-decimal score).</param>
    public sealed record KpiLine(string Name, double? Current, double? Previous, KpiTarget? Target, bool IsRatio = true)
    {
        /// <summary>This week's status.</summary>
        public Rag Status => Target?.Judge(Current) ?? Rag.None;

        /// <summary>A value as printed.</summary>
        public string Show(double? value) => IsRatio ? Percent(value) : Number(value);

        /// <summary>The change as printed.</summary>
        public string Change => IsRatio ? Points(Current, Previous) :
            Current is { } c && Previous is { } p ? (c - p >= 0 ? "+" : "−") + Number(Math.Abs(c - p)) : NotAvailable;
    }

    /// <summary>The KPIs of the summary, this week vs last week.</summary>
    public static IReadOnlyList<KpiLine> Kpis(PackData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var c = data.Current.Overall;
        var p = data.Previous.Overall;
        return
        [
            new("Precision", c.Precision, p.Precision, KpiTargets.Precision),
            new("Recall", c.Recall, p.Recall, KpiTargets.Recall),
            new("Recall on auto-decided (audit sample)", c.RecallAuto, p.RecallAuto, KpiTargets.Recall),
            new("SLA compliance", c.SlaCompliance, p.SlaCompliance, KpiTargets.Sla),
            new("Decision accuracy (QA)", c.DecisionAccuracy, p.DecisionAccuracy, KpiTargets.DecisionAccuracy),
            new("Key-user escalation compliance", c.KeyUserEscalationCompliance, p.KeyUserEscalationCompliance, KpiTargets.KeyUserEscalation),
            new("SOP coverage", c.SopCoverage, p.SopCoverage, KpiTargets.SopCoverage),
            new("Automation rate", c.AutomationRate, p.AutomationRate, null),
            new("ECE (lower is better)", c.Ece, p.Ece, null, IsRatio: false),
            new("Brier score (lower is better)", c.Brier, p.Brier, null, IsRatio: false),
        ];
    }

    /// <summary>The computed "what changed" sentences: KPI moves, the case type that moved most, the cluster that drove it and its route.</summary>
    public static IReadOnlyList<string> WhatChanged(PackData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.IsEmpty)
        {
            return [EmptyPeriodText];
        }

        var lines = new List<string>();
        if (data.Previous.Overall.Decisions == 0)
        {
            lines.Add($"No cases in scope in {data.Request.Period.Previous.Week}, so there is no week-on-week comparison.");
        }
        else
        {
            foreach (var kpi in Kpis(data).Where(k => k.IsRatio && k.Current is not null && k.Previous is not null))
            {
                var delta = kpi.Current!.Value - kpi.Previous!.Value;
                var previousStatus = kpi.Target?.Judge(kpi.Previous);
                if (Math.Abs(delta) >= 0.01 || (kpi.Target is not null && previousStatus != kpi.Status))
                {
                    var verb = delta > 0 ? "rose" : delta < 0 ? "fell" : "held";
                    var status = kpi.Status == Rag.None ? "" : $" ({kpi.Status.ToString().ToLowerInvariant()})";
                    lines.Add($"{kpi.Name} {verb} from {Percent(kpi.Previous)} to {Percent(kpi.Current)} ({kpi.Change}){status}.");
                }
            }

            if (lines.Count == 0)
            {
                lines.Add("No KPI moved by 1 point or more since last week, and none changed status.");
            }
        }

        var mover = BiggestMover(data);
        if (mover is not null)
        {
            lines.Add($"{mover.Value.CaseType} moved most: {mover.Value.Kpi} {Percent(mover.Value.Previous)} → {Percent(mover.Value.Current)} " +
                $"({Points(mover.Value.Current, mover.Value.Previous)}).");
        }

        var driverType = mover?.CaseType;
        var driverLabel = mover is { Kpi: "recall" } ? "FN" : "FP";
        var driver = data.Clusters.Clusters
            .Where(c => driverType is null || c.CaseType == driverType)
            .OrderBy(c => c.Label == driverLabel ? 0 : 1)
            .ThenBy(c => c.Rank)
            .ThenByDescending(c => c.ExcessErrors)
            .FirstOrDefault();
        if (driver is not null)
        {
            lines.Add($"Top driver: the {driver.Label} cluster {SignalsText(driver)} in {driver.CaseType} " +
                $"({Count(driver.Support)} of {Count(driver.Cases)} cases, {Number(driver.ExcessErrors, 1)} excess errors), " +
                $"root cause {driver.RootCauseType ?? NotAvailable}{(driver.RootCauseCode is null ? "" : " " + driver.RootCauseCode)} → route {RouteText(driver)}.");
        }
        else
        {
            lines.Add("No FP/FN cluster reaches the minimum support of 5 cases in this week.");
        }

        return lines;
    }

    /// <summary>Route in words: "A — retrain", "B — decision rules", "C — SOP update".</summary>
    public static string RouteText(Cluster cluster)
    {
        ArgumentNullException.ThrowIfNull(cluster);
        return (cluster.Route, cluster.RootCauseType) switch
        {
            ("retrain", _) or (null, "A") => "A — retrain",
            ("threshold_rules", _) or (null, "B") => "B — decision rules",
            ("sop_update", _) or (null, "C") => "C — SOP update",
            (null, _) => NotAvailable,
            var (route, _) => route,
        };
    }

    /// <summary>The signals of a cluster, "new_device + vpn_ip".</summary>
    public static string SignalsText(Cluster cluster) => string.Join(" + ", cluster.Signals);

    private readonly record struct Mover(string CaseType, string Kpi, double? Previous, double? Current);

    private static Mover? BiggestMover(PackData data)
    {
        var previous = data.Previous.ByCaseType.Where(s => s.CaseType is not null).ToDictionary(s => s.CaseType!, StringComparer.Ordinal);
        Mover? best = null;
        var bestDelta = 0.0;
        foreach (var slice in data.Current.ByCaseType.Where(s => s.CaseType is not null).OrderBy(s => s.CaseType, StringComparer.Ordinal))
        {
            if (!previous.TryGetValue(slice.CaseType!, out var before))
            {
                continue;
            }

            foreach (var (kpi, now, then) in new[] { ("precision", slice.Precision, before.Precision), ("recall", slice.Recall, before.Recall) })
            {
                if (now is { } n && then is { } t && Math.Abs(n - t) > bestDelta)
                {
                    bestDelta = Math.Abs(n - t);
                    best = new Mover(slice.CaseType!, kpi, then, now);
                }
            }
        }

        return bestDelta >= 0.005 ? best : null;
    }

    private static void Summary(PackData data, List<PdfBlock> blocks)
    {
        blocks.Add(new Heading(SectionTitles[0]));
        if (data.IsEmpty)
        {
            blocks.Add(new Paragraph(EmptyPeriodText, Muted: true));
        }

        blocks.Add(new Table(
            [
                new TableColumn("KPI", 3), new TableColumn("This week", 1.3f, CellAlign.Right), new TableColumn("Target", 1.2f, CellAlign.Right),
                new TableColumn("Last week", 1.3f, CellAlign.Right), new TableColumn("Change", 1.2f, CellAlign.Right), new TableColumn("Status", 1.1f),
            ],
            Kpis(data).Select(k => (IReadOnlyList<TableCell>)
            [
                k.Name, k.Show(k.Current), k.Target?.Text ?? "—", k.Show(k.Previous), k.Change,
                k.Target is null ? new TableCell("no target") : new TableCell(StatusText(k.Status), k.Status),
            ]).ToList()));
        blocks.Add(new Heading("What changed", 2));
        blocks.Add(new Paragraph(string.Join("\n", WhatChanged(data).Select(l => "• " + l))));
        blocks.Add(new Paragraph(
            $"Volume: {Count(data.Current.Overall.Decisions)} cases scored, {Count(data.Current.Overall.ManualCases)} sent to humans, " +
            $"{Count(data.Current.Overall.QaAudits)} QA audits. Status: green meets the target, amber is within the documented margin " +
            "below it (appendix), red is further off; n/a means the week has no figure.", Size: 8, Muted: true));
    }

    private static void ModelQuality(PackData data, List<PdfBlock> blocks)
    {
        blocks.Add(new Heading(SectionTitles[1], NewPage: true));
        if (data.IsEmpty)
        {
            blocks.Add(new Paragraph(EmptyPeriodText, Muted: true));
            return;
        }

        blocks.Add(new Table(
            [
                new TableColumn("Case type", 2.1f), new TableColumn("Labeled", 1.3f, CellAlign.Right), new TableColumn("TP", 0.9f, CellAlign.Right),
                new TableColumn("FP", 0.8f, CellAlign.Right), new TableColumn("TN", 0.9f, CellAlign.Right), new TableColumn("FN", 0.7f, CellAlign.Right),
                new TableColumn("Precision", 1.4f, CellAlign.Right), new TableColumn("95 % CI", 2.2f), new TableColumn("Recall", 1.3f, CellAlign.Right),
                new TableColumn("95 % CI", 2.2f), new TableColumn("F1", 1.1f, CellAlign.Right), new TableColumn("Automation", 1.8f, CellAlign.Right),
            ],
            SlicesWithOverall(data.Current).Select(s => (IReadOnlyList<TableCell>)
            [
                s.CaseType ?? "All (pooled)", Count(s.LabeledCases), Count(s.Tp), Count(s.Fp), Count(s.Tn), Count(s.Fn),
                new TableCell(Percent(s.Precision), KpiTargets.Precision.Judge(s.Precision)), Interval(s.PrecisionCiLow, s.PrecisionCiHigh),
                new TableCell(Percent(s.Recall), KpiTargets.Recall.Judge(s.Recall)), Interval(s.RecallCiLow, s.RecallCiHigh),
                Percent(s.F1), Percent(s.AutomationRate),
            ]).ToList(),
            FontSize: 7f));
        blocks.Add(new ChartRow([QualityCharts.ConfusionMatrix(data.Current.Overall), QualityCharts.PrecisionRecallTrend(data.Trend.ByWeek)], 200));
        foreach (var slice in data.Current.ByCaseType.Where(s => s.CaseType is not null))
        {
            blocks.Add(new Heading(slice.CaseType!, 2));
            blocks.Add(new Paragraph(
                $"{Count(slice.Decisions)} cases, {Count(slice.LabeledCases)} labeled ({Percent(slice.LabelCompleteness)}). " +
                $"Precision {Percent(slice.Precision)} (95 % CI {Interval(slice.PrecisionCiLow, slice.PrecisionCiHigh)}), " +
                $"recall {Percent(slice.Recall)} (95 % CI {Interval(slice.RecallCiLow, slice.RecallCiHigh)}), accuracy {Percent(slice.Accuracy)}.", Size: 8.5f));
            var trend = data.TrendByCaseType.TryGetValue(slice.CaseType!, out var weeks) ? weeks : [];
            blocks.Add(new ChartRow([QualityCharts.ConfusionMatrix(slice), QualityCharts.PrecisionRecallTrend(trend)], 180));
        }
    }

    private static void Calibration(PackData data, List<PdfBlock> blocks)
    {
        blocks.Add(new Heading(SectionTitles[2], NewPage: true));
        if (data.IsEmpty)
        {
            blocks.Add(new Paragraph(EmptyPeriodText, Muted: true));
            return;
        }

        blocks.Add(new Table(
            [
                new TableColumn("Case type", 2.5f), new TableColumn("Labeled cases", 1.3f, CellAlign.Right),
                new TableColumn("ECE", 1, CellAlign.Right), new TableColumn("Brier", 1, CellAlign.Right),
            ],
            SlicesWithOverall(data.Current).Select(s => (IReadOnlyList<TableCell>)
                [s.CaseType ?? "All (pooled)", Count(s.LabeledCases), Number(s.Ece), Number(s.Brier)]).ToList()));
        var pooled = data.Current.Reliability.Where(b => b.CaseType is null).ToList();
        blocks.Add(new ChartRow([QualityCharts.Reliability(pooled.Count > 0 ? pooled : data.Current.Reliability)], 220));
        blocks.Add(new Heading("Recommended thresholds", 2));
        blocks.Add(new Paragraph(
            "The lowest threshold t (0.50–0.99) at which the pipeline (agent above t, humans below) keeps precision > 95 % and " +
            "recall > 99 % on this week's labeled cases; capacity is the manual load it implies.", Size: 8.5f, Muted: true));
        blocks.Add(new Table(
            [
                new TableColumn("Case type", 2.2f), new TableColumn("Current", 1, CellAlign.Right), new TableColumn("Recommended", 1.3f, CellAlign.Right),
                new TableColumn("Precision", 1.1f, CellAlign.Right), new TableColumn("Recall", 1.1f, CellAlign.Right),
                new TableColumn("Automation", 1.2f, CellAlign.Right), new TableColumn("Manual cases/day", 1.3f, CellAlign.Right),
                new TableColumn("Reviewer h/day", 1.3f, CellAlign.Right),
            ],
            data.Thresholds.ByCaseType.Select(s =>
            {
                var at = s.RecommendedThreshold is { } r ? s.Sweep.FirstOrDefault(p => Math.Abs(p.Threshold - r) < 1e-9) : null;
                return (IReadOnlyList<TableCell>)
                [
                    s.CaseType, Threshold(s.CurrentThreshold), s.RecommendedThreshold is null ? "none meets targets" : Threshold(s.RecommendedThreshold),
                    Percent(at?.Precision), Percent(at?.Recall), Percent(at?.Automation), Number(at?.ManualCasesPerDay, 1), Number(at?.ReviewerHoursPerDay, 1),
                ];
            }).ToList()));
        var sweeps = data.Thresholds.ByCaseType.Select(QualityCharts.ThresholdSweep).ToList();
        for (var i = 0; i < sweeps.Count; i += 2)
        {
            blocks.Add(new ChartRow(sweeps.Skip(i).Take(2).ToList(), 190));
        }
    }

    private static void Batch(PackData data, List<PdfBlock> blocks)
    {
        blocks.Add(new Heading(SectionTitles[3], NewPage: true));
        if (data.IsEmpty)
        {
            blocks.Add(new Paragraph(EmptyPeriodText, Muted: true));
            return;
        }

        blocks.Add(new Paragraph(
            "The agenda of the calibration session: the FP and FN patterns of this week that exceed their case type's error rate " +
            "most, with example cases, the dominant root cause and the route — A retrain the model, B change decision rules / " +
            "thresholds, C update the SOP.", Size: 8.5f));
        var clusters = data.Clusters.Clusters;
        blocks.Add(new Table(
            [new TableColumn("Route", 2.5f), new TableColumn("Clusters", 1, CellAlign.Right), new TableColumn("Error cases", 1, CellAlign.Right)],
            clusters.GroupBy(RouteText).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (IReadOnlyList<TableCell>)
                [g.Key, Count(g.Count()), Count(g.Sum(c => c.Support))]).ToList(),
            "No FP/FN cluster reaches the minimum support of 5 cases in this week."));
        blocks.Add(new Table(
            [
                new TableColumn("Case type", 1.6f), new TableColumn("Error", 0.6f), new TableColumn("#", 0.4f, CellAlign.Right),
                new TableColumn("Signals", 2.6f), new TableColumn("Errors / cases", 1.3f, CellAlign.Right), new TableColumn("Excess", 0.9f, CellAlign.Right),
                new TableColumn("Lift", 0.7f, CellAlign.Right), new TableColumn("Root cause", 0.9f), new TableColumn("Route", 1.5f),
            ],
            clusters.Select(c => (IReadOnlyList<TableCell>)
            [
                c.CaseType, c.Label, c.Rank.ToString(CultureInfo.InvariantCulture), SignalsText(c), $"{Count(c.Support)} / {Count(c.Cases)}",
                Number(c.ExcessErrors, 1), Number(c.Lift, 2), c.RootCauseType ?? NotAvailable, RouteText(c),
            ]).ToList(),
            "No FP/FN cluster reaches the minimum support of 5 cases in this week."));
        if (clusters.Count > 0)
        {
            blocks.Add(new Heading("Root causes and example cases", 2));
            blocks.Add(new Table(
                [
                    new TableColumn("Case type", 1.6f), new TableColumn("Error", 0.6f), new TableColumn("#", 0.4f, CellAlign.Right),
                    new TableColumn("Root cause code", 3f), new TableColumn("Example case ids", 4.5f),
                ],
                clusters.Select(c => (IReadOnlyList<TableCell>)
                [
                    c.CaseType, c.Label, c.Rank.ToString(CultureInfo.InvariantCulture), c.RootCauseCode ?? NotAvailable, string.Join(", ", c.ExampleCaseIds),
                ]).ToList()));
        }

        var top = clusters.OrderByDescending(c => c.ExcessErrors).Take(4).ToList();
        for (var i = 0; i < top.Count; i += 2)
        {
            blocks.Add(new ChartRow(top.Skip(i).Take(2).Select(QualityCharts.ClusterTrend).ToList(), 150));
        }
    }

    private static void Operations(PackData data, List<PdfBlock> blocks)
    {
        blocks.Add(new Heading(SectionTitles[4], NewPage: true));
        if (data.IsEmpty)
        {
            blocks.Add(new Paragraph(EmptyPeriodText, Muted: true));
        }
        else
        {
            blocks.Add(new Heading("Resolution SLA and key-user escalation", 2));
            blocks.Add(new Table(
                [
                    new TableColumn("Case type", 2.2f), new TableColumn("Manual", 1, CellAlign.Right), new TableColumn("Resolved", 1, CellAlign.Right),
                    new TableColumn("Open", 0.9f, CellAlign.Right), new TableColumn("SLA ≤ 4 h", 1.2f, CellAlign.Right), new TableColumn("p50", 0.9f, CellAlign.Right),
                    new TableColumn("p90", 0.9f, CellAlign.Right), new TableColumn("Key-user cases", 1.2f, CellAlign.Right),
                    new TableColumn("Key-user escalation", 1.4f, CellAlign.Right),
                ],
                SlicesWithOverall(data.Current).Select(s => (IReadOnlyList<TableCell>)
                [
                    s.CaseType ?? "All (pooled)", Count(s.ManualCases), Count(s.ResolvedCases), Count(s.OpenCases),
                    new TableCell(Percent(s.SlaCompliance), KpiTargets.Sla.Judge(s.SlaCompliance)), Hours(s.ResolutionHoursP50), Hours(s.ResolutionHoursP90),
                    Count(s.KeyUserCases), new TableCell(Percent(s.KeyUserEscalationCompliance), KpiTargets.KeyUserEscalation.Judge(s.KeyUserEscalationCompliance)),
                ]).ToList()));
            var vendors = data.Current.Quality.Where(q => q.Dimension == "vendor").ToList();
            blocks.Add(new ChartRow([QualityCharts.BacklogAgeing(data.Current.Overall), QualityCharts.DecisionAccuracy(vendors)], 190));
            blocks.Add(new Heading("Review quality (QA decision accuracy vs 98 %)", 2));
            blocks.Add(new Table(
                [
                    new TableColumn("By", 0.9f), new TableColumn("Org / vendor", 2), new TableColumn("QA audits", 1, CellAlign.Right),
                    new TableColumn("Correct", 1, CellAlign.Right), new TableColumn("Decision accuracy", 1.4f, CellAlign.Right),
                    new TableColumn("Kappa", 0.9f, CellAlign.Right),
                ],
                data.Current.Quality.Where(q => q.Dimension is "org" or "vendor").Select(q => (IReadOnlyList<TableCell>)
                [
                    q.Dimension, q.Value ?? NotAvailable, Count(q.QaAudits), Count(q.Correct),
                    new TableCell(Percent(q.DecisionAccuracy), KpiTargets.DecisionAccuracy.Judge(q.DecisionAccuracy)), Number(q.Kappa),
                ]).ToList(),
                "No QA audit of this week's reviews in scope."));
        }

        blocks.Add(new Heading("SOP coverage and gaps", 2));
        blocks.Add(new Table(
            [
                new TableColumn("Case type", 2.2f), new TableColumn("Scenarios", 1, CellAlign.Right), new TableColumn("Covered", 1, CellAlign.Right),
                new TableColumn("Coverage", 1.2f, CellAlign.Right),
            ],
            data.Current.SopCoverage.Select(s => (IReadOnlyList<TableCell>)
                [s.CaseType, Count(s.Scenarios), Count(s.Covered), new TableCell(Percent(s.Coverage), KpiTargets.SopCoverage.Judge(s.Coverage))]).ToList(),
            "No SOP catalogue in scope."));
        blocks.Add(new Table(
            [new TableColumn("Case type", 2.2f), new TableColumn("Uncovered type-C root cause", 3.2f), new TableColumn("Cases", 1, CellAlign.Right)],
            data.Current.SopGaps.Select(g => (IReadOnlyList<TableCell>)[g.CaseType, g.RootCauseCode, Count(g.Cases)]).ToList(),
            "No SOP gap: every type-C root cause of this week has a covered scenario."));
    }

    private static void Appendix(PackData data, List<PdfBlock> blocks)
    {
        blocks.Add(new Heading(SectionTitles[5], NewPage: true));
        blocks.Add(new Heading("Metric definitions", 2));
        blocks.Add(new Paragraph(string.Join("\n", Definitions.Select(d => "• " + d)), Size: 8));
        blocks.Add(new Heading("Targets and status margins", 2));
        blocks.Add(new Table(
            [new TableColumn("KPI", 2.5f), new TableColumn("Target (green)", 1.3f), new TableColumn("Amber from", 1.3f)],
            new (string Name, KpiTarget Target)[]
            {
                ("Precision", KpiTargets.Precision), ("Recall", KpiTargets.Recall), ("SLA compliance", KpiTargets.Sla),
                ("Decision accuracy (QA)", KpiTargets.DecisionAccuracy), ("Key-user escalation", KpiTargets.KeyUserEscalation),
                ("SOP coverage", KpiTargets.SopCoverage),
            }.Select(t => (IReadOnlyList<TableCell>)[t.Name, t.Target.Text, "≥ " + Percent(t.Target.Target - t.Target.AmberMargin)]).ToList()));
        blocks.Add(new Heading("Data freshness", 2));
        blocks.Add(new Table(
            [new TableColumn("Kind", 2), new TableColumn("Stored rows", 1.2f, CellAlign.Right), new TableColumn("Latest ingestion", 2)],
            data.Freshness.Select(f => (IReadOnlyList<TableCell>)[f.Kind, Count(f.Rows), f.LatestIngestion]).ToList(),
            "The warehouse did not report ingestion times."));
        var dq = data.Current.DataQuality;
        blocks.Add(new Heading("Data quality", 2));
        blocks.Add(new Table(
            [new TableColumn("Figure", 3), new TableColumn("Records", 1, CellAlign.Right)],
            [
                ["Quarantined records (whole lake)", Count(dq.QuarantinedRecords)],
                ["Orphan labels (no decision)", Count(dq.OrphanLabels)],
                ["Orphan reviews (no decision)", Count(dq.OrphanReviews)],
                ["Orphan QA audits (no review)", Count(dq.OrphanQaAudits)],
            ]));
        blocks.Add(new Paragraph(
            $"Generated {Instant(data.GeneratedAt)}{(data.Request.Subscription is null ? "" : " for subscription " + data.Request.Subscription)}. " +
            "Every figure comes from the RiskOps warehouse views over the lake; weeks are UTC ISO weeks of scored_at.", Size: 7.5f, Muted: true));
    }

    private static readonly string[] Definitions =
    [
        "Confusion over labeled cases (a decision and a latest label): precision = TP/(TP+FP), recall = TP/(TP+FN), F1 = 2TP/(2TP+FP+FN), accuracy = (TP+TN)/all; 95 % Wilson intervals.",
        "Recall on auto-decided cases uses only audit_sample labels, weighted by sample_weight.",
        "Automation rate = decisions routed auto / all decisions.",
        "SLA compliance = manual cases resolved within 4 h / (resolved + open cases older than 4 h at the data cut-off).",
        "Decision accuracy = QA audits with verdict correct / all QA audits (latest per audit). Kappa: Cohen's kappa of the final human decision vs the ground truth.",
        "Key-user escalation compliance = manual cases with priority ≥ 75 that were escalated or reviewed by a senior or lead / all such cases.",
        "SOP coverage = covered scenarios / all scenarios (latest per scenario). A gap is a type-C root cause code with no covered scenario.",
        "Calibration: 10 confidence bins; ECE = Σ (n_bin/N)·|accuracy − mean confidence|; Brier = mean((confidence − correct)²).",
        "Threshold sweep t = 0.50…0.99: cases at or above t keep the agent's decision, cases below go to a human taken to be right.",
        "Clusters: signal sets of 1–3 signals with at least 5 error cases, ranked by excess errors over the case type's error rate.",
        "Label completeness = labeled cases / cases scored in the week; figures of a recent week move as labels arrive.",
    ];

    private static IEnumerable<MetricSet> SlicesWithOverall(MetricsReport report) =>
        report.ByCaseType.Where(s => s.CaseType is not null).Append(report.Overall);

    private static string StatusText(Rag rag) => rag switch
    {
        Rag.Green => "GREEN",
        Rag.Amber => "AMBER",
        Rag.Red => "RED",
        _ => NotAvailable,
    };

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string FooterText(PackData data)
    {
        var text = new StringBuilder("RiskOps Analytics · calibration pack ").Append(data.Request.Period.Week);
        if (data.Request.Subscription is not null)
        {
            text.Append(" · ").Append(data.Request.Subscription);
        }

        return text.Append(" · as-of ").Append(Instant(data.Request.AsOf)).ToString();
    }
}
