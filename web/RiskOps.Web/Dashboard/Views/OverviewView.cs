using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>
/// Overview: the period under review (default: the last complete UTC ISO week) vs the period before vs target for the
/// headline KPIs, each with its n; changes called rises or falls only when significant; an 8-week trend.
/// </summary>
internal static class OverviewView
{
    /// <summary>The KPIs shown as cards.</summary>
    private static readonly Kpi[] CardKpis =
    [
        KpiCatalogue.Precision, KpiCatalogue.Recall, KpiCatalogue.Automation, KpiCatalogue.Sla, KpiCatalogue.DecisionAccuracy,
        KpiCatalogue.KeyUserEscalation, KpiCatalogue.SopCoverage, KpiCatalogue.Ece,
    ];

    /// <summary>Builds the page.</summary>
    public static PageView Build(PageRequest request)
    {
        var period = request.Period;
        var metrics = request.Data.Metrics(request.Filters.Metrics, request.AsOf, MetricsDetail.Overview);
        var previous = request.PreviousMetrics();
        var trend = request.Trend();
        var current = metrics.Overall;
        var before = previous?.Overall;

        var cards = CardKpis.Select(k => Card(k, current, before, period, trend)).ToList();
        var changes = before is null ? [] : CardKpis.Select(k => KpiChange.Of(k, current, before)).ToList();

        var weekly = new TableModel(
            "weekly",
            $"Weekly figures ({trend.Count} weeks ending {period.Short})",
            ["week", "decisions", "labeled", "precision", "recall", "automation_rate", "sla_compliance", "decision_accuracy", "key_user_escalation", "ece"],
            trend.Where(w => w.Set is not null).Select(w => (IReadOnlyList<Cell>)
            [
                w.Week, Format.Count(w.Set!.Decisions), Format.Count(w.Set.LabeledCases),
                Cell.Of(KpiCatalogue.Precision, w.Set), Cell.Of(KpiCatalogue.Recall, w.Set), Cell.Of(KpiCatalogue.Automation, w.Set),
                Cell.Of(KpiCatalogue.Sla, w.Set), Cell.Of(KpiCatalogue.DecisionAccuracy, w.Set),
                Cell.Of(KpiCatalogue.KeyUserEscalation, w.Set), Format.Num(w.Set.Ece),
            ]).Reverse().ToList());

        return new PageView(
            "overview",
            "Overview",
            period.PreviousShort is null
                ? "The headline KPIs of the period against their targets."
                : $"The headline KPIs of {period.Short} against their targets, compared with {period.PreviousShort}; the trend covers the {period.TrendWeeks.Count} weeks ending {period.Short}.",
            [
                new Section($"{period.Short} vs {period.PreviousShort ?? "previous period"} vs target")
                {
                    Note = $"{Format.Count(current.Decisions)} decisions in {period.Short}, {Format.Pct(current.LabelCompleteness)} labeled so far"
                        + (period.InProgress ? " — the week is in progress: its figures will still move." : ".")
                        + " A figure with n < 30 is greyed and has no status.",
                    Cards = cards,
                },
                new Section($"Estimated vs measured — {period.Short}")
                {
                    Note = $"Measured: over labelled cases only. Estimated: over every decision of {period.Short}, each unlabelled case counted at its calibration-map share (docs/metrics.md); "
                        + RiskOps.Reports.Pdf.EstimatedVsMeasured.Completeness(current) + ".",
                    Bullets = RiskOps.Reports.Pdf.EstimatedVsMeasured.Lines(current),
                },
                new Section("What changed") { Bullets = Narrative(changes, period) },
                new Section("By week") { Tables = [weekly] },
                CaseTypeSection(request, metrics),
            ]);
    }

