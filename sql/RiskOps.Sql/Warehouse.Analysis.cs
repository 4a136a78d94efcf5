using System.Text.Json;
using DuckDB.NET.Data;
using RiskOps.Sql.Analysis;
using RiskOps.Sql.Model;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>
    /// Threshold sweep per case type (contract §2, <c>metrics/threshold_sweep.sql</c>): for t = k/100, k = 50…99, the
    /// pipeline precision, recall and automation over labeled cases, the manual workload per day over all decisions, and
    /// the recommended threshold (the lowest t with precision &gt; 0.95 and recall &gt; 0.99). Case types in ordinal order;
    /// a case type appears when the filters select at least one of its decisions.
    /// </summary>
    public ThresholdReport GetThresholds(MetricFilters filters)
    {
        filters = Resolve(filters);
        lock (_gate)
        {
            return RetryingVanishedFiles(() => WithAnalysisAggregates(filters, () =>
            {
                var rows = ReadRows(SqlScripts.Get("threshold_sweep"), SweepParameters(filters));
                // A case type whose latest scored date holds several thresholds: that date's cases name the latest one.
                var ambiguous = rows.Where(r => (bool)r["threshold_ambiguous"]!).Select(r => ((string)r["case_type"]!, ToDate(r["last_date"])))
                    .Distinct().ToDictionary(k => k.Item1, k => ToDouble(ReadRows(
                        "select first(threshold order by scored_at desc, case_id desc) as threshold from scope where case_type = $case_type and scored_date = $date::DATE",
                        new DuckDBParameter("case_type", k.Item1), new DuckDBParameter("date", k.Item2))[0]["threshold"]));
                return SweepAssembler.Assemble(rows.Select(r => ToSweepRow(r) is var row && ambiguous.TryGetValue(row.CaseType, out var current)
                    ? row with { CurrentThreshold = current }
                    : row));
            }));
        }
    }

    /// <summary>
    /// FP/FN pattern clusters per case type and error label (contract §2, v2: disjoint, significant, specific): the
    /// labeled cases counted per signal set by <c>metrics/clusters_signal_sets.sql</c>, the greedy rounds of
    /// <see cref="ClusterSearch"/> over those counts, and the root cause, examples and weekly counts of each cluster's
    /// removed error cases from <c>metrics/clusters_details.sql</c>. Case types in ordinal order, FP before FN, each in
    /// rank order.
    /// </summary>
    public ClusterReport GetClusters(MetricFilters filters)
    {
        filters = Resolve(filters);
        lock (_gate)
        {
            return RetryingVanishedFiles(() => WithAnalysisAggregates(filters, () =>
            {
                var sets = ReadRows(SqlScripts.Get("clusters_signal_sets")).Select(r => new SignalSetCount(
                    (string)r["case_type"]!, (string)r["label"]!, (List<string>)r["signals"]!, ToLong(r["cases"])));
                var chosen = ClusterSearch.Find(sets);
                var report = new ClusterReport();
                if (chosen.Count == 0)
                {
                    return report;
                }

                var request = JsonSerializer.Serialize(chosen.Select((c, i) => new
                {
                    n = i,
                    case_type = c.CaseType,
                    label = c.Label,
                    rank = c.Rank,
                    signals = c.Signals,
                }));
                var details = ReadRows(SqlScripts.Get("clusters_details"), new DuckDBParameter("clusters", request))
                    .ToDictionary(r => (int)ToLong(r["n"]));
                // The examples are the report's one per-case read, narrowed to the dates that hold them.
                var dates = details.Values.SelectMany(d => ((System.Collections.IEnumerable)d["example_dates"]!).Cast<object>().Select(ToDate))
                    .Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
                var examples = dates.Count == 0
                    ? []
                    : ReadRows(SqlScripts.Get("clusters_examples"), new DuckDBParameter("clusters", request), new DuckDBParameter("dates", dates))
                        .ToDictionary(r => (int)ToLong(r["n"]), r => (List<string>)r["example_case_ids"]!);
                for (var i = 0; i < chosen.Count; i++)
                {
                    var cluster = chosen[i];
                    var detail = details[i];
                    var rootCauseType = (string?)detail["root_cause_type"];
                    var weeks = (List<string>)detail["weeks"]!;
                    var counts = (List<long>)detail["week_counts"]!;
                    report.Clusters.Add(new Cluster
                    {
                        CaseType = cluster.CaseType,
                        Label = cluster.Label,
                        Rank = cluster.Rank,
                        Signals = [.. cluster.Signals],
                        Support = cluster.Support,
                        Cases = cluster.Cases,
                        ExcessErrors = cluster.ExcessErrors,
                        Lift = cluster.Lift,
                        RootCauseType = rootCauseType,
                        RootCauseCode = (string?)detail["root_cause_code"],
                        Route = RouteOf(rootCauseType),
                        ExampleCaseIds = [.. examples.GetValueOrDefault(i) ?? []],
                        Weekly = weeks.Select((w, j) => new WeeklyCount { Week = w, Count = counts[j] }).ToList(),
                    });
                }

                return report;
            }));
        }
    }

    /// <summary>
    /// Runs <paramref name="body"/> with the case scope (<see cref="WithScope{T}"/>) and the in-scope analysis rollups
    /// <c>scope_daily_sweep</c>, <c>scope_daily_handling</c> and <c>scope_daily_signal_sets</c> in place: over a fresh
    /// rollup, views over the published tables (bound once per version, filtered by <c>scope_filter</c>); otherwise temp
    /// tables aggregated from the raw case scope by the same <c>rollups/rollup_daily_*.sql</c> files. So the sweep and
    /// the clusters read no per-case row over the rollup, and both paths give the same figures. Call under the gate.
    /// </summary>
    private T WithAnalysisAggregates<T>(MetricFilters filters, Func<T> body) => WithScope(filters, () =>
    {
        if (LastScopeFromRollup)
        {
            if (!_rollupAnalysisBound)
            {
                var views = new List<string>();
                foreach (var table in AnalysisTables)
                {
                    BindRollupTable(_rollupViews!, table, views);
                }

                _rollupAnalysisBound = true;
            }

            return body();
        }

        try
        {
            foreach (var table in AnalysisTables)
            {
                Execute($"create or replace temp table scope_{table} as {SqlScripts.Get($"rollup_{table}")}");
            }

            return body();
        }
        finally
        {
            Execute(string.Concat(AnalysisTables.Select(t => $"drop table if exists scope_{t};")));
        }
    });

    /// <summary>A DATE value as <c>yyyy-MM-dd</c> (DuckDB.NET hands dates over as <see cref="DateOnly"/> or <see cref="DateTime"/>).</summary>
    private static string ToDate(object? value) => value switch
    {
        DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? throw new InvalidOperationException("a date was null"),
    };

    /// <summary>The route of a root-cause type: A → <c>retrain</c>, B → <c>threshold_rules</c>, C → <c>sop_update</c>.</summary>
    public static string? RouteOf(string? rootCauseType) => rootCauseType switch
    {
        "A" => "retrain",
        "B" => "threshold_rules",
        "C" => "sop_update",
        _ => null,
    };

    private static DuckDBParameter[] SweepParameters(MetricFilters filters) =>
        FilterParameters(filters).Where(p => p.ParameterName is "from" or "to" or "weeks" or "vendors").ToArray();

    private static SweepRow ToSweepRow(Dictionary<string, object?> r) => new(
        (string)r["case_type"]!,
        (int)ToLong(r["k"]),
        ToDouble(r["threshold"])!.Value,
        ToLong(r["labeled_cases"]),
        ToLong(r["decisions"]),
        ToLong(r["manual_cases"]),
        ToLong(r["days"]),
        ToDouble(r["current_threshold"]),
        ToDouble(r["median_hours"]),
        ToDouble(r["precision"]),
        ToDouble(r["recall"]),
        ToDouble(r["automation"]),
        ToDouble(r["manual_cases_per_day"]),
        ToDouble(r["reviewer_hours_per_day"]),
        (bool)r["meets_targets"]!,
        ToLong(r["tp_auto"]),
        ToLong(r["fp_auto"]),
        ToLong(r["blocks_manual"]),
        ToLong(r["true_blocks"]));
}
