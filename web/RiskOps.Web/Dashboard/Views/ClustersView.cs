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
        // One section per case type and label, bounded like every category list: the groups with the most error cases.
        var groups = Categories.Top(clusters.GroupBy(c => (c.CaseType, c.Label)).ToList(), g => g.Sum(c => c.Support));
        var sections = groups.Shown
            .Select(g => new Section($"{Categories.Label(g.Key.CaseType)} — {g.Key.Label}")
            {
                Tables = [new TableModel($"{g.Key.CaseType}_{g.Key.Label}".ToLowerInvariant(), $"{Categories.Label(g.Key.CaseType)} {g.Key.Label} clusters", Columns, g.Select(c => Row(request, c)).ToList())],
            })
            .ToList();
        if (groups.Rest.Count > 0)
        {
            sections.Add(new Section("Other case types")
            {
                Note = $"{Format.Count(groups.Rest.Count)} more case type / label groups with {Format.Count(groups.Rest.Sum(g => g.Count()))} clusters and "
                    + $"{Format.Count(groups.Rest.Sum(g => g.Sum(c => c.Support)))} error cases are not listed; filter by case type to see them.",
            });
        }
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

    /// <summary>Cases per drill-down page unless <c>?size=</c> asks for 1 to <see cref="MaxPageSize"/>.</summary>
    public const int PageSize = 50;

    /// <summary>The most cases one drill-down page shows (the CSV, <c>page=all</c>, has every case).</summary>
    public const int MaxPageSize = 200;

    /// <summary>
    /// Builds the drill-down of the cluster named by the <c>cluster</c> query value (<c>CASE_TYPE|LABEL|signal|signal</c>):
    /// the cluster, its weekly trend and every one of its error cases, <c>?page=N</c> of <see cref="PageSize"/>
    /// (<c>page=all</c>: all of them, what the CSV download asks for). A cluster the period does not find is a page that
    /// says so (a quick link to another period keeps the key); no key at all is a 404.
    /// </summary>
    public static PageView? BuildDetail(PageRequest request, string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            return null;
        }

        var clusters = request.Data.Clusters(request.Filters.Metrics).Clusters;
        var cluster = clusters.FirstOrDefault(c => Id(c) == id);
        if (cluster is null)
        {
            var parts = id.Split('|');
            return new PageView(
                "cluster",
                parts.Length >= 3 ? $"{parts[0]} {parts[1]}: {string.Join(" + ", parts.Skip(2))}" : "Cluster",
                "This signal set is not a significant cluster for these filters and this period.",
                [
                    new Section("Not found in this period")
                    {
                        Note = $"{request.Period.Label}: the v2 rule (support ≥ 5, 99.9 % Wilson lower bound above the error rate) does not select this signal set here. Pick another period above, or open the FP/FN patterns page for the clusters it finds.",
                        Tables = [new TableModel("links", "Links", ["page"], [[new Cell("FP/FN patterns", request.Link("/clusters"))]])],
                    },
                ]);
        }

        var all = string.Equals(request.Query["page"].FirstOrDefault(), "all", StringComparison.OrdinalIgnoreCase);
        var size = all ? Sql.Warehouse.MaxClusterCasePageSize : Math.Min(MaxPageSize, TodayView.ParsePage(request.Query["size"].FirstOrDefault(), PageSize));
        var page = all ? 1 : TodayView.ParsePage(request.Query["page"].FirstOrDefault());
        var cases = request.Data.ClusterCases(request.Filters.Metrics, clusters, cluster, page, size);
        var name = $"{cluster.CaseType} {cluster.Label}: {string.Join(" + ", cluster.Signals)}";
        return new PageView(
            "cluster",
            name,
            $"Route: {RouteText(cluster.Route)} (root cause {cluster.RootCauseType ?? Format.None}, most often {cluster.RootCauseCode ?? Format.None}). {Format.Count(cluster.Support)} {cluster.Label} cases of {Format.Count(cluster.Cases)} with these signals, {request.Period.Short}.",
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
                new Section($"All {Format.Count(cases.Total)} {cluster.Label} cases")
                {
                    Note = all
                        ? $"Every case of the cluster ({Format.Count(cases.Total)}), most recent first."
                        : $"Page {Format.Count(cases.Page)} of {Format.Count(cases.Pages)}, {Format.Count(size)} cases per page, most recent first. Label, root cause, annotation and labeller are the case's latest label; reviewer and vendor its latest review's.",
                    Tables = all ? [CaseTable(cases)] : [Pager(request, id, cases), CaseTable(cases)],
                },
            ]);
    }

    /// <summary>The cluster's identity in a URL.</summary>
    public static string Id(Cluster c) => string.Join('|', [c.CaseType, c.Label, .. c.Signals]);

    private static IReadOnlyList<Cell> Row(PageRequest request, Cluster c) =>
    [
        Categories.Label(c.CaseType), c.Label, c.Rank.ToString(CultureInfo.InvariantCulture),
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

    private static readonly string[] CaseColumns =
        ["case_id", "scored_at", "week", "model_version", "region", "confidence", "label", "root_cause_type", "root_cause_code", "annotation", "labeled_by", "reviewer", "vendor"];

    private static TableModel CaseTable(Sql.ClusterCasePage page) => new(
        "cases",
        "Cases",
        CaseColumns,
        page.Cases.Select(c => (IReadOnlyList<Cell>)
        [
            c.CaseId, Format.Instant(c.ScoredAt), c.Week, c.ModelVersion ?? Format.None, c.Region ?? Format.None,
            Format.Num(c.Confidence, 3), c.Label, c.RootCauseType ?? Format.None, c.RootCauseCode ?? Format.None,
            c.Annotation ?? "", c.LabeledBy ?? Format.None, c.Reviewer ?? Format.None, c.Vendor ?? (c.Reviewer is null ? Format.None : "INHOUSE"),
        ]).ToList())
    {
        Empty = "No case of this cluster for these filters.",
    };

    private static TableModel Pager(PageRequest request, string id, Sql.ClusterCasePage page)
    {
        var number = page.Page;
        Cell Link(string text, int target, bool enabled) => enabled ? new Cell(text, PageLink(request, id, target)) : new Cell(Format.None);
        var csv = new Cell($"CSV of all {Format.Count(page.Total)} cases", "/export/cluster/cases.csv" + With(request, id, "all"));
        return new TableModel("pages", "Pages", ["page", "of", "first", "previous", "next", "last", "export"],
        [[
            Format.Count(number), Format.Count(page.Pages), Link("first", 1, number > 1), Link("previous", number - 1, number > 1),
            Link("next", number + 1, number < page.Pages), Link("last", page.Pages, number < page.Pages), csv,
        ]]);
    }

    private static string PageLink(PageRequest request, string id, int page) =>
        "/cluster" + With(request, id, page.ToString(CultureInfo.InvariantCulture))
        + (request.Query.ContainsKey("size") ? "&size=" + Uri.EscapeDataString(request.Query["size"].ToString()) : "");

    private static string With(PageRequest request, string id, string page) =>
        QueryHelpers.AddQueryString(request.UrlFilters.QueryString, new KeyValuePair<string, string?>[] { new("cluster", id), new("page", page) });
}
