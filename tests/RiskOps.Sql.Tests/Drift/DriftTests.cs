using RiskOps.Sql.Drift;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Analysis;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Drift;

/// <summary>PSI by hand, and the warehouse's week-over-week drift against a per-case reference on random lakes (raw and rollup).</summary>
public sealed class DriftTests(RandomAnalysisLakes lakes) : IClassFixture<RandomAnalysisLakes>
{
    public static TheoryData<int, int> Lakes => new() { { 1, 1200 }, { 2, 2000 }, { 3, 3000 } };

    private static readonly MetricFilters[] FilterCases =
    [
        MetricFilters.None,
        MetricFilters.None with { Weeks = ["2026-W48"] },
        MetricFilters.None with { CaseTypes = ["ATO"], Regions = ["EU", "APAC"] },
        MetricFilters.None with { From = new DateOnly(2026, 11, 20), To = new DateOnly(2026, 11, 24) },
        MetricFilters.None with { Vendors = ["V2"] },
    ];

    [Fact]
    public void Psi_HandComputed()
    {
        // 0.5/0.5 → 0.8/0.2: (0.3)·ln(1.6) + (−0.3)·ln(0.4) = 0.141001 + 0.274887 = 0.415888.
        Assert.Equal(0.3 * Math.Log(1.6) - 0.3 * Math.Log(0.4), DriftCalculator.Psi([0.5, 0.5], [0.8, 0.2]), 12);
        Assert.Equal(0.4158883083, DriftCalculator.RatePsi(0.5, 0.8), 9);
        Assert.Equal(0.0, DriftCalculator.Psi([0.1, 0.9], [0.1, 0.9]));
        // An empty bin is 0.0001: 0 → 0.1 on two bins: (0.1 − 0.0001)·ln(0.1 / 0.0001) + (0.9 − 1)·ln(0.9 / 1).
        Assert.Equal((0.1 - 0.0001) * Math.Log(1000) + (-0.1) * Math.Log(0.9), DriftCalculator.Psi([0, 1], [0.1, 0.9]), 12);
        Assert.Throws<ArgumentException>(() => DriftCalculator.Psi([1], [0.5, 0.5]));
    }

    [Fact]
    public void Flag_ChanceLevelPsiWithSmallWeeks_NotFlagged()
    {
        // PSI 0.3 between weeks of 60 decisions: 0.3 · 60·60/120 = 9 on χ²(9) → p ≈ 0.44, chance; with 600 a week → 90, p ≈ 0.
        Assert.Equal(RiskOps.Sql.Experiments.GuardRails.ChiSquareSurvival(9, 9), DriftCalculator.PValue(0.3, 60, 60, 10), 12);
        Assert.InRange(DriftCalculator.PValue(0.3, 60, 60, 10), 0.4, 0.5);
        Assert.False(DriftCalculator.Flag(0.3, 60, 60, 10));
        Assert.True(DriftCalculator.Flag(0.3, 600, 600, 10));
        Assert.False(DriftCalculator.Flag(0.19, 100000, 100000, 10));
        Assert.False(DriftCalculator.Flag(5, 29, 1000, 10));
    }

