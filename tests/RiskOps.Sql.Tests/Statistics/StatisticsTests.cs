using RiskOps.Sql.Statistics;

namespace RiskOps.Sql.Tests.Statistics;

/// <summary>
/// The contract §2 statistics against values computed by hand (and checked with Python's math.erfc, an independent
/// normal CDF): Φ, Wilson intervals at 95 % and 99.9 %, the pooled two-proportion z-test and the n ≥ 30 rules.
/// </summary>
public sealed class StatisticsTests
{
    [Theory]
    [InlineData(0.0, 0.5)]
    [InlineData(1.0, 0.8413447460685429)]
    [InlineData(-1.959963984540054, 0.025)]
    [InlineData(1.959963984540054, 0.975)]
    [InlineData(-3.0, 0.0013498980316300957)]
    public void Cdf_KnownPoints_MatchToDoublePrecision(double x, double expected)
    {
        Assert.Equal(expected, NormalDistribution.Cdf(x), 14);
    }

    [Fact]
    public void Cdf_FarTail_KeepsItsMagnitude()
    {
        // Φ(−8) = 6.220960574271819e-16: 1 − Φ(8) computed naively would be 0 or noise.
        Assert.Equal(6.220960574271819e-16, NormalDistribution.Cdf(-8), 1e-22);
        Assert.Equal(1.0, NormalDistribution.Cdf(40));
        Assert.Equal(0.0, NormalDistribution.Cdf(-40));
    }

    [Fact]
    public void Wilson_EightOfTen_HandComputed()
    {
        // p = 0.8, z² = 3.8415: centre 0.8 + z²/20 = 0.99207, half z·√(0.016 + z²/400) = z·0.16 = 0.31359, scale 1.38415.
        var (low, high) = Wilson.Interval(8, 10)!.Value;
        Assert.Equal(0.4901624715366418, low, 12);
        Assert.Equal(0.9433178485456247, high, 12);
    }

    [Fact]
    public void Wilson_EdgesAndTheStrictBound()
    {
        Assert.Null(Wilson.Interval(0, 0));
        var (low, high) = Wilson.Interval(0, 5)!.Value;
        Assert.Equal(0.0, low, 15);
        Assert.Equal(0.43448246478317476, high, 12);
        // The clusters' one-sided 99.9 % bound (z = 3.290526731491926): 12 of 22.
        Assert.Equal(0.24410371980955492, Wilson.Lower(12, 22, Wilson.Z999)!.Value, 12);
        Assert.Throws<ArgumentOutOfRangeException>(() => Wilson.Interval(6, 5));
    }

    [Theory]
    // 45/100 vs 30/100: pooled 0.375, se √(0.375·0.625·0.02) = 0.068465, z = 2.19089.
    [InlineData(45, 100, 30, 100, 0.02845973691631057)]
    // 18/30 vs 10/30: z = 2.0702.
    [InlineData(18, 30, 10, 30, 0.038433930236781745)]
    [InlineData(20, 40, 19, 40, 0.8230088713702759)]
    [InlineData(29, 30, 20, 30, 0.002675243054699827)]
    public void TwoProportionPValue_HandComputed(long k1, long n1, long k2, long n2, double expected)
    {
        Assert.Equal(expected, Significance.TwoProportionPValue(k1, n1, k2, n2)!.Value, 12);
        // Symmetric: the order of the periods does not change a two-sided p.
        Assert.Equal(expected, Significance.TwoProportionPValue(k2, n2, k1, n1)!.Value, 12);
    }

    [Fact]
    public void TwoProportionPValue_NoVarianceOrNoCases_IsNull()
    {
        Assert.Null(Significance.TwoProportionPValue(0, 50, 0, 60));
        Assert.Null(Significance.TwoProportionPValue(50, 50, 60, 60));
        Assert.Null(Significance.TwoProportionPValue(0, 0, 3, 10));
    }

    [Fact]
    public void IsSignificantChange_NeedsBothNAtLeast30AndPBelowFivePercent()
    {
        Assert.True(Significance.IsSignificantChange(45, 100, 30, 100));
        Assert.True(Significance.IsSignificantChange(18, 30, 10, 30));
        Assert.False(Significance.IsSignificantChange(20, 40, 19, 40));
        // The same shares as 18/30 vs 10/30 with one period at n = 29: no status, never significant.
        Assert.False(Significance.IsSignificantChange(17, 29, 10, 30));
        Assert.False(Significance.IsSignificantChange(29, 29, 0, 500));
        // Pooled share 1 (or 0): never significant.
        Assert.False(Significance.IsSignificantChange(30, 30, 100, 100));
        Assert.False(Significance.IsSignificantChange(0, 30, 0, 100));
    }

    [Theory]
    [InlineData(0, false)]
    [InlineData(29, false)]
    [InlineData(30, true)]
    [InlineData(1000, true)]
    public void HasStatus_ThirtyOrMore(long n, bool expected)
    {
        Assert.Equal(expected, Significance.HasStatus(n));
    }
}