    /// <summary>The "what changed" lines: only significant changes, always with both n (contract v2).</summary>
    internal static IReadOnlyList<string> Narrative(IReadOnlyList<KpiChange> changes, ReviewPeriod period)
    {
        if (period.PreviousShort is null)
        {
            return ["No previous period to compare with (choose a single week or a from–to range)."];
        }

        var lines = changes.Where(c => c.Significant).Select(c => c.Sentence()).ToList();
        if (lines.Count == 0)
        {
            var small = changes.Count(c => c.Kpi.Proportion && !c.Kpi.Census && (c.CurrentN < Kpi.MinimumN || c.PreviousN < Kpi.MinimumN));
            lines.Add($"No KPI changed significantly since {period.PreviousShort} (two-proportion z-test, p < 0.05, both periods n ≥ 30)."
                + (small > 0 ? $" {small} KPI(s) had n < 30 in a period and cannot be compared." : ""));
        }

        return lines;
    }

    private static StatusCard Card(Kpi kpi, MetricSet current, MetricSet? before, ReviewPeriod period, IReadOnlyList<(string Week, MetricSet? Set)> trend)
    {
        var value = kpi.Value(current);
        var status = kpi.Status(current);
        var n = kpi.N(current);
        var nText = kpi.Census
            ? $"census of {Format.Count(current.SopScenarios)} scenarios"
            : n is { } count ? (count < Kpi.MinimumN ? $"{Kpi.SmallSampleText} ({Format.Count(count)} {kpi.NLabel})" : $"n = {Format.Count(count)} {kpi.NLabel}") : "n not reported";
        string compare;
        string delta;
        if (before is null)
        {
            compare = "no previous period";
            delta = "";
        }
        else
        {
            var change = KpiChange.Of(kpi, current, before);
            var beforeN = kpi.Census ? "" : kpi.N(before) is { } bn ? $" (n = {Format.Count(bn)})" : "";
            compare = $"{period.PreviousShort}: {kpi.Show(kpi.Value(before), Format.None)}{beforeN}";
            delta = change.Label == "n/a" ? "" : change.Label;
        }

        var points = trend.Select(w => w.Set is null ? null : kpi.Value(w.Set)).ToList();
        var spark = points.Count(p => p is not null) > 1 ? Charts.Sparkline(points) : null;
        return new StatusCard(
            kpi.Name, kpi.Definition, period.Short, kpi.Show(value, Format.None), nText, compare, delta,
            kpi.Target is { } t ? "target " + t.Text : "no target", status, spark,
            spark is null ? null : $"{IsoWeeks.Short(trend[0].Week)} – {IsoWeeks.Short(trend[^1].Week)}");
    }

    private static Section CaseTypeSection(PageRequest request, MetricsReport metrics)
    {
        var (rows, note) = request.Bound(metrics.ByCaseType, m => m.CaseType, (f, rest) => f with { CaseTypes = rest }, "case types");
        return new Section($"By case type — {request.Period.Short}") { Note = note, Tables = [CaseTypeTable([.. rows, ("all", metrics.Overall)])] };
    }

    private static TableModel CaseTypeTable(IReadOnlyList<(string Key, MetricSet Set)> rows) => new(
        "by_case_type",
        "Headline figures by case type",
        ["case_type", "decisions", "precision", "recall", "automation_rate", "sla_compliance", "decision_accuracy", "key_user_escalation", "sop_coverage"],
        rows.Select(r => (r.Key, m: r.Set)).Select(x => (IReadOnlyList<Cell>)
        [
            x.Key, Format.Count(x.m.Decisions), Cell.Of(KpiCatalogue.Precision, x.m), Cell.Of(KpiCatalogue.Recall, x.m),
            Cell.Of(KpiCatalogue.Automation, x.m), Cell.Of(KpiCatalogue.Sla, x.m), Cell.Of(KpiCatalogue.DecisionAccuracy, x.m),
            Cell.Of(KpiCatalogue.KeyUserEscalation, x.m), Cell.Of(KpiCatalogue.SopCoverage, x.m),
        ]).ToList());
}