    [Theory]
    [MemberData(nameof(Lakes))]
    public void GetDrift_RandomLake_MatchesReference(int seed, int cases)
    {
        var (lake, reference) = lakes.Get(seed, cases);
        using var warehouse = Warehouse.Open(lake.Root);
        var entries = 0;
        foreach (var rollup in new[] { false, true })
        {
            if (rollup && warehouse.FreshRollup() is null)
            {
                warehouse.BuildRollups(RandomLake.AsOf);
            }

            warehouse.UseRollups = rollup;
            foreach (var filters in FilterCases)
            {
                var expected = Expected(reference.Model, filters);
                var actual = warehouse.GetDrift(filters).Entries;
                Assert.Equal(rollup, warehouse.LastScopeFromRollup);
                Assert.Equal(expected.Select(e => $"{e.Week}/{e.PreviousWeek} {e.CaseType} {e.ModelVersion} {e.Decisions}/{e.PreviousDecisions}"),
                    actual.Select(e => $"{e.Week}/{e.PreviousWeek} {e.CaseType} {e.ModelVersion} {e.Decisions}/{e.PreviousDecisions}"));
                foreach (var (e, a) in expected.Zip(actual))
                {
                    var where = $"seed {seed} {filters} {e.Week} {e.CaseType} {e.ModelVersion}";
                    Close(e.ConfidencePsi, a.ConfidencePsi, where);
                    Assert.Equal(e.ConfidenceFlagged, a.ConfidenceFlagged);
                    Assert.Equal(e.Signals.Select(s => s.Signal), a.Signals.Select(s => s.Signal));
                    foreach (var (x, y) in e.Signals.Zip(a.Signals))
                    {
                        Close(x.Rate, y.Rate, $"{where} {x.Signal}");
                        Close(x.PreviousRate, y.PreviousRate, $"{where} {x.Signal}");
                        Close(x.Psi, y.Psi, $"{where} {x.Signal}");
                        Assert.Equal(x.Flagged, y.Flagged);
                    }

                    Assert.Equal(e.Flagged, a.Flagged);
                    entries++;
                }
            }
        }

        Assert.True(entries > 20, $"only {entries} entries compared");
    }

    [Fact]
    public void GetDrift_ShiftedWeek_Flagged()
    {
        // 40 cases a week: W47 all at confidence 0.95, W48 all at 0.55 and with vpn_ip → confidence and vpn_ip flagged.
        var data = new LakeData();
        var monday47 = new DateTimeOffset(2026, 11, 16, 9, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 40; i++)
        {
            data.Decisions.Add(new DecisionRow { CaseId = $"a{i}", ScoredAt = monday47.AddHours(i), Confidence = 0.95, Signals = ["new_device"] });
            data.Decisions.Add(new DecisionRow { CaseId = $"b{i}", ScoredAt = monday47.AddDays(7).AddHours(i), Confidence = 0.55, Signals = ["new_device", "vpn_ip"] });
        }

        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        var entry = Assert.Single(warehouse.GetDrift(MetricFilters.None with { Weeks = ["2026-W48"] }).Entries);
        Assert.Equal("2026-W47", entry.PreviousWeek);
        Assert.True(entry.Comparable);
        // Bin 9 1 → 0.0001 and bin 5 0.0001 → 1: 2 · (1 − 0.0001) · ln(10000).
        Assert.Equal(2 * 0.9999 * Math.Log(10000), entry.ConfidencePsi!.Value, 9);
        Assert.True(entry.ConfidenceFlagged);
        Assert.Equal("vpn_ip", entry.Signals[0].Signal);
        Assert.True(entry.Signals[0].Flagged);
        Assert.Equal(0.0, entry.Signals.Single(s => s.Signal == "new_device").Psi);
        Assert.True(entry.Flagged);

        // The first week has nothing before it: no PSI, no flag.
        var first = warehouse.GetDrift(MetricFilters.None with { Weeks = ["2026-W47"] }).Entries.Single();
        Assert.Null(first.ConfidencePsi);
        Assert.False(first.Flagged);
        Assert.Throws<InvalidFilterException>(() => warehouse.GetDrift(MetricFilters.None with { ModelVersions = ["nope"] }));
    }

