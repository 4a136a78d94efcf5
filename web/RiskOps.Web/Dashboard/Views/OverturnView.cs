using RiskOps.Reports.Kpis;
using RiskOps.Sql.Overturn;

namespace RiskOps.Web.Dashboard.Views;

/// <summary>
/// The AI-overturn sections of Model quality (per case type and week) and BPO quality (per org, vendor and reviewer):
/// the share of resolved manual cases whose final human decision differs from the agent's, with n, and who was right
/// when they differed (from the label). No target: a rate with n &lt; 30 is greyed like every ratio.
/// </summary>
internal static class OverturnView
{
    private const string Definition =
        "Overturn = the final human decision (latest review, pass or block) differs from the agent's. Of the overturned cases with a label, "
        + "\"human right\" counts those where the human's decision is the truth (block = TP or FN), \"agent right\" the others. "
        + "Vendor and reviewer are the final review's; a case's week is the ISO week of scored_at (UTC).";

    /// <summary>Model quality: per case type for the period, and per week of the trend.</summary>
    public static Section ModelSection(PageRequest request)
    {
        var report = request.Data.Overturn(request.Filters.Metrics);
        var weeks = request.Data.Overturn(request.Period.Trend).ByWeek.OrderByDescending(r => r.Slice, StringComparer.Ordinal).ToList();
        return new Section($"AI overturns — {request.Period.Short}")
        {
            Note = Definition,
            Tables =
            [
                Table("overturn_by_case_type", "Per case type", "case_type", [.. Bound(report.ByCaseType), report.Overall]),
                Table("overturn_by_week", $"Per week ({request.Period.Trend.Weeks.Count} weeks ending {request.Period.Short})", "week", weeks),
            ],
        };
    }

    /// <summary>BPO quality: per org and vendor, and per reviewer (most resolved cases first, n &lt; 30 last).</summary>
    public static Section BpoSection(PageRequest request)
    {
        var report = request.Data.Overturn(request.Filters.Metrics);
        var reviewers = Bound(report.ByReviewer, Categories.MaxReviewers, rows => rows
            .OrderBy(r => r.ResolvedCases < Kpi.MinimumN ? 1 : 0)
            .ThenByDescending(r => r.OverturnRate ?? -1)
            .ThenByDescending(r => r.ResolvedCases)
            .ThenBy(r => r.Slice, StringComparer.Ordinal));
        var small = reviewers.Count(r => r.ResolvedCases < Kpi.MinimumN);
        return new Section($"AI overturns — {request.Period.Short}")
        {
            Note = Definition + $" {Format.Count(reviewers.Count)} reviewers, highest overturn rate first; {Format.Count(small)} with fewer than 30 resolved cases are listed last, greyed.",
            Tables =
            [
                Table("overturn_by_org", "Per organisation", "org", [.. Bound(report.ByOrg), report.Overall]),
                Table("overturn_by_vendor", "Per vendor (BPO)", "vendor", Bound(report.ByVendor)),
                Table("overturn_by_reviewer", "Per reviewer", "reviewer", reviewers, withVendor: true),
            ],
        };
    }

    private static TableModel Table(string id, string title, string key, IReadOnlyList<OverturnRow> rows, bool withVendor = false) => new(
        id,
        title,
        [key, .. withVendor ? new[] { "org", "vendor" } : [], "resolved", "overturned", "overturn_rate", "overturned_labeled", "human_right", "agent_right", "human_right_rate"],
        rows.Select(r => (IReadOnlyList<Cell>)
        [
            r.Slice is { } slice ? Categories.Label(slice) : r.Dimension == "overall" ? "all" : Format.None,
            .. withVendor ? new Cell[] { r.Org is { } org ? Categories.Label(org) : Format.None, r.Vendor is { } vendor ? Categories.Label(vendor) : Format.None } : [],
            Format.Count(r.ResolvedCases), Format.Count(r.Overturned), Rate(KpiCatalogue.OverturnRate, r.OverturnRate, r.OverturnRateN),
            Format.Count(r.OverturnedLabeled), Format.Count(r.HumanRight), Format.Count(r.AgentRight),
            Rate(KpiCatalogue.HumanRightWhenOverturned, r.HumanRightRate, r.HumanRightRateN),
        ]).ToList())
    {
        Empty = "No resolved manual case for these filters.",
    };

    /// <summary>
    /// The rows a table shows (docs/operations.md, "Bounded category lists"): at most <paramref name="max"/> by resolved
    /// cases, in <paramref name="order"/> (default: largest first), then one "other" row summing the rest's counts, its
    /// rates derived from those sums.
    /// </summary>
    private static List<OverturnRow> Bound(IReadOnlyList<OverturnRow> rows, int max = Categories.MaxShown, Func<IEnumerable<OverturnRow>, IEnumerable<OverturnRow>>? order = null)
    {
        var top = Categories.Top(rows, r => r.ResolvedCases, max);
        var shown = (order ?? (r => r))(top.Shown).ToList();
        if (top.Rest.Count == 0)
        {
            return shown;
        }

        var rest = top.Rest;
        long resolved = rest.Sum(r => r.ResolvedCases), overturned = rest.Sum(r => r.Overturned), labeled = rest.Sum(r => r.OverturnedLabeled);
        long human = rest.Sum(r => r.HumanRight), agent = rest.Sum(r => r.AgentRight);
        shown.Add(new OverturnRow
        {
            Dimension = rest[0].Dimension,
            Slice = Categories.OtherLabel,
            ResolvedCases = resolved,
            Overturned = overturned,
            OverturnRate = resolved == 0 ? null : (double)overturned / resolved,
            OverturnRateN = resolved,
            OverturnedLabeled = labeled,
            HumanRight = human,
            AgentRight = agent,
            HumanRightRate = labeled == 0 ? null : (double)human / labeled,
            HumanRightRateN = labeled,
        });
        return shown;
    }

    private static Cell Rate(Kpi kpi, double? value, long n) => new(kpi.Show(value, Format.None), Status: kpi.Status(value, n)) { N = n };
}
