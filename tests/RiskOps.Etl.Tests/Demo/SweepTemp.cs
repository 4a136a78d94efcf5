using RiskOps.Etl.Demo;
using Xunit.Abstractions;

namespace RiskOps.Etl.Tests.Demo;

public sealed class SweepTempTests(ITestOutputHelper output)
{
    [Fact]
    public void Sweep()
    {
        var asOf = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        foreach (var cases in new[] { 3000, 20000 })
        {
            var fails = new Dictionary<string, int>();
            var minRatio = new Dictionary<string, double>();
            var seeds = cases == 3000 ? 60 : 15;
            for (var seed = 100; seed < 100 + seeds; seed++)
            {
                var clusters = ClusterCheck.Compute(DemoDataSet.Create(new DemoOptions(cases, seed, AsOf: asOf), TimeProvider.System).Rows());
                foreach (var p in DemoScenario.PlantedPatterns)
                {
                    var ranked = clusters.Where(c => c.CaseType == p.CaseType && c.Label == p.Label).ToList();
                    var ok = ranked.Count > 0 && ranked[0].Signals.SequenceEqual(p.Signals.Order(StringComparer.Ordinal)) && ranked[0].RootCauseCode == p.RootCauseCode;
                    if (!ok) { fails[p.CaseType] = fails.GetValueOrDefault(p.CaseType) + 1; }
                    else if (ranked.Count > 1)
                    {
                        var r = ranked[0].Excess / Math.Max(1, ranked[1].Excess);
                        minRatio[p.CaseType] = Math.Min(minRatio.GetValueOrDefault(p.CaseType, 99), r);
                    }
                }
            }
            output.WriteLine($"{cases}: fails " + string.Join(", ", fails.Select(f => $"{f.Key}={f.Value}")) + " minratio " + string.Join(", ", minRatio.Select(f => $"{f.Key}={f.Value:F2}")));
        }
    }
}
