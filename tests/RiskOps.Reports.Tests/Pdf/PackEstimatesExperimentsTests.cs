using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;
using RiskOps.Reports.Pdf;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Tests.Pdf;

/// <summary>
/// The pack's "Estimated vs measured" and "Experiments" summary lines, over the default-size demo (20,000 cases, seed
/// 42, to 2026-11-23: the size at which its experiments reach rollback and ship).
/// </summary>
public sealed class PackEstimatesExperimentsTests : IAsyncLifetime
{
    private static readonly DateTimeOffset AsOf = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
    private readonly string _root = Path.Combine(Path.GetTempPath(), "riskops-reports-estimates-" + Guid.NewGuid().ToString("N"));

    private string Lake => Path.Combine(_root, "lake");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Lake:HashKey"] = "reports-tests-key" }).Build();
        var time = new FakeTimeProvider(AsOf);
        await DemoGenerator.RunAsync(IngestPipeline.Create(Lake, configuration, time: time), new DemoOptions(Cases: 20000, Seed: 42, Weeks: 8, AsOf: AsOf), time, null, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(_root, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public void Line_HandValues_ReadsAsTheIssueExample()
    {
        Assert.Equal(
            "Precision measured on 626 labelled cases: 73.3 %; estimated for all 2,500 decisions: 76.1 %",
            EstimatedVsMeasured.Line("Precision", 0.7333, 626, "labelled cases", 0.7612, 2500));
        Assert.Equal(
            "labels in for 626 of 2,500 decisions (25.0 %)",
            EstimatedVsMeasured.Completeness(new MetricSet { LabeledCases = 626, Decisions = 2500, LabelCompleteness = 626 / 2500.0 }));
    }

    [Fact]
    public void Render_BeforeAndAfterAFold_HeaderNamesTheReadModelTheFiguresCameFrom()
    {
        using var warehouse = RiskOps.Sql.Warehouse.Open(Lake);
        var request = new PackRequest(ReportPeriod.Parse("2026-W47"), MetricFilters.None, AsOf);
        var renderer = new PackRenderer(new FakeTimeProvider(AsOf.AddHours(1)));
        static string Text(RenderedPack pack, string name)
        {
            var path = Path.Combine(PdfTools.ArtifactDir("report-pages"), name + ".pdf");
            File.WriteAllBytes(path, pack.Pdf);
            return string.Join(' ', PdfTools.PdfToText(path).Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        }

        var raw = renderer.Render(warehouse, request);
        Assert.Null(raw.Data.RollupLakeVersion);
        Assert.Contains("Rollup: none (raw views)", Text(raw, "rollup-none"), StringComparison.Ordinal);

        var (rollup, built) = warehouse.Fold(AsOf);
        Assert.True(built);
        var served = renderer.Render(warehouse, request);
        Assert.Equal(rollup.LakeVersion, served.Data.RollupLakeVersion);
        Assert.True(rollup.LakeVersion > 0);
        Assert.Contains($"Rollup: lake version {rollup.LakeVersion}", Text(served, "rollup-version"), StringComparison.Ordinal);
        Assert.Equal(raw.Data.Current.Overall.Precision, served.Data.Current.Overall.Precision);
    }

    [Fact]
    public void Render_DemoWeek_SummaryHasEstimatedVsMeasuredAndExperimentsWithRollbackAndShip()
    {
        var registry = RiskOps.Sql.Experiments.ExperimentRegistry.From(new RiskOps.Sql.Experiments.ExperimentRegistryOptions());
        var pack = new PackRenderer(new FakeTimeProvider(AsOf.AddHours(1)), registry).Render(Lake, new PackRequest(ReportPeriod.Parse("2026-W47"), MetricFilters.None, AsOf));
        var path = Path.Combine(PdfTools.ArtifactDir("report-pages"), "estimates-experiments.pdf");
        File.WriteAllBytes(path, pack.Pdf);
        PdfTools.PdfToPng(path, Path.GetDirectoryName(path)!, "estimates-experiments");

        var text = string.Join(' ', PdfTools.PdfToText(path).Split((char[])[' ', '\n', '\r'], StringSplitOptions.RemoveEmptyEntries));
        var overall = pack.Data.Current.Overall;
        Assert.Contains($"Estimated vs measured: precision {ReportFormat.Percent(overall.Precision)} on {ReportFormat.Count(overall.PrecisionN)} labelled blocks, "
            + $"{ReportFormat.Percent(overall.PrecisionEst)} estimated for all {ReportFormat.Count(overall.Decisions)} decisions", text, StringComparison.Ordinal);
        Assert.Contains($"labels in for {ReportFormat.Count(overall.LabeledCases)} of {ReportFormat.Count(overall.Decisions)} decisions", text, StringComparison.Ordinal);
        Assert.Contains("Experiments (registry: 2 registered; verdicts over all weeks in scope, weighted labels): poa-model-2026-11 — POA_REVIEW: treatment SHIP (automation", text, StringComparison.Ordinal);
        Assert.Contains("[owner demo: model owner]", text, StringComparison.Ordinal);
        Assert.Contains("reset2fa-threshold-2026-11 — RESET_2FA: treatment ROLLBACK (SLA ≤ 4 h", text, StringComparison.Ordinal);
        // Each case type's model-quality paragraph carries its estimates.
        Assert.Contains("Estimated for all", text, StringComparison.Ordinal);
        Assert.Contains("treatment ROLLBACK", pack.SummaryText, StringComparison.Ordinal);
        Assert.Contains("treatment SHIP", pack.SummaryHtml, StringComparison.Ordinal);
        Assert.Contains("Estimated vs measured:", pack.SummaryText, StringComparison.Ordinal);
    }
}
