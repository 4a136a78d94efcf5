-- rollup_daily_signal_sets: labeled in-scope cases per case dimensions, latest label, distinct signal set and root cause —
-- the FP/FN cluster search's input (contract §2, Analysis/ClusterSearch.cs, metrics/clusters_*.sql). Signals are
-- deduplicated per case and null or empty entries are not signals; a case without signals has the empty set. cases(S) and
-- support(S) of any set S in any pool, a cluster's root causes and its weekly counts are sums of these counts.
select
    scored_date,
    week,
    case_type,
    model_version,
    region,
    review_vendors,
    label,
    list_sort(list_distinct(list_filter(coalesce(signals, []::VARCHAR[]), s -> s <> ''))) as signals,
    root_cause_type,
    root_cause_code,
    count(*) as cases
from scope
where labeled
group by all
order by all
