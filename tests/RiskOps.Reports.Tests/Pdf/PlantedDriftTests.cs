using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;
using RiskOps.Sql;
using RiskOps.Sql.Model;
using Xunit.Abstractions;

namespace RiskOps.Reports.Tests.Pdf;

/// <summary>
/// The demo's planted drift (<see cref="DemoScenario.DriftCaseType"/> × <see cref="DemoScenario.NewModel"/>:
/// <see cref="DemoScenario.DriftSignal"/> jumps in the last complete week): the warehouse's PSI flags exactly that slice,
/// that signal and that week over every week of the demo, on demos of several sizes, seeds and as-of instants; the pack
/// of that week lists it first as a shift.
/// </summary>
[Collection(DemoLakeCollection.Name)]
public sealed class PlantedDriftTests(DemoLakeFixture lake, ITestOutputHelper output)
{
    [Theory]
    // The default demo, the E2E demo, the web tests' demo, a mid-week as-of and a small 8-week demo.
    [InlineData(20000, 42, 8, "2026-11-23T00:00:00Z")]
    [InlineData(3000, 11, 4, "2026-11-16T00:00:00Z")]
    [InlineData(3000, 7, 4, "2026-11-16T00:00:00Z")]
    [InlineData(8000, 3, 6, "2026-11-26T13:30:00Z")]
    [InlineData(4000, 5, 8, "2026-12-01T00:00:00Z")]
    public async Task GetDrift_DemoLake_FlagsExactlyThePlantedSliceSignalAndWeek(int cases, int seed, int weeks, string asOfText)
    {
        var asOf = DateTimeOffset.Parse(asOfText, CultureInfo.InvariantCulture);
        var root = Path.Combine(Path.GetTempPath(), "riskops-drift-demo-" + Guid.NewGuid().ToString("N"));
        try
        {
            var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Lake:HashKey"] = "drift-key" }).Build();
            var time = new FakeTimeProvider(asOf);
            await DemoGenerator.RunAsync(IngestPipeline.Create(root, configuration, time: time), new DemoOptions(cases, seed, weeks, asOf), time, null, CancellationToken.None);
            using var warehouse = Warehouse.Open(root);

            var drift = warehouse.GetDrift(MetricFilters.None);

            var plantedWeek = Week(DemoScenario.DriftStart(asOf));
            foreach (var e in drift.Entries.Where(e => e.Flagged || e.CaseType == DemoScenario.DriftCaseType))
            {
                output.WriteLine($"{e.Week} {e.CaseType} {e.ModelVersion} n={e.Decisions} ({e.PreviousDecisions}) conf PSI {e.ConfidencePsi:F3} flagged={e.Flagged} "
                    + string.Join(", ", e.Signals.Take(2).Select(s => $"{s.Signal} {s.PreviousRate:P1}→{s.Rate:P1} PSI {s.Psi:F3} p {s.PValue:G2}")));
            }

            var flagged = Assert.Single(drift.Entries, e => e.Flagged);
            Assert.Equal(plantedWeek, flagged.Week);
            Assert.Equal(DemoScenario.DriftCaseType, flagged.CaseType);
            Assert.Equal(DemoScenario.NewModel, flagged.ModelVersion);
            Assert.False(flagged.ConfidenceFlagged);
            var signal = Assert.Single(flagged.Signals, s => s.Flagged);
            Assert.Equal(DemoScenario.DriftSignal, signal.Signal);
            // The largest shift of the slice, so the page and the pack (largest signal shift first) name it.
            Assert.Equal(DemoScenario.DriftSignal, flagged.Signals[0].Signal);
            Assert.InRange(signal.PreviousRate!.Value, 0.04, 0.20);
            Assert.InRange(signal.Rate!.Value, DemoScenario.DriftRate - 0.12, DemoScenario.DriftRate + 0.12);
            Assert.True(signal.Psi > 0.2);

            // The week in progress keeps the shifted rate: compared with the planted week, nothing moves again.
            var after = drift.Entries.SingleOrDefault(e => e.PreviousWeek == plantedWeek && e.CaseType == DemoScenario.DriftCaseType && e.ModelVersion == DemoScenario.NewModel);
            if (after is { Decisions: >= 100 })
            {
                var rate = after.Signals.Single(s => s.Signal == DemoScenario.DriftSignal);
                Assert.InRange(rate.Rate!.Value, DemoScenario.DriftRate - 0.2, DemoScenario.DriftRate + 0.2);
            }
        }
        finally
        {
            if (Directory.Exists(root))
            {
                Directory.Delete(root, recursive: true);
            }
        }
    }

    [Fact]
    public void Render_DemoWeek_PlantedDriftIsTheFirstRowAndAShift()
    {
        var (pack, path) = lake.Pack("demo-week", MetricFilters.None);
        var flagged = Assert.Single(pack.Data.Drift!.Entries, e => e.Flagged);
        Assert.Equal((DemoScenario.DriftCaseType, DemoScenario.NewModel), (flagged.CaseType, flagged.ModelVersion));
        var lines = PdfTools.PdfToText(path).Split('\n').Select(l => Regex.Replace(l, @"[ \t]+", " ").Trim()).ToList();

        Assert.Contains($"1 of {pack.Data.Drift.Entries.Count} case type × model version slices shifted (PSI > 0.2).", string.Join(" ", lines), StringComparison.Ordinal);
        var heading = lines.FindIndex(l => l.StartsWith("Early warning without labels: drift vs the week before", StringComparison.Ordinal));
        var firstRow = lines.Skip(heading).First(l => l.StartsWith("KYC_AUDIT ", StringComparison.Ordinal) || l.StartsWith("ATO ", StringComparison.Ordinal)
            || l.StartsWith("POA_REVIEW ", StringComparison.Ordinal) || l.StartsWith("RESET_2FA ", StringComparison.Ordinal) || l.StartsWith("WITHDRAWAL_ANOMALY ", StringComparison.Ordinal));
        Assert.StartsWith($"{DemoScenario.DriftCaseType} {DemoScenario.NewModel} ", firstRow, StringComparison.Ordinal);
        Assert.Contains($" {DemoScenario.DriftSignal} ", firstRow, StringComparison.Ordinal);
        Assert.EndsWith(" shift", firstRow, StringComparison.Ordinal);
    }

    private static string Week(DateTimeOffset monday) =>
        string.Create(CultureInfo.InvariantCulture, $"{ISOWeek.GetYear(monday.UtcDateTime)}-W{ISOWeek.GetWeekOfYear(monday.UtcDateTime):D2}");
}
