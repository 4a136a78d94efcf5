using RiskOps.Sql.Experiments;
using RiskOps.Sql.Model;
using RiskOps.Sql.Tests.Support;

namespace RiskOps.Sql.Tests.Experiments;

/// <summary>
/// <see cref="Warehouse.GetExperiments"/> on random lakes with experiments, against an independent LINQ model of the
/// contract's arm counts (weighted labels, SLA, population-estimate expected counts), on the raw views and on the rollup.
/// </summary>
public sealed class ExperimentComparisonTests
{
    private static readonly string[] Experiments = ["ato-threshold", "kyc-model"];

    [Theory]
    [InlineData(31, 600)]
    [InlineData(33, 40)]
    public void GetExperiments_RandomLakes_MatchReferenceOnRawAndRollup(int seed, int cases)
    {
        var data = WithExperiments(RandomLake.Generate(seed, cases), seed);
        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        var reference = new ReferenceModel(data);
        MetricFilters[] filters =
        [
            MetricFilters.None,
            new() { CaseTypes = ["ATO", "KYC_AUDIT"] },
            new() { Weeks = ["2026-W48"], Regions = ["EU"] },
            new() { Vendors = ["V1"] },
        ];
        foreach (var filter in filters)
        {
            foreach (var asOf in new[] { RandomLake.AsOf, RandomLake.AsOf.AddDays(-6).AddMinutes(7) })
            {
                var expected = ExperimentAssembler.Assemble(ReferenceArms(reference, filter, asOf), asOf);
                warehouse.UseRollups = false;
                var raw = warehouse.GetExperiments(filter, asOf);
                Assert.Null(warehouse.LastRollupLakeVersion);
                if (warehouse.FreshRollup() is null)
                {
                    warehouse.BuildRollups(RandomLake.AsOf);
                }

                warehouse.UseRollups = true;
                var rollup = warehouse.GetExperiments(filter, asOf);
                Assert.True(warehouse.LastScopeFromRollup);
                var context = $"seed {seed}, {filter}, as-of {asOf:O}";
                AssertSame(expected, raw, context + " (raw)");
                AssertSame(expected, rollup, context + " (rollup)");
            }
        }
    }

    [Fact]
    public void GetExperiments_LakeWithoutExperimentColumns_Empty()
    {
        using var lake = TestLake.Create(RandomLake.Generate(5, 200));
        using var warehouse = Warehouse.Open(lake.Root);

        Assert.Empty(warehouse.GetExperiments(MetricFilters.None, RandomLake.AsOf).Experiments);
    }

    [Fact]
    public void GetExperiments_HandComputedArms_WeightsAndVerdict()
    {
        // control: 40 blocks labelled TP by review; 10 FP by audit_sample weight 3 (Σw = 30, Σw² = 90).
        // treatment: 40 TP (review), 2 FP (review), 5 chargeback FP (left out). So precision_weighted control
        // 40/70 on n = 70²/130, treatment 40/42 on n = 42: treatment significantly better → ship.
        var data = new LakeData();
        var n = 0;
        void Case(string variant, string label, string source, double? weight)
        {
            var id = $"h{n++:D3}";
            data.Decisions.Add(new DecisionRow { CaseId = id, AiDecision = "block", Experiment = "exp", Variant = variant, ScoredAt = LakeRow.Epoch.AddHours(n) });
            data.Labels.Add(new LabelRow { CaseId = id, Label = label, LabelSource = source, SampleWeight = weight, RootCauseType = label == "FP" ? "A" : null, LabeledAt = LakeRow.Epoch.AddDays(2) });
        }

        for (var i = 0; i < 40; i++)
        {
            Case("control", "TP", "review", null);
            Case("treatment", "TP", "review", null);
        }

        for (var i = 0; i < 10; i++)
        {
            Case("control", "FP", "audit_sample", 3);
        }

        Case("treatment", "FP", "review", null);
        Case("treatment", "FP", "review", null);
        for (var i = 0; i < 5; i++)
        {
            Case("treatment", "FP", "chargeback", null);
        }

        using var lake = TestLake.Create(data);
        using var warehouse = Warehouse.Open(lake.Root);
        var entry = warehouse.GetExperiments(MetricFilters.None, LakeRow.Epoch.AddDays(5)).Experiments[0];

        Assert.Null(entry.CaseType);
        var control = entry.Variants.Single(v => v.Variant == "control");
        var treatment = entry.Variants.Single(v => v.Variant == "treatment");
        Assert.Equal(40.0 / 70, control.PrecisionWeighted!.Value, 12);
        Assert.Equal(70.0 * 70 / 130, control.PrecisionWeightedN, 9);
        Assert.Equal(40.0 / 42, treatment.PrecisionWeighted!.Value, 12);
        Assert.Equal(42, treatment.PrecisionWeightedN, 9);
        Assert.Equal(47, treatment.LabeledCases);
        Assert.Equal(1.0, treatment.RecallWeighted!.Value, 12);
        var precision = entry.Comparisons.Single(c => c.Metric == "precision_weighted");
        var expected = AbStatistics.Newcombe(40.0 / 42, 42, 40.0 / 70, 70.0 * 70 / 130)!.Value;
        Assert.Equal(expected.Low, precision.CiLow!.Value, 12);
        Assert.Equal(expected.High, precision.CiHigh!.Value, 12);
        Assert.True(precision.Significant);
        Assert.Equal("ship", entry.Verdicts["treatment"]);
        var perType = warehouse.GetExperiments(MetricFilters.None, LakeRow.Epoch.AddDays(5)).Experiments;
        Assert.Equal([null, "ATO"], perType.Select(e => e.CaseType));
        Assert.Equal("ship", perType[1].Verdicts["treatment"]);
    }

