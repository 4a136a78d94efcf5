using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;

namespace RiskOps.Bench.Demo;

/// <summary>
/// <c>demo [--cases N] [--work DIR] [--keep]</c>: the demo generator alone (rows/s, no landing), then a full
/// <see cref="DemoGenerator.RunAsync"/> into a fresh lake (wall and CPU seconds, peak RSS). Default 1,000,000 cases.
/// </summary>
internal static class DemoBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var cases = BenchSupport.IntArg(args, "--cases", 1_000_000);
        var work = BenchSupport.WorkDir(args, "demo");
        var asOf = new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero);
        try
        {
            var options = new DemoOptions(Cases: cases, AsOf: asOf);
            using var self = Process.GetCurrentProcess();
            var cpu = self.TotalProcessorTime;
            var stopwatch = Stopwatch.StartNew();
            var counts = new long[5];
            foreach (var row in DemoDataSet.Create(options, TimeProvider.System).Rows())
            {
                counts[(int)row.Kind]++;
            }

            self.Refresh();
            var total = counts.Sum();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"generate only: {cases:N0} cases → {total:N0} rows in {stopwatch.Elapsed.TotalSeconds:F1} s wall, {(self.TotalProcessorTime - cpu).TotalSeconds:F1} s CPU ({BenchSupport.Rate(total / stopwatch.Elapsed.TotalSeconds)})"));

            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Lake:HashKey"] = "demo-benchmark-hash-key" })
                .Build();
            var pipeline = IngestPipeline.Create(Path.Combine(work, "lake"), configuration);
            cpu = self.TotalProcessorTime;
            stopwatch.Restart();
            var summary = await DemoGenerator.RunAsync(pipeline, options, TimeProvider.System, new Progress<string>(line => Console.WriteLine("  | " + line)), CancellationToken.None);
            self.Refresh();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"generate + land: {summary.TotalRows:N0} rows in {stopwatch.Elapsed.TotalSeconds:F1} s wall, {(self.TotalProcessorTime - cpu).TotalSeconds:F1} s CPU ({BenchSupport.Rate(summary.TotalRows / stopwatch.Elapsed.TotalSeconds)}); peak RSS {BenchSupport.Mb(BenchSupport.PeakRssBytes())}; quarantined {summary.Quarantined}"));
            foreach (var kind in RecordKinds.All)
            {
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  {kind.LakeName(),-13} {summary.RowsPerKind[kind],12:N0}"));
            }

            return 0;
        }
        finally
        {
            if (!BenchSupport.Flag(args, "--keep"))
            {
                BenchSupport.TryDelete(work);
            }
        }
    }
}
