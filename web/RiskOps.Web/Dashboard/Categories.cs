using RiskOps.Reports;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard;

/// <summary>
/// The one rule for pages and charts that list a category (case types, vendors, reviewers, regions, model versions):
/// at most <see cref="MaxShown"/> rows or chart items — the largest by volume — then one "other" row for the rest, and
/// every label cut to <see cref="MaxLabelLength"/> code points with an ellipsis. A lake with 200 junk case types or a
/// 256-character vendor name then gives a page of the usual size, not megabytes of tables and SVG.
/// </summary>
internal static class Categories
{
    /// <summary>Rows (or chart items) a category list shows before the "other" row.</summary>
    public const int MaxShown = CategoryBounds.MaxShown;

    /// <summary>Reviewers a per-reviewer table shows before its "other" row (reviewers are many by nature).</summary>
    public const int MaxReviewers = 50;

    /// <summary>Code points of a label before it is cut (the cut label ends with <see cref="Ellipsis"/>).</summary>
    public const int MaxLabelLength = CategoryBounds.MaxLabelLength;

    /// <summary>The label of the row that sums the categories not shown.</summary>
    public const string OtherLabel = CategoryBounds.OtherLabel;

    /// <summary>The mark of a cut label.</summary>
    public const string Ellipsis = CategoryBounds.Ellipsis;

    /// <inheritdoc cref="CategoryBounds.Label"/>
    public static string Label(string? text, int maxLength = MaxLabelLength) => CategoryBounds.Label(text, maxLength);

    /// <inheritdoc cref="CategoryBounds.Top"/>
    public static Bounded<T> Top<T>(IEnumerable<T> items, Func<T, long> volume, int max = MaxShown)
    {
        var (shown, rest) = CategoryBounds.Top(items, volume, max);
        return new Bounded<T>(shown, rest);
    }
}

/// <summary>A bounded category list: the items shown, and the rest that one "other" row stands for (empty: no such row).</summary>
internal sealed record Bounded<T>(IReadOnlyList<T> Shown, IReadOnlyList<T> Rest)
{
    /// <summary>The note under a table whose rest is folded: "Top 12 of 200 case types by decisions; the other 188 in one row."</summary>
    public string? Note(string what, string by) =>
        Rest.Count == 0 ? null : $"Top {Shown.Count} of {Shown.Count + Rest.Count} {what} by {by}; the other {Rest.Count} in one row \"{Categories.OtherLabel}\".";
}

/// <summary>Bounded lists of metric sets, whose "other" row is computed by the warehouse (one metrics call), never summed here.</summary>
internal static class BoundedMetrics
{
    /// <summary>
    /// The rows of a per-category table of figures: each shown category (label cut) with its set, then — when some are
    /// folded — "other" with the figures of one metrics call filtered to exactly the folded values (so its counts are the
    /// rest's, and its ratios the warehouse's own). Categories without a value (null) are shown but cannot be folded.
    /// </summary>
    public static (IReadOnlyList<(string Label, MetricSet Set)> Rows, string? Note) Bound(
        this PageRequest request, IReadOnlyList<MetricSet> sets, Func<MetricSet, string?> key,
        Func<MetricFilters, IReadOnlyList<string>, MetricFilters> narrow, string what, MetricsDetail detail = MetricsDetail.Overview)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(narrow);
        var bounded = Categories.Top(sets, s => s.Decisions);
        var rows = bounded.Shown.Select(s => (Categories.Label(key(s) ?? Format.None), s)).ToList();
        var rest = bounded.Rest.Select(key).OfType<string>().ToList();
        if (rest.Count > 0)
        {
            rows.Add((Categories.OtherLabel, request.Data.Metrics(narrow(request.Filters.Metrics, rest), request.AsOf, detail).Overall));
        }

        return (rows, bounded.Note(what, "decisions"));
    }
}
