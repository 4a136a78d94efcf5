using System.Text;
using RiskOps.Sql.Statistics;

namespace RiskOps.Sql.Analysis;

/// <summary>Labeled cases of one case type with one distinct signal set and one label (a row of <c>clusters_signal_sets.sql</c>).</summary>
/// <param name="CaseType">The case type.</param>
/// <param name="Label"><c>TP</c>, <c>FP</c>, <c>TN</c> or <c>FN</c>.</param>
/// <param name="Signals">The cases' signals, distinct, without null or empty entries (any order).</param>
/// <param name="Cases">How many labeled cases carry exactly this signal set and label.</param>
internal sealed record SignalSetCount(string CaseType, string Label, IReadOnlyList<string> Signals, long Cases);

/// <summary>A cluster the greedy search chose, with the counts over the pool cases it removed.</summary>
/// <param name="CaseType">The case type.</param>
/// <param name="Label"><c>FP</c> or <c>FN</c>.</param>
/// <param name="Rank">Its round, 1…10.</param>
/// <param name="Signals">The set, sorted by ordinal code points.</param>
/// <param name="Support">Removed pool cases labeled with the error.</param>
/// <param name="Cases">Removed pool cases.</param>
/// <param name="ExcessErrors">support − cases · rate.</param>
/// <param name="Lift">(support / cases) / rate.</param>
internal sealed record ChosenCluster(string CaseType, string Label, int Rank, IReadOnlyList<string> Signals, long Support, long Cases,
    double ExcessErrors, double Lift);

/// <summary>
/// The FP/FN pattern clusters of contract §2 (v2: disjoint, significant, specific), per case type and error label E.
/// The population is the case type's labeled cases on which E is possible (labels TP, FP for E = FP; TN, FN for E = FN)
/// and rate = E cases / population, once. Greedy rounds over the pool (at first the population): every signal set S of
/// 1–3 signals present in the pool with support ≥ 5 and a 99.9 % Wilson lower bound of support / cases above rate
/// qualifies; the largest excess is picked (ties: the smaller set, then the sorted signals joined with <c>,</c> by
/// ordinal code points) and narrowed to a qualifying superset while one keeps ≥ 80 % of the pick's excess; the pool cases
/// whose signals include S are removed. At most <see cref="MaxClusters"/> rounds.
/// </summary>
/// <remarks>
/// Works on counts per distinct signal set, never on cases: the subset counts are built once and each removed set's
/// subsets are subtracted, so the work is two enumerations of the distinct sets' subsets whatever the number of rounds.
/// Excess is compared exactly as the integer excess · P = support · P − cases · E.
/// </remarks>
internal static class ClusterSearch
{
    /// <summary>Clusters per case type and label.</summary>
    public const int MaxClusters = 10;

    /// <summary>The smallest support a set needs to qualify.</summary>
    public const long MinSupport = 5;

    private const int IdBits = 21;
    private const long IdMask = (1L << IdBits) - 1;

