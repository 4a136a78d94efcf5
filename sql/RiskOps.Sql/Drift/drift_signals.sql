-- drift_signals: per UTC ISO week, case type and model version, the decided cases on which each signal fired (a signal
-- listed twice on one case counts once). The rate's denominator is the decisions of drift_confidence.sql.
select week, case_type, model_version, signal, count(*) as n
from (
    select week, case_type, model_version, unnest(list_distinct(signals)) as signal
    from scope
    where signals is not null
)
group by all
order by all
