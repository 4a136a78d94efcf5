using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Analysis;

/// <summary>Random lakes built once per test class and shared by the sweep and cluster comparisons.</summary>
public sealed class RandomAnalysisLakes : IDisposable
{
    private readonly Dictionary<(int, int), (TestLake Lake, AnalysisReference Reference)> _lakes = [];
    private readonly Lock _gate = new();

    /// <summary>The lake of (seed, cases), some confidences moved onto sweep thresholds, and its reference.</summary>
    public (TestLake Lake, AnalysisReference Reference) Get(int seed, int cases)
    {
        lock (_gate)
        {
            if (!_lakes.TryGetValue((seed, cases), out var entry))
            {
                var data = PlantPatterns(WithEdgeConfidences(RandomLake.Generate(seed, cases), seed), seed);
                entry = (TestLake.Create(data), new AnalysisReference(new ReferenceModel(data)));
                _lakes[(seed, cases)] = entry;
            }

            return entry;
        }
    }

    public void Dispose()
    {
        foreach (var (lake, _) in _lakes.Values)
        {
            lake.Dispose();
        }
    }

    /// <summary>
    /// Plants error patterns (RandomLake's labels do not depend on signals, so under the v2 rule it has almost no
    /// cluster): blocks with vpn_ip and new_device are mostly FP, passes with mule_pattern often FN, blocks with geo_jump
    /// somewhat more often FP. Every label row of a case is changed alike, so re-labels and ties still decide.
    /// </summary>
    private static LakeData PlantPatterns(LakeData data, int seed)
    {
        var random = new Random(seed * 104729);
        var signals = data.Decisions.GroupBy(d => d.CaseId).ToDictionary(g => g.Key, g => g.First().Signals ?? []);
        var flip = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (caseId, set) in signals)
        {
            var draw = random.NextDouble();
            flip[caseId] = set.Contains("vpn_ip") && set.Contains("new_device") && draw < 0.7 ? "FP"
                : set.Contains("mule_pattern") && draw < 0.35 ? "FN"
                : set.Contains("geo_jump") && draw < 0.2 ? "FP"
                : null;
        }

        for (var i = 0; i < data.Labels.Count; i++)
        {
            var row = data.Labels[i];
            var to = flip.GetValueOrDefault(row.CaseId);
            var changed = (row.Label, to) switch
            {
                ("TP", "FP") => "FP",
                ("TN", "FN") => "FN",
                _ => null,
            };
            if (changed is not null)
            {
                data.Labels[i] = row with { Label = changed, RootCauseType = changed == "FP" ? "A" : "C", RootCauseCode = $"planted.{changed}" };
            }
        }

        return data;
    }

    /// <summary>Moves some confidences onto sweep thresholds (k/100) and one ulp either side, where floating point bites.</summary>
    private static LakeData WithEdgeConfidences(LakeData data, int seed)
    {
        var random = new Random(seed * 7919);
        for (var i = 0; i < data.Decisions.Count; i++)
        {
            var t = random.Next(50, 100) / 100.0;
            var confidence = random.Next(6) switch
            {
                0 => t,
                1 => Math.BitDecrement(t),
                2 => Math.BitIncrement(t),
                _ => data.Decisions[i].Confidence,
            };
            data.Decisions[i] = data.Decisions[i] with { Confidence = confidence };
        }

        return data;
    }
}

/// <summary>The SQL threshold sweep and clusters against <see cref="AnalysisReference"/> on random lakes.</summary>
public sealed class AnalysisReferenceComparisonTests(RandomAnalysisLakes lakes) : IClassFixture<RandomAnalysisLakes>
{
    public static TheoryData<int, int> Lakes => new() { { 1, 1200 }, { 2, 2000 }, { 3, 3000 } };

    private static readonly MetricFilters[] FilterCases =
    [
        MetricFilters.None,
        MetricFilters.None with { CaseTypes = ["ATO", "KYC_AUDIT"] },
        MetricFilters.None with { From = new DateOnly(2026, 11, 18), To = new DateOnly(2026, 11, 30) },
        MetricFilters.None with { Weeks = ["2026-W48"], Regions = ["EU", "APAC"] },
        MetricFilters.None with { Vendors = ["V1"] },
        MetricFilters.None with { ModelVersions = ["m2"], From = new DateOnly(2026, 11, 20) },
    ];

