using System.Text.RegularExpressions;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using static RiskOps.Reports.Pdf.ReportFormat;

namespace RiskOps.Reports.Tests.Pdf;

/// <summary>The pack's drift table and recommended-threshold interval print the warehouse's figures.</summary>
[Collection(DemoLakeCollection.Name)]
public sealed class PackDriftThresholdTests(DemoLakeFixture lake)
{
    [Fact]
    public void Render_DemoWeek_DriftAndRecommendationIntervalEqualWarehouse()
    {
        var (pack, path) = lake.Pack("demo-week", MetricFilters.None);
        using var warehouse = Warehouse.Open(lake.Lake);
        var week = new MetricFilters { Weeks = [DemoLakeFixture.Week] };
        var drift = warehouse.GetDrift(week);
        var thresholds = warehouse.GetThresholds(week);
        var lines = PdfTools.PdfToText(path).Split('\n').Select(l => Regex.Replace(l, @"[ \t]+", " ").Trim()).ToList();

        Assert.Contains(lines, l => l.StartsWith("Early warning without labels: drift vs the week before", StringComparison.Ordinal));
        Assert.NotEmpty(drift.Entries);
        Assert.Equal(drift.Entries.Count, pack.Data.Drift!.Entries.Count);
        foreach (var entry in drift.Entries.Take(12))
        {
            var psi = entry.ConfidencePsi is { } c ? Number(c, 3) : "new";
            var pattern = $"^{Regex.Escape(entry.CaseType)} {Regex.Escape(entry.ModelVersion)} {Regex.Escape(Count(entry.Decisions))} \\({Regex.Escape(Count(entry.PreviousDecisions))}\\) {Regex.Escape(psi)}";
            Assert.True(lines.Any(l => Regex.IsMatch(l, pattern)), $"no line matches {pattern}");
        }

        foreach (var sweep in thresholds.ByCaseType.Where(s => s.RecommendedThresholdCiLow is not null))
        {
            Assert.True(lines.Any(l => l.StartsWith(sweep.CaseType + " " + Count(sweep.RecommendedThresholdN) + " ", StringComparison.Ordinal)
                && l.Contains(Number(sweep.RecommendedThresholdCiLow, 2) + " –", StringComparison.Ordinal)), $"{sweep.CaseType}: no interval row");
        }
    }
}
