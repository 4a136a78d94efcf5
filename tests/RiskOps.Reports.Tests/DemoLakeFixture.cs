using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Time.Testing;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;

namespace RiskOps.Reports.Tests;

/// <summary>One small demo lake (planted patterns included) shared by the tests of a collection; deleted afterwards.</summary>
public sealed class DemoLakeFixture : IAsyncLifetime
{
    /// <summary>The demo's as-of: Monday 2026-11-23 00:00 UTC, so 2026-W47 is the last complete week.</summary>
    public static readonly DateTimeOffset AsOf = new(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The pack week the tests use.</summary>
    public const string Week = "2026-W47";

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "riskops-reports-" + Guid.NewGuid().ToString("N"));

    public string Lake => Path.Combine(Root, "lake");

    /// <summary>When the shared packs are rendered, and their data cut-off.</summary>
    public static readonly DateTimeOffset PackAsOf = AsOf.AddHours(6);

    private readonly Dictionary<string, (RiskOps.Reports.Pdf.RenderedPack Pack, string Path)> _packs = new(StringComparer.Ordinal);

    /// <summary>
    /// Renders (once per name) the pack of <paramref name="week"/> and <paramref name="scope"/>, writes it and its PNG pages
    /// under the artefact folder; rendering queries the warehouse a dozen times, so tests share the result.
    /// </summary>
    public (RiskOps.Reports.Pdf.RenderedPack Pack, string Path) Pack(string name, RiskOps.Sql.Model.MetricFilters scope, string week = Week)
    {
        lock (_packs)
        {
            if (!_packs.TryGetValue(name, out var entry))
            {
                var renderer = new RiskOps.Reports.Pdf.PackRenderer(new FakeTimeProvider(PackAsOf.AddMinutes(1)));
                var pack = renderer.Render(Lake, new RiskOps.Reports.Pdf.PackRequest(RiskOps.Reports.Pdf.ReportPeriod.Parse(week), scope, PackAsOf));
                var dir = PdfTools.ArtifactDir("report-pages");
                var path = Path.Combine(dir, $"{name}.pdf");
                File.WriteAllBytes(path, pack.Pdf);
                PdfTools.PdfToPng(path, dir, name);
                entry = (pack, path);
                _packs[name] = entry;
            }

            return entry;
        }
    }

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Root);
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Lake:HashKey"] = "reports-tests-key" })
            .Build();
        var time = new FakeTimeProvider(AsOf);
        var pipeline = IngestPipeline.Create(Lake, configuration, time: time);
        await DemoGenerator.RunAsync(pipeline, new DemoOptions(Cases: 6000, Seed: 7, Weeks: 4, AsOf: AsOf, WithBadRecords: true), time, null, CancellationToken.None);
    }

    public Task DisposeAsync()
    {
        Directory.Delete(Root, recursive: true);
        return Task.CompletedTask;
    }
}

[CollectionDefinition(Name)]
public sealed class DemoLakeCollection : ICollectionFixture<DemoLakeFixture>
{
    public const string Name = "demo lake";
}
