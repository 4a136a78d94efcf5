using System.Globalization;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Alerts;

/// <summary>A rule's breach of one subject (a case type, an experiment arm, the lake) at one evaluation.</summary>
/// <param name="RuleId">The rule.</param>
/// <param name="Subject">What breached (<c>all</c>, a case type, <c>experiment/case_type/variant</c>, <c>lake</c>): with the rule, the dedupe key.</param>
/// <param name="Summary">One line a team lead reads ("Precision RESET_2FA 91.2 % (n = 412) below > 95 %, fell from 96.0 %, p = 0.003").</param>
/// <param name="Value">The figure that breached (a ratio, a count, minutes), or null.</param>
/// <param name="Limit">The limit it broke, or null.</param>
public sealed record AlertBreach(string RuleId, string Subject, string Summary, double? Value, double? Limit);

/// <summary>Judges rules on figures: which subjects of each rule are in breach now. Aggregates only: no record data.</summary>
public static class AlertEvaluator
{
    /// <summary>The breaches of one rule at <paramref name="now"/>.</summary>
    public static IReadOnlyList<AlertBreach> Evaluate(AlertRule rule, IAlertFigures figures, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(figures);
        return rule.Kind switch
        {
            AlertKinds.KpiBelowTarget => Kpi(rule, figures, now),
            AlertKinds.SlaBreaches => Sla(rule, figures, now),
            AlertKinds.QuarantineShare => Quarantine(rule, figures, now),
            AlertKinds.DataFreshness => Freshness(rule, figures, now),
            AlertKinds.ExperimentRollback => Rollback(rule, figures, now),
            _ => throw new InvalidOperationException($"rule {rule.Id}: unknown kind '{rule.Kind}'"),
        };
    }

    private static List<AlertBreach> Kpi(AlertRule rule, IAlertFigures figures, DateTimeOffset now)
    {
        var kpi = KpiCatalogue.All.Single(k => k.Key == rule.Kpi);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var current = figures.Metrics(today.AddDays(1 - rule.WindowDays), today, now);
        var previous = figures.Metrics(today.AddDays(1 - (2 * rule.WindowDays)), today.AddDays(-rule.WindowDays), now);
        var period = $"{today.AddDays(1 - rule.WindowDays):yyyy-MM-dd} to {today:yyyy-MM-dd}";
        IEnumerable<(string Subject, MetricSet Now, MetricSet Before)> slices = rule.CaseType switch
        {
            null or "" => [("all", current.Overall, previous.Overall)],
            "*" => current.ByCaseType.Select(m => (m.CaseType ?? "?", m, previous.ByCaseType.FirstOrDefault(p => p.CaseType == m.CaseType) ?? new MetricSet())),
            var type => [(type, current.ByCaseType.FirstOrDefault(m => m.CaseType == type) ?? new MetricSet(),
                previous.ByCaseType.FirstOrDefault(m => m.CaseType == type) ?? new MetricSet())],
        };
        var breaches = new List<AlertBreach>();
        foreach (var (subject, set, before) in slices)
        {
            var value = kpi.Value(set);
            var n = kpi.N(set);
            // The n rule: a ratio with n < 30 has no status, so it never alerts (a census has no n rule).
            if (value is not { } v || !double.IsFinite(v) || (!kpi.Census && (n is not { } count || count < RiskOps.Reports.Kpis.Kpi.MinimumN)))
            {
                continue;
            }

            var goal = rule.Target ?? kpi.Target!.Goal;
            var misses = rule.Target is { } own
                ? (kpi.LowerIsBetter ? v > own : v < own)
                : !kpi.Target!.Meets(v);
            if (!misses)
            {
                continue;
            }

            var change = KpiChange.Of(kpi, set, before);
            var fell = change.Previous is { } p && (kpi.LowerIsBetter ? v > p : v < p);
            if (rule.RequireSignificantFall && !(change.Significant && fell))
            {
                continue;
            }

            var target = rule.Target is { } t ? (kpi.LowerIsBetter ? "≤ " : "≥ ") + kpi.Show(t) : kpi.Target!.Text;
            var trend = change.Previous is null ? "no previous figure" : $"{(fell ? "fell" : "was")} {kpi.Show(change.Previous)} (n = {change.PreviousN}) in the window before"
                + (change.PValue is { } pv ? ", p = " + pv.ToString("0.000", CultureInfo.InvariantCulture) : "");
            breaches.Add(new AlertBreach(rule.Id, subject,
                $"{kpi.Name} {(subject == "all" ? "overall" : subject)} {kpi.ShowWithN(set)} misses {target} ({period}); {trend}", v, goal));
        }

        return breaches;
    }

