using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using RiskOps.Etl.Lake;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Web.Dashboard;

/// <summary>
/// The dashboard's only door to figures: one shared <see cref="Warehouse"/> over the configured lake (its in-memory copy
/// of the daily rollups serves every request) and a cache of answers per (question, filters, as-of, detail, lake
/// version) for a few minutes, so paging through the dashboard does not recompute the same metrics. A new batch changes
/// the lake version and so the key.
/// </summary>
internal sealed class DashboardData(IOptions<LakeOptions> lake, IMemoryCache cache, TimeProvider time) : IDisposable
{
    private static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    private readonly Lock _gate = new();
    private Warehouse? _warehouse;

    /// <summary>The lake root as an absolute path.</summary>
    public string LakeRoot { get; } = Path.GetFullPath(lake.Value.Root);

    /// <summary>
    /// The as-of instant of a request: the <c>as_of</c> filter, else now truncated to the minute (so cached answers are
    /// reused within a minute and a page states a round cut-off).
    /// </summary>
    public DateTimeOffset AsOf(DashboardFilters filters)
    {
        if (filters.AsOf is { } asOf)
        {
            return asOf;
        }

        var now = time.GetUtcNow();
        return new DateTimeOffset(now.Ticks - (now.Ticks % TimeSpan.TicksPerMinute), TimeSpan.Zero);
    }

    /// <summary>Checks the filters against the lake (unknown case type, malformed week...): throws <see cref="InvalidFilterException"/>.</summary>
    public void Validate(DashboardFilters filters) =>
        Cached(("validate", filters.Metrics.ToKey()), w =>
        {
            w.Validate(filters.Metrics);
            return true;
        });

    /// <summary>
    /// The figures of contract §2 (the same call as <c>riskops metrics</c>). Pages that show no resolution quantiles ask
    /// for <see cref="MetricsDetail.Overview"/>, which a fresh rollup answers without any per-case data; a cached full
    /// answer serves them too.
    /// </summary>
    public MetricsReport Metrics(MetricFilters filters, DateTimeOffset asOf, MetricsDetail detail = MetricsDetail.Full)
    {
        var version = LakeVersion();
        if (detail == MetricsDetail.Overview && cache.TryGetValue(((object)("metrics", filters.ToKey(), asOf, MetricsDetail.Full), version), out MetricsReport? full) && full is not null)
        {
            return full;
        }

        return Remember(("metrics", filters.ToKey(), asOf, detail), version, () => Shared().GetMetrics(filters, asOf, detail));
    }

    /// <summary>
    /// A page's model (tables and rendered charts) for one query string and as-of: re-rendering ~0.5 MB of SVG per
    /// request is what kept chart-heavy pages slow once their figures were cached. Not cached when the page is missing.
    /// </summary>
    public PageView? PageView(string page, string query, DateTimeOffset asOf, Func<PageView?> build) =>
        Remember(("page", page, query, asOf), LakeVersion(), build);

    /// <summary>The threshold sweep (the same call as <c>riskops thresholds</c>).</summary>
    public ThresholdReport Thresholds(MetricFilters filters) =>
        Cached(("thresholds", filters.ToKey()), w => w.GetThresholds(filters));

    /// <summary>
    /// The what-if's sweep counts (per case type × confidence percent × label) of a window, per lake version: every
    /// proposal is then projected from them in memory (the same counts as <c>riskops thresholds --propose</c>).
    /// </summary>
    public Sql.WhatIf.WhatIfCounts WhatIfCounts(MetricFilters filters, int weeks, string? endWeek) =>
        Cached(("whatif", filters.ToKey(), weeks, endWeek ?? ""), w => w.GetWhatIfCounts(filters, weeks, endWeek));

    /// <summary>Week-over-week PSI drift of confidence and signal rates (labels not needed).</summary>
    public Sql.Drift.DriftReport Drift(MetricFilters filters) =>
        Cached(("drift", filters.ToKey()), w => w.GetDrift(filters));

