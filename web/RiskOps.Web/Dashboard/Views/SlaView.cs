using RiskOps.Reports.Charts;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>SLA: compliance trend, p50/p90 resolution hours, open-backlog ageing, by case type and vendor.</summary>
internal static class SlaView
{
    private static readonly string[] Columns =
        ["manual_cases", "resolved", "open", "sla_compliance", "p50_hours", "p90_hours", "open_0_4h", "open_4_24h", "open_1_3d", "open_over_3d"];

    /// <summary>Builds the page.</summary>
    public static PageView Build(PageRequest request)
    {
        var filters = request.Filters.Metrics;
        var metrics = request.Data.Metrics(filters, request.AsOf);
        var period = request.Period;
        var trend = request.Trend(MetricsDetail.Full);
        var previous = request.PreviousMetrics()?.Overall;
        var kpi = KpiCatalogue.Sla;
        var change = previous is null ? null : KpiChange.Of(kpi, metrics.Overall, previous);

        // Per vendor: one grouped query for every row (each row equals `riskops metrics --vendor V` on these figures).
        var vendors = filters.Vendors.Count > 0
            ? filters.Vendors
            : metrics.Quality.Where(q => q.Dimension == "vendor" && q.Value is not null).Select(q => q.Value!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        // Bounded like every category list: the vendors with the most QA audits (a volume known without a call per
        // vendor) get their own row, the rest one row together ("other": cases reviewed by any of them).
        var audits = metrics.Quality.Where(q => q.Dimension == "vendor" && q.Value is not null).GroupBy(q => q.Value!, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Sum(q => q.QaAudits), StringComparer.Ordinal);
        var shownVendors = Categories.Top(vendors, v => audits.GetValueOrDefault(v));
        var groups = shownVendors.Shown.Select(v => (IReadOnlyList<string>)[v]).ToList();
        var labels = shownVendors.Shown.Select(v => Categories.Label(v)).ToList();
        if (shownVendors.Rest.Count > 0)
        {
            groups.Add(shownVendors.Rest);
            labels.Add(Categories.OtherLabel);
        }

        var sets = request.Data.SlaByVendor(filters, request.AsOf, groups);
        var byVendor = labels.Select((label, i) => (Vendor: label, Set: sets[i])).ToList();

        var (caseTypes, caseTypeNote) = request.Bound(metrics.ByCaseType, m => m.CaseType, (f, rest) => f with { CaseTypes = rest }, "case types", MetricsDetail.Full);

        return new PageView(
            "sla",
            "SLA",
            $"{period.Label}: manual cases scored in the period. A manual case is resolved when its latest review decides pass or block; "
                + $"SLA = resolved within 4 h / (resolved + open older than 4 h at the as-of, {Format.Instant(request.AsOf)}, the instant open cases are aged to).",
            [
                new Section($"Compliance — {period.Short}")
                {
                    Cards =
                    [
                        new StatusCard(
                            kpi.Name, kpi.Definition, period.Short, kpi.Show(metrics.Overall.SlaCompliance, Format.None),
                            metrics.Overall.SlaDenominator < Kpi.MinimumN ? $"{Kpi.SmallSampleText} ({Format.Count(metrics.Overall.SlaDenominator)} {kpi.NLabel})" : $"n = {Format.Count(metrics.Overall.SlaDenominator)} {kpi.NLabel}",
                            previous is null ? "no previous period" : $"{period.PreviousShort}: {kpi.Show(previous.SlaCompliance, Format.None)} (n = {Format.Count(previous.SlaDenominator)})",
                            change is null || change.Label == "n/a" ? "" : change.Label,
                            "target " + kpi.Target!.Text, kpi.Status(metrics.Overall), null, null),
                    ],
                    Charts =
                    [
                        .. trend.Count > 1 ? [Charts.Trend($"SLA compliance per week ({trend.Count} weeks ending {period.Short})", trend, kpi)] : Array.Empty<ChartModel>(),
                        Charts.Svg($"Open backlog by age at the as-of ({period.Short} cases)", QualityCharts.BacklogAgeing(metrics.Overall), 460, 280),
                    ],
                    Tables = [Table("weekly", "Per week", "week", trend.Where(w => w.Set is not null).Reverse().Select(w => (w.Week, w.Set!)))],
                },
                new Section($"By case type — {period.Short}") { Note = caseTypeNote, Tables = [Table("by_case_type", "Per case type", "case_type", caseTypes.Append(("all", metrics.Overall)))] },
                new Section($"By vendor — {period.Short}")
                {
                    Note = "Cases reviewed by the vendor (the vendor filter of `riskops metrics`)."
                        + (shownVendors.Note("vendors", "QA audits") is { } more ? " " + more + " A case reviewed by several vendors counts in each of their rows." : ""),
                    Tables = [Table("by_vendor", "Per BPO vendor", "vendor", byVendor.Select(v => (v.Vendor, v.Set)))],
                },
            ]);
    }

    private static TableModel Table(string id, string title, string key, IEnumerable<(string Key, MetricSet Set)> rows) => new(
        id,
        title,
        [key, .. Columns],
        rows.Select(r => (IReadOnlyList<Cell>)
        [
            r.Key, Format.Count(r.Set.ManualCases), Format.Count(r.Set.ResolvedCases), Format.Count(r.Set.OpenCases),
            Cell.Of(KpiCatalogue.Sla, r.Set), Format.Num(r.Set.ResolutionHoursP50, 2), Format.Num(r.Set.ResolutionHoursP90, 2),
            Format.Count(r.Set.Backlog0To4h), Format.Count(r.Set.Backlog4To24h), Format.Count(r.Set.Backlog1To3d), Format.Count(r.Set.BacklogOver3d),
        ]).ToList());
}
