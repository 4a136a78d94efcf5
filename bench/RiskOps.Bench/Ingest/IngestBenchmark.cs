using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Extensions.Configuration;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Lake;

namespace RiskOps.Bench.Ingest;

/// <summary>
/// <c>ingest [--rows N] [--work DIR] [--keep]</c>: writes a demo decisions CSV of N rows (default 10,000,000), then lands it
/// (a) with DuckDB's own <c>COPY (SELECT * FROM read_csv(...)) TO '....parquet' (FORMAT parquet)</c> and (b) with
/// <see cref="IngestPipeline.IngestFileAsync"/>, each in a child process so their peak RSS are separate, and prints
/// rows/s, peak RSS and the ratios.
/// </summary>
internal static class IngestBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var rows = BenchSupport.IntArg(args, "--rows", 10_000_000);
        var work = BenchSupport.WorkDir(args, "ingest");
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"ingest benchmark: {rows:N0} decision rows, {Environment.ProcessorCount} cores, work {work}"));
            var csv = Path.Combine(work, "decisions.csv");
            var stopwatch = Stopwatch.StartNew();
            var data = DemoDataSet.Create(new DemoOptions(Cases: rows, AsOf: new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero)), TimeProvider.System);
            DemoFileWriter.Write(data, work, RecordFormat.Csv, new HashSet<RecordKind> { RecordKind.Decisions }, withBadRecords: false,
                new Progress<string>(line => Console.WriteLine("  | " + line)), CancellationToken.None);
            var writeSeconds = stopwatch.Elapsed.TotalSeconds;
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"generated {csv} ({new FileInfo(csv).Length / 1e6:N0} MB) in {writeSeconds:F1} s ({BenchSupport.Rate(rows / writeSeconds)})"));

            var duck = await BenchSupport.RunChildAsync("ingest-child", "--mode", "duckdb", csv, Path.Combine(work, "duckdb.parquet"));
            var ours = await BenchSupport.RunChildAsync("ingest-child", "--mode", "riskops", csv, Path.Combine(work, "lake"));

            var duckRate = duck.GetProperty("rows").GetInt64() / duck.GetProperty("seconds").GetDouble();
            var ourRate = ours.GetProperty("rows").GetInt64() / ours.GetProperty("seconds").GetDouble();
            var duckRss = duck.GetProperty("peak_rss").GetInt64();
            var ourRss = ours.GetProperty("peak_rss").GetInt64();
            Console.WriteLine();
            Console.WriteLine("| path | rows | seconds | CPU seconds | rows/s | peak RSS |");
            Console.WriteLine("|---|---:|---:|---:|---:|---:|");
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| DuckDB read_csv → COPY parquet | {duck.GetProperty("rows").GetInt64():N0} | {duck.GetProperty("seconds").GetDouble():F1} | {duck.GetProperty("cpu_seconds").GetDouble():F1} | {BenchSupport.Rate(duckRate)} | {BenchSupport.Mb(duckRss)} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| riskops IngestFileAsync (validate, hash, quarantine, partition, publish) | {ours.GetProperty("rows").GetInt64():N0} | {ours.GetProperty("seconds").GetDouble():F1} | {ours.GetProperty("cpu_seconds").GetDouble():F1} | {BenchSupport.Rate(ourRate)} | {BenchSupport.Mb(ourRss)} |"));
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio riskops / DuckDB: speed {ourRate / duckRate:0.00}x, CPU {ours.GetProperty("cpu_seconds").GetDouble() / duck.GetProperty("cpu_seconds").GetDouble():0.00}x, peak RSS {ourRss / (double)duckRss:0.00}x"));
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

    /// <summary><c>ingest-child --mode duckdb|riskops CSV TARGET</c>: one landing, timed, with its own peak RSS.</summary>
    public static async Task<int> RunChildAsync(string[] args)
    {
        var mode = BenchSupport.Arg(args, "--mode") ?? throw new ArgumentException("--mode duckdb|riskops is required");
        var positional = args.Skip(1).ToList();
        positional.RemoveRange(positional.IndexOf("--mode"), 2);
        var csv = positional[0];
        var target = positional[1];
        var stopwatch = Stopwatch.StartNew();
        long rows;
        if (mode == "duckdb")
        {
            using var connection = new DuckDBConnection("DataSource=:memory:;autoinstall_known_extensions=false");
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = $"copy (select * from read_csv('{csv.Replace("'", "''", StringComparison.Ordinal)}', header = true, auto_detect = true)) " +
                $"to '{target.Replace("'", "''", StringComparison.Ordinal)}' (format parquet)";
            rows = command.ExecuteNonQuery();
        }
        else
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Lake:HashKey"] = "ingest-benchmark-hash-key" })
                .Build();
            var pipeline = IngestPipeline.Create(target, configuration);
            var result = await pipeline.IngestFileAsync(csv, RecordKind.Decisions, CancellationToken.None);
            rows = result.Landed;
            if (result.Quarantined > 0)
            {
                Console.WriteLine($"warning: {result.Quarantined} rows quarantined");
            }
        }

        var seconds = stopwatch.Elapsed.TotalSeconds;
        using var self = Process.GetCurrentProcess();
        BenchSupport.EmitResult(new Dictionary<string, object>
        {
            ["rows"] = rows,
            ["seconds"] = seconds,
            ["cpu_seconds"] = self.TotalProcessorTime.TotalSeconds,
            ["peak_rss"] = BenchSupport.PeakRssBytes(),
        });
        return 0;
    }
}