    /// <summary>The FP/FN clusters (the same call as <c>riskops clusters</c>).</summary>
    public ClusterReport Clusters(MetricFilters filters) =>
        Cached(("clusters", filters.ToKey()), w => w.GetClusters(filters));

    /// <summary>The A/B comparisons with their guard rails (the same call as <c>riskops experiments</c>).</summary>
    public Sql.Experiments.ExperimentReport Experiments(MetricFilters filters, DateTimeOffset asOf, Sql.Experiments.ExperimentRegistry registry) =>
        Cached(("experiments", filters.ToKey(), asOf), w => w.GetExperiments(filters, asOf, registry));

    /// <summary>
    /// The SLA figures per vendor group (one vendor, or several pooled for an "other" row) in one grouped query
    /// (<see cref="Warehouse.GetSlaByVendor"/>); each one-vendor group equals the metrics call with that vendor filter.
    /// </summary>
    public IReadOnlyList<MetricSet> SlaByVendor(MetricFilters filters, DateTimeOffset asOf, IReadOnlyList<IReadOnlyList<string>> groups) =>
        Cached(("sla_by_vendor", filters.ToKey(), asOf, string.Join('\u001e', groups.Select(g => string.Join('\u001f', g)))), w => w.GetSlaByVendor(filters, asOf, groups));

    /// <summary>The AI-overturn figures of the filters' cases (<see cref="Warehouse.GetOverturn"/>).</summary>
    public Sql.Overturn.OverturnReport Overturn(MetricFilters filters) =>
        Cached(("overturn", filters.ToKey()), w => w.GetOverturn(filters));

    /// <summary>
    /// The BPO onboarding curves of the filters' cases (<see cref="Warehouse.GetOnboarding"/>), the calibration rule from
    /// the KPI catalogue: decision accuracy's target and the n rule.
    /// </summary>
    public Sql.Onboarding.OnboardingReport Onboarding(MetricFilters filters) =>
        Cached(("onboarding", filters.ToKey()), w => w.GetOnboarding(filters, Reports.Kpis.KpiCatalogue.DecisionAccuracy.Target!.Goal, Reports.Kpis.Kpi.MinimumN));

    /// <summary>The estimate backtest (the same call as <c>riskops backtest</c>).</summary>
    public Sql.Estimates.BacktestReport EstimateBacktest(MetricFilters filters, DateTimeOffset asOf) =>
        Cached(("backtest", filters.ToKey(), asOf), w => w.GetEstimateBacktest(filters, asOf));

    /// <summary>One page of a cluster's error cases (the drill-down), per lake version.</summary>
    public ClusterCasePage ClusterCases(MetricFilters filters, IReadOnlyList<Cluster> clusters, Cluster cluster, int page, int pageSize) =>
        Cached(("cluster_cases", filters.ToKey(), string.Join('\u001f', [cluster.CaseType, cluster.Label, .. cluster.Signals]), page, pageSize),
            w => w.GetClusterCases(filters, clusters, cluster, page, pageSize));

    /// <summary>One page of the work list (the same call as <c>riskops worklist</c>), live per lake version and as-of.</summary>
    public Sql.Worklist.WorklistReport Worklist(MetricFilters filters, DateTimeOffset asOf, int page, int pageSize) =>
        Cached(("worklist", filters.ToKey(), asOf, page, pageSize), w => w.GetWorklist(filters, asOf, page, pageSize));

    /// <summary>Case types known in the lake (filter choices).</summary>
    public IReadOnlyList<string> CaseTypes() => Cached("case_types", w => w.CaseTypes());

    /// <summary>The values the filter form offers (the lake's case types, model versions, regions, vendors).</summary>
    public Sql.Analysis.FilterValues FilterValues() => Cached("filter_values", w => w.GetFilterValues());

    /// <summary>
    /// A read-only query over the documented views (the Data page). Cached per lake version like every answer: any landed
    /// batch, quarantined record or compaction changes the version, so the counts stay live.
    /// </summary>
    public QueryResult Query(string sql) => Cached(("query", sql), w => w.Query(sql));