    [Theory]
    [MemberData(nameof(Lakes))]
    public void GetThresholds_RandomLake_MatchesReference(int seed, int cases)
    {
        var (lake, reference) = lakes.Get(seed, cases);
        using var warehouse = Warehouse.Open(lake.Root);
        // Raw views first, then the same calls over a fresh rollup (case snapshot + resolved-reviews file).
        var calls = FilterCases.Select(f => (Filters: f, Rollup: false)).Concat(FilterCases.Select(f => (Filters: f, Rollup: true)));

        foreach (var (filters, rollup) in calls)
        {
            if (rollup && warehouse.FreshRollup() is null)
            {
                warehouse.BuildRollups(RandomLake.AsOf);
            }

            warehouse.UseRollups = rollup;
            var expected = reference.Thresholds(filters);
            var actual = warehouse.GetThresholds(filters);
            Assert.Equal(rollup, warehouse.LastScopeFromRollup);

            Assert.Equal(expected.ByCaseType.Select(c => c.CaseType), actual.ByCaseType.Select(c => c.CaseType));
            foreach (var (e, a) in expected.ByCaseType.Zip(actual.ByCaseType))
            {
                var where = $"{filters} {e.CaseType}";
                Assert.True(e.RecommendedThreshold == a.RecommendedThreshold, $"{where}: recommended {e.RecommendedThreshold} vs {a.RecommendedThreshold}");
                Assert.Equal(e.LabeledCases, a.LabeledCases);
                Assert.Equal(e.Decisions, a.Decisions);
                Assert.Equal(e.PeriodDays, a.PeriodDays);
                Assert.Equal(e.CurrentThreshold, a.CurrentThreshold);
                Close(e.MedianHandlingHours, a.MedianHandlingHours, where);
                Assert.Equal(50, a.Sweep.Count);
                foreach (var (p, q) in e.Sweep.Zip(a.Sweep))
                {
                    var at = $"{where} t={p.Threshold}";
                    Assert.Equal(p.Threshold, q.Threshold);
                    Assert.Equal(p.ManualCases, q.ManualCases);
                    Close(p.Precision, q.Precision, at);
                    Close(p.Recall, q.Recall, at);
                    Close(p.Automation, q.Automation, at);
                    Close(p.ManualCasesPerDay, q.ManualCasesPerDay, at);
                    Close(p.ReviewerHoursPerDay, q.ReviewerHoursPerDay, at);
                }
            }
        }
    }

    [Theory]
    [MemberData(nameof(Lakes))]
    public void GetClusters_RandomLake_MatchesReference(int seed, int cases)
    {
        var (lake, reference) = lakes.Get(seed, cases);
        using var warehouse = Warehouse.Open(lake.Root);

        var nonEmpty = 0;
        // Raw views first, then the same calls over a fresh rollup (scope a filtered view of the case snapshot).
        foreach (var (filters, rollup) in FilterCases.Select(f => (f, false)).Concat(FilterCases.Select(f => (f, true))))
        {
            if (rollup && warehouse.FreshRollup() is null)
            {
                warehouse.BuildRollups(RandomLake.AsOf);
            }

            warehouse.UseRollups = rollup;
            var expected = reference.Clusters(filters).Clusters;
            var actual = warehouse.GetClusters(filters).Clusters;
            Assert.Equal(rollup, warehouse.LastScopeFromRollup);
            nonEmpty += actual.Count;

            Assert.Equal(Describe(expected), Describe(actual));
            foreach (var (e, a) in expected.Zip(actual))
            {
                var where = $"{filters} {e.CaseType} {e.Label} {string.Join("+", e.Signals)}";
                Close(e.ExcessErrors, a.ExcessErrors, where);
                Close(e.Lift, a.Lift, where);
                Assert.Equal(e.ExampleCaseIds, a.ExampleCaseIds);
                Assert.Equal(e.Weekly.Select(w => (w.Week, w.Count)), a.Weekly.Select(w => (w.Week, w.Count)));
            }

            // Disjoint: within a case type and label no example case id appears twice.
            Assert.All(actual.GroupBy(c => (c.CaseType, c.Label)), g =>
                Assert.Equal(g.SelectMany(c => c.ExampleCaseIds).Count(), g.SelectMany(c => c.ExampleCaseIds).Distinct().Count()));
        }

        // The comparison means something only if the random lakes produce clusters.
        Assert.True(nonEmpty > 10, $"only {nonEmpty} clusters over all filters");
    }

    private static List<string> Describe(List<Cluster> clusters) => clusters
        .Select(c => $"{c.CaseType} {c.Label} #{c.Rank} [{string.Join(",", c.Signals)}] support={c.Support} cases={c.Cases} {c.RootCauseType}/{c.RootCauseCode}/{c.Route}")
        .ToList();

    private static void Close(double? expected, double? actual, string where)
    {
        Assert.True(expected.HasValue == actual.HasValue, $"{where}: expected {expected}, got {actual}");
        if (expected is { } e && actual is { } a)
        {
            Assert.True(Math.Abs(e - a) <= 1e-9 * Math.Max(1, Math.Abs(e)), $"{where}: expected {e}, got {a}");
        }
    }
}
