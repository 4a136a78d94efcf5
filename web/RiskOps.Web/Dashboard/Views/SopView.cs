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
                            Coverage(metrics.SopCoverage).Select(r => (IReadOnlyList<Cell>)
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
                            Gaps(metrics.SopGaps).ToList())
                        {
                            Empty = "No gaps: every type-C root cause has a covered scenario.",
                        },
                    ],
                },
            ]);
    }

    /// <summary>The case types with the most scenarios (labels cut), then "other" summing the rest (coverage = covered / scenarios).</summary>
    private static IEnumerable<SopCoverageRow> Coverage(IReadOnlyList<SopCoverageRow> rows)
    {
        var bounded = Categories.Top(rows, r => r.Scenarios);
        foreach (var row in bounded.Shown)
        {
            yield return new SopCoverageRow { CaseType = Categories.Label(row.CaseType), Scenarios = row.Scenarios, Covered = row.Covered, Coverage = row.Coverage };
        }

        if (bounded.Rest.Count > 0)
        {
            var scenarios = bounded.Rest.Sum(r => r.Scenarios);
            var covered = bounded.Rest.Sum(r => r.Covered);
            yield return new SopCoverageRow { CaseType = Categories.OtherLabel, Scenarios = scenarios, Covered = covered, Coverage = scenarios == 0 ? null : (double)covered / scenarios };
        }
    }

    /// <summary>The gaps with the most cases (labels cut), then one "other" row with the rest's cases.</summary>
    private static IEnumerable<IReadOnlyList<Cell>> Gaps(IReadOnlyList<SopGap> gaps)
    {
        var bounded = Categories.Top(gaps.OrderByDescending(g => g.Cases).ToList(), g => g.Cases);
        foreach (var gap in bounded.Shown)
        {
            yield return [Categories.Label(gap.CaseType), Categories.Label(gap.RootCauseCode), Format.Count(gap.Cases)];
        }

        if (bounded.Rest.Count > 0)
        {
            yield return [Categories.OtherLabel, $"{Format.Count(bounded.Rest.Count)} more", Format.Count(bounded.Rest.Sum(g => g.Cases))];
        }
    }
}