    /// <summary>A fixed query with bound parameters (<c>$name</c>), cached per lake version like <see cref="Query(string)"/>.</summary>
    public QueryResult Query(string sql, IReadOnlyDictionary<string, object?> parameters) =>
        Cached(("query", sql, string.Join('\u001f', parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => p.Key + "=" + p.Value))), w => w.Query(sql, parameters));

    private T Cached<T>(object question, Func<Warehouse, T> compute) => Remember(question, LakeVersion(), () => compute(Shared()));

    /// <summary>The cached answer to <paramref name="question"/> at lake <paramref name="version"/>, computed once (null answers are not kept).</summary>
    private T Remember<T>(object question, string version, Func<T> compute)
    {
        var key = (question, version);
        if (cache.TryGetValue(key, out T? hit) && hit is not null)
        {
            return hit;
        }

        var value = compute();
        if (value is not null)
        {
            cache.Set(key, value, CacheFor);
        }

        return value;
    }

    /// <summary>
    /// One warehouse for the app's lifetime, so the rollup tables it loads into memory serve every later request (the
    /// warehouse serialises its calls).
    /// </summary>
    private Warehouse Shared()
    {
        lock (_gate)
        {
            // A landed batch never sends a page to the raw views: the latest published rollup serves at once (the rollup
            // job folds pending batches) and the page states how far behind it is (FreshnessLine).
            return _warehouse ??= OpenServingPublished();
        }
    }

    private Warehouse OpenServingPublished()
    {
        var warehouse = Warehouse.Open(LakeRoot);
        warehouse.ServePublishedRollup = true;
        return warehouse;
    }

    /// <summary>
    /// "Includes data through 10:42 UTC (lake version 12); 2 newer batches being folded" — what the figures include, or
    /// that no rollup is published yet (figures then come from the lake's views).
    /// </summary>
    public string FreshnessLine()
    {
        try
        {
            return PublishedFreshness();
        }
        catch (DuckDB.NET.Data.DuckDBException)
        {
            // An unreadable lake file must not take every page down with the freshness line (issue 12 item 9): the
            // Data page and /health/ready name the file.
            return "Data freshness unknown: a lake file cannot be read (see the Data page)";
        }
    }

    private string PublishedFreshness() => Cached("freshness", w =>
    {
        var f = w.Freshness();
        if (f.RollupVersion is not { } version)
        {
            return $"Computed from the lake's views (no rollup published yet); data through {Format.Instant(f.LakeDataThrough)}";
        }

        var pending = f.PendingBatches == 0 ? "up to date" : $"{f.PendingBatches} newer batch{(f.PendingBatches == 1 ? "" : "es")} being folded";
        return $"Includes data through {Format.Instant(f.RollupDataThrough)} (lake version {version}); {pending}";
    });

    /// <summary>Closes the shared warehouse.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _warehouse?.Dispose();
            _warehouse = null;
        }
    }

    /// <summary>
    /// Changes whenever a batch lands or a partition is rewritten: every write publishes a manifest or renames a file
    /// into a kind folder, which touches these directories' timestamps.
    /// </summary>
    private string LakeVersion()
    {
        if (!Directory.Exists(LakeRoot))
        {
            return "missing";
        }

        long stamp = 0;
        long count = 0;
        foreach (var dir in Directory.EnumerateDirectories(LakeRoot, "*", SearchOption.AllDirectories))
        {
            stamp = Math.Max(stamp, Directory.GetLastWriteTimeUtc(dir).Ticks);
            count++;
        }

        return $"{count}:{stamp}";
    }
}

/// <summary>Cache keys for filters (the record's lists compare by reference, so key on their text).</summary>
internal static class MetricFiltersKey
{
    /// <summary>A stable text form of the filters.</summary>
    public static string ToKey(this MetricFilters f) => string.Join('|',
        f.From?.ToString("O") ?? "",
        f.To?.ToString("O") ?? "",
        string.Join(',', f.Weeks),
        string.Join(',', f.CaseTypes),
        string.Join(',', f.ModelVersions),
        string.Join(',', f.Regions),
        string.Join(',', f.Vendors));
}
