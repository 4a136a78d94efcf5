namespace RiskOps.Sql.Analysis;

/// <summary>A signal set that passed the support filter (a row of <c>clusters_candidates.sql</c>).</summary>
/// <param name="CaseType">The case type.</param>
/// <param name="Label"><c>FP</c> or <c>FN</c>.</param>
/// <param name="Signals">The set's signals, distinct and sorted ordinally.</param>
/// <param name="Support">Labeled cases of the case type with the label whose signals include the set.</param>
/// <param name="Cases">Labeled cases of the case type whose signals include the set.</param>
/// <param name="ExcessScaled">excess × labeled cases of the case type, an exact integer (the ranking key).</param>
/// <param name="ExcessErrors">support − cases · rate.</param>
/// <param name="Lift">(support / cases) / rate.</param>
internal sealed record ClusterCandidate(
    string CaseType,
    string Label,
    IReadOnlyList<string> Signals,
    long Support,
    long Cases,
    long ExcessScaled,
    double ExcessErrors,
    double Lift);

/// <summary>
/// The ranking and the superset walk of contract §2: rank by excess descending, then the smaller set, then the sorted
/// signals compared element by element with ordinal string comparison; walk the ranking, skip a set that contains a set
/// already shown, keep the first <see cref="MaxShown"/>.
/// </summary>
internal static class ClusterRanking
{
    /// <summary>Clusters shown per case type and label.</summary>
    public const int MaxShown = 10;

    /// <summary>Orders candidates of one case type and label by rank.</summary>
    public static readonly Comparer<ClusterCandidate> RankOrder = Comparer<ClusterCandidate>.Create(Compare);

    /// <summary>
    /// The shown clusters of every (case type, label) group, grouped in case type order (ordinal), FP before FN, each
    /// group in rank order.
    /// </summary>
    public static IReadOnlyList<(ClusterCandidate Candidate, int Rank)> Choose(IEnumerable<ClusterCandidate> candidates)
    {
        var chosen = new List<(ClusterCandidate, int)>();
        var groups = candidates
            .GroupBy(c => (c.CaseType, c.Label))
            .OrderBy(g => g.Key.CaseType, StringComparer.Ordinal)
            .ThenBy(g => LabelOrder(g.Key.Label));
        foreach (var group in groups)
        {
            var shown = new List<ClusterCandidate>();
            foreach (var candidate in group.Order(RankOrder))
            {
                if (shown.Count == MaxShown)
                {
                    break;
                }

                // A superset of a shown set says nothing new about the pattern: its errors are mostly the shown set's.
                if (shown.Any(s => IsSubset(s.Signals, candidate.Signals)))
                {
                    continue;
                }

                shown.Add(candidate);
                chosen.Add((candidate, shown.Count));
            }
        }

        return chosen;
    }

    /// <summary>Whether every signal of <paramref name="subset"/> is in <paramref name="set"/>.</summary>
    public static bool IsSubset(IReadOnlyList<string> subset, IReadOnlyList<string> set) =>
        subset.All(s => set.Contains(s, StringComparer.Ordinal));

    private static int Compare(ClusterCandidate? x, ClusterCandidate? y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        var c = y.ExcessScaled.CompareTo(x.ExcessScaled);
        if (c != 0)
        {
            return c;
        }

        c = x.Signals.Count.CompareTo(y.Signals.Count);
        for (var i = 0; c == 0 && i < x.Signals.Count; i++)
        {
            c = string.CompareOrdinal(x.Signals[i], y.Signals[i]);
        }

        return c;
    }

    private static int LabelOrder(string label) => label == "FP" ? 0 : 1;
}
