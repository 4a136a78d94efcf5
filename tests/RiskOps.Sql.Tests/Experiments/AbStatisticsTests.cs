using RiskOps.Sql.Experiments;

namespace RiskOps.Sql.Tests.Experiments;

/// <summary>Wilson and Newcombe intervals against values published by Newcombe (1998), and the verdict rule.</summary>
public sealed class AbStatisticsTests
{
    // Newcombe, "Interval estimation for the difference between independent proportions", Stat. Med. 17 (1998),
    // Table II, method 10 (score interval from the two Wilson intervals, no continuity correction).
    [Theory]
    [InlineData(56, 70, 48, 80, 0.0524, 0.3339)]
    [InlineData(9, 10, 3, 10, 0.1705, 0.8090)]
    [InlineData(6, 7, 2, 7, 0.0582, 0.8062)]
    [InlineData(5, 56, 0, 29, -0.0381, 0.1926)]
    public void Newcombe_PublishedExamples_MatchToFourDecimals(int x1, int n1, int x2, int n2, double low, double high)
    {
        var result = AbStatistics.Newcombe((double)x1 / n1, n1, (double)x2 / n2, n2);

        Assert.NotNull(result);
        Assert.Equal((double)x1 / n1 - (double)x2 / n2, result.Value.Diff, 12);
        Assert.Equal(low, result.Value.Low, 4);
        Assert.Equal(high, result.Value.High, 4);
    }

    [Fact]
    public void Wilson_HandComputed_MatchesTheFormula()
    {
        // 8 of 10: centre (0.8 + z²/20)/(1 + z²/10), half z/(1 + z²/10)·√(0.016 + z²/400); Wilson (1927) gives 0.4902, 0.9433.
        var (low, high) = AbStatistics.Wilson(0.8, 10)!.Value;

        Assert.Equal(0.4902, low, 4);
        Assert.Equal(0.9433, high, 4);
        Assert.Null(AbStatistics.Wilson(0.5, 0));
    }

    [Fact]
    public void EffectiveN_Weights_IsSquaredSumOverSumOfSquares()
    {
        // Weights 1, 1, 4: (6)² / (1 + 1 + 16) = 2.
        Assert.Equal(2.0, AbStatistics.EffectiveN(6, 18), 12);
        Assert.Equal(0, AbStatistics.EffectiveN(0, 0));
    }

    [Theory]
    [InlineData("precision_weighted", -0.05, true, "rollback")]
    [InlineData("recall_weighted", -0.05, true, "rollback")]
    [InlineData("sla_compliance", -0.05, true, "rollback")]
    [InlineData("automation_rate", -0.05, true, "continue")]
    [InlineData("automation_rate", 0.05, true, "ship")]
    [InlineData("precision_weighted", 0.05, true, "ship")]
    [InlineData("sla_compliance", 0.05, true, "continue")]
    [InlineData("precision_weighted", -0.05, false, "continue")]
    public void Verdict_OneComparison_FollowsTheContractRule(string metric, double diff, bool significant, string expected)
    {
        var comparison = new ArmComparison { Variant = "t", Metric = metric, Diff = diff, Significant = significant };

        Assert.Equal(expected, ExperimentAssembler.Verdict([comparison]));
    }

    [Fact]
    public void Verdict_RiseAndFall_RollbackWins()
    {
        ArmComparison[] comparisons =
        [
            new() { Variant = "t", Metric = "automation_rate", Diff = 0.2, Significant = true },
            new() { Variant = "t", Metric = "recall_weighted", Diff = -0.01, Significant = true },
        ];

        Assert.Equal("rollback", ExperimentAssembler.Verdict(comparisons));
    }

    [Fact]
    public void Assemble_ArmWithoutLabels_ComparisonNullAndNotSignificant()
    {
        var control = new ArmCounts("e", null, "control", 100, 50, 60, 10, 20, 40, 40, 10, 10, 5, 5, 40, 10, 5);
        var treatment = new ArmCounts("e", null, "treatment", 100, 0, 80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        var entry = Assert.Single(ExperimentAssembler.Assemble([treatment, control], DateTimeOffset.UnixEpoch).Experiments);

        Assert.Equal(["control", "treatment"], entry.Variants.Select(v => v.Variant));
        var precision = entry.Comparisons.Single(c => c.Metric == "precision_weighted");
        Assert.Null(precision.Diff);
        Assert.Null(precision.CiLow);
        Assert.Null(precision.Control);
        Assert.False(precision.Significant);
        var sla = entry.Comparisons.Single(c => c.Metric == "sla_compliance");
        Assert.Null(sla.Diff);
        // Automation: 0.8 vs 0.6 on 100 decisions each is a significant rise.
        var automation = entry.Comparisons.Single(c => c.Metric == "automation_rate");
        Assert.True(automation.Significant);
        Assert.Equal("ship", entry.Verdicts["treatment"]);
    }

    [Fact]
    public void Assemble_SmallArms_NeverSignificant()
    {
        // 29 decisions per arm: even 29/29 auto against 0/29 has no status (n < 30).
        var control = new ArmCounts("e", null, "control", 29, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        var treatment = new ArmCounts("e", null, "treatment", 29, 0, 29, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);

        var entry = Assert.Single(ExperimentAssembler.Assemble([control, treatment], DateTimeOffset.UnixEpoch).Experiments);
        var automation = entry.Comparisons.Single(c => c.Metric == "automation_rate");

        Assert.True(automation.CiLow > 0);
        Assert.False(automation.Significant);
        Assert.Equal("continue", entry.Verdicts["treatment"]);
    }
}
