using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;
using RiskOps.Web.Demo;

namespace RiskOps.Web.Tests;

/// <summary>An interrupted first start leaves half a demo lake; the next start resumes it (issue 12 item 14).</summary>
public sealed class DemoSeedResumeTests : IDisposable
{
    private static readonly DateTimeOffset AsOf = new(2026, 11, 16, 0, 0, 0, TimeSpan.Zero);
    private static readonly string[] Kinds = ["decisions", "reviews", "labels", "qa_audits", "sop_coverage", "quarantine"];
    private readonly string _lake = Path.Combine(Path.GetTempPath(), "riskops-web-resume-" + Guid.NewGuid().ToString("N"));
    private readonly string _reference = Path.Combine(Path.GetTempPath(), "riskops-web-resume-ref-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        foreach (var dir in new[] { _lake, _reference })
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }
    }

    private static DemoOptions Options() => new(Cases: 400, Seed: 9, AsOf: AsOf, WithBadRecords: true);

    private static IngestPipeline Pipeline(string lake) =>
        IngestPipeline.Create(lake, new ConfigurationBuilder().AddInMemoryCollection(WebAppFixture.BaseSettings(lake)).Build());

    private static long[] Counts(string lake)
    {
        using var warehouse = RiskOps.Sql.Warehouse.Open(lake);
        return Kinds.Select(k => Directory.Exists(Path.Combine(lake, k))
            ? Convert.ToInt64(warehouse.Query($"select count(*) from {(k == "quarantine" ? k : "raw_" + k)}").Rows[0][0], System.Globalization.CultureInfo.InvariantCulture)
            : 0).ToArray();
    }

    [Fact]
    public async Task Start_AfterInterruptedSeeding_ResumesAndEndsLikeOneUninterruptedRun()
    {
        await DemoGenerator.RunAsync(Pipeline(_reference), Options(), TimeProvider.System, null, CancellationToken.None);
        using (var stop = new CancellationTokenSource())
        {
            var reports = 0;
            var progress = new SyncProgress(_ =>
            {
                if (++reports == 2)
                {
                    stop.Cancel();
                }
            });
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => DemoGenerator.RunAsync(Pipeline(_lake), Options(), TimeProvider.System, progress, stop.Token));
        }

        // What the seeder leaves when the process dies mid-run: its marker still says "started".
        File.WriteAllText(Path.Combine(_lake, DemoSeeder.MarkerFile), JsonSerializer.Serialize(
            new { state = "started", cases = 400, seed = 9, as_of = AsOf }));
        Assert.NotEmpty(Directory.EnumerateFiles(Path.Combine(_lake, "decisions"), "*.parquet", SearchOption.AllDirectories));
        Assert.NotEqual(Counts(_reference), Counts(_lake));

        await using (var factory = WebAppFixture.CreateFactory(_lake, new Dictionary<string, string?>
        {
            ["Demo:SeedOnStart"] = "true",
            ["Demo:Cases"] = "400",
            ["Demo:Seed"] = "9",
        }))
        {
            var state = factory.Services.GetRequiredService<DemoSeedState>();
            var waited = System.Diagnostics.Stopwatch.StartNew();
            // The seeder runs in the background (it may not have started yet): wait for its marker to say "complete".
            var marker = Path.Combine(_lake, DemoSeeder.MarkerFile);
            while ((state.Running || !File.ReadAllText(marker).Contains("\"complete\"", StringComparison.Ordinal)) && waited.Elapsed < TimeSpan.FromMinutes(2))
            {
                await Task.Delay(200);
            }

            Assert.False(state.Running);
            Assert.Null(state.Status);
        }

        Assert.Equal(Counts(_reference), Counts(_lake));
        Assert.Contains("\"complete\"", File.ReadAllText(Path.Combine(_lake, DemoSeeder.MarkerFile)), StringComparison.Ordinal);
    }

    private sealed class SyncProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
