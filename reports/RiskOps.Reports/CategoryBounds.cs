using System.Text;

namespace RiskOps.Reports;

/// <summary>
/// The one bound on category lists (case types, vendors, reviewers …) for pages and packs alike: at most
/// <see cref="MaxShown"/> items — the largest by volume — then one "other" row for the rest, and every label cut to
/// <see cref="MaxLabelLength"/> code points with an ellipsis. A lake with 200 junk case types then gives a page of the
/// usual size and a pack of the usual page count, not megabytes of tables and dozens of pages.
/// </summary>
public static class CategoryBounds
{
    /// <summary>Items (rows, chart blocks) a category list shows before the "other" row.</summary>
    public const int MaxShown = 12;

    /// <summary>Code points of a label before it is cut (the cut label ends with <see cref="Ellipsis"/>).</summary>
    public const int MaxLabelLength = 40;

    /// <summary>The label of the row that sums the categories not shown.</summary>
    public const string OtherLabel = "other";

    /// <summary>The mark of a cut label.</summary>
    public const string Ellipsis = "…";

    /// <summary>
    /// <paramref name="text"/> cut to <paramref name="maxLength"/> code points (never inside a surrogate pair), the last one
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

    /// <summary>
    /// Splits <paramref name="items"/> into what a list shows and the rest: all of them in their order when there are at
    /// most <paramref name="max"/>; otherwise the <paramref name="max"/> largest by <paramref name="volume"/> (ties in their
    /// order), largest first, and the rest for one "other" row.
    /// </summary>
    public static (IReadOnlyList<T> Shown, IReadOnlyList<T> Folded) Top<T>(IEnumerable<T> items, Func<T, long> volume, int max = MaxShown)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentNullException.ThrowIfNull(volume);
        var all = items.ToList();
        if (all.Count <= max)
        {
            return (all, []);
        }

        var ranked = all.Select((item, index) => (item, index)).OrderByDescending(x => volume(x.item)).ThenBy(x => x.index).Select(x => x.item).ToList();
        return (ranked.Take(max).ToList(), ranked.Skip(max).ToList());
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
}
