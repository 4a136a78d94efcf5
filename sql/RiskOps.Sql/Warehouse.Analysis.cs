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
            return RetryingVanishedFiles(() => WithScope(filters, () =>
            {
                var rows = ReadRows(SqlScripts.Get("threshold_sweep"), SweepParameters(filters));
                return SweepAssembler.Assemble(rows.Select(ToSweepRow));
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
            return RetryingVanishedFiles(() => WithScope(filters, () =>
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
                        ExampleCaseIds = [.. (List<string>)detail["example_case_ids"]!],
                        Weekly = weeks.Select((w, j) => new WeeklyCount { Week = w, Count = counts[j] }).ToList(),
                    });
                }

                return report;
            }));
        }
    }

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
