-- FP/FN pattern clusters, input of the greedy search (contract §2, Analysis/ClusterSearch.cs): labeled cases in scope
-- counted per case type, label and distinct signal set. Signals are deduplicated per case and null or empty entries are
-- not signals; a case without signals has the empty set (it counts in the population, in no set). The search needs
-- nothing finer: cases(S) and support(S) of any set S, in any pool, are sums of these counts over the sets that include S.
-- Reads `scope` (the filtered cases, metrics/scope.sql).
select
    case_type,
    label,
    list_sort(list_distinct(list_filter(coalesce(signals, []::varchar[]), s -> s <> ''))) as signals,
    count(*) as cases
from scope
where labeled
group by all
order by all
