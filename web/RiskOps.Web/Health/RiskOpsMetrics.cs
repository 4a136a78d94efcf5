using Prometheus;
using RiskOps.Etl.Contract;
using RiskOps.Etl.Lake;

namespace RiskOps.Web.Health;

/// <summary>
/// The Prometheus metrics of this process (prometheus-net; names listed in docs/operations.md). Counters count what this
/// process landed; the lag and file gauges are computed from the lake when <c>/metrics</c> is scraped.
/// </summary>
internal static class RiskOpsMetrics
{
    private static readonly string[] BatchLabels = ["kind", "path"];

    /// <summary><c>riskops_rows_landed_total{kind,path}</c>: valid records written to the lake.</summary>
    public static readonly Counter RowsLanded = Metrics.CreateCounter(
        "riskops_rows_landed_total", "Valid records written to the lake by this process.", new CounterConfiguration { LabelNames = BatchLabels });

    /// <summary><c>riskops_rows_quarantined_total{kind,path}</c>: records sent to quarantine.</summary>
    public static readonly Counter RowsQuarantined = Metrics.CreateCounter(
        "riskops_rows_quarantined_total", "Records that broke the contract and went to quarantine.", new CounterConfiguration { LabelNames = BatchLabels });

    /// <summary><c>riskops_rows_duplicate_total{kind,path}</c>: valid records skipped as already in the lake.</summary>
    public static readonly Counter RowsDuplicate = Metrics.CreateCounter(
        "riskops_rows_duplicate_total", "Valid records skipped because the same record was already in the lake.", new CounterConfiguration { LabelNames = BatchLabels });

    /// <summary><c>riskops_batch_duration_seconds{kind,path}</c>: time to land one batch (read, validate, write, publish).</summary>
    public static readonly Histogram BatchDuration = Metrics.CreateHistogram(
        "riskops_batch_duration_seconds", "Time to land one batch, from the first record read to the manifest written.",
        new HistogramConfiguration { LabelNames = BatchLabels, Buckets = [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300] });

    /// <summary><c>riskops_rollup_lag_seconds</c>: how long the oldest batch not yet folded into the published rollup has waited.</summary>
    public static readonly Gauge RollupLag = Metrics.CreateGauge(
        "riskops_rollup_lag_seconds", "Age of the oldest batch not yet folded into the published rollup (0 when the rollup is current).");

    /// <summary><c>riskops_rollup_pending_batches</c>: batches landed since the published rollup.</summary>
    public static readonly Gauge RollupPending = Metrics.CreateGauge(
        "riskops_rollup_pending_batches", "Batches landed since the published rollup was built.");

    /// <summary><c>riskops_lake_unreadable_files</c>: Parquet files of the lake no reader can open.</summary>
    public static readonly Gauge UnreadableFiles = Metrics.CreateGauge(
        "riskops_lake_unreadable_files", "Parquet files of the lake that cannot be read (truncated or damaged).");

    /// <summary>
    /// <c>riskops_page_interrupted_total{reason}</c>: dashboard pages and exports whose work was stopped early — <c>timeout</c>
    /// (answered 503 after <c>Dashboard:QueryTimeout</c>) or <c>client_left</c> (the browser closed the request).
    /// </summary>
    public static readonly Counter PagesInterrupted = Metrics.CreateCounter(
        "riskops_page_interrupted_total", "Dashboard pages and exports stopped early: timeout (answered 503) or client_left.",
        new CounterConfiguration { LabelNames = ["reason"] });

    /// <summary>Counts one landed batch (a re-delivery that landed nothing is not counted).</summary>
    public static void Batch(string path, IngestResult result, TimeSpan elapsed)
    {
        ArgumentNullException.ThrowIfNull(result);
        var kind = result.Kind.LakeName();
        RowsLanded.WithLabels(kind, path).Inc(result.Landed);
        RowsQuarantined.WithLabels(kind, path).Inc(result.Quarantined);
        RowsDuplicate.WithLabels(kind, path).Inc(result.Duplicates);
        BatchDuration.WithLabels(kind, path).Observe(elapsed.TotalSeconds);
    }
}
