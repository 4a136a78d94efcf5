-- decision_accuracy: per slice of the audited case (scope_daily) — QA audits (latest per audit_id) with verdict correct
-- / all audits of in-scope cases; slices without audits have no row.
select
    k.dimension,
    slice_of(k.dimension, d.case_type, d.week, d.model_version, d.region) as slice,
    sum(d.qa_audits)::bigint as qa_audits,
    sum(d.qa_correct)::bigint as qa_correct,
    sum(d.qa_correct) / nullif(sum(d.qa_audits), 0) as decision_accuracy
from scope_daily d
cross join dimensions() k
group by all
having sum(d.qa_audits) > 0
order by all
