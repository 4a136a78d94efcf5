using RiskOps.Reports.Charts;
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

        // Per vendor = the same metrics call with the vendor filter, so each row equals `riskops metrics --vendor V`.
        var vendors = filters.Vendors.Count > 0
            ? filters.Vendors
            : metrics.Quality.Where(q => q.Dimension == "vendor" && q.Value is not null).Select(q => q.Value!).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var byVendor = vendors.Select(v => (Vendor: v, Set: request.Data.Metrics(filters with { Vendors = [v] }, request.AsOf).Overall)).ToList();

        return new PageView(
            "sla",
            "SLA",
            $"A manual case is resolved when its latest review decides pass or block; SLA = resolved within 4 h / (resolved + open older than 4 h at {Format.Instant(request.AsOf)}).",
            [
                new Section("Compliance")
                {
                    Cards =
                    [
                        new StatusCard("SLA compliance", Format.Pct(metrics.Overall.SlaCompliance), Format.None, Format.None, Target.Sla.Describe(), Target.Sla.Judge(metrics.Overall.SlaCompliance),
                            metrics.ByWeek.Count > 1 ? Charts.Sparkline(metrics.ByWeek.Select(w => w.SlaCompliance)) : null),
                    ],
                    Charts =
                    [
                        .. metrics.ByWeek.Count > 1 ? [Charts.Trend("SLA compliance per week", metrics.ByWeek.Select(w => w.SlaCompliance))] : Array.Empty<ChartModel>(),
                        Charts.Svg("Open backlog by age", QualityCharts.BacklogAgeing(metrics.Overall), 460, 280),
                    ],
                    Tables = [Table("weekly", "Per week", "week", metrics.ByWeek.Select(w => (w.Week ?? Format.None, w)))],
                },
                new Section("By case type") { Tables = [Table("by_case_type", "Per case type", "case_type", metrics.ByCaseType.Select(m => (m.CaseType ?? Format.None, m)).Append(("all", metrics.Overall)))] },
                new Section("By vendor")
                {
                    Note = "Cases reviewed by the vendor (the vendor filter of `riskops metrics`).",
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
            OverviewView.Judged(r.Set.SlaCompliance, Target.Sla), Format.Num(r.Set.ResolutionHoursP50, 2), Format.Num(r.Set.ResolutionHoursP90, 2),
            Format.Count(r.Set.Backlog0To4h), Format.Count(r.Set.Backlog4To24h), Format.Count(r.Set.Backlog1To3d), Format.Count(r.Set.BacklogOver3d),
        ]).ToList());
}