    /// <summary>
    /// The random lake with experiments on its second decision batch (the first keeps files without the columns), two
    /// experiments over three variants, and labels from every source, some review labels carrying a weight.
    /// </summary>
    internal static LakeData WithExperiments(LakeData data, int seed)
    {
        var random = new Random(seed * 7 + 1);
        string[] variants = ["control", "treatment", "tighter"];
        var decisions = data.Decisions.Select(d => d.BatchId == "b000" || random.Next(8) == 0
                ? d
                : d with { Experiment = Experiments[random.Next(Experiments.Length)], Variant = variants[random.Next(random.Next(4) == 0 ? 3 : 2)] })
            .ToList();
        data.Decisions.Clear();
        data.Decisions.AddRange(decisions);
        var labels = data.Labels.Select(l => random.Next(10) switch
            {
                0 => l with { LabelSource = "chargeback", SampleWeight = null },
                1 => l with { LabelSource = "complaint" },
                2 when l.LabelSource == "review" => l with { SampleWeight = 2.5 },
                _ => l,
            })
            .ToList();
        data.Labels.Clear();
        data.Labels.AddRange(labels);
        return data;
    }

    /// <summary>The contract's arm counts, from the reference model's latest-wins rows.</summary>
    internal static List<ArmCounts> ReferenceArms(ReferenceModel model, MetricFilters filters, DateTimeOffset asOf)
    {
        // The calibration map: every latest label of a decided case, whatever the filters.
        var labeled = model.Decisions.Values.Where(d => model.Labels.ContainsKey(d.CaseId))
            .Select(d => (d.CaseType, Bin: Bin(d.Confidence), Correct: model.Labels[d.CaseId].Label is "TP" or "TN"))
            .ToList();
        var byType = labeled.GroupBy(x => (x.CaseType, x.Bin)).ToDictionary(g => g.Key, g => (N: g.Count(), P: g.Count(x => x.Correct) / (double)g.Count()));
        var byBin = labeled.GroupBy(x => x.Bin).ToDictionary(g => g.Key, g => (N: g.Count(), P: g.Count(x => x.Correct) / (double)g.Count()));
        double P(DecisionRow d) =>
            byType.TryGetValue((d.CaseType, Bin(d.Confidence)), out var t) && t.N >= 30 ? t.P
            : byBin.TryGetValue(Bin(d.Confidence), out var b) && b.N >= 30 ? b.P
            : d.Confidence;

        var arms = model.Scope(filters).Where(d => d.Experiment is not null && d.Variant is not null).ToList();
        var groups = arms.GroupBy(d => (d.Experiment!, (string?)null, d.Variant!))
            .Concat(arms.GroupBy(d => (d.Experiment!, (string?)d.CaseType, d.Variant!)));
        return groups.Select(g =>
        {
            var slaMet = 0L;
            var slaDenominator = 0L;
            double wTp = 0, w2Tp = 0, wFp = 0, w2Fp = 0, wFn = 0, w2Fn = 0, eTp = 0, eFp = 0, eFn = 0;
            long labeledCases = 0;
            foreach (var d in g)
            {
                if (d.Routing == "manual")
                {
                    var latest = model.Reviews.Where(r => r.CaseId == d.CaseId)
                        .OrderByDescending(r => r.AssignedAt).ThenByDescending(r => r.IngestedAt).ThenByDescending(r => r.BatchId, StringComparer.Ordinal)
                        .ThenByDescending(r => r.SourceLine).ThenByDescending(r => r.ReviewId, StringComparer.Ordinal).FirstOrDefault();
                    if (latest is { Decision: "pass" or "block" })
                    {
                        slaDenominator++;
                        if (latest.ResolvedAt is { } at && (at - d.ScoredAt) <= TimeSpan.FromHours(4))
                        {
                            slaMet++;
                        }
                    }
                    else if (asOf - d.ScoredAt > TimeSpan.FromHours(4))
                    {
                        slaDenominator++;
                    }
                }

                if (model.Labels.TryGetValue(d.CaseId, out var label))
                {
                    labeledCases++;
                    eTp += label.Label == "TP" ? 1 : 0;
                    eFp += label.Label == "FP" ? 1 : 0;
                    eFn += label.Label == "FN" ? 1 : 0;
                    if (label.LabelSource is "review" or "audit_sample")
                    {
                        var w = label.SampleWeight ?? 1.0;
                        switch (label.Label)
                        {
                            case "TP": wTp += w; w2Tp += w * w; break;
                            case "FP": wFp += w; w2Fp += w * w; break;
                            case "FN": wFn += w; w2Fn += w * w; break;
                        }
                    }
                }
                else if (d.AiDecision == "block")
                {
                    eTp += P(d);
                    eFp += 1 - P(d);
                }
                else
                {
                    eFn += 1 - P(d);
                }
            }

            return new ArmCounts(g.Key.Item1, g.Key.Item2, g.Key.Item3, g.Count(), labeledCases, g.Count(d => d.Routing == "auto"), slaMet, slaDenominator,
                wTp, w2Tp, wFp, w2Fp, wFn, w2Fn, eTp, eFp, eFn);
        }).ToList();
    }

