using System.Globalization;
using System.Text;
using RiskOps.Reports.Charts;
using RiskOps.Reports.Kpis;
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

    /// <summary>
    /// The header lines: period, scope, the as-of (the instant open cases are aged to — contract v2: never called a
    /// cut-off), the data freshness and label completeness (contract §4).
    /// </summary>
    public static IReadOnlyList<string> HeaderLines(PackData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        var period = data.Request.Period;
        var overall = data.Current.Overall;
        return
        [
            $"Period: {period.Week} ({Day(period.Start)} – {Day(period.End)}, UTC)   ·   Scope: {ScopeText(data.Request.Scope)}",
            $"Open cases aged to (as of): {Instant(data.Request.AsOf)}   ·   Data through: {data.DataThrough} (latest batch included)",
            $"Label completeness: {Percent(overall.LabelCompleteness)} ({Count(overall.LabeledCases)} of {Count(overall.Decisions)} cases labeled so far)"
                + $"   ·   {RollupText(data.RollupLakeVersion)}",
        ];
    }

    /// <summary>Which read model the figures came from: the rollup of a lake version, or the raw views.</summary>
    public static string RollupText(long? lakeVersion) =>
        lakeVersion is { } v ? $"Rollup: lake version {v.ToString(CultureInfo.InvariantCulture)}" : "Rollup: none (raw views)";

    /// <summary>
    /// The pack's attachment and download name, <c>riskops-pack-&lt;ISO week&gt;-&lt;scope&gt;.pdf</c>: the week and the scope's case
    /// types, vendors, regions and model versions (<c>all</c> when unscoped), e.g. <c>riskops-pack-2026-W47-ATO-Keystone-BPO.pdf</c>.
    /// </summary>
    public static string FileName(ReportPeriod period, MetricFilters scope)
    {
        ArgumentNullException.ThrowIfNull(period);
        ArgumentNullException.ThrowIfNull(scope);
        var parts = new List<string> { "riskops-pack", period.Week };
        parts.AddRange(scope.CaseTypes);
        parts.AddRange(scope.Vendors);
        parts.AddRange(scope.Regions);
        parts.AddRange(scope.ModelVersions.Select(v => "model-" + v));
        if (parts.Count == 2)
        {
            parts.Add("all");
        }

        var name = string.Join('-', parts.Select(Slug));
        return (name.Length > 100 ? name[..100] : name) + ".pdf";

        static string Slug(string text) => new(text.Select(ch => char.IsAsciiLetterOrDigit(ch) || ch is '_' or '.' ? ch : '-').ToArray());
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

    /// <summary>One KPI line of the summary: the catalogue's KPI in this week and last week.</summary>
    /// <param name="Kpi">The KPI (name, target, format, n).</param>
    /// <param name="CurrentSet">This week's figures.</param>
    /// <param name="PreviousSet">Last week's figures.</param>
    public sealed record KpiLine(Kpi Kpi, MetricSet CurrentSet, MetricSet PreviousSet)
    {
        /// <summary>The KPI's name.</summary>
        public string Name => Kpi.Name;

        /// <summary>This week's value.</summary>
        public double? Current => Kpi.Value(CurrentSet);

        /// <summary>Last week's value.</summary>
        public double? Previous => Kpi.Value(PreviousSet);

        /// <summary>The target, or null.</summary>
        public KpiTarget? Target => Kpi.Target;

        /// <summary>This week's status (n &lt; 30: no colour).</summary>
        public KpiStatus Status => Kpi.Status(CurrentSet);

        /// <summary>The week-over-week change and whether it is significant.</summary>
        public KpiChange Comparison => KpiChange.Of(Kpi, CurrentSet, PreviousSet);

        /// <summary>A value as printed (rounded so that it agrees with the target).</summary>
        public string Show(double? value) => Kpi.Show(value);

        /// <summary>This week's value with its n.</summary>
        public string ShowCurrent => Kpi.ShowWithN(CurrentSet);

        /// <summary>Last week's value with its n.</summary>
        public string ShowPrevious => Kpi.ShowWithN(PreviousSet);

        /// <summary>The change as printed ("−3.1 pts", "−3.1 pts *" when significant).</summary>
        public string Change => Comparison.ShortLabel;

        /// <summary>The status as printed ("n not reported" when the warehouse does not give this KPI's n yet).</summary>
        public string StatusText => Status == KpiStatus.SmallSample && Kpi.N(CurrentSet) is null ? "n not reported" : StatusWord(Status);
    }

    /// <summary>The KPIs of the summary, this week vs last week (the catalogue's headline KPIs).</summary>
    public static IReadOnlyList<KpiLine> Kpis(PackData data)
    {
        ArgumentNullException.ThrowIfNull(data);
        return KpiCatalogue.Headline.Select(k => new KpiLine(k, data.Current.Overall, data.Previous.Overall)).ToList();
    }

    /// <summary>A status as printed in tables and the email: GREEN, AMBER, RED, "n < 30", "no target", n/a.</summary>
    public static string StatusWord(KpiStatus status) => status switch
    {
        KpiStatus.Green => "GREEN",
        KpiStatus.Amber => "AMBER",
        KpiStatus.Red => "RED",
        KpiStatus.SmallSample => Kpi.SmallSampleText,
        KpiStatus.NoTarget => "no target",
        _ => NotAvailable,
    };

    /// <summary>The badge of a status: only red, amber and green are coloured.</summary>
    public static Rag Badge(KpiStatus status) => status switch
    {
        KpiStatus.Green => Rag.Green,
        KpiStatus.Amber => Rag.Amber,
        KpiStatus.Red => Rag.Red,
        _ => Rag.None,
    };

    /// <summary>A table cell of a KPI in a slice: the value (greyed "n &lt; 30" note when the sample is small), badge by status.</summary>
    public static TableCell Cell(Kpi kpi, MetricSet set)
    {
        ArgumentNullException.ThrowIfNull(kpi);
        ArgumentNullException.ThrowIfNull(set);
        var status = kpi.Status(set);
        var text = kpi.Show(kpi.Value(set));
        return status == KpiStatus.SmallSample ? new TableCell(text + " (n < 30)") : new TableCell(text, Badge(status));
    }

    /// <summary>
    /// The computed "what changed" sentences (contract v2): only significant week-over-week changes are cited, each with
    /// both n and the p-value; then the case type whose precision or recall changed most significantly; then the week's
    /// top clusters, taken from the same list as the misclassification batch section.
    /// </summary>
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
            var changes = Kpis(data).Select(k => k.Comparison).ToList();
            foreach (var change in changes.Where(c => c.Significant))
            {
                lines.Add(change.Sentence());
            }

            if (lines.Count == 0)
            {
                var small = changes.Count(c => c.Kpi.Proportion && !c.Kpi.Census && (c.CurrentN < Kpi.MinimumN || c.PreviousN < Kpi.MinimumN));
                lines.Add("No KPI changed significantly since last week (two-proportion z-test, p < 0.05, both weeks n ≥ 30)" +
                    (small > 0 ? $"; {small} KPI(s) had fewer than 30 cases in a week and cannot be compared." : "."));
            }
        }

        if (BiggestMover(data) is { } mover)
        {
            lines.Add($"{CategoryBounds.Label(mover.CaseType)} changed most: {mover.Change.Sentence()}");
        }

        var top = TopClusters(data);
        if (top.Count > 0)
        {
            lines.Add("Top patterns this week (section 4): " + string.Join("; ", top.Select(c =>
                $"{CategoryBounds.Label(c.CaseType)} {c.Label} {SignalsText(c)} ({Count(c.Support)} of {Count(c.Cases)} cases, route {RouteText(c)})")) + ".");
        }
        else
        {
            lines.Add("No FP/FN pattern qualifies as a cluster in this week (section 4).");
        }

        if (data.Drift is { } drift && drift.Entries.Count > 0)
        {
            var flagged = drift.Entries.Where(e => e.Flagged).ToList();
            lines.Add(flagged.Count == 0
                ? $"Early warning without labels (section 2): no case type × model version shifted against the week before ({Count(drift.Entries.Count)} compared)."
                : $"Early warning without labels (section 2): {Count(flagged.Count)} of {Count(drift.Entries.Count)} case type × model version slices shifted — "
                    + string.Join("; ", flagged.Take(3).Select(DriftText)) + (flagged.Count > 3 ? $"; and {Count(flagged.Count - 3)} more" : "")
                    + ". No label has to be in for this: check the data feeding the model before the labelled figures move.");
        }

        return lines;
    }

    /// <summary>A flagged drift slice in words: "KYC_AUDIT risk-agent-3.2: high_risk_country 12.5 % → 41.7 % (PSI 0.470)".</summary>
    private static string DriftText(RiskOps.Sql.Drift.DriftEntry e)
    {
        var parts = new List<string>();
        if (e.ConfidenceFlagged)
        {
            parts.Add($"confidence distribution (PSI {Number(e.ConfidencePsi, 3)})");
        }

        parts.AddRange(e.Signals.Where(s => s.Flagged).Take(2).Select(s => $"{s.Signal} {Percent(s.PreviousRate)} → {Percent(s.Rate)} (PSI {Number(s.Psi, 3)})"));
        return $"{e.CaseType} {e.ModelVersion}: {string.Join(", ", parts)}";
    }

    /// <summary>The week's top clusters by excess errors: the summary names these, from the same list as section 4.</summary>
    public static IReadOnlyList<Cluster> TopClusters(PackData data, int count = 3)
    {
        ArgumentNullException.ThrowIfNull(data);
        return data.Clusters.Clusters.OrderByDescending(c => c.ExcessErrors).ThenBy(c => c.CaseType, StringComparer.Ordinal).ThenBy(c => c.Rank).Take(count).ToList();
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

    private readonly record struct Mover(string CaseType, KpiChange Change);

    /// <summary>The case type whose precision or recall changed most among significant changes (null when none is significant).</summary>
    private static Mover? BiggestMover(PackData data)
    {
        var previous = data.Previous.ByCaseType.Where(s => s.CaseType is not null).ToDictionary(s => s.CaseType!, StringComparer.Ordinal);
        Mover? best = null;
        foreach (var slice in data.Current.ByCaseType.Where(s => s.CaseType is not null).OrderBy(s => s.CaseType, StringComparer.Ordinal))
        {
            if (!previous.TryGetValue(slice.CaseType!, out var before))
            {
                continue;
            }

            foreach (var kpi in new[] { KpiCatalogue.Precision, KpiCatalogue.Recall })
            {
                var change = KpiChange.Of(kpi, slice, before);
                if (change.Significant && change.Points is { } d && (best is null || Math.Abs(d) > Math.Abs(best.Value.Change.Points!.Value)))
                {
                    best = new Mover(slice.CaseType!, change);
                }
            }
        }

        return best;
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
                new TableColumn("KPI", 2.6f), new TableColumn("This week (n)", 1.9f, CellAlign.Right), new TableColumn("Target", 0.9f, CellAlign.Right),
                new TableColumn("Last week (n)", 1.9f, CellAlign.Right), new TableColumn("Change (* significant)", 1.5f, CellAlign.Right), new TableColumn("Status", 0.9f),
            ],
            Kpis(data).Select(k => (IReadOnlyList<TableCell>)
            [
                k.Name, k.ShowCurrent, k.Target?.Text ?? "—", k.ShowPrevious, k.Change, new TableCell(k.StatusText, Badge(k.Status)),
            ]).ToList()));
        blocks.Add(new Heading("What changed", 2));
        blocks.Add(new Paragraph(string.Join("\n", WhatChanged(data).Select(l => "• " + l))));
        blocks.Add(new Paragraph(EstimatedVsMeasured.Summary(data.Current.Overall), Size: 8.5f));
        blocks.Add(new Paragraph(ExperimentSummary.Line(data.Experiments, data.Registry), Size: 8.5f));
        blocks.Add(new Paragraph(
            $"Volume: {Count(data.Current.Overall.Decisions)} cases scored, {Count(data.Current.Overall.ManualCases)} sent to humans, " +
            $"{Count(data.Current.Overall.QaAudits)} QA audits. Status: green meets the target, amber is within the documented margin " +
            "below it (appendix), red is further off; a figure with n < 30 has no status; n/a means the week has no figure. " +
            "A change is marked significant when both weeks have n ≥ 30 and a two-proportion z-test gives p < 0.05.", Size: 8, Muted: true));
    }

    /// <summary>The height of a case type's chart row in section 2: three case types (heading, a four-line note, charts) fit a page.</summary>
    internal const float CaseTypeChartHeight = 150;

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
            SlicesWithOverall(data).Select(s => (IReadOnlyList<TableCell>)
            [
                SliceLabel(data, s), Count(s.LabeledCases), Count(s.Tp), Count(s.Fp), Count(s.Tn), Count(s.Fn),
                Cell(KpiCatalogue.Precision, s), Interval(s.PrecisionCiLow, s.PrecisionCiHigh),
                Cell(KpiCatalogue.Recall, s), Interval(s.RecallCiLow, s.RecallCiHigh),
                Percent(s.F1), Percent(s.AutomationRate),
            ]).ToList(),
            FontSize: 7f));
        blocks.Add(new ChartRow([QualityCharts.ConfusionMatrix(data.Current.Overall), QualityCharts.PrecisionRecallTrend(data.Trend.ByWeek)], 200));
        // The early warning follows the overall figures (it is about all decisions, before any label), not the last case type.
        Drift(data, blocks);
        // Each case type is one block kept on one page (its heading, note and charts never part), sized so three fit a page;
        // the run is balanced over its pages, so the last case type never sits alone on a half-empty page.
        foreach (var slice in data.CaseTypes)
        {
            var group = new List<PdfBlock> { new Heading(CategoryBounds.Label(slice.CaseType), 2) };
            group.Add(new Paragraph(
                $"{Count(slice.Decisions)} cases, {Count(slice.LabeledCases)} labeled ({Percent(slice.LabelCompleteness)}). " +
                $"Precision {KpiCatalogue.Precision.ShowWithN(slice)} (95 % CI {Interval(slice.PrecisionCiLow, slice.PrecisionCiHigh)}), " +
                $"recall {KpiCatalogue.Recall.ShowWithN(slice)} (95 % CI {Interval(slice.RecallCiLow, slice.RecallCiHigh)}), accuracy {Percent(slice.Accuracy)}." +
                $" {EstimatedVsMeasured.EstimatesOnly(slice)}." +
                (KpiCatalogue.Precision.Status(slice) == KpiStatus.SmallSample || KpiCatalogue.Recall.Status(slice) == KpiStatus.SmallSample
                    ? " Fewer than 30 cases behind a figure: too few to judge against its target." : ""), Size: 8f));
            var trend = data.TrendByCaseType.TryGetValue(slice.CaseType!, out var weeks) ? weeks : [];
            // The heading names the case type: the narrow confusion chart's title would not hold it.
            group.Add(new ChartRow([QualityCharts.ConfusionMatrix(slice, named: false), QualityCharts.PrecisionRecallTrend(trend, shortTargets: true)], CaseTypeChartHeight, Weights: [1f, 2f]));
            blocks.Add(new KeepTogether(group));
        }

        if (FoldedNote(data.CaseTypes.Count, data.FoldedCaseTypes.Count, "decisions", "are pooled in the tables' \"other\" row.") is { } note)
        {
            blocks.Add(new Paragraph(note, Size: 8, Muted: true));
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
            SlicesWithOverall(data).Select(s => (IReadOnlyList<TableCell>)
                [SliceLabel(data, s), Count(s.LabeledCases), Number(s.Ece), Number(s.Brier)]).ToList()));
        var pooled = data.Current.Reliability.Where(b => b.CaseType is null).ToList();
        blocks.Add(new ChartRow([QualityCharts.Reliability(pooled.Count > 0 ? pooled : data.Current.Reliability)], 220));
        blocks.Add(new Heading("Recommended thresholds", 2));
        var (sweepsShown, sweepsFolded) = CategoryBounds.Top(data.Thresholds.ByCaseType, s => s.Decisions);
        blocks.Add(new Paragraph(
            "The lowest threshold t (0.50–0.99) at which the pipeline (agent above t, humans below) keeps precision > 95 % and " +
            "recall > 99 % on this week's labeled cases (their number beside it); capacity is the manual load it implies. A recommendation from fewer than " +
            "30 labeled cases is shown but not to be acted on. Interval: from the lowest t at which both targets are still plausible (95 % Wilson upper " +
            "bounds above them) to the lowest t at which both are shown (lower bounds above them); \"not shown\" = no t up to 0.99 shows them yet.", Size: 8.5f, Muted: true));
        blocks.Add(new Table(
            [
                new TableColumn("Case type", 2.3f), new TableColumn("Labeled", 1.1f, CellAlign.Right), new TableColumn("Current", 1, CellAlign.Right),
                new TableColumn("Recommended", 1.7f, CellAlign.Right), new TableColumn("Interval", 2.1f, CellAlign.Right),
                new TableColumn("Precision", 1.2f, CellAlign.Right), new TableColumn("Recall", 1.1f, CellAlign.Right),
                new TableColumn("Automation", 1.2f, CellAlign.Right), new TableColumn("Manual cases/day", 1.3f, CellAlign.Right),
                new TableColumn("Reviewer h/day", 1.3f, CellAlign.Right),
            ],
            sweepsShown.Select(s =>
            {
                var at = s.RecommendedThreshold is { } r ? s.Sweep.FirstOrDefault(p => Math.Abs(p.Threshold - r) < 1e-9) : null;
                return (IReadOnlyList<TableCell>)
                [
                    CategoryBounds.Label(s.CaseType), Count(s.RecommendedThresholdN), Threshold(s.CurrentThreshold), RecommendedText(s), RecommendedInterval(s),
                    Percent(at?.Precision), Percent(at?.Recall), Percent(at?.Automation), Number(at?.ManualCasesPerDay, 1), Number(at?.ReviewerHoursPerDay, 1),
                ];
            }).ToList(),
            FontSize: 7f));
        // A sweep of pooled case types would mix their thresholds: the folded ones get a note, not an "other" row.
        if (FoldedNote(sweepsShown.Count, sweepsFolded.Count, "decisions", $"({Count(sweepsFolded.Sum(s => s.LabeledCases))} labeled cases) are not swept here.") is { } note)
        {
            blocks.Add(new Paragraph(note, Size: 8, Muted: true));
        }

        var sweeps = sweepsShown.Select(QualityCharts.ThresholdSweep).ToList();
        for (var i = 0; i < sweeps.Count; i += 2)
        {
            // Rows of sweeps are balanced over their pages like the case types of section 2 (no lone last row).
            blocks.Add(new KeepTogether([new ChartRow(sweeps.Skip(i).Take(2).ToList(), 212)]));
        }
    }

    private const string NoClustersText =
        "No FP/FN signal pattern is significantly over-represented this week (support ≥ 5 and 99.9 % Wilson lower bound above the error rate).";

    private static void Batch(PackData data, List<PdfBlock> blocks)
    {
        var clusters = data.Clusters.Clusters;
        // A batch without clusters is three lines: it follows the thresholds instead of leaving a page nearly empty.
        blocks.Add(new Heading(SectionTitles[3], NewPage: !data.IsEmpty && clusters.Count > 0));
        if (data.IsEmpty)
        {
            blocks.Add(new Paragraph(EmptyPeriodText, Muted: true));
            return;
        }

        blocks.Add(new Paragraph(
            "The agenda of the calibration session: the FP and FN patterns of this week that exceed their case type's error rate " +
            "most, with example cases, the dominant root cause and the route — A retrain the model, B change decision rules / " +
            "thresholds, C update the SOP.", Size: 8.5f));
        if (clusters.Count == 0)
        {
            blocks.Add(new Paragraph(NoClustersText, Muted: true));
            return;
        }

        blocks.Add(new Table(
            [new TableColumn("Route", 2.5f), new TableColumn("Clusters", 1, CellAlign.Right), new TableColumn("Error cases", 1, CellAlign.Right)],
            clusters.GroupBy(RouteText).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (IReadOnlyList<TableCell>)
                [g.Key, Count(g.Count()), Count(g.Sum(c => c.Support))]).ToList(),
            NoClustersText));
        blocks.Add(new Table(
            [
                new TableColumn("Case type", 1.6f), new TableColumn("Error", 0.6f), new TableColumn("#", 0.4f, CellAlign.Right),
                new TableColumn("Signals", 2.3f), new TableColumn("Errors / cases", 1.3f, CellAlign.Right), new TableColumn("Excess", 0.9f, CellAlign.Right),
                new TableColumn("Lift", 0.7f, CellAlign.Right), new TableColumn("Root cause", 0.9f), new TableColumn("Route", 1.8f),
            ],
            clusters.Select(c => (IReadOnlyList<TableCell>)
            [
                CategoryBounds.Label(c.CaseType), c.Label, c.Rank.ToString(CultureInfo.InvariantCulture), SignalsText(c), $"{Count(c.Support)} / {Count(c.Cases)}",
                Number(c.ExcessErrors, 1), Number(c.Lift, 2), c.RootCauseType ?? NotAvailable, RouteText(c),
            ]).ToList(),
            NoClustersText));
        blocks.Add(new Heading("Root causes and example cases", 2));
        blocks.Add(new Table(
            [
                new TableColumn("Case type", 1.6f), new TableColumn("Error", 0.6f), new TableColumn("#", 0.4f, CellAlign.Right),
                new TableColumn("Root cause code", 3f), new TableColumn("Example case ids", 4.5f),
            ],
            clusters.Select(c => (IReadOnlyList<TableCell>)
            [
                CategoryBounds.Label(c.CaseType), c.Label, c.Rank.ToString(CultureInfo.InvariantCulture), c.RootCauseCode ?? NotAvailable, string.Join(", ", c.ExampleCaseIds),
            ]).ToList()));

        var top = clusters.OrderByDescending(c => c.ExcessErrors).Take(4).ToList();
        if (top.Count > 0 && data.ClusterTrends.Count == clusters.Count)
        {
            blocks.Add(new Paragraph(
                $"Error cases per week of the top patterns over the {PackData.TrendWeeks} weeks to {data.Request.Period.Week}: the cases of the case type with that error whose " +
                "signals include the pattern's and no earlier-ranked pattern's (the cluster rule); the last bar is the cluster's support this week.", Size: 8, Muted: true));
        }

        for (var i = 0; i < top.Count; i += 2)
        {
            blocks.Add(new ChartRow(top.Skip(i).Take(2).Select(c => QualityCharts.ClusterTrend(c, data.ClusterTrends.Count == clusters.Count ? data.ClusterTrends[clusters.IndexOf(c)] : null)).ToList(), 150));
        }
    }

    /// <summary>The AI-overturn table: per case type, org and vendor, pooled last; who was right from the label.</summary>
    private static void Overturns(PackData data, List<PdfBlock> blocks)
    {
        var overturn = data.Overturn;
        blocks.Add(new Heading("AI overturns (final human decision differs from the agent's)", 2));
        blocks.Add(new Paragraph(
            "Of the week's resolved manual cases, those whose final review (pass or block) differs from the agent's decision; of the overturned cases with a label, " +
            "whether the human or the agent had the truth. Vendor is the final review's.", Size: 8, Muted: true));
        // Bounded like every category list: the case types, orgs and vendors with the most resolved cases (the pooled row covers all).
        var rows = new[] { overturn.ByCaseType, overturn.ByOrg, overturn.ByVendor }.SelectMany(d => CategoryBounds.Top(d, r => r.ResolvedCases).Shown).ToList();
        if (overturn.Overall.ResolvedCases > 0)
        {
            rows.Add(overturn.Overall);
        }

        blocks.Add(new Table(
            [
                new TableColumn("By", 1.05f), new TableColumn("Slice", 1.6f), new TableColumn("Resolved", 0.9f, CellAlign.Right),
                new TableColumn("Overturned", 1, CellAlign.Right), new TableColumn("Overturn rate", 1.6f, CellAlign.Right),
                new TableColumn("Human right", 0.8f, CellAlign.Right), new TableColumn("Agent right", 0.8f, CellAlign.Right),
                new TableColumn("Human right (share)", 1.6f, CellAlign.Right),
            ],
            rows.Select(r => (IReadOnlyList<TableCell>)
            [
                r.Dimension == "overall" ? "all" : r.Dimension.Replace('_', ' '), r.Slice is { } slice ? CategoryBounds.Label(slice) : "All (pooled)", Count(r.ResolvedCases), Count(r.Overturned),
                Rate(KpiCatalogue.OverturnRate, r.OverturnRate, r.OverturnRateN), Count(r.HumanRight), Count(r.AgentRight),
                Rate(KpiCatalogue.HumanRightWhenOverturned, r.HumanRightRate, r.HumanRightRateN),
            ]).ToList(),
            "No resolved manual case this week in scope."));

        static TableCell Rate(Kpi kpi, double? value, long n) => new(kpi.Status(value, n) == KpiStatus.SmallSample
            ? kpi.Show(value) + " (n < 30)"
            : $"{kpi.Show(value)} (n = {Count(n)})");
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
                SlicesWithOverall(data).Select(s => (IReadOnlyList<TableCell>)
                [
                    SliceLabel(data, s), Count(s.ManualCases), Count(s.ResolvedCases), Count(s.OpenCases),
                    Cell(KpiCatalogue.Sla, s), Hours(s.ResolutionHoursP50), Hours(s.ResolutionHoursP90),
                    Count(s.KeyUserCases), Cell(KpiCatalogue.KeyUserEscalation, s),
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
                    Cell(KpiCatalogue.DecisionAccuracy, new MetricSet { DecisionAccuracy = q.DecisionAccuracy, QaAudits = q.QaAudits, QaCorrect = q.Correct }), Number(q.Kappa),
                ]).ToList(),
                "No QA audit of this week's reviews in scope."));
            Overturns(data, blocks);
        }

        blocks.Add(new Heading("SOP coverage and gaps", 2));
        blocks.Add(new Table(
            [
                new TableColumn("Case type", 2.2f), new TableColumn("Scenarios", 1, CellAlign.Right), new TableColumn("Covered", 1, CellAlign.Right),
                new TableColumn("Coverage", 1.2f, CellAlign.Right),
            ],
            data.Current.SopCoverage.Select(s => (IReadOnlyList<TableCell>)
                [s.CaseType, Count(s.Scenarios), Count(s.Covered), Cell(KpiCatalogue.SopCoverage, new MetricSet { SopCoverage = s.Coverage, SopScenarios = s.Scenarios })]).ToList(),
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
        blocks.Add(new Table(
            [new TableColumn("KPI", 2f), new TableColumn("Definition", 6f), new TableColumn("n counts", 2f)],
            KpiCatalogue.All.Select(k => (IReadOnlyList<TableCell>)[k.Name, k.Definition, k.Census ? "census (no n rule)" : k.NLabel]).ToList(),
            FontSize: 7.5f));
        blocks.Add(new Paragraph(string.Join("\n", KpiCatalogue.Terms.Select(t => $"• {t.Term}: {t.Definition}").Concat(Definitions.Select(d => "• " + d))), Size: 8));
        blocks.Add(new Heading("Targets and status margins", 2));
        blocks.Add(new Table(
            [new TableColumn("KPI", 2.5f), new TableColumn("Target (green)", 1.3f), new TableColumn("Amber from", 1.3f), new TableColumn("Status needs", 2f)],
            KpiCatalogue.WithTargets.Select(k => (IReadOnlyList<TableCell>)
                [k.Name, k.Target!.Text, k.Target.AmberText, k.Census ? "any n (census)" : "n ≥ 30"]).ToList()));
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
        "Threshold sweep t = 0.50…0.99: cases at or above t keep the agent's decision, cases below go to a human taken to be right.",
        "Clusters (section 4) follow the warehouse's cluster rule (contract §2); their route totals are sums of supports.",
    ];

    private static string RecommendedInterval(CaseTypeSweep sweep) => sweep.RecommendedThresholdCiLow is { } low
        ? $"{Threshold(low)} – {(sweep.RecommendedThresholdCiHigh is { } high ? Threshold(high) : "not shown")}"
        : "—";

    /// <summary>Model quality's early warning without labels: the week's PSI against the week before, flagged slices first.</summary>
    private static void Drift(PackData data, List<PdfBlock> blocks)
    {
        if (data.Drift is not { } drift)
        {
            return;
        }

        blocks.Add(new Heading("Early warning without labels: drift vs the week before", 2));
        var flagged = drift.Entries.Where(e => e.Flagged).ToList();
        blocks.Add(new Paragraph(
            (flagged.Count == 0
                ? $"No case type × model version shifted by more than PSI {Number(drift.FlagAbove, 1)} ({Count(drift.Entries.Count)} compared). "
                : $"{Count(flagged.Count)} of {Count(drift.Entries.Count)} case type × model version slices shifted (PSI > {Number(drift.FlagAbove, 1)}). ") +
            "PSI = Σ (share now − share before) · ln(share now / share before) over all decided cases, no label needed: confidence in 10 bins of 0.1, " +
            $"each signal as fired / not fired; an empty bin counts as {drift.Epsilon.ToString("0.0000", CultureInfo.InvariantCulture)}. Flagged only when both weeks have ≥ 30 decisions and the shift is unlikely by chance (p < 0.01, PSI · n₁n₂/(n₁+n₂) against χ², bins − 1 degrees of freedom).",
            Size: 8.5f, Muted: true));
        var rows = drift.Entries.OrderByDescending(e => e.Flagged).ThenByDescending(e => e.ConfidencePsi ?? -1).Take(12).ToList();
        blocks.Add(new Table(
            [
                new TableColumn("Case type", 2.2f), new TableColumn("Model", 1.4f), new TableColumn("Decisions (before)", 1.6f, CellAlign.Right),
                new TableColumn("Confidence PSI", 1.3f, CellAlign.Right), new TableColumn("Largest signal shift", 1.8f),
                new TableColumn("Rate before → now", 1.9f, CellAlign.Right), new TableColumn("Signal PSI", 1.1f, CellAlign.Right), new TableColumn("Flag", 1f),
            ],
            rows.Select(e =>
            {
                var top = e.Signals.FirstOrDefault();
                return (IReadOnlyList<TableCell>)
                [
                    CategoryBounds.Label(e.CaseType), CategoryBounds.Label(e.ModelVersion), $"{Count(e.Decisions)} ({Count(e.PreviousDecisions)})",
                    e.ConfidencePsi is { } c ? new TableCell(Number(c, 3), e.ConfidenceFlagged ? Rag.Red : Rag.None) : "new",
                    top?.Signal ?? "—",
                    top is null ? "—" : $"{Percent(top.PreviousRate)} → {Percent(top.Rate)}",
                    top?.Psi is { } p ? new TableCell(Number(p, 3), top.Flagged ? Rag.Red : Rag.None) : "—",
                    e.Flagged ? "shift" : e.Comparable ? "—" : "n < 30",
                ];
            }).ToList(),
            FontSize: 7f));
    }

    private static string RecommendedText(CaseTypeSweep sweep) => sweep.RecommendedThreshold is null
        ? "none meets targets"
        : Threshold(sweep.RecommendedThreshold) + (sweep.LabeledCases < Kpi.MinimumN ? " (n < 30)" : "");

    /// <summary>The rows of a per-case-type table: the case types shown, the folded ones as one "other" row, then all pooled.</summary>
    private static IEnumerable<MetricSet> SlicesWithOverall(PackData data) =>
        data.CaseTypes.Concat(data.OtherCaseTypes is { } other ? [other] : []).Append(data.Current.Overall);

    /// <summary>A table row's label: the case type (cut), "other (188 case types)", or "All (pooled)".</summary>
    private static string SliceLabel(PackData data, MetricSet slice) =>
        ReferenceEquals(slice, data.OtherCaseTypes) ? $"{CategoryBounds.OtherLabel} ({Count(data.FoldedCaseTypes.Count)} case types)"
        : slice.CaseType is { } type ? CategoryBounds.Label(type) : "All (pooled)";

    /// <summary>
    /// The note under a bounded list: "The 12 case types with the most decisions of 200 are shown one by one; the other 188 …",
    /// or null when nothing is folded.
    /// </summary>
    private static string? FoldedNote(int shown, int folded, string by, string rest) => folded == 0 ? null
        : $"The {Count(shown)} case types with the most {by} of {Count(shown + folded)} are shown one by one; the other {Count(folded)} {rest} " +
          "Scope the pack to a case type to see one.";

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
