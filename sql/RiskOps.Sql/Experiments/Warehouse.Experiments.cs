using DuckDB.NET.Data;
using RiskOps.Sql.Experiments;
using RiskOps.Sql.Model;

namespace RiskOps.Sql;

public sealed partial class Warehouse
{
    /// <summary>
    /// The A/B comparisons of contract v2 §2 for the cases the filters select, open cases aged to
    /// <paramref name="asOf"/>: per experiment and per (experiment, case type), each variant's figures on weighted
    /// labels, its comparisons with <c>control</c>, its verdict and its guard rails against <paramref name="registry"/>
    /// (none registered when null). Read from the rollup's case snapshot when one is
    /// in use, else from the views (the same SQL over either).
    /// </summary>
    public ExperimentReport GetExperiments(MetricFilters filters, DateTimeOffset asOf, ExperimentRegistry? registry = null)
    {
        filters = Resolve(filters);
        lock (_gate)
        {
            var rows = RetryingVanishedFiles(() => WithScope(filters, () => ReadRows(
                SqlScripts.Get("experiments_arms"),
                new DuckDBParameter("as_of_us", (asOf.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / 10))));
            var arms = rows.Select(r => new ArmCounts(
                (string)r["experiment"]!,
                (string?)r["case_type"],
                (string)r["variant"]!,
                ToLong(r["decisions"]),
                ToLong(r["labeled_cases"]),
                ToLong(r["auto_decisions"]),
                ToLong(r["sla_met"]),
                ToLong(r["sla_denominator"]),
                ToDouble(r["w_tp"]) ?? 0,
                ToDouble(r["w2_tp"]) ?? 0,
                ToDouble(r["w_fp"]) ?? 0,
                ToDouble(r["w2_fp"]) ?? 0,
                ToDouble(r["w_fn"]) ?? 0,
                ToDouble(r["w2_fn"]) ?? 0,
                ToDouble(r["e_tp"]) ?? 0,
                ToDouble(r["e_fp"]) ?? 0,
                ToDouble(r["e_fn"]) ?? 0,
                r["first_scored_us"] is { } first ? DateTimeOffset.UnixEpoch.AddTicks(ToLong(first) * 10) : null)).ToList();
            return ExperimentAssembler.Assemble(arms, asOf, registry);
        }
    }
}
