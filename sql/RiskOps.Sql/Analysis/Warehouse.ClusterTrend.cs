using System.Text.Json;
using DuckDB.NET.Data;
using RiskOps.Sql.Model;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>
    /// The weekly error counts of each of <paramref name="clusters"/> (found by <see cref="GetClusters"/>, typically over
    /// one week) over the weeks <paramref name="filters"/> select (<c>metrics/clusters_trend.sql</c>): per ISO week, the
    /// cases of the cluster's case type and label its signals catch and no earlier round of the same case type and label
    /// does — over the clusters' own week that is each one's support. Every week with a decision in scope is listed, oldest
    /// first, with 0 where the pattern caught nothing (a week with no decision at all is left out, not shown as 0).
    /// <paramref name="clusters"/> must hold every earlier round of the clusters asked for.
    /// </summary>
    /// <returns>One list per cluster, in the order given.</returns>
    public IReadOnlyList<IReadOnlyList<WeeklyCount>> GetClusterTrends(MetricFilters filters, IReadOnlyList<Cluster> clusters)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        filters = Resolve(filters);
        if (clusters.Count == 0)
        {
            return [];
        }

        var request = JsonSerializer.Serialize(clusters.Select((c, i) => new { n = i, case_type = c.CaseType, label = c.Label, rank = c.Rank, signals = c.Signals }));
        lock (_gate)
        {
            return RetryingVanishedFiles(() => WithAnalysisAggregates(filters, () =>
            {
                var rows = ReadRows(SqlScripts.Get("clusters_trend"), new DuckDBParameter("clusters", request));
                var weeks = ReadRows("select distinct week from scope_daily_sweep order by week").Select(r => (string)r["week"]!).ToList();
                var counts = rows.ToDictionary(r => ((int)ToLong(r["n"]), (string)r["week"]!), r => ToLong(r["errors"]));
                return (IReadOnlyList<IReadOnlyList<WeeklyCount>>)clusters.Select((_, i) => (IReadOnlyList<WeeklyCount>)weeks
                    .Select(w => new WeeklyCount { Week = w, Count = counts.GetValueOrDefault((i, w)) }).ToList()).ToList();
            }));
        }
    }
}
