using Microsoft.Extensions.Configuration;
using RiskOps.Sql.Experiments;

namespace RiskOps.Sql.Tests.Experiments;

/// <summary>The power calculation, the SRM chi-square, the registry's validation and the guard rails of an entry, against hand values.</summary>
public sealed class GuardRailsTests
{
    private static readonly DateTimeOffset AsOf = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);

    // n = (1.959964·√(2·p̄(1−p̄)) + 0.841621·√(p1(1−p1) + p2(1−p2)))² / (p1 − p2)², rounded up, at least 30.
    // 0.8 vs 0.9: (1.959964·0.504975 + 0.841621·0.5)² / 0.01 = 1.410544² / 0.01 = 198.96 → 199 (the textbook value).
    // 0.5 vs 0.6: (1.959964·0.703562 + 0.841621·0.7)² / 0.01 = 1.968091² / 0.01 = 387.34 → 388.
    // 0.95 vs 0.9: p̄ 0.925, (1.959964·0.372492 + 0.841621·0.370810)² / 0.0025 = 1.042153² / 0.0025 = 434.43 → 435.
    // 0.1 vs 0.9: 4.75 → 5, raised to the contract's minimum n of 30.
    [Theory]
    [InlineData(0.8, 0.9, 199)]
    [InlineData(0.9, 0.8, 199)]
    [InlineData(0.5, 0.6, 388)]
    [InlineData(0.95, 0.9, 435)]
    [InlineData(0.1, 0.9, 30)]
    public void RequiredPerArm_HandComputed_MatchesFormula(double p1, double p2, long expected)
    {
        Assert.Equal(expected, GuardRails.RequiredPerArm(p1, p2));
    }

    [Theory]
    [InlineData(0.7, 0.7)]
    [InlineData(double.NaN, 0.5)]
    [InlineData(1.2, 0.5)]
    public void RequiredPerArm_NoDifferenceOrNotAShare_Null(double p1, double p2)
    {
        Assert.Null(GuardRails.RequiredPerArm(p1, p2));
    }

    // 60/40 against 50/50: χ² = 10²/50 + 10²/50 = 4, df 1, p = erfc(√2) = 0.0455003.
    // 1100/900 against 50/50: χ² = 20, p = 7.7442e-6 (flagged). 30/30/40 against thirds: χ² = 2, df 2, p = e^−1.
    // 854/1252 against 0.4/0.6: expected 842.4/1263.6, χ² = 11.6²/842.4 + 11.6²/1263.6 = 0.26622.
    [Theory]
    [InlineData(new long[] { 50, 50 }, new[] { 0.5, 0.5 }, 0.0, 1, 1.0)]
    [InlineData(new long[] { 60, 40 }, new[] { 0.5, 0.5 }, 4.0, 1, 0.04550026389635842)]
    [InlineData(new long[] { 1100, 900 }, new[] { 0.5, 0.5 }, 20.0, 1, 7.744216431044085e-6)]
    [InlineData(new long[] { 30, 30, 40 }, new[] { 1 / 3.0, 1 / 3.0, 1 / 3.0 }, 2.0, 2, 0.36787944117144233)]
    [InlineData(new long[] { 854, 1252 }, new[] { 0.4, 0.6 }, 0.26622, 1, 0.6058788)]
    public void SampleRatioMismatch_HandComputed_MatchesChiSquare(long[] observed, double[] shares, double chi, int df, double p)
    {
        var result = GuardRails.SampleRatioMismatch(observed, shares);

        Assert.NotNull(result);
        Assert.Equal(chi, result.Value.ChiSquare, 4);
        Assert.Equal(df, result.Value.DegreesOfFreedom);
        Assert.Equal(p, result.Value.PValue, p < 0.001 ? 9 : 4);
    }

    [Fact]
    public void ChiSquareSurvival_KnownQuantiles_GiveTheirTails()
    {
        // Tables: χ²(1) 3.841459 → 0.05, 10.827566 → 0.001; χ²(3) 7.814728 → 0.05; χ²(10) 29.588298 → 0.001.
        Assert.Equal(0.05, GuardRails.ChiSquareSurvival(3.841459, 1), 6);
        Assert.Equal(0.001, GuardRails.ChiSquareSurvival(10.827566, 1), 7);
        Assert.Equal(0.05, GuardRails.ChiSquareSurvival(7.814728, 3), 6);
        Assert.Equal(0.001, GuardRails.ChiSquareSurvival(29.588298, 10), 7);
    }

    [Fact]
    public void SampleRatioMismatch_NoCountsOrOneArm_Null()
    {
        Assert.Null(GuardRails.SampleRatioMismatch([0, 0], [0.5, 0.5]));
        Assert.Null(GuardRails.SampleRatioMismatch([10], [1.0]));
    }

    [Fact]
    public void Assemble_ContinueVariant_ReportsCasesNeededFromTheDecisiveComparison()
    {
        // Precision control 40/50 = 0.8 (n 50), treatment 45/50 = 0.9 (n 50): not significant, 199 per arm needed →
        // 149 more in each. Recall and automation identical (no difference), SLA none.
        var arms = new[]
        {
            Arm("control", tp: 40, fp: 10, fn: 0, decisions: 100, auto: 50),
            Arm("treatment", tp: 45, fp: 5, fn: 0, decisions: 100, auto: 50),
        };

        var entry = ExperimentAssembler.Assemble(arms, AsOf).Experiments.Single();

        Assert.Equal("continue", entry.Verdicts["treatment"]);
        var need = Assert.Single(entry.CasesNeeded);
        Assert.Equal("precision_weighted", need.Metric);
        Assert.Equal(199, need.NeededPerArm);
        Assert.Equal(149, need.MoreVariant);
        Assert.Equal(149, need.MoreControl);
        Assert.Null(entry.Comparisons.Single(c => c.Metric == "automation_rate").NeededPerArm);
    }

    [Fact]
    public void Assemble_Unregistered_SaysSrmNotComputedAndWarns()
    {
        var arms = new[] { Arm("control", 40, 10, 0, 100, 50, AsOf.AddDays(-3)), Arm("treatment", 45, 5, 0, 100, 50, AsOf.AddDays(-2)) };

        var rails = ExperimentAssembler.Assemble(arms, AsOf).Experiments.Single().GuardRails;

        Assert.False(rails.Registered);
        Assert.False(rails.Srm.Computed);
        Assert.Null(rails.Srm.ChiSquare);
        Assert.Contains("not registered", rails.Srm.Note, StringComparison.Ordinal);
        Assert.Equal("first_decision", rails.StartSource);
        Assert.Equal(3.0, rails.DaysRunning);
        Assert.Contains(rails.Warnings, w => w.StartsWith("running 3 days (< 7)", StringComparison.Ordinal));
        Assert.Contains(rails.Warnings, w => w.StartsWith("not in the experiment registry", StringComparison.Ordinal));
    }

    [Fact]
    public void Assemble_RegisteredWithSkewedArms_FlagsSrmAndUsesRegisteredStart()
    {
        var registry = ExperimentRegistry.From(Options(("Name", "exp"), ("CaseTypes:0", "ATO"), ("Split:control", "0.5"), ("Split:treatment", "0.5"),
            ("Start", "2026-11-20T12:00:00+00:00"), ("Owner", "lead")));
        var arms = new[] { Arm("control", 40, 10, 0, 1100, 50), Arm("treatment", 45, 5, 0, 900, 50) };

        var rails = ExperimentAssembler.Assemble(arms, AsOf, registry).Experiments.Single().GuardRails;

        Assert.True(rails.Registered);
        Assert.Equal("lead", rails.Owner);
        Assert.True(rails.Srm.Computed);
        Assert.True(rails.Srm.Flagged);
        Assert.Equal(20.0, rails.Srm.ChiSquare!.Value, 9);
        Assert.Equal("registry", rails.StartSource);
        Assert.Equal(12.0, rails.DaysRunning);
        Assert.Contains(rails.Warnings, w => w.StartsWith("sample-ratio mismatch", StringComparison.Ordinal));
        Assert.DoesNotContain(rails.Warnings, w => w.StartsWith("running", StringComparison.Ordinal));
    }

    [Fact]
    public void Assemble_RegisteredArmOutsideThePlan_FlagsWithoutChiSquare()
    {
        var registry = ExperimentRegistry.From(Options(("Name", "exp"), ("CaseTypes:0", "ATO"), ("Split:control", "0.5"), ("Split:treatment", "0.5"),
            ("Start", "2026-11-01T00:00:00Z"), ("Owner", "lead")));
        var arms = new[] { Arm("control", 40, 10, 0, 100, 50), Arm("treatment", 45, 5, 0, 100, 50), Arm("treatment_b", 45, 5, 0, 100, 50) };

        var srm = ExperimentAssembler.Assemble(arms, AsOf, registry).Experiments.Single().GuardRails.Srm;

        Assert.True(srm.Flagged);
        Assert.False(srm.Computed);
        Assert.Contains("treatment_b", srm.Note, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Split:treatment", "0.6", "sum to 1.1, not 1")]
    [InlineData("Split:control", "0", "every Split share must be above 0")]
    [InlineData("Start", "2026-12-01", "not an ISO-8601 instant with an offset")]
    [InlineData("Start", "yesterday", "not an ISO-8601 instant with an offset")]
    [InlineData("CaseTypes:0", "ato", "case type 'ato' is not upper-snake")]
    [InlineData("Owner", "", "Owner is required")]
    [InlineData("Name", "", "Name is required")]
    public void From_BrokenEntry_ThrowsNamingTheProblem(string key, string value, string expected)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Name"] = "exp", ["CaseTypes:0"] = "ATO", ["Split:control"] = "0.5", ["Split:treatment"] = "0.5",
            ["Start"] = "2026-12-01T00:00:00Z", ["Owner"] = "lead",
        };
        settings[key] = value;

        var error = Assert.Throws<ExperimentRegistryException>(() => ExperimentRegistry.From(Options([.. settings.Select(s => (s.Key, s.Value))])));

        Assert.Contains("Registry:0", error.Message, StringComparison.Ordinal);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_SplitWithoutControlAndDuplicateName_ListsBoth()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Experiments:Registry:0:Name"] = "a", ["Experiments:Registry:0:CaseTypes:0"] = "ATO", ["Experiments:Registry:0:Split:blue"] = "0.5",
            ["Experiments:Registry:0:Split:green"] = "0.5", ["Experiments:Registry:0:Start"] = "2026-12-01T00:00:00Z", ["Experiments:Registry:0:Owner"] = "x",
            ["Experiments:Registry:1:Name"] = "a", ["Experiments:Registry:1:CaseTypes:0"] = "ATO", ["Experiments:Registry:1:Split:control"] = "0.5",
            ["Experiments:Registry:1:Split:t"] = "0.5", ["Experiments:Registry:1:Start"] = "2026-12-01T00:00:00Z", ["Experiments:Registry:1:Owner"] = "x",
        }).Build();

        var error = Assert.Throws<ExperimentRegistryException>(() => ExperimentRegistry.From(configuration));

        Assert.Contains("Registry:0 (a): Split needs 'control'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Registry:1 (a): Name is registered twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_NoConfiguration_RegistersTheDemoExperimentsUnlessSwitchedOff()
    {
        var defaults = ExperimentRegistry.From(new ConfigurationBuilder().Build());
        var off = ExperimentRegistry.From(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Experiments:IncludeDemo"] = "false" }).Build());

        Assert.NotNull(defaults.Find("reset2fa-threshold-2026-11"));
        Assert.NotNull(defaults.Find("poa-model-2026-11"));
        Assert.Empty(off.Entries);
    }

    private static IConfiguration Options(params (string Key, string? Value)[] entry) =>
        new ConfigurationBuilder().AddInMemoryCollection(entry.Select(e => new KeyValuePair<string, string?>("Experiments:Registry:0:" + e.Key, e.Value))).Build();

    private static ArmCounts Arm(string variant, double tp, double fp, double fn, long decisions, long auto, DateTimeOffset? first = null) =>
        new("exp", null, variant, decisions, (long)(tp + fp + fn), auto, 0, 0, tp, tp, fp, fp, fn, fn, tp, fp, fn, first ?? AsOf.AddDays(-30));
}
