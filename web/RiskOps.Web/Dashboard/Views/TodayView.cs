using System.Globalization;
using RiskOps.Reports.Kpis;
using RiskOps.Sql.Worklist;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>
/// Today: the team lead's work list — open manual cases by time left to the 4 h SLA, per case type, vendor and
/// reviewer, key-user cases without escalation, and a paged list of the open cases, oldest first (the same call as
/// <c>riskops worklist</c>). The layout refreshes the page every minute.
/// </summary>
internal static class TodayView
{
    /// <summary>Cases per page of the list unless <c>?size=</c> asks for 1 to <see cref="MaxPageSize"/>.</summary>
    public const int PageSize = 50;

    /// <summary>The most cases one page shows.</summary>
    public const int MaxPageSize = 200;

    private static readonly string[] CountColumns = ["breached", "under_1h", "under_2h", "other", "open_total"];

    /// <summary>The columns of the case list (and of its CSV export).</summary>
    public static readonly IReadOnlyList<string> CaseColumns =
        ["case_id", "case_type", "priority", "key_user", "scored_at", "age_hours", "time_left_hours", "bucket", "vendor", "reviewer"];

    /// <summary>Builds the page; <c>?page=N</c> picks the slice of the case list.</summary>
    public static PageView Build(PageRequest request)
    {
        var page = ParsePage(request.Query["page"].FirstOrDefault());
        var size = Math.Min(MaxPageSize, ParsePage(request.Query["size"].FirstOrDefault(), PageSize));
        var report = request.Data.Worklist(request.UrlFilters.Metrics, request.AsOf, page, size);
        var s = report.Summary;
        return new PageView(
            "today",
            "Today",
            $"Open manual cases (latest review not yet pass or block) aged from scored_at to {Format.Instant(report.AsOf)} against the 4 h SLA; live from the lake, refreshed every minute.",
            [
                new Section("Time left to the 4 h SLA")
                {
                    Cards =
                    [
                        Card("Breached (> 4 h)", s.Breached, s.Breached > 0 ? KpiStatus.Red : KpiStatus.Green),
                        Card("< 1 h left", s.Under1h, s.Under1h > 0 ? KpiStatus.Amber : KpiStatus.Green),
                        Card("< 2 h left", s.Under2h, s.Under2h > 0 ? KpiStatus.Amber : KpiStatus.Green),
                        Card("≥ 2 h left", s.Other, KpiStatus.NoTarget),
                        Card("Open manual cases", s.OpenTotal, KpiStatus.NoTarget),
                        Card("Key users without escalation", report.KeyUsersWithoutEscalation, report.KeyUsersWithoutEscalation > 0 ? KpiStatus.Red : KpiStatus.Green),
                    ],
                    Note = "Key users: manual cases with priority ≥ 75, open or resolved, with no review that escalated and none by a senior or lead.",
                },
                new Section("Open cases, oldest first")
                {
                    Note = $"Page {report.Page.Number} of {report.Page.Pages}, {size} cases per page. Vendor and reviewer are the latest review's (INHOUSE for an in-house reviewer, unassigned with no review).",
                    Tables = [Pager(request, report), Cases(report)],
                },
                new Section("By case type, vendor and reviewer")
                {
                    Tables =
                    [
                        Slices("by_case_type", "Per case type", "case_type", report.ByCaseType),
                        Slices("by_vendor", "Per vendor (latest review)", "vendor", report.ByVendor),
                        Slices("by_reviewer", "Per reviewer (latest review)", "reviewer", report.ByReviewer),
                    ],
                },
            ]);
    }

    /// <summary>The page number of <c>?page=</c>: 1 when absent or not a positive number (a stale link still shows the list).</summary>
    public static int ParsePage(string? text, int fallback = 1)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var page) && page >= 1 ? page : fallback;
    }

    /// <summary>The row of one case as shown and exported.</summary>
    public static IReadOnlyList<Cell> Row(WorklistCase c) =>
    [
        c.CaseId, c.CaseType, Format.Count(c.Priority), c.KeyUser ? (c.Escalated ? "yes, escalated" : "yes") : "no",
        Format.Instant(c.ScoredAt), Format.Num(c.AgeHours, 2),
        new Cell(Format.Num(c.TimeLeftHours, 2), Status: c.Bucket switch { "breached" => KpiStatus.Red, "under_1h" or "under_2h" => KpiStatus.Amber, _ => null }),
        c.Bucket, c.Vendor, c.Reviewer,
    ];

    private static StatusCard Card(string name, long value, KpiStatus status) =>
        new(name, "Open manual cases at the as-of instant; the SLA is 4 h from scored_at.", "now", Format.Count(value), "", "", "",
            "target: none open", status, null, null);

    private static TableModel Cases(WorklistReport report) => new("cases", "Open manual cases", CaseColumns, report.Cases.Select(Row).ToList())
    {
        Empty = "No open manual case for these filters.",
    };

    private static TableModel Pager(PageRequest request, WorklistReport report)
    {
        var number = report.Page.Number;
        var previous = number > 1 ? new Cell("previous", PageLink(request, number - 1)) : new Cell(Format.None);
        var next = number < report.Page.Pages ? new Cell("next", PageLink(request, number + 1)) : new Cell(Format.None);
        var csv = new Cell("CSV of every open case", "/export/today/cases.csv" + request.UrlFilters.QueryString);
        return new TableModel("pages", "Pages", ["page", "of", "previous", "next", "export"],
            [[Format.Count(number), Format.Count(report.Page.Pages), previous, next, csv]]);
    }

    private static string PageLink(PageRequest request, int page)
    {
        var query = request.UrlFilters.QueryString;
        var pageParameter = "page=" + page.ToString(CultureInfo.InvariantCulture)
            + (request.Query.ContainsKey("size") ? "&size=" + Uri.EscapeDataString(request.Query["size"].ToString()) : "");
        return "/today" + (string.IsNullOrEmpty(query) ? "?" + pageParameter : query + "&" + pageParameter);
    }

    /// <summary>The slices with the most open cases (labels cut), then one "other" row summing the rest.</summary>
    private static IEnumerable<WorklistSlice> Bound(IReadOnlyList<WorklistSlice> slices)
    {
        var bounded = Categories.Top(slices, s => s.OpenTotal);
        foreach (var slice in bounded.Shown)
        {
            yield return slice with { Key = Categories.Label(slice.Key) };
        }

        if (bounded.Rest.Count > 0)
        {
            var rest = bounded.Rest;
            yield return new WorklistSlice(
                Categories.OtherLabel, rest.Sum(r => r.Breached), rest.Sum(r => r.Under1h), rest.Sum(r => r.Under2h), rest.Sum(r => r.Other), rest.Sum(r => r.OpenTotal));
        }
    }

    private static TableModel Slices(string id, string title, string key, IReadOnlyList<WorklistSlice> slices) => new(
        id,
        title,
        [key, .. CountColumns],
        Bound(slices).Select(r => (IReadOnlyList<Cell>)
        [
            r.Key, new Cell(Format.Count(r.Breached), Status: r.Breached > 0 ? KpiStatus.Red : null), Format.Count(r.Under1h),
            Format.Count(r.Under2h), Format.Count(r.Other), Format.Count(r.OpenTotal),
        ]).ToList())
    {
        Empty = "No open manual case for these filters.",
    };
}