    private static int Bin(double confidence) => Math.Min((int)Math.Floor(10 * confidence), 9);

    internal static void AssertSame(ExperimentReport expected, ExperimentReport actual, string context)
    {
        Assert.True(expected.Experiments.Count == actual.Experiments.Count, $"{context}: entries {expected.Experiments.Count} vs {actual.Experiments.Count}");
        foreach (var (e, a) in expected.Experiments.Zip(actual.Experiments))
        {
            var where = $"{context}, {e.Experiment}/{e.CaseType ?? "all"}";
            Assert.Equal(e.Experiment, a.Experiment);
            Assert.Equal(e.CaseType, a.CaseType);
            Assert.Equal(e.Variants.Select(v => v.Variant), a.Variants.Select(v => v.Variant));
            foreach (var (ev, av) in e.Variants.Zip(a.Variants))
            {
                Assert.True(ev.Decisions == av.Decisions, $"{where} {ev.Variant}: decisions {ev.Decisions} vs {av.Decisions}");
                Assert.True(ev.LabeledCases == av.LabeledCases, $"{where} {ev.Variant}: labeled {ev.LabeledCases} vs {av.LabeledCases}");
                Close(ev.PrecisionWeighted, av.PrecisionWeighted, $"{where} {ev.Variant} precision_weighted");
                Close(ev.PrecisionWeightedN, av.PrecisionWeightedN, $"{where} {ev.Variant} precision_weighted_n");
                Close(ev.RecallWeighted, av.RecallWeighted, $"{where} {ev.Variant} recall_weighted");
                Close(ev.RecallWeightedN, av.RecallWeightedN, $"{where} {ev.Variant} recall_weighted_n");
                Close(ev.AutomationRate, av.AutomationRate, $"{where} {ev.Variant} automation_rate");
                Close(ev.SlaCompliance, av.SlaCompliance, $"{where} {ev.Variant} sla_compliance");
                Assert.True(ev.SlaComplianceN == av.SlaComplianceN, $"{where} {ev.Variant}: sla_n {ev.SlaComplianceN} vs {av.SlaComplianceN}");
                Close(ev.PrecisionEst, av.PrecisionEst, $"{where} {ev.Variant} precision_est");
                Close(ev.RecallEst, av.RecallEst, $"{where} {ev.Variant} recall_est");
            }

            Assert.Equal(e.Comparisons.Count, a.Comparisons.Count);
            foreach (var (ec, ac) in e.Comparisons.Zip(a.Comparisons))
            {
                Assert.Equal((ec.Variant, ec.Metric, ec.Significant), (ac.Variant, ac.Metric, ac.Significant));
                Close(ec.Diff, ac.Diff, $"{where} {ec.Variant} {ec.Metric} diff");
                Close(ec.CiLow, ac.CiLow, $"{where} {ec.Variant} {ec.Metric} ci_low");
                Close(ec.CiHigh, ac.CiHigh, $"{where} {ec.Variant} {ec.Metric} ci_high");
            }

            Assert.Equal(e.Verdicts, a.Verdicts);
        }
    }

    private static void Close(double? expected, double? actual, string what)
    {
        Assert.True(expected.HasValue == actual.HasValue, $"{what}: {expected} vs {actual}");
        if (expected is { } x && actual is { } y)
        {
            Assert.True(Math.Abs(x - y) <= 1e-9 * Math.Max(1, Math.Abs(x)), $"{what}: {x} vs {y}");
        }
    }
}