    private static List<DriftEntry> Expected(ReferenceModel model, MetricFilters filters)
    {
        var all = model.Scope(filters with { From = null, To = null, Weeks = [] });
        var groups = all.GroupBy(d => (Week: ReferenceModel.Week(d.ScoredAt), d.CaseType, d.ModelVersion)).ToDictionary(g => g.Key, g => g.ToList());
        var result = new List<DriftEntry>();
        foreach (var key in groups.Keys.OrderBy(k => k.Week, StringComparer.Ordinal).ThenBy(k => k.CaseType, StringComparer.Ordinal).ThenBy(k => k.ModelVersion, StringComparer.Ordinal))
        {
            var monday = System.Globalization.ISOWeek.ToDateTime(int.Parse(key.Week[..4]), int.Parse(key.Week[6..]), DayOfWeek.Monday);
            var sunday = DateOnly.FromDateTime(monday.AddDays(6));
            if ((filters.Weeks.Count > 0 && !filters.Weeks.Contains(key.Week)) || (filters.To is { } to && DateOnly.FromDateTime(monday) > to) || (filters.From is { } from && sunday < from))
            {
                continue;
            }

            var previousWeek = ReferenceModel.Week(new DateTimeOffset(monday.AddDays(-7), TimeSpan.Zero));
            var now = groups[key];
            var before = groups.GetValueOrDefault((previousWeek, key.CaseType, key.ModelVersion)) ?? [];
            var entry = new DriftEntry
            {
                Week = key.Week, PreviousWeek = previousWeek, CaseType = key.CaseType, ModelVersion = key.ModelVersion,
                Decisions = now.Count, PreviousDecisions = before.Count, Comparable = now.Count >= 30 && before.Count >= 30,
            };
            if (before.Count > 0)
            {
                var psi = 0.0;
                for (var bin = 0; bin < 10; bin++)
                {
                    var a = Math.Max((double)before.Count(d => ReferenceModel.Bin(d.Confidence) == bin) / before.Count, 0.0001);
                    var b = Math.Max((double)now.Count(d => ReferenceModel.Bin(d.Confidence) == bin) / now.Count, 0.0001);
                    psi += (b - a) * Math.Log(b / a);
                }

                entry.ConfidencePsi = psi;
                // Flag: PSI > 0.2, both weeks ≥ 30, and PSI · n₁n₂/(n₁+n₂) beyond χ²(9)'s 1 % tail.
                entry.ConfidenceFlagged = entry.Comparable && psi > 0.2
                    && RiskOps.Sql.Experiments.GuardRails.ChiSquareSurvival(psi * before.Count * now.Count / (double)(before.Count + now.Count), 9) < 0.01;
            }

            var signals = now.Concat(before).SelectMany(d => d.Signals ?? []).Distinct().ToList();
            foreach (var s in signals)
            {
                double rate = (double)now.Count(d => d.Signals?.Contains(s) == true) / now.Count;
                double? previous = before.Count == 0 ? null : (double)before.Count(d => d.Signals?.Contains(s) == true) / before.Count;
                double? psi = null;
                if (previous is { } p)
                {
                    psi = 0;
                    foreach (var (a0, b0) in new[] { (p, rate), (1 - p, 1 - rate) })
                    {
                        var a = Math.Max(a0, 0.0001);
                        var b = Math.Max(b0, 0.0001);
                        psi += (b - a) * Math.Log(b / a);
                    }
                }

                var flagged = entry.Comparable && psi > 0.2
                    && RiskOps.Sql.Experiments.GuardRails.ChiSquareSurvival(psi!.Value * before.Count * now.Count / (double)(before.Count + now.Count), 1) < 0.01;
                entry.Signals.Add(new SignalDrift { Signal = s, Rate = rate, PreviousRate = previous, Psi = psi, Flagged = flagged });
            }

            entry.Signals = [.. entry.Signals.OrderByDescending(s => s.Psi ?? -1).ThenBy(s => s.Signal, StringComparer.Ordinal)];
            entry.Flagged = entry.ConfidenceFlagged || entry.Signals.Any(s => s.Flagged);
            result.Add(entry);
        }

        return result;
    }

    private static void Close(double? expected, double? actual, string where)
    {
        Assert.True(expected.HasValue == actual.HasValue, $"{where}: expected {expected}, got {actual}");
        if (expected is { } e && actual is { } a)
        {
            Assert.True(Math.Abs(e - a) <= 1e-9 * Math.Max(1, Math.Abs(e)), $"{where}: expected {e}, got {a}");
        }
    }
}
