using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>Overview: this week vs last week vs target for the headline figures, with red/amber/green and trends.</summary>
internal static class OverviewView
{
    private sealed record Figure(string Name, Func<MetricSet, double?> Value, Target Target);

    private static readonly Figure[] Figures =
    [
        new("Precision", m => m.Precision, Target.Precision),
        new("Recall", m => m.Recall, Target.Recall),
        new("Automation rate", m => m.AutomationRate, Target.Automation),
        new("SLA compliance (4 h)", m => m.SlaCompliance, Target.Sla),
        new("Decision accuracy (QA)", m => m.DecisionAccuracy, Target.DecisionAccuracy),
        new("Key-user escalation", m => m.KeyUserEscalationCompliance, Target.KeyUserEscalation),
        new("SOP coverage", m => m.SopCoverage, Target.SopCoverage),
    ];

    /// <summary>Builds the page.</summary>
    public static PageView Build(PageRequest request)
    {
        var metrics = request.Data.Metrics(request.Filters.Metrics, request.AsOf, MetricsDetail.Overview);
        var weeks = metrics.ByWeek;
        var thisWeek = weeks.Count > 0 ? weeks[^1] : null;
        var previousLabel = IsoWeeks.Previous(thisWeek?.Week);
        var lastWeek = weeks.FirstOrDefault(w => w.Week == previousLabel);

        var cards = Figures.Select(f =>
        {
            // SOP coverage describes the catalogue, not a week: fall back to the pooled figure when weeks carry none.
            var now = thisWeek is null ? null : f.Value(thisWeek) ?? (f.Target == Target.SopCoverage ? f.Value(metrics.Overall) : null);
            var before = lastWeek is null ? null : f.Value(lastWeek);
            return new StatusCard(
                f.Name,
                Format.Pct(now),
                Format.Pct(before),
                Format.DeltaPp(now, before),
                f.Target.Describe(),
                f.Target.Judge(now),
                weeks.Count(w => f.Value(w) is not null) > 1 ? Charts.Sparkline(weeks.Select(f.Value)) : null);
        }).ToList();

        var weekly = new TableModel(
            "weekly",
            "Weekly figures",
            ["week", "decisions", "labeled", "precision", "recall", "automation_rate", "sla_compliance", "decision_accuracy", "key_user_escalation", "ece"],
            weeks.Select(w => (IReadOnlyList<Cell>)
            [
                w.Week ?? Format.None, Format.Count(w.Decisions), Format.Count(w.LabeledCases),
                Judged(w.Precision, Target.Precision), Judged(w.Recall, Target.Recall), Format.Pct(w.AutomationRate),
                Judged(w.SlaCompliance, Target.Sla), Judged(w.DecisionAccuracy, Target.DecisionAccuracy),
                Judged(w.KeyUserEscalationCompliance, Target.KeyUserEscalation), Format.Num(w.Ece),
            ]).Reverse().ToList());

        return new PageView(
            "overview",
            "Overview",
            $"This week = {thisWeek?.Week ?? "no data"} (the latest UTC ISO week with decisions in scope), compared with {previousLabel ?? "the week before"}.",
            [
                new Section("This week vs last week vs target")
                {
                    Note = $"{Format.Count(metrics.Overall.Decisions)} decisions in scope, {Format.Pct(metrics.Overall.LabelCompleteness)} labeled so far.",
                    Cards = cards,
                },
                new Section("By week") { Tables = [weekly] },
                new Section("By case type") { Tables = [CaseTypeTable(metrics)] },
            ]);
    }

    /// <summary>A ratio cell coloured by its target.</summary>
    public static Cell Judged(double? value, Target target) => new(Format.Pct(value), Rag: target.Judge(value));

    private static TableModel CaseTypeTable(MetricsReport metrics) => new(
        "by_case_type",
        "Headline figures by case type",
        ["case_type", "decisions", "precision", "recall", "automation_rate", "sla_compliance", "decision_accuracy", "key_user_escalation", "sop_coverage"],
        metrics.ByCaseType.Append(metrics.Overall).Select(m => (IReadOnlyList<Cell>)
        [
            m.CaseType ?? "all", Format.Count(m.Decisions), Judged(m.Precision, Target.Precision), Judged(m.Recall, Target.Recall),
            Format.Pct(m.AutomationRate), Judged(m.SlaCompliance, Target.Sla), Judged(m.DecisionAccuracy, Target.DecisionAccuracy),
            Judged(m.KeyUserEscalationCompliance, Target.KeyUserEscalation), Judged(m.SopCoverage, Target.SopCoverage),
        ]).ToList());
}
