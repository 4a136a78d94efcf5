using System.Globalization;
using RiskOps.Sql;
using RiskOps.Sql.Model;

namespace RiskOps.Reports.Pdf;

/// <summary>What a pack is asked for: a UTC ISO week, a scope and an as-of instant.</summary>
/// <param name="Period">The week.</param>
/// <param name="Scope">Case types, vendors (and any other FILTERS) that narrow every section; its weeks are ignored.</param>
/// <param name="AsOf">The instant open cases are aged to (contract v2: not a cut-off; it hides no record).</param>
/// <param name="Subscription">The subscription's name when a job renders it, else null.</param>
public sealed record PackRequest(ReportPeriod Period, MetricFilters Scope, DateTimeOffset AsOf, string? Subscription = null);

/// <summary>When a kind of record last landed in the lake.</summary>
/// <param name="Kind">Record kind.</param>
/// <param name="Rows">Rows stored (all versions).</param>
/// <param name="LatestIngestion">Latest <c>ingested_at</c>, as the warehouse printed it.</param>
public sealed record FreshnessRow(string Kind, long Rows, string LatestIngestion);

/// <summary>Every figure a calibration pack prints, all from <see cref="Warehouse"/>; the pack itself computes nothing.</summary>
public sealed class PackData
{
    /// <summary>Weeks shown in trend charts (this week and the ones before).</summary>
    public const int TrendWeeks = 8;

    /// <summary>The request.</summary>
    public required PackRequest Request { get; init; }

    /// <summary>When the pack was rendered (metadata).</summary>
    public required DateTimeOffset GeneratedAt { get; init; }

    /// <summary>The week's metrics for the scope.</summary>
    public required MetricsReport Current { get; init; }

    /// <summary>The previous week's metrics for the scope, for "vs last week".</summary>
    public required MetricsReport Previous { get; init; }

    /// <summary>The trailing <see cref="TrendWeeks"/> weeks (its <c>ByWeek</c> feeds the overall trend).</summary>
    public required MetricsReport Trend { get; init; }

    /// <summary>Per case type of the week: its weekly figures over the trailing weeks.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyList<MetricSet>> TrendByCaseType { get; init; }

    /// <summary>Threshold sweep over the week's labeled cases.</summary>
    public required ThresholdReport Thresholds { get; init; }

    /// <summary>Week-over-week PSI drift of the week against the week before; null when not loaded.</summary>
    public RiskOps.Sql.Drift.DriftReport? Drift { get; init; }

    /// <summary>FP/FN clusters of the week: the session's misclassification batch.</summary>
    public required ClusterReport Clusters { get; init; }

    /// <summary>
    /// Per cluster of <see cref="Clusters"/> (same order): its error cases per week over the trailing
    /// <see cref="TrendWeeks"/> weeks under the same cluster rule (zeros included); empty when not loaded.
    /// </summary>
    public IReadOnlyList<IReadOnlyList<WeeklyCount>> ClusterTrends { get; init; } = [];

    /// <summary>The experiment registry the guard rails were checked against (null: none was given).</summary>
    public RiskOps.Sql.Experiments.ExperimentRegistry? Registry { get; init; }

    /// <summary>The AI-overturn figures of the week's cases in scope (empty when not loaded).</summary>
    public RiskOps.Sql.Overturn.OverturnReport Overturn { get; init; } = new();

    /// <summary>The A/B comparisons over every week of the scope (an experiment runs for weeks); null when not loaded.</summary>
    public RiskOps.Sql.Experiments.ExperimentReport? Experiments { get; init; }

    /// <summary>
    /// The lake version of the rollup the week's figures were read from (what <see cref="Warehouse.LastRollupLakeVersion"/>
    /// said after the week's metrics call); null when they came from the raw views.
    /// </summary>
    public long? RollupLakeVersion { get; init; }

    /// <summary>Latest ingestion per kind (empty when the warehouse could not tell).</summary>
    public required IReadOnlyList<FreshnessRow> Freshness { get; init; }

    /// <summary>
    /// The data freshness: the latest ingestion of any kind the figures include ("n/a" when the warehouse did not tell).
    /// </summary>
    public string DataThrough => Freshness.Select(f => f.LatestIngestion).Where(t => t.EndsWith(" UTC", StringComparison.Ordinal))
        .Order(StringComparer.Ordinal).LastOrDefault() ?? ReportFormat.NotAvailable;

