using System.Text.RegularExpressions;
using RiskOps.Reports.Pdf;
using RiskOps.Sql;
using RiskOps.Sql.Experiments;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Tests.Pdf;

/// <summary>
/// The pack's 8-week cluster trends (never a single bar: the week's clusters counted over the trailing weeks under the
/// cluster rule, against a per-case reference), the summary's early-warning line, and the "Experiments" line naming the
/// registry.
/// </summary>
[Collection(DemoLakeCollection.Name)]
public sealed class PackClusterTrendRegistryTests(DemoLakeFixture lake)
{
    [Fact]
    public void Render_DemoWeek_ClusterTrendsCoverEightWeeksAndEqualAPerCaseReference()
    {
        var (pack, _) = lake.Pack("demo-week", MetricFilters.None);
        var clusters = pack.Data.Clusters.Clusters;
        Assert.NotEmpty(clusters);
        Assert.Equal(clusters.Count, pack.Data.ClusterTrends.Count);
        var weeks = pack.Data.Request.Period.Trailing(PackData.TrendWeeks).Select(p => p.Week).ToList();

        using var warehouse = Warehouse.Open(lake.Lake);
        var cases = warehouse.Query("select case_type, week, label, signals from cases where label in ('FP', 'FN')").Rows
            .Select(r => (CaseType: (string)r[0]!, Week: (string)r[1]!, Label: (string)r[2]!,
                Signals: r[3] is System.Collections.IEnumerable list ? list.Cast<object?>().Select(s => s?.ToString() ?? "").ToHashSet(StringComparer.Ordinal) : []))
            .ToList();
        var withData = warehouse.Query("select distinct week from cases").Rows.Select(r => (string)r[0]!).ToHashSet(StringComparer.Ordinal);
        Assert.Equal(4, weeks.Count(withData.Contains));
        for (var i = 0; i < clusters.Count; i++)
        {
            var cluster = clusters[i];
            var trend = pack.Data.ClusterTrends[i];
            // The 4-week demo has no decision before 2026-W44: those weeks are left out, not drawn as 0.
            Assert.Equal(weeks.Where(withData.Contains), trend.Select(t => t.Week));
            Assert.Equal(DemoLakeFixture.Week, trend[^1].Week);
            Assert.True(trend.Count >= 4, $"{trend.Count} weeks");
            Assert.Equal(cluster.Support, trend[^1].Count);
            var earlier = clusters.Where(c => c.CaseType == cluster.CaseType && c.Label == cluster.Label && c.Rank < cluster.Rank).ToList();
            foreach (var week in trend)
            {
                var expected = cases.Count(c => c.CaseType == cluster.CaseType && c.Label == cluster.Label && c.Week == week.Week
                    && cluster.Signals.All(c.Signals.Contains) && !earlier.Any(e => e.Signals.All(c.Signals.Contains)));
                Assert.Equal(expected, week.Count);
            }
        }
    }

    [Fact]
    public void Render_DemoWeek_SummaryNamesThePlantedDriftAndTheTrendCaption()
    {
        var (_, path) = lake.Pack("demo-week", MetricFilters.None);
        var text = string.Join(' ', PdfTools.PdfToText(path).Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));

        Assert.Matches(@"Early warning without labels \(section 2\): 1 of \d+ case type × model version slices shifted — KYC_AUDIT risk-agent-3\.2: high_risk_country [\d.]+ % → [\d.]+ % \(PSI 0\.\d{3}\)", text);
        Assert.Contains("Error cases per week of the top patterns over the 8 weeks to 2026-W47", text, StringComparison.Ordinal);
        // The early warning sits with the overall figures of section 2, before the first case type's paragraph.
        var section2 = text.IndexOf("2. Model quality per case type", StringComparison.Ordinal);
        var drift = text.IndexOf("Early warning without labels: drift vs the week before", section2, StringComparison.Ordinal);
        var firstType = Regex.Match(text[section2..], @"[A-Z_]+ \d[\d,]* cases, \d[\d,]* labeled").Index + section2;
        Assert.InRange(drift, section2, firstType);
    }

    [Fact]
    public void ExperimentLine_Registry_NamesOwnersUnregisteredAndRegisteredWithoutDecisions()
    {
        using var warehouse = Warehouse.Open(lake.Lake);
        var registry = ExperimentRegistry.From(new ExperimentRegistryOptions
        {
            Registry =
            [
                new RegisteredExperimentOptions
                {
                    Name = "ato-threshold-2026-12", CaseTypes = ["ATO"], Split = new() { ["control"] = 0.5, ["treatment"] = 0.5 },
                    Start = "2026-12-01T00:00:00Z", Owner = "ATO lead",
                },
            ],
        });
        var report = warehouse.GetExperiments(MetricFilters.None, DemoLakeFixture.AsOf, registry);

        var line = ExperimentSummary.Line(report, registry);

        Assert.StartsWith("Experiments (registry: 3 registered; verdicts over all weeks in scope, weighted labels): ", line, StringComparison.Ordinal);
        Assert.Contains("poa-model-2026-11 — POA_REVIEW: treatment ", line, StringComparison.Ordinal);
        Assert.Contains("[owner demo: model owner]", line, StringComparison.Ordinal);
        Assert.Contains("reset2fa-threshold-2026-11 — RESET_2FA: treatment ", line, StringComparison.Ordinal);
        Assert.Contains("[owner demo: 2FA operations lead]", line, StringComparison.Ordinal);
        Assert.EndsWith("ato-threshold-2026-12 — registered for ATO, no decision in scope [owner ATO lead].", line, StringComparison.Ordinal);

        var unregistered = ExperimentSummary.Line(warehouse.GetExperiments(MetricFilters.None, DemoLakeFixture.AsOf, ExperimentRegistry.Empty), ExperimentRegistry.Empty);
        Assert.StartsWith("Experiments (registry: 0 registered; ", unregistered, StringComparison.Ordinal);
        Assert.Equal(2, Regex.Matches(unregistered, @"\[not in the registry\]").Count);
        Assert.Equal("Experiments (registry: none given): no decision in scope carries an A/B experiment.", ExperimentSummary.Line(null));
    }
}
