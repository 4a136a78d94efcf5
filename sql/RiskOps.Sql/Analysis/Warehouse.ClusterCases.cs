using System.Text.Json;
using DuckDB.NET.Data;
using RiskOps.Sql.Model;

namespace RiskOps.Sql;

/// <summary>One error case of a cluster (the drill-down's row).</summary>
public sealed record ClusterCase(
    string CaseId, DateTimeOffset ScoredAt, string Week, string? ModelVersion, string? Region, double Confidence, string Label,
    string? RootCauseType, string? RootCauseCode, string? Annotation, string? LabeledBy, string? Reviewer, string? Vendor);

/// <summary>A page of a cluster's error cases.</summary>
/// <param name="Total">All the cluster's error cases (its support).</param>
/// <param name="Page">The page number, 1-based (past the last page: the last page).</param>
/// <param name="Pages">Pages of <paramref name="PageSize"/> (at least 1).</param>
/// <param name="PageSize">Cases per page.</param>
/// <param name="Cases">The page's cases, most recent first.</param>
public sealed record ClusterCasePage(long Total, int Page, int Pages, int PageSize, IReadOnlyList<ClusterCase> Cases);

public sealed partial class Warehouse
{
    /// <summary>The most cases one call returns (a CSV of every case of a cluster asks for this many).</summary>
    public const int MaxClusterCasePageSize = 100_000;

    /// <summary>
    /// One page of the error cases of <paramref name="cluster"/> (<c>metrics/clusters_cases.sql</c>): the cases its round
    /// removed from the pool with its label, so their count over all pages is its support. <paramref name="clusters"/> is
    /// the <see cref="GetClusters"/> answer for the same filters (earlier rounds decide which cases are left).
    /// </summary>
    public ClusterCasePage GetClusterCases(MetricFilters filters, IReadOnlyList<Cluster> clusters, Cluster cluster, int page, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(clusters);
        ArgumentNullException.ThrowIfNull(cluster);
        if (page < 1)
        {
            throw new InvalidFilterException($"page {page} is not a page number (1 or more)");
        }

        if (pageSize is < 1 or > MaxClusterCasePageSize)
        {
            throw new InvalidFilterException($"page size {pageSize} is out of range (1 to {MaxClusterCasePageSize})");
        }

        filters = Resolve(filters);
        var rounds = clusters.Where(c => c.CaseType == cluster.CaseType && c.Label == cluster.Label && c.Rank <= cluster.Rank).ToList();
        var request = JsonSerializer.Serialize(rounds.Select(c => new { n = c.Rank, case_type = c.CaseType, label = c.Label, rank = c.Rank, signals = c.Signals }));
        var pages = (int)Math.Max(1, (cluster.Support + pageSize - 1) / pageSize);
        var number = Math.Min(page, pages);
        lock (_gate)
        {
            return RetryingVanishedFiles(() => WithScope(filters, () =>
            {
                var rows = ReadRows(SqlScripts.Get("clusters_cases"),
                    new DuckDBParameter("clusters", request), new DuckDBParameter("n", cluster.Rank),
                    new DuckDBParameter("limit", (long)pageSize), new DuckDBParameter("offset", (long)(number - 1) * pageSize));
                var cases = rows.Select(r => new ClusterCase(
                    (string)r["case_id"]!, ToInstant(r["scored_at"]), (string)r["week"]!, (string?)r["model_version"],
                    (string?)r["region"], ToDouble(r["confidence"]) ?? 0, (string)r["label"]!, (string?)r["root_cause_type"],
                    (string?)r["root_cause_code"], (string?)r["annotation"], (string?)r["labeled_by"], (string?)r["final_reviewer_id"],
                    (string?)r["final_vendor"])).ToList();
                var total = rows.Count > 0 ? ToLong(rows[0]["total"]) : cluster.Support;
                return new ClusterCasePage(total, number, pages, pageSize, cases);
            }));
        }
    }
}
