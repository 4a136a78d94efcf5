using RiskOps.Reports.Alerts;

namespace RiskOps.Reports.Tests.Alerts;

/// <summary>The alert figures over a real demo lake read through DuckDB and its published rollup.</summary>
[Collection(DemoLakeCollection.Name)]
public sealed class WarehouseAlertFiguresTests(DemoLakeFixture lake)
{
    [Fact]
    public void Evaluate_DemoLake_EveryKindReadsTheRollupWithoutError()
    {
        using (var warehouse = RiskOps.Sql.Warehouse.Open(lake.Lake))
        {
            warehouse.Fold(DemoLakeFixture.AsOf);
        }

        using var figures = new WarehouseAlertFigures(lake.Lake);
        var at = DemoLakeFixture.AsOf;
        var breaches = figures.SlaBreaches(at.AddDays(-7), at);
        var rollback = AlertEvaluator.Evaluate(new AlertRule { Id = "ab", Kind = AlertKinds.ExperimentRollback }, figures, at);
        var stale = AlertEvaluator.Evaluate(new AlertRule { Id = "f", Kind = AlertKinds.DataFreshness, MaxAgeMinutes = 1 }, figures, at.AddYears(1));
        var kpi = AlertEvaluator.Evaluate(new AlertRule { Id = "p", Kind = AlertKinds.KpiBelowTarget, Kpi = "precision", CaseType = "*", RequireSignificantFall = false, Target = 1.0 }, figures, at);
        var quarantine = figures.Quarantine(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);

        Assert.All(rollback, b => Assert.Equal(3, b.Subject.Split('/').Length));
        Assert.All(breaches, b => Assert.True(b.Breaches > 0));
        Assert.Single(stale);
        Assert.NotEmpty(kpi);
        Assert.True(quarantine.Records > 0);
    }
}
