using System.Text;
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
    public const int MaxShown = 12;

    /// <summary>Reviewers a per-reviewer table shows before its "other" row (reviewers are many by nature).</summary>
    public const int MaxReviewers = 50;

    /// <summary>Code points of a label before it is cut (the cut label ends with <see cref="Ellipsis"/>).</summary>
    public const int MaxLabelLength = 40;

    /// <summary>The label of the row that sums the categories not shown.</summary>
    public const string OtherLabel = "other";

    /// <summary>The mark of a cut label.</summary>
    public const string Ellipsis = "…";

    /// <summary>
    /// <paramref name="text"/> cut to <see cref="MaxLabelLength"/> code points (never inside a surrogate pair), the last one
    /// replaced by an ellipsis; shorter text as it is. Invalid UTF-16 counts one code point per unpaired surrogate.
    /// </summary>
    public static string Label(string? text, int maxLength = MaxLabelLength)
    {
        if (string.IsNullOrEmpty(text) || text.Length <= maxLength)
        {
            return text ?? "";
        }

        // Keep maxLength - 1 code points and the ellipsis, so a cut label is exactly maxLength long.
        var head = new StringBuilder();
        var count = 0;
        foreach (var rune in Runes(text))
        {
            count++;
            if (count < maxLength)
            {
                head.Append(rune);
            }
            else if (count > maxLength)
            {
                return head.Append(Ellipsis).ToString();
            }
        }

        return text;
    }

    /// <summary>The code points of <paramref name="text"/>; an unpaired surrogate becomes U+FFFD.</summary>
    private static IEnumerable<string> Runes(string text)
    {
        for (var i = 0; i < text.Length;)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) == System.Buffers.OperationStatus.Done)
            {
                yield return rune.ToString();
            }
            else
            {
                yield return "\uFFFD";
            }

            i += Math.Max(1, used);
        }
    }

    /// <summary>
    /// Splits <paramref name="items"/> into what a list shows and the rest: all of them in their order when there are at
    /// most <paramref name="max"/>; otherwise the <paramref name="max"/> largest by <paramref name="volume"/> (ties in their
    /// order), largest first, and the rest for one "other" row.
    /// </summary>
    public static Bounded<T> Top<T>(IEnumerable<T> items, Func<T, long> volume, int max = MaxShown)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(volume);
        var all = items.ToList();
        if (all.Count <= max)
        {
            return new Bounded<T>(all, []);
        }

        var ranked = all.Select((item, index) => (item, index)).OrderByDescending(x => volume(x.item)).ThenBy(x => x.index).Select(x => x.item).ToList();
        return new Bounded<T>(ranked.Take(max).ToList(), ranked.Skip(max).ToList());
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
