using RiskOps.Sql.Model;
using RiskOps.Sql.Overturn;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>
    /// The AI-overturn rate (issue 16 item 3, <c>Overturn/overturn.sql</c>) of the cases <paramref name="filters"/>
    /// selects: per case type, week, org, vendor and reviewer, with n, and who was right when human and agent differed.
    /// Read from the published rollup's case snapshot when there is one (the same columns as the cases view), else
    /// from the raw views; both give the same figures for the batches they include.
    /// </summary>
    public OverturnReport GetOverturn(MetricFilters filters)
    {
        filters = Resolve(filters);
        lock (_gate)
        {
            return RetryingVanishedFiles(() => WithScope(filters, () =>
            {
                var rows = ReadRows(SqlScripts.Get("overturn")).Select(Map<OverturnRow>).ToList();
                List<OverturnRow> Of(string dimension) => rows.Where(r => r.Dimension == dimension).ToList();
                return new OverturnReport
                {
                    Overall = rows.FirstOrDefault(r => r.Dimension == "overall") ?? new OverturnRow(),
                    ByCaseType = Of("case_type"),
                    ByWeek = Of("week"),
                    ByOrg = Of("org"),
                    ByVendor = Of("vendor"),
                    ByReviewer = Of("reviewer"),
                    FromRollup = LastScopeFromRollup,
                };
            }));
        }
    }
}
