using RiskOps.Reports.Kpis;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Tests.Kpis;

public sealed class KpiCatalogueTests
{
    [Theory]
    // ≥ 98 %: a miss is cut, never rounded up onto the target.
    [InlineData(0.97977, "97.9 %")]
    [InlineData(0.97999, "97.9 %")]
    [InlineData(0.979, "97.9 %")]
    [InlineData(0.98, "98.0 %")]
    [InlineData(0.98049, "98.0 %")]
    [InlineData(0.98051, "98.1 %")]
    public void Show_DecisionAccuracy_NeverReadsAsMeetingWhenMissing(double value, string expected)
    {
        Assert.Equal(expected, KpiCatalogue.DecisionAccuracy.Show(value));
    }

    [Theory]
    // > 95 %: exactly 95 % misses; just above shows enough digits to read as above.
    [InlineData(0.95, "95.0 %")]
    [InlineData(0.94999, "94.9 %")]
    [InlineData(0.95004, "95.004 %")]
    [InlineData(0.9504, "95.04 %")]
    [InlineData(0.9506, "95.1 %")]
    public void Show_PrecisionStrictTarget_TextAgreesWithStatus(double value, string expected)
    {
        Assert.Equal(expected, KpiCatalogue.Precision.Show(value));
    }

    [Fact]
    public void Show_KeyUserEscalation_999IsNotShownAs100()
    {
        Assert.Equal("99.9 %", KpiCatalogue.KeyUserEscalation.Show(0.9995));
        Assert.Equal("100.0 %", KpiCatalogue.KeyUserEscalation.Show(1.0));
    }

    [Fact]
    public void Show_NoTarget_RoundsHalfAwayFromZero()
    {
        Assert.Equal("70.1 %", KpiCatalogue.Automation.Show(0.70051));
        Assert.Equal("70.0 %", KpiCatalogue.Automation.Show(0.70049));
        Assert.Equal("0.042", KpiCatalogue.Ece.Show(0.04213));
        Assert.Equal("n/a", KpiCatalogue.Ece.Show(null));
    }

    [Theory]
    [InlineData(0.97977, KpiStatus.Amber)]
    [InlineData(0.96, KpiStatus.Amber)]
    [InlineData(0.9599, KpiStatus.Red)]
    [InlineData(0.98, KpiStatus.Green)]
    public void Status_DecisionAccuracyWithLargeN_IsJudgedByTarget(double value, KpiStatus expected)
    {
        Assert.Equal(expected, KpiCatalogue.DecisionAccuracy.Status(value, 30));
    }

    [Theory]
    [InlineData(29, KpiStatus.SmallSample)]
    [InlineData(0, KpiStatus.SmallSample)]
    [InlineData(30, KpiStatus.Red)]
    public void Status_NThreshold_Below30HasNoColour(long n, KpiStatus expected)
    {
        Assert.Equal(expected, KpiCatalogue.Precision.Status(0.5, n));
    }

    [Fact]
    public void Status_FromMetricSet_UsesTheKpisOwnN()
    {
        // Precision n = TP + FP = 20 + 4 = 24 < 30: no status although 83 % would be red; recall n = TP + FN = 20 + 15 = 35.
        var set = new MetricSet { Tp = 20, Fp = 4, Fn = 15, Precision = 20.0 / 24, Recall = 20.0 / 35 };

        Assert.Equal(24, KpiCatalogue.Precision.N(set));
        Assert.Equal(KpiStatus.SmallSample, KpiCatalogue.Precision.Status(set));
        Assert.Equal(35, KpiCatalogue.Recall.N(set));
        Assert.Equal(KpiStatus.Red, KpiCatalogue.Recall.Status(set));
    }

    [Fact]
    public void Status_SopCoverageCensus_IsJudgedWhateverTheN()
    {
        var set = new MetricSet { SopCoverage = 0.75, SopScenarios = 8 };

        Assert.Equal(KpiStatus.Amber, KpiCatalogue.SopCoverage.Status(set));
    }

    [Fact]
    public void Status_NullValue_IsNoData()
    {
        Assert.Equal(KpiStatus.NoData, KpiCatalogue.Sla.Status(new MetricSet { SlaDenominator = 0 }));
    }

    [Fact]
    public void Catalogue_EveryKpiHasADefinitionAndUniqueKey()
    {
        Assert.All(KpiCatalogue.All, k => Assert.True(k.Definition.Length > 20, k.Key));
        Assert.Equal(KpiCatalogue.All.Count, KpiCatalogue.All.Select(k => k.Key).Distinct().Count());
        Assert.Equal("> 95 %", KpiCatalogue.Precision.Target!.Text);
        Assert.Equal("≥ 98 %", KpiCatalogue.DecisionAccuracy.Target!.Text);
        Assert.Equal("100 %", KpiCatalogue.KeyUserEscalation.Target!.Text);
    }
}