    /// <summary>
    /// The week's case types the pack shows one by one: all of them when there are at most <see cref="CategoryBounds.MaxShown"/>,
    /// else the most decided (largest first); the rest are <see cref="OtherCaseTypes"/>.
    /// </summary>
    public IReadOnlyList<MetricSet> CaseTypes => CaseTypeSplit.Shown;

    /// <summary>The week's case types folded into one "other" row (none when every case type is shown).</summary>
    public IReadOnlyList<MetricSet> FoldedCaseTypes => CaseTypeSplit.Folded;

    /// <summary><see cref="SplitCaseTypes"/> of <see cref="Current"/>, ranked once (the renderer asks for it per table and row).</summary>
    private (IReadOnlyList<MetricSet> Shown, IReadOnlyList<MetricSet> Folded) CaseTypeSplit => _caseTypeSplit ??= SplitCaseTypes(Current);

    private (IReadOnlyList<MetricSet> Shown, IReadOnlyList<MetricSet> Folded)? _caseTypeSplit;

    /// <summary>The case types of <paramref name="report"/> the pack shows one by one and those it folds into "other".</summary>
    private static (IReadOnlyList<MetricSet> Shown, IReadOnlyList<MetricSet> Folded) SplitCaseTypes(MetricsReport report) =>
        CategoryBounds.Top(report.ByCaseType.Where(s => s.CaseType is not null), s => s.Decisions);

    /// <summary>
    /// The week's figures of the folded case types together (one metrics call filtered to exactly them, so its ratios are the
    /// warehouse's own); null when none is folded or it was not loaded.
    /// </summary>
    public MetricSet? OtherCaseTypes { get; init; }

    /// <summary>The week has no case in scope.</summary>
    public bool IsEmpty => Current.Overall.Decisions == 0;

    /// <summary>The warehouse filters for the week and scope.</summary>
    public MetricFilters WeekFilters => Request.Scope with { Weeks = [Request.Period.Week] };

    /// <summary>Loads every figure of the pack from the warehouse.</summary>
    /// <param name="warehouse">The warehouse.</param>
    /// <param name="request">Week, scope and as-of.</param>
    /// <param name="generatedAt">When the pack is rendered.</param>
    /// <param name="registry">The experiment registry for the guard rails (none registered when null).</param>
    public static PackData Load(Warehouse warehouse, PackRequest request, DateTimeOffset generatedAt, RiskOps.Sql.Experiments.ExperimentRegistry? registry = null)
    {
        ArgumentNullException.ThrowIfNull(warehouse);
        ArgumentNullException.ThrowIfNull(request);
        var scope = request.Scope with { Weeks = [] };
        var week = scope with { Weeks = [request.Period.Week] };
        warehouse.Validate(week);
        var trailing = request.Period.Trailing(TrendWeeks).Select(p => p.Week).ToArray();
        var current = warehouse.GetMetrics(week, request.AsOf);
        var rollupLakeVersion = warehouse.LastRollupLakeVersion;
        var byType = new Dictionary<string, IReadOnlyList<MetricSet>>(StringComparer.Ordinal);
        var (shown, folded) = SplitCaseTypes(current);
        // Trends only for the case types shown one by one: 200 junk case types cost 12 queries, not 200.
        foreach (var slice in shown)
        {
            // Trends and the previous week show no resolution quantiles: the overview detail answers them from daily rollups.
            byType[slice.CaseType!] = warehouse.GetMetrics(scope with { Weeks = trailing, CaseTypes = [slice.CaseType!] }, request.AsOf, MetricsDetail.Overview).ByWeek;
        }

        var clusters = warehouse.GetClusters(week);
        return new PackData
        {
            Request = request with { Scope = scope },
            GeneratedAt = generatedAt,
            Current = current,
            Previous = warehouse.GetMetrics(scope with { Weeks = [request.Period.Previous.Week] }, request.AsOf, MetricsDetail.Overview),
            Trend = warehouse.GetMetrics(scope with { Weeks = trailing }, request.AsOf, MetricsDetail.Overview),
            TrendByCaseType = byType,
            Thresholds = warehouse.GetThresholds(week),
            Clusters = clusters,
            ClusterTrends = warehouse.GetClusterTrends(scope with { Weeks = trailing }, clusters.Clusters),
            Registry = registry,
            Drift = warehouse.GetDrift(week),
            Overturn = warehouse.GetOverturn(week),
            Experiments = warehouse.GetExperiments(scope, request.AsOf, registry),
            Freshness = LoadFreshness(warehouse),
            RollupLakeVersion = rollupLakeVersion,
            OtherCaseTypes = folded.Count == 0 ? null
                : warehouse.GetMetrics(week with { CaseTypes = folded.Select(s => s.CaseType!).ToArray() }, request.AsOf, MetricsDetail.Overview).Overall,
        };
    }

