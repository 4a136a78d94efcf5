using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Demo;
using RiskOps.Etl.Jobs;
using RiskOps.Etl.Lake;

namespace RiskOps.Bench.Scan;

/// <summary>
/// <c>scan [--rows N] [--work DIR] [--keep]</c>: lands N demo decisions (default 5,000,000) through the pipeline, compacts the
/// lake, copies the same rows into one DuckDB-written Parquet file, and times the same DuckDB aggregations over both
/// (median of 5 runs each, warm). The ratio shows what the lake layout costs (or saves, with partition pruning).
/// </summary>
internal static class ScanBenchmark
{
    private const int Runs = 5;

    private static readonly (string Name, string Sql)[] Queries =
    [
        ("full aggregation by case type, model, routing",
            "select case_type, model_version, routing, count(*) as n, avg(confidence) as conf, sum(case when ai_decision = 'block' then 1 else 0 end) as blocks from {0} group by all"),
        ("weekly automation rate",
            "select date_trunc('week', scored_at at time zone 'UTC') as week, avg(case when routing = 'auto' then 1.0 else 0.0 end) as automation, count(*) as n from {0} group by all"),
        ("one week (2026-11-09 .. 2026-11-15), by case type",
            "select case_type, count(*) as n, avg(confidence) as conf from {0} where scored_at >= '2026-11-09 00:00:00+00' and scored_at < '2026-11-16 00:00:00+00' {1} group by all"),
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var rows = BenchSupport.IntArg(args, "--rows", 5_000_000);
        var work = BenchSupport.WorkDir(args, "scan");
        try
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"scan benchmark: {rows:N0} decision rows, {Environment.ProcessorCount} cores, work {work}"));
            var lake = Path.Combine(work, "lake");
            var stopwatch = Stopwatch.StartNew();
            var data = DemoDataSet.Create(new DemoOptions(Cases: rows, AsOf: new DateTimeOffset(2026, 11, 23, 0, 0, 0, TimeSpan.Zero)), TimeProvider.System);
            var files = DemoFileWriter.Write(data, Path.Combine(work, "files"), RecordFormat.Csv, new HashSet<RecordKind> { RecordKind.Decisions }, false, null, CancellationToken.None);
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection(new Dictionary<string, string?> { ["Lake:HashKey"] = "scan-benchmark-hash-key" })
                .Build();
            var pipeline = IngestPipeline.Create(lake, configuration);
            var landed = await pipeline.IngestFileAsync(files[0].Path, RecordKind.Decisions, CancellationToken.None);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"landed {landed.Landed:N0} rows in {stopwatch.Elapsed.TotalSeconds:F1} s"));
            stopwatch.Restart();
            var compaction = new CompactionJob(Options.Create(new LakeOptions { Root = lake }), NullLogger<CompactionJob>.Instance);
            var compacted = await compaction.RunAllAsync(RecordKind.Decisions, CancellationToken.None);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"compacted {compacted.Count} partitions in {stopwatch.Elapsed.TotalSeconds:F1} s"));

            var lakeGlob = Path.Combine(lake, "decisions", "**", "*.parquet");
            var single = Path.Combine(work, "single.parquet");
            using var connection = new DuckDBConnection("DataSource=:memory:;autoinstall_known_extensions=false");
            connection.Open();
            Execute(connection, "set TimeZone = 'UTC'");
            var lakeSource = $"read_parquet('{lakeGlob}', hive_partitioning = true, union_by_name = true)";
            Execute(connection, $"copy (select * exclude (dt) from {lakeSource}) to '{single}' (format parquet)");
            var singleSource = $"read_parquet('{single}')";
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"lake: {Directory.GetFiles(Path.Combine(lake, "decisions"), "*.parquet", SearchOption.AllDirectories).Length} files, {DirSize(Path.Combine(lake, "decisions")) / 1e6:N0} MB; single file: {new FileInfo(single).Length / 1e6:N0} MB"));

            Console.WriteLine();
            Console.WriteLine("| query | compacted lake (ms) | single DuckDB file (ms) | lake / single |");
            Console.WriteLine("|---|---:|---:|---:|");
            foreach (var (name, sql) in Queries)
            {
                // The lake query also filters on the dt partition, as the warehouse views do, so files outside the week are pruned.
                var lakeMs = Median(connection, string.Format(CultureInfo.InvariantCulture, sql, lakeSource, "and dt between '2026-11-09' and '2026-11-15'"));
                var singleMs = Median(connection, string.Format(CultureInfo.InvariantCulture, sql, singleSource, string.Empty));
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| {name} | {lakeMs:F0} | {singleMs:F0} | {lakeMs / singleMs:0.00}x |"));
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

    private static double Median(DuckDBConnection connection, string sql)
    {
        Execute(connection, sql);
        var times = new List<double>();
        for (var i = 0; i < Runs; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            Execute(connection, sql);
            times.Add(stopwatch.Elapsed.TotalMilliseconds);
        }

        times.Sort();
        return times[Runs / 2];
    }

    private static void Execute(DuckDBConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            // Drain the result: the benchmark measures the whole query.
        }
    }

    private static long DirSize(string dir) => Directory.GetFiles(dir, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
}
