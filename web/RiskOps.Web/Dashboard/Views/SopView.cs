using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>SOP coverage per case type against 80 %, and the gap list.</summary>
internal static class SopView
{
    /// <summary>Builds the page.</summary>
    public static PageView Build(PageRequest request)
    {
        var metrics = request.Data.Metrics(request.Filters.Metrics, request.AsOf, MetricsDetail.Overview);
        return new PageView(
            "sop",
            "SOP coverage",
            $"{request.Period.Label}. Scenarios with a covering SOP page / all scenarios of the catalogue (latest per scenario). A gap = a type-C root-cause code of the case type that no covered scenario handles.",
            [
                new Section("Coverage per case type")
                {
                    Note = $"Overall {KpiCatalogue.SopCoverage.Show(metrics.Overall.SopCoverage, Format.None)} of {Format.Count(metrics.Overall.SopScenarios)} scenarios; target {KpiCatalogue.SopCoverage.Target!.Text}. "
                        + "The catalogue as it stands now (latest per scenario): a census, so the n < 30 rule does not apply.",
                    Tables =
                    [
                        new TableModel("coverage", "Coverage", ["case_type", "scenarios", "covered", "coverage"],
                            metrics.SopCoverage.Select(r => (IReadOnlyList<Cell>)
                            [
                                r.CaseType, Format.Count(r.Scenarios), Format.Count(r.Covered), Cell.Of(KpiCatalogue.SopCoverage, new MetricSet { SopCoverage = r.Coverage, SopScenarios = r.Scenarios }),
                            ]).ToList()),
                    ],
                },
                new Section($"Gaps — labels of {request.Period.Short}")
                {
                    Tables =
                    [
                        new TableModel("gaps", "Type-C root causes without a covered scenario", ["case_type", "root_cause_code", "cases"],
                            metrics.SopGaps.OrderByDescending(g => g.Cases).Select(g => (IReadOnlyList<Cell>)[g.CaseType, g.RootCauseCode, Format.Count(g.Cases)]).ToList())
                        {
                            Empty = "No gaps: every type-C root cause has a covered scenario.",
                        },
                    ],
                },
            ]);
    }
}