    private static IReadOnlyList<FreshnessRow> LoadFreshness(Warehouse warehouse)
    {
        string[] kinds = ["decisions", "reviews", "labels", "qa_audits", "sop_coverage"];
        var sql = string.Join(
            "\nunion all\n",
            kinds.Select(k => $"select '{k}' as kind, count(*) as row_count, max(ingested_at) as latest_ingestion from raw_{k}"));
        try
        {
            var result = warehouse.Query(sql);
            return result.Rows.Select(r => new FreshnessRow(
                Convert.ToString(r[0], CultureInfo.InvariantCulture) ?? "",
                Convert.ToInt64(r[1], CultureInfo.InvariantCulture),
                r[2] switch
                {
                    null or DBNull => "never",
                    DateTimeOffset d => ReportFormat.Instant(d),
                    DateTime d => ReportFormat.Instant(new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc))),
                    var other => Convert.ToString(other, CultureInfo.InvariantCulture) ?? "",
                })).ToList();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Freshness is context, not a figure the session decides on: a lake without lineage views still gets its pack.
            return [];
        }
    }
}

/// <summary>
/// The labelled figure beside the population estimate (contract v2 §2 "Population estimates", issue 15 item 1), worded
/// once for the dashboard and the pack: "precision measured on 626 labelled blocks: 73.3 %; estimated for all 2,500
/// decisions: 76.1 %".
/// </summary>
public static class EstimatedVsMeasured
{
    /// <summary>One figure: the measured value over its labelled denominator, the estimate over every decision.</summary>
    public static string Line(string figure, double? measured, long measuredN, string population, double? estimated, long decisions) =>
        $"{figure} measured on {ReportFormat.Count(measuredN)} {population}: {ReportFormat.Percent(measured)}; "
        + $"estimated for all {ReportFormat.Count(decisions)} decisions: {ReportFormat.Percent(estimated)}";

    /// <summary>Precision, recall and accuracy of a slice, each measured vs estimated.</summary>
    public static IReadOnlyList<string> Lines(MetricSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return
        [
            Line("Precision", set.Precision, set.PrecisionN, "labelled blocks (TP+FP)", set.PrecisionEst, set.Decisions),
            Line("Recall", set.Recall, set.RecallN, "labelled true blocks (TP+FN)", set.RecallEst, set.Decisions),
            Line("Accuracy", set.Accuracy, set.AccuracyN, "labelled cases", set.AccuracyEst, set.Decisions),
        ];
    }

    /// <summary>The estimates alone, for text that has just given the measured figures: "Estimated for all 602 decisions: precision 72.1 %, recall 65.2 %, accuracy 84.0 %".</summary>
    public static string EstimatesOnly(MetricSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return $"Estimated for all {ReportFormat.Count(set.Decisions)} decisions: precision {ReportFormat.Percent(set.PrecisionEst)}, "
            + $"recall {ReportFormat.Percent(set.RecallEst)}, accuracy {ReportFormat.Percent(set.AccuracyEst)}";
    }

    /// <summary>The label completeness the estimate rests on: "labels in for 626 of 2,500 decisions (25.0 %)".</summary>
    public static string Completeness(MetricSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return $"labels in for {ReportFormat.Count(set.LabeledCases)} of {ReportFormat.Count(set.Decisions)} decisions ({ReportFormat.Percent(set.LabelCompleteness)})";
    }

