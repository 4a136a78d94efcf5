namespace RiskOps.Bench;

/// <summary>Usage text.</summary>
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
              lake    [--decisions N] [--rollups]        only generate (and cache) the synthetic lake; --rollups also builds its rollup
              fold    [--decisions N] [--batches B] [--batch-decisions R]
                                                         incremental fold of landed batches vs a rebuild of the same lake
              metrics [--decisions N] [--runs R] [--all-only] [--rollup-only] [--reuse-rollup]
                                                         GetMetrics through the project vs the same SQL on plain DuckDB, and with rollups
              pages   [--decisions N] [--requests R]     dashboard page server time p50/p95 on loopback
              report  [--decisions N] [--runs R]         weekly calibration pack time and size
            """);
        return 2;
    }
}