    /// <summary>Every cluster, case types in ordinal order, FP before FN, each in rank order.</summary>
    public static IReadOnlyList<ChosenCluster> Find(IEnumerable<SignalSetCount> rows)
    {
        var result = new List<ChosenCluster>();
        foreach (var type in rows.GroupBy(r => r.CaseType, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var vocabulary = type.SelectMany(r => r.Signals).Distinct(StringComparer.Ordinal).Order(CodePointComparer.Instance).ToArray();
            if (vocabulary.Length >= IdMask)
            {
                throw new InvalidOperationException($"case type {type.Key} has {vocabulary.Length} distinct signals; at most {IdMask - 1} are supported");
            }

            var ids = vocabulary.Select((s, i) => (s, i)).ToDictionary(x => x.s, x => x.i, StringComparer.Ordinal);
            foreach (var (error, other) in new[] { ("FP", "TP"), ("FN", "TN") })
            {
                var groups = type.Where(r => r.Label == error || r.Label == other)
                    .GroupBy(r => SetKey(r.Signals.Select(s => ids[s])))
                    .Select(g => new Group(g.Key, g.Sum(r => r.Cases), g.Where(r => r.Label == error).Sum(r => r.Cases)))
                    .ToList();
                result.AddRange(Search(type.Key, error, groups, vocabulary));
            }
        }

        return result;
    }

    private static IEnumerable<ChosenCluster> Search(string caseType, string error, List<Group> groups, string[] vocabulary)
    {
        long population = groups.Sum(g => g.Cases);
        long errors = groups.Sum(g => g.Support);
        if (population == 0 || errors == 0)
        {
            yield break;
        }

        var rate = (double)errors / population;
        var counts = new Dictionary<long, Counts>();
        foreach (var group in groups)
        {
            foreach (var key in Subsets(group.Ids))
            {
                counts[key] = counts.GetValueOrDefault(key) + new Counts(group.Cases, group.Support);
            }
        }

        var pool = new List<Group>(groups);
        for (var rank = 1; rank <= MaxClusters; rank++)
        {
            var qualifying = new List<Candidate>();
            foreach (var (key, c) in counts)
            {
                if (c.Support >= MinSupport && Wilson.Lower(c.Support, c.Cases, Wilson.Z999) > rate)
                {
                    qualifying.Add(new Candidate(key, c, ((Int128)c.Support * population) - ((Int128)c.Cases * errors)));
                }
            }

            if (qualifying.Count == 0)
            {
                yield break;
            }

            var order = new CandidateOrder(vocabulary);
            var pick = qualifying.MaxBy(x => x, order)!;
            var first = pick.Excess;
            while (true)
            {
                var current = pick;
                var wider = qualifying.Where(x => Size(x.Key) > Size(current.Key) && Contains(x.Key, current.Key) && (5 * x.Excess) >= (4 * first)).ToList();
                if (wider.Count == 0)
                {
                    break;
                }

                pick = wider.MaxBy(x => x, order)!;
            }

            var signals = Ids(pick.Key).Select(i => vocabulary[i]).ToList();
            yield return new ChosenCluster(caseType, error, rank, signals, pick.Counts.Support, pick.Counts.Cases,
                pick.Counts.Support - (pick.Counts.Cases * rate), (double)pick.Counts.Support / pick.Counts.Cases / rate);

            var removed = Ids(pick.Key);
            for (var i = pool.Count - 1; i >= 0; i--)
            {
                if (removed.All(id => pool[i].Ids.Contains(id)))
                {
                    foreach (var key in Subsets(pool[i].Ids))
                    {
                        var left = counts[key] - new Counts(pool[i].Cases, pool[i].Support);
                        if (left.Cases == 0)
                        {
                            counts.Remove(key);
                        }
                        else
                        {
                            counts[key] = left;
                        }
                    }

                    pool.RemoveAt(i);
                }
            }
        }
    }

    /// <summary>The ids of a set key (ascending).</summary>
    private static int[] Ids(long key)
    {
        var ids = new List<int>(3);
        for (var shift = 2 * IdBits; shift >= 0; shift -= IdBits)
        {
            var part = (key >> shift) & IdMask;
            if (part != 0)
            {
                ids.Add((int)part - 1);
            }
        }

        return [.. ids];
    }

    private static int Size(long key) => Ids(key).Length;

    private static bool Contains(long set, long subset) => Ids(subset).All(Ids(set).Contains);

    /// <summary>A group's key: its ids ascending (not packed: a group can have up to 16 signals).</summary>
    private static string SetKey(IEnumerable<int> ids) => string.Join(',', ids.Distinct().Order());

    /// <summary>Every subset of 1–3 ids as one key: ascending ids, each + 1 in 21 bits (0 = absent).</summary>
    private static IEnumerable<long> Subsets(int[] ids)
    {
        for (var i = 0; i < ids.Length; i++)
        {
            long a = ids[i] + 1;
            yield return a;
            for (var j = i + 1; j < ids.Length; j++)
            {
                var ab = (a << IdBits) | (ids[j] + 1L);
                yield return ab;
                for (var k = j + 1; k < ids.Length; k++)
                {
                    yield return (ab << IdBits) | (ids[k] + 1L);
                }
            }
        }
    }

    private sealed class Group(string key, long cases, long support)
    {
        public int[] Ids { get; } = key.Length == 0 ? [] : key.Split(',').Select(int.Parse).ToArray();
        public long Cases { get; } = cases;
        public long Support { get; } = support;
    }

    private readonly record struct Counts(long Cases, long Support)
    {
        public static Counts operator +(Counts x, Counts y) => new(x.Cases + y.Cases, x.Support + y.Support);
        public static Counts operator -(Counts x, Counts y) => new(x.Cases - y.Cases, x.Support - y.Support);
    }

    private sealed record Candidate(long Key, Counts Counts, Int128 Excess);

    /// <summary>Larger excess is greater; on a tie the smaller set, then the smaller joined text, is greater (so MaxBy picks it).</summary>
    private sealed class CandidateOrder(string[] vocabulary) : IComparer<Candidate>
    {
        public int Compare(Candidate? x, Candidate? y)
        {
            ArgumentNullException.ThrowIfNull(x);
            ArgumentNullException.ThrowIfNull(y);
            var c = x.Excess.CompareTo(y.Excess);
            if (c != 0)
            {
                return c;
            }

            c = Size(y.Key).CompareTo(Size(x.Key));
            return c != 0 ? c : CodePointComparer.Instance.Compare(Joined(y.Key), Joined(x.Key));
        }

        private string Joined(long key) => string.Join(',', Ids(key).Select(i => vocabulary[i]));
    }
}

/// <summary>Orders strings by Unicode code points (UTF-16 ordinal order differs above U+FFFF), as DuckDB orders UTF-8 bytes.</summary>
internal sealed class CodePointComparer : IComparer<string>
{
    /// <summary>The one instance.</summary>
    public static readonly CodePointComparer Instance = new();

    /// <inheritdoc/>
    public int Compare(string? x, string? y)
    {
        if (ReferenceEquals(x, y))
        {
            return 0;
        }

        if (x is null || y is null)
        {
            return x is null ? -1 : 1;
        }

        var a = x.EnumerateRunes();
        var b = y.EnumerateRunes();
        while (true)
        {
            var hasA = a.MoveNext();
            var hasB = b.MoveNext();
            if (!hasA || !hasB)
            {
                return hasA ? 1 : hasB ? -1 : 0;
            }

            var c = a.Current.Value.CompareTo(b.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }
}