    /// <summary>The pack summary's line: precision and recall measured vs estimated, with completeness.</summary>
    public static string Summary(MetricSet set)
    {
        ArgumentNullException.ThrowIfNull(set);
        return $"Estimated vs measured: precision {ReportFormat.Percent(set.Precision)} on {ReportFormat.Count(set.PrecisionN)} labelled blocks, "
            + $"{ReportFormat.Percent(set.PrecisionEst)} estimated for all {ReportFormat.Count(set.Decisions)} decisions; recall {ReportFormat.Percent(set.Recall)} "
            + $"on {ReportFormat.Count(set.RecallN)} labelled true blocks, {ReportFormat.Percent(set.RecallEst)} estimated; {Completeness(set)}. "
            + "The estimate counts each unlabelled case at its calibration-map share (docs/metrics.md).";
    }
}

/// <summary>
/// The pack summary's "Experiments" line: the registry (how many experiments it holds), then each experiment's verdict per
/// case type with the deciding figures and its registry entry (owner), registered experiments with no decision in scope,
/// and experiments the lake shows that the registry does not hold.
/// </summary>
public static class ExperimentSummary
{
    /// <summary>
    /// "Experiments (registry: 2 registered; verdicts over all weeks in scope, weighted labels): poa-model-2026-11 —
    /// POA_REVIEW: treatment SHIP (automation +7.7 pts) [owner demo: model owner]; …", or that none ran.
    /// </summary>
    public static string Line(RiskOps.Sql.Experiments.ExperimentReport? report, RiskOps.Sql.Experiments.ExperimentRegistry? registry = null)
    {
        var registered = registry?.Entries.OrderBy(e => e.Name, StringComparer.Ordinal).ToList() ?? [];
        var head = registry is null ? "registry: none given" : $"registry: {ReportFormat.Count(registered.Count)} registered";
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var parts = new List<string>();
        foreach (var experiment in (report?.Experiments ?? []).GroupBy(e => e.Experiment))
        {
            seen.Add(experiment.Key);
            var entries = experiment.Count(e => e.CaseType is not null) == 1 ? experiment.Where(e => e.CaseType is not null) : experiment;
            var rails = experiment.First().GuardRails;
            var owner = registry is null ? "" : rails.Registered ? $" [owner {rails.Owner}]" : " [not in the registry]";
            var perCaseType = new List<string>();
            foreach (var entry in entries)
            {
                var verdicts = entry.Verdicts.Select(v =>
                {
                    // The figures that decided the verdict first (falls for a rollback, rises for a ship).
                    var deciding = entry.Comparisons.Where(c => c.Variant == v.Key && c.Significant)
                        .OrderBy(c => (v.Value == "rollback" ? c.Diff < 0 : c.Diff > 0) ? 0 : 1).Select(c =>
                        $"{Friendly(c.Metric)} {ReportFormat.Points(c.Value, c.Control)}");
                    var need = entry.CasesNeeded.FirstOrDefault(n => n.Variant == v.Key);
                    var detail = v.Value == "continue"
                        ? need?.NeededPerArm is { } perArm ? $"~{ReportFormat.Count(perArm)} per arm needed" : "no deciding difference yet"
                        : string.Join(", ", deciding);
                    return $"{v.Key} {v.Value.ToUpperInvariant()} ({detail})";
                });
                var days = entry.GuardRails.DaysRunning is { } d && d < RiskOps.Sql.Experiments.GuardRails.MinimumDays ? $" — only {d.ToString("0.#", CultureInfo.InvariantCulture)} days running" : "";
                var srm = entry.GuardRails.Srm.Flagged ? " — sample-ratio mismatch" : "";
                perCaseType.Add($"{entry.CaseType ?? "all case types"}: {string.Join(", ", verdicts)}{days}{srm}");
            }

            parts.Add($"{experiment.Key} — {string.Join("; ", perCaseType)}{owner}");
        }

        parts.AddRange(registered.Where(e => !seen.Contains(e.Name)).Select(e =>
            $"{e.Name} — registered for {string.Join(", ", e.CaseTypes)}, no decision in scope [owner {e.Owner}]"));
        if (parts.Count == 0)
        {
            return $"Experiments ({head}): no decision in scope carries an A/B experiment.";
        }

        return $"Experiments ({head}; verdicts over all weeks in scope, weighted labels): " + string.Join("; ", parts) + ".";
    }

    private static string Friendly(string metric) => metric switch
    {
        "precision_weighted" => "precision (weighted)",
        "recall_weighted" => "recall (weighted)",
        "automation_rate" => "automation",
        "sla_compliance" => "SLA ≤ 4 h",
        _ => metric,
    };
}