    private static List<AlertBreach> Sla(AlertRule rule, IAlertFigures figures, DateTimeOffset now)
    {
        var rows = figures.SlaBreaches(now.AddMinutes(-rule.WindowMinutes), now);
        IEnumerable<(string Subject, long Count)> slices = rule.CaseType switch
        {
            null or "" => [("all", rows.Sum(r => r.Breaches))],
            "*" => rows.Select(r => (r.CaseType, r.Breaches)),
            var type => [(type, rows.Where(r => r.CaseType == type).Sum(r => r.Breaches))],
        };
        return slices
            .Where(s => s.Count > rule.MaxBreaches!.Value)
            .Select(s => new AlertBreach(rule.Id, s.Subject,
                $"{s.Count} SLA breaches (4 h) in the last {rule.WindowMinutes} min{(s.Subject == "all" ? "" : " for " + s.Subject)}, above the limit of {rule.MaxBreaches}",
                s.Count, rule.MaxBreaches))
            .ToList();
    }

    private static List<AlertBreach> Quarantine(AlertRule rule, IAlertFigures figures, DateTimeOffset now)
    {
        var (records, quarantined) = figures.Quarantine(now.AddMinutes(-rule.WindowMinutes), now);
        // Fewer than 30 records in the window say nothing about a source (the contract's n rule).
        if (records < RiskOps.Reports.Kpis.Kpi.MinimumN)
        {
            return [];
        }

        var pct = 100.0 * quarantined / records;
        return pct > rule.MaxPercent!.Value
            ? [new AlertBreach(rule.Id, "lake",
                string.Create(CultureInfo.InvariantCulture, $"{pct:0.0} % of the records published in the last {rule.WindowMinutes} min went to quarantine ({quarantined:#,0} of {records:#,0}), above {rule.MaxPercent:0.##} %"),
                pct, rule.MaxPercent)]
            : [];
    }

    private static List<AlertBreach> Freshness(AlertRule rule, IAlertFigures figures, DateTimeOffset now)
    {
        var (through, lakeHasData) = figures.Freshness();
        if (!lakeHasData)
        {
            return [];
        }

        if (through is not { } at)
        {
            return [new AlertBreach(rule.Id, "lake", "The lake has batches but no published rollup: the figures include no data", null, rule.MaxAgeMinutes)];
        }

        var minutes = (now - at).TotalMinutes;
        return minutes > rule.MaxAgeMinutes!.Value
            ? [new AlertBreach(rule.Id, "lake",
                string.Create(CultureInfo.InvariantCulture, $"The figures' data is {minutes:0} min old (data through {at.UtcDateTime:yyyy-MM-dd HH:mm} UTC), older than {rule.MaxAgeMinutes} min"),
                Math.Round(minutes, 1), rule.MaxAgeMinutes)]
            : [];
    }

    private static List<AlertBreach> Rollback(AlertRule rule, IAlertFigures figures, DateTimeOffset now)
    {
        var report = figures.Experiments(now);
        return report.Experiments
            .Where(e => string.IsNullOrEmpty(rule.Experiment) || e.Experiment == rule.Experiment)
            .SelectMany(e => e.Verdicts.Where(v => v.Value == "rollback").Select(v => new AlertBreach(rule.Id,
                $"{e.Experiment}/{e.CaseType ?? "all"}/{v.Key}",
                $"A/B verdict rollback: experiment {e.Experiment}, {(e.CaseType is null ? "all case types" : e.CaseType)}, variant {v.Key} is significantly worse than control",
                null, null)))
            .ToList();
    }
}
