using DuckDB.NET.Data;
using RiskOps.Sql.Model;
using RiskOps.Sql.Onboarding;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>
    /// The BPO onboarding curves (issue 16 item 4, <c>Onboarding/onboarding*.sql</c>) of the cases <paramref name="filters"/>
    /// selects: decision accuracy (QA, with its 95 % Wilson interval) and overturn-correctness per tenure bucket — weeks
    /// since the reviewer's first review and the review's position in their history — per org and vendor; and the
    /// reviewers with at least <paramref name="minAudits"/> audits whose interval lies wholly below
    /// <paramref name="target"/>, listed for calibration. Tenure is read from every review of a decided case (the raw
    /// reviews view), whatever the filters; the figures from the scope (raw cases view or the rollup's snapshot).
    /// </summary>
    /// <param name="filters">The cases; with vendors, only those vendors' rows.</param>
    /// <param name="target">The decision-accuracy target (the KPI catalogue's 0.98).</param>
    /// <param name="minAudits">The fewest audits for the calibration list (the catalogue's n rule, 30).</param>
    public OnboardingReport GetOnboarding(MetricFilters filters, double target, int minAudits)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(minAudits);
        if (!(target is > 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "the target is a share in (0, 1]");
        }

        filters = Resolve(filters);
        lock (_gate)
        {
            return RetryingVanishedFiles(() => WithScope(filters, () =>
            {
                try
                {
                    Execute($"create or replace temp table onboarding_tenure as {SqlScripts.Get("onboarding_tenure")}");
                    var rows = ReadRows(SqlScripts.Get("onboarding"), new DuckDBParameter("vendors", filters.Vendors.ToList()))
                        .Select(Map<OnboardingRow>).ToList();
                    var reviewers = ReadRows(SqlScripts.Get("onboarding_calibration"),
                            new DuckDBParameter("min_audits", (long)minAudits), new DuckDBParameter("target", target))
                        .Select(Map<OnboardingReviewer>).ToList();
                    return new OnboardingReport
                    {
                        Target = target,
                        MinAudits = minAudits,
                        ByWeeks = rows.Where(r => r.Dimension == "weeks").ToList(),
                        ByReviews = rows.Where(r => r.Dimension == "reviews").ToList(),
                        Reviewers = reviewers,
                        FromRollup = LastScopeFromRollup,
                    };
                }
                finally
                {
                    Execute("drop table if exists onboarding_tenure");
                }
            }));
        }
    }
}
