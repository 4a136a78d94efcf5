using DuckDB.NET.Data;
using RiskOps.Sql.Estimates;
using RiskOps.Sql.Model;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>
    /// The estimate backtest (issue 15 item 5) over the cases the filters select: per week that ended by
    /// <paramref name="asOf"/>, precision/recall/accuracy_est as computable at the week's end from the labels ingested by
    /// then, beside the labelled figure then and now. It reads the label history (<c>raw_labels</c>, every version with its
    /// <c>ingested_at</c>), which no rollup keeps, so its cost grows with the lake's labels times the weeks asked for.
    /// </summary>
    public BacktestReport GetEstimateBacktest(MetricFilters filters, DateTimeOffset asOf)
    {
        filters = Resolve(filters);
        lock (_gate)
        {
            var rows = RetryingVanishedFiles(() => WithScope(filters, () => ReadRows(
                SqlScripts.Get("estimates_backtest"),
                new DuckDBParameter("as_of_us", (asOf.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10))));
            return BacktestAssembler.Assemble(rows, asOf, v => ToLong(v), v => ToDouble(v));
        }
    }
}
