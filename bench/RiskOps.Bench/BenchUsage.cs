namespace RiskOps.Bench;

/// <summary>Usage text and the hooks for benchmarks still to be written.</summary>
internal static class BenchUsage
{
    public static int Print()
    {
        Console.Error.WriteLine("""
            usage: dotnet run -c Release --project bench/RiskOps.Bench --artifacts-path /tmp/art-bench -- <benchmark> [options]
              ingest  [--rows N] [--work DIR] [--keep]   DuckDB read_csv→COPY parquet vs IngestPipeline.IngestFileAsync (rows/s, peak RSS)
              scan    [--rows N] [--work DIR] [--keep]   DuckDB aggregation over the compacted lake vs one DuckDB-written Parquet file
              demo    [--cases N]                        demo generation speed (rows/s, no landing) and landing of the demo
              drain   [--files N] [--rows N] [--pg CS]   Hangfire worker drain rate (see Drain/DrainBenchmark.cs)
              metrics | pages | report                   hooks for the warehouse, dashboard and report benchmarks
            """);
        return 2;
    }

    public static int NotYet(string name)
    {
        Console.Error.WriteLine($"benchmark '{name}' is not written yet: add bench/RiskOps.Bench/<Name>/<Name>Benchmark.cs with RunAsync(string[] args) and wire it in Program.cs");
        return 2;
    }
}
