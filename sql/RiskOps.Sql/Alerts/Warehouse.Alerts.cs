using DuckDB.NET.Data;
using RiskOps.Sql.Model;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>
    /// SLA breaches per case type: manual cases whose 4 h deadline (scored_at + 4 h) fell in (<paramref name="from"/>,
    /// <paramref name="to"/>] and that were not resolved within 4 h. Read from the rollup's case snapshot when one is in
    /// use (<see cref="ServePublishedRollup"/>), else from the views.
    /// </summary>
    public IReadOnlyList<(string CaseType, long Breaches)> GetSlaBreaches(DateTimeOffset from, DateTimeOffset to)
    {
        // Only cases scored on the days the deadlines can fall on are scanned.
        var filters = new MetricFilters
        {
            From = DateOnly.FromDateTime(from.UtcDateTime.AddHours(-4)),
            To = DateOnly.FromDateTime(to.UtcDateTime.AddHours(-4)),
        };
        lock (_gate)
        {
            var rows = RetryingVanishedFiles(() => WithScope(filters, () => ReadRows(
                SqlScripts.Get("alert_sla_breaches"),
                new DuckDBParameter("from_us", (from.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10),
                new DuckDBParameter("to_us", (to.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10))));
            return rows.Select(r => ((string)r["case_type"]!, ToLong(r["breaches"]))).ToList();
        }
    }
}
