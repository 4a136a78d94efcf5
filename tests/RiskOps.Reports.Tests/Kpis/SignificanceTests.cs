using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Tests.Kpis;

public sealed class SignificanceTests
{
    [Fact]
    public void PValue_HandComputed_MatchesPooledZTest()
    {
        // 90/100 vs 80/100: pooled p = 170/200 = 0.85; se = sqrt(0.85·0.15·(1/100 + 1/100)) = 0.050497524;
        // z = 0.10 / 0.050497524 = 1.980295; two-sided p = 2·(1 − Φ(1.980295)) = 0.047670.
        var p = Significance.PValue(90, 100, 80, 100);

        Assert.NotNull(p);
        Assert.Equal(0.047670, p!.Value, 5);
        Assert.True(Significance.IsSignificant(90, 100, 80, 100));
    }

    [Fact]
    public void PValue_HandComputed_NotSignificant()
    {
        // 45/50 vs 40/50: pooled 0.85, se = sqrt(0.85·0.15·0.04) = 0.0714143, z = 0.1 / 0.0714143 = 1.400280, p = 0.161429.
        Assert.Equal(0.161429, Significance.PValue(45, 50, 40, 50)!.Value, 5);
        Assert.False(Significance.IsSignificant(45, 50, 40, 50));
    }

    [Fact]
    public void IsSignificant_EitherNBelow30_IsFalseWhateverTheP()
    {
        // 29/29 vs 0/29 would be overwhelming, but n < 30.
        Assert.False(Significance.IsSignificant(29, 29, 0, 29));
        Assert.True(Significance.IsSignificant(30, 30, 0, 30));
    }

    [Theory]
    [InlineData(0, 40, 0, 50)]
    [InlineData(40, 40, 50, 50)]
    public void PValue_PooledShareZeroOrOne_IsNullAndNeverSignificant(long x1, long n1, long x2, long n2)
    {
        Assert.Null(Significance.PValue(x1, n1, x2, n2));
        Assert.False(Significance.IsSignificant(x1, n1, x2, n2));
    }

    [Fact]
    public void Erfc_KnownValues()
    {
        Assert.Equal(1.0, Significance.Erfc(0), 7);
        Assert.Equal(0.157299207, Significance.Erfc(1), 6);
        Assert.Equal(0.004677735, Significance.Erfc(2), 6);
        Assert.Equal(1.842700793, Significance.Erfc(-1), 6);
    }

    [Fact]
    public void KpiChange_SignificantFall_SentenceCitesBothNAndP()
    {
        var before = new MetricSet { Tp = 90, Fp = 10, Precision = 0.9 };
        var now = new MetricSet { Tp = 80, Fp = 20, Precision = 0.8 };

        var change = KpiChange.Of(KpiCatalogue.Precision, now, before);

        Assert.True(change.Significant);
        Assert.Equal("fell", change.Verb);
        Assert.Equal("Precision fell from 90.0 % (n = 100) to 80.0 % (n = 100), −10.0 pts, p = 0.048.", change.Sentence());
    }

    [Fact]
    public void KpiChange_SmallSample_IsNeverARiseOrFall()
    {
        // The example: 85.7 % → 59.1 % on 22 cases.
        var before = new MetricSet { Tp = 12, Fp = 2, Precision = 12.0 / 14 };
        var now = new MetricSet { Tp = 13, Fp = 9, Precision = 13.0 / 22 };

        var change = KpiChange.Of(KpiCatalogue.Precision, now, before);

        Assert.False(change.Significant);
        Assert.Equal("no significant change", change.Verb);
        Assert.EndsWith("(not significant)", change.Label, StringComparison.Ordinal);
    }
}
