using Microsoft.AspNetCore.WebUtilities;
using System.Globalization;
using RiskOps.Reports.Charts;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>FP/FN patterns: the cluster table, and a drill-down per cluster with example cases and the weekly trend.</summary>
internal static class ClustersView
{
    private static readonly string[] Columns =
        ["case_type", "label", "rank", "signals", "support", "cases", "excess_errors", "lift", "root_cause_type", "root_cause_code", "route"];

    /// <summary>Builds the cluster list.</summary>
    public static PageView Build(PageRequest request)
    {
        var clusters = request.Data.Clusters(request.Filters.Metrics).Clusters;
        var sections = clusters
            .GroupBy(c => (c.CaseType, c.Label))
            .Select(g => new Section($"{g.Key.CaseType} — {g.Key.Label}")
            {
                Tables = [new TableModel($"{g.Key.CaseType}_{g.Key.Label}".ToLowerInvariant(), $"{g.Key.CaseType} {g.Key.Label} clusters", Columns, g.Select(c => Row(request, c)).ToList())],
            })
            .ToList();
        if (sections.Count == 0)
        {
            sections.Add(new Section("Clusters") { Note = "No signal set is significantly over-represented for these filters (support ≥ 5 and 99.9 % Wilson lower bound above the error rate)." });
        }

        return new PageView(
            "clusters",
            "FP/FN patterns",
            "Signal sets (1–3 signals) over-represented among false positives / false negatives of a case type, ranked by excess errors. Open a cluster for example cases and its weekly trend.",
            sections);
    }

    /// <summary>Builds the drill-down of the cluster named by the <c>cluster</c> query value (<c>CASE_TYPE|LABEL|signal|signal</c>).</summary>
    public static PageView? BuildDetail(PageRequest request, string? id)
    {
        var cluster = id is null ? null : request.Data.Clusters(request.Filters.Metrics).Clusters.FirstOrDefault(c => Id(c) == id);
        if (cluster is null)
        {
            return null;
        }

        var name = $"{cluster.CaseType} {cluster.Label}: {string.Join(" + ", cluster.Signals)}";
        return new PageView(
            "cluster",
            name,
            $"Route: {RouteText(cluster.Route)} (root cause {cluster.RootCauseType ?? Format.None}, most often {cluster.RootCauseCode ?? Format.None}).",
            [
                new Section("Cluster")
                {
                    Tables = [new TableModel("cluster", "Cluster", Columns, [Row(request, cluster)])],
                },
                new Section("Weekly trend")
                {
                    Charts = cluster.Weekly.Count > 0 ? [Charts.Svg($"{cluster.Label} cases per week", QualityCharts.ClusterTrend(cluster))] : [],
                    Tables = [new TableModel("weekly", "Error cases per week", ["week", "cases"], cluster.Weekly.Select(w => (IReadOnlyList<Cell>)[w.Week, Format.Count(w.Count)]).ToList())],
                },
                new Section("Example cases")
                {
                    Tables = [ExampleCases(request, cluster)],
                },
            ]);
    }

    /// <summary>The cluster's identity in a URL.</summary>
    public static string Id(Cluster c) => string.Join('|', [c.CaseType, c.Label, .. c.Signals]);

    private static IReadOnlyList<Cell> Row(PageRequest request, Cluster c) =>
    [
        c.CaseType, c.Label, c.Rank.ToString(CultureInfo.InvariantCulture),
        new Cell(string.Join(" + ", c.Signals), QueryHelpers.AddQueryString(request.Link("/cluster"), "cluster", Id(c))),
        Format.Count(c.Support), Format.Count(c.Cases), Format.Num(c.ExcessErrors, 1), Format.Num(c.Lift, 2),
        c.RootCauseType ?? Format.None, c.RootCauseCode ?? Format.None, RouteText(c.Route),
    ];

    private static string RouteText(string? route) => route switch
    {
        "retrain" => "A → retrain",
        "threshold_rules" => "B → threshold / decision rules",
        "sop_update" => "C → SOP update",
        null => Format.None,
        _ => route,
    };

    /// <summary>The example cases with their decision and latest label, from the documented views.</summary>
    private static TableModel ExampleCases(PageRequest request, Cluster cluster)
    {
        var ids = cluster.ExampleCaseIds;
        if (ids.Count == 0)
        {
            return new TableModel("examples", "Example cases", ["case_id"], []);
        }

        // The ids are bound as one parameter, never quoted into the SQL; an id with a control character (the separator
        // among them) is not looked up.
        var clean = ids.Where(id => !id.Any(char.IsControl)).ToList();
        var result = request.Data.Query(DashboardSql.Load("cluster_examples"), new Dictionary<string, object?> { ["case_ids"] = string.Join('\u001f', clean) });
        return new TableModel("examples", "Example cases", result.Columns, result.Rows.Select(r => (IReadOnlyList<Cell>)r.Select(v => new Cell(Format.Value(v))).ToList()).ToList());
    }
}
