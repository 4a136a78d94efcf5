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
            "Scenarios with a covering SOP page / all scenarios of the catalogue (latest per scenario). A gap = a type-C root-cause code of the case type that no covered scenario handles.",
            [
                new Section("Coverage per case type")
                {
                    Note = $"Overall {Format.Pct(metrics.Overall.SopCoverage)} of {Format.Count(metrics.Overall.SopScenarios)} scenarios; target {Target.SopCoverage.Describe()}.",
                    Tables =
                    [
                        new TableModel("coverage", "Coverage", ["case_type", "scenarios", "covered", "coverage"],
                            metrics.SopCoverage.Select(r => (IReadOnlyList<Cell>)
                            [
                                r.CaseType, Format.Count(r.Scenarios), Format.Count(r.Covered), OverviewView.Judged(r.Coverage, Target.SopCoverage),
                            ]).ToList()),
                    ],
                },
                new Section("Gaps")
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
