-- FP/FN pattern clusters, input of the greedy search (contract §2, Analysis/ClusterSearch.cs): labeled cases in scope
-- counted per case type, label and distinct signal set, summed from the in-scope rows of scope_daily_signal_sets
-- (rollups/rollup_daily_signal_sets.sql: signals deduplicated per case, null or empty entries dropped, a case without
-- signals has the empty set). The search needs nothing finer: cases(S) and support(S) of any set S, in any pool, are
-- sums of these counts over the sets that include S.
select
    case_type,
    label,
    signals,
    sum(cases)::BIGINT as cases
from scope_daily_signal_sets
group by all
order by all
