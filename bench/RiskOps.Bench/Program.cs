using RiskOps.Bench;
using RiskOps.Bench.Demo;
using RiskOps.Bench.Drain;
using RiskOps.Bench.Fold;
using RiskOps.Bench.Ingest;
using RiskOps.Bench.Metrics;
using RiskOps.Bench.Pages;
using RiskOps.Bench.Report;
using RiskOps.Bench.Scan;

// A plain timed harness, never part of the test run. One file (folder) per benchmark; see bench/README.md.
return args.Length == 0 ? BenchUsage.Print() : args[0] switch
{
    "ingest" => await IngestBenchmark.RunAsync(args),
    "ingest-child" => await IngestBenchmark.RunChildAsync(args),
    "scan" => await ScanBenchmark.RunAsync(args),
    "demo" => await DemoBenchmark.RunAsync(args),
    "drain" => await DrainBenchmark.RunAsync(args),
    "lake" => SyntheticLake.Generate(args),
    "fold" => FoldBenchmark.Run(args),
    "metrics" => await MetricsBenchmark.RunAsync(args),
    "profile" => ProfileBenchmark.Run(args),
    "overview" => OverviewBenchmark.Run(args),
    "pages" => await PagesBenchmark.RunAsync(args),
    "report" => await ReportBenchmark.RunAsync(args),
    _ => BenchUsage.Print(),
};
